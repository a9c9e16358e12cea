"""Replace a folder with another in one step, so readers never see a half-written site."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess

_RENAME_EXCHANGE = 2  # from <linux/fs.h>
_AT_FDCWD = -100


def _exchange(first: str, second: str) -> bool:
    """Swap two paths atomically with renameat2(2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return result == 0


def staging_path(output: str) -> str:
    """A sibling of the output folder: on the same file system, so a rename can move it."""
    parent, name = os.path.split(os.path.abspath(output))
    return os.path.join(parent, f".{name}.staging")


def replace_folder(new: str, live: str) -> None:
    """Put `new` where `live` is. The old `live` is left at `new`'s path when the system
    can swap the two: the next build removes it while it reads (see clear_in_background)."""
    if not os.path.lexists(live):
        os.rename(new, live)
        return
    if _exchange(new, live):
        return
    # Two renames: the live path is missing only between them.
    retired = new + ".old"
    shutil.rmtree(retired, ignore_errors=True)
    os.rename(live, retired)
    os.rename(new, live)
    shutil.rmtree(retired)


def clear_in_background(folder: str) -> subprocess.Popen | None:
    """Move `folder` aside and delete it in another process, so a build need not wait for
    a thousand unlinks before it starts. A process, not a thread: a thread running
    shutil.rmtree holds the GIL half the time and slows the build it hides behind."""
    if not os.path.lexists(folder):
        return None
    doomed = f"{folder}.old-{os.getpid()}"
    shutil.rmtree(doomed, ignore_errors=True)
    os.rename(folder, doomed)
    return subprocess.Popen(["rm", "-rf", "--", doomed])
