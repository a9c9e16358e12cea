"""The output folder, handled so that no build ever harms what it did not make.

- `refusal` says why a folder must not be replaced: a file, the content folder or
  anything around it, a git checkout, or a folder of someone else's files (no stamp).
- `Lock` lets one build at a time write a given output folder (flock on a file in the
  user's cache folder).
- `Staging` is a uniquely named folder beside the output: the build writes there, and
  `swap` puts it in place in one rename (renameat2 RENAME_EXCHANGE), which leaves the old
  site at the staging folder's name. A build that fails removes its folder; a build that
  is killed (SIGKILL included) has it removed by a small guardian process, which waits for
  the end of a pipe only the build holds; should even that fail, the next build recognises
  it and removes it. The guardian deletes the old site too, once `guide-build` has ended
  (the author's command does not wait for it); the devserver deletes it after the reload.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

from .files import STAMP, read_stamp

STAGING_MARK = ".guide-staging"  # inside every staging folder while it is being built
_RENAME_EXCHANGE = 2  # <linux/fs.h>
_AT_FDCWD = -100


def _inside(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def refusal(output: str, content: str, default_output: str | None, retained=()) -> str | None:
    """Why `output` must not be replaced by a build, or None when it may be."""
    real = os.path.realpath(output)
    content = os.path.realpath(content)
    if os.path.islink(output) and not os.path.exists(real):
        return f"OUTPUTDIR {output} is a link to {real}, which does not exist"
    if os.path.exists(real) and not os.path.isdir(real):
        return f"OUTPUTDIR {output} is a file, not a folder; the build replaces only folders it made"
    if _inside(real, content) or _inside(content, real):
        where = (
            "is the content folder"
            if real == content
            else "is inside the content folder"
            if _inside(real, content)
            else "holds the content folder"
        )
        return f"OUTPUTDIR {output} {where} ({content}); choose a folder of its own, like output/"
    if not os.path.isdir(real):
        return None
    names = set(os.listdir(real)) - set(retained)
    if ".git" in names:
        return (
            f"OUTPUTDIR {output} holds a .git folder; the build will not replace a repository "
            "(OUTPUT_RETENTION = ['.git'] keeps it)"
        )
    if names and read_stamp(real) is None and real != default_output:
        return (
            f"OUTPUTDIR {output} holds files the build did not make (no {STAMP} stamp); "
            "empty it or choose another folder"
        )
    return None


def lock_folder() -> str:
    """The user's cache folder (XDG), not the site's CACHE_PATH: two builds of one output
    folder take turns whatever their settings, and nothing lands in the site root."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "pelican-guide", "locks")


class Lock:
    """An exclusive lock per output folder, on a file named by the folder's real path, which
    exists only while a build holds it."""

    def __init__(self, output: str):
        real = os.path.realpath(output)
        key = hashlib.blake2b(os.fsencode(real), digest_size=8).hexdigest()
        self.path = os.path.join(lock_folder(), f"{os.path.basename(real)}-{key}.lock")
        self._handle = None

    def acquire(self, wait: bool, waiting=lambda: None) -> bool:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        told = False
        while True:
            handle = open(self.path, "a")  # noqa: SIM115 - the lock is held while it is open, past this call
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not wait:
                    handle.close()
                    return False
                if not told:
                    waiting()
                    told = True
                fcntl.flock(handle, fcntl.LOCK_EX)
            # The build before removes the file as it lets go (release): a lock taken on the
            # removed file is no lock, so take the one on the file now at the path.
            try:
                held, current = os.fstat(handle.fileno()), os.stat(self.path)
                if (held.st_dev, held.st_ino) == (current.st_dev, current.st_ino):
                    self._handle = handle
                    return True
            except FileNotFoundError:
                pass
            handle.close()

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)  # still held: no lock file is left behind
            self._handle.close()  # closing drops the flock
            self._handle = None


def remove_stale_staging(output: str) -> None:
    """Staging folders that killed builds left beside `output` (call with the lock held)."""
    parent, name = os.path.split(output)
    for entry in os.listdir(parent):
        path = os.path.join(parent, entry)
        if (
            entry.startswith(f".{name}.staging-")
            and os.path.isdir(path)
            and not os.path.islink(path)
            and (os.path.exists(os.path.join(path, STAGING_MARK)) or read_stamp(path) is not None)
        ):
            shutil.rmtree(path, ignore_errors=True)


# The guardian: it reads a line per staging folder begun (+) or ended (-), its path in hex;
# when its stdin ends (the build process has ended, however), each folder begun and not
# ended goes, if it is still one (marked as staging, or holding a site: the old site
# after a swap).
_GUARDIAN = """
import os, shutil, sys
left = set()
for line in sys.stdin.buffer:
    path = os.fsdecode(bytes.fromhex(line[1:].decode()))
    (left.add if line[:1] == b"+" else left.discard)(path)
for path in left:
    if not os.path.islink(path) and any(os.path.exists(os.path.join(path, m)) for m in sys.argv[1:]):
        shutil.rmtree(path, ignore_errors=True)
"""


class _Guardian:
    """One small process per build process (a devserver's builds share it), started with
    the first staging folder, holding the read end of a pipe whose write end only this
    process (and its forked workers) holds."""

    def __init__(self):
        self.pid = None
        self.pipe = None

    def tell(self, sign: str, path: str) -> None:
        if self.pid != os.getpid():
            self.pid, self.pipe = os.getpid(), self._start()
        if self.pipe is not None:
            try:
                os.write(self.pipe, f"{sign}{os.fsencode(path).hex()}\n".encode())
            except OSError:  # the guardian is gone: the next build removes what this one leaves
                self.pipe = None

    @staticmethod
    def _start() -> int | None:
        read_end, write_end = os.pipe()
        try:
            # Its own session: a Ctrl-C meant for the build does not end it first.
            subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _GUARDIAN, STAGING_MARK, STAMP],
                stdin=read_end,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError:  # no process to be had: the next build removes what this one leaves
            os.close(write_end)
            return None
        finally:
            os.close(read_end)
        return write_end


_guardian = _Guardian()


class Staging:
    """The folder a build writes its site into, beside the output, in the guardian's care."""

    def __init__(self, output: str):
        parent, name = os.path.split(output)
        self.path = tempfile.mkdtemp(dir=parent, prefix=f".{name}.staging-")
        os.chmod(self.path, 0o755)
        open(os.path.join(self.path, STAGING_MARK), "w").close()
        _guardian.tell("+", self.path)

    def discard(self) -> None:
        """The build is over: the folder goes if it is still there (a failed build)."""
        shutil.rmtree(self.path, ignore_errors=True)
        _guardian.tell("-", self.path)


def exchange(first: str, second: str) -> bool:
    """`first` and `second` swapped in one step (renameat2 RENAME_EXCHANGE); False where the
    system cannot, and nothing is changed then."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        result = libc.renameat2(
            _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
        )
    except (OSError, AttributeError, TypeError):
        return False
    return result == 0


def swap(staging: str, output: str, retained=(), old_site=None) -> None:
    """Put `staging` where `output` is, in one step; the old site, now at the staging
    folder's name (or beside it), is deleted, or handed to `old_site(folder)`."""
    os.unlink(os.path.join(staging, STAGING_MARK))
    if not os.path.exists(output):
        os.rename(staging, output)
        return
    for name in retained:  # OUTPUT_RETENTION: CNAME, a gh-pages checkout's .git
        kept = os.path.join(output, name)
        if os.path.lexists(kept) and not os.path.lexists(os.path.join(staging, name)):
            os.rename(kept, os.path.join(staging, name))
    if not exchange(staging, output):
        old = staging + ".old"
        os.rename(output, old)  # the live path is missing only between these two renames
        os.rename(staging, output)
        staging = old
    (old_site or delete_folder)(staging)


def delete_folder(folder: str) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def left_to_the_guardian(staging: Staging):
    """`old_site` for swap: the old site at the staging folder's name is the guardian's to
    delete once the build's process ends (`guide-build` does not wait for it); at another
    name (no renameat2), it is deleted now."""

    def leave(folder: str) -> None:
        if folder != staging.path:
            delete_folder(folder)

    return leave
