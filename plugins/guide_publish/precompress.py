"""Gzip and Brotli copies beside text files, for servers that send them as they are.

Both are deterministic: gzip with no file name and a zero mtime in its header, Brotli
at a fixed quality. A copy that is not smaller than its source is left out (and any
older copy removed), so a server never sends more bytes than the plain file.
"""

from __future__ import annotations

import gzip
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Iterable

import brotli

GZIP_LEVEL = 9
BROTLI_QUALITY = 11  # the densest; the copies are made once per publish and read many times


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


def brotli_bytes(data: bytes) -> bytes:
    return brotli.compress(data, mode=brotli.MODE_TEXT, quality=BROTLI_QUALITY)


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {".gz": gzip_bytes, ".br": brotli_bytes}


def files_to_compress(folder: Path, extensions: Iterable[str]) -> list[Path]:
    wanted = {extension.lower() for extension in extensions}
    return sorted(
        path for path in folder.rglob("*") if path.suffix.lower() in wanted and path.is_file()
    )


def compress_file(path: Path) -> int:
    """Write path.gz and path.br where they are smaller; the number of copies written."""
    data = path.read_bytes()
    written = 0
    for suffix, compress in COMPRESSORS.items():
        copy = path.with_name(path.name + suffix)
        blob = compress(data)
        if len(blob) < len(data):
            copy.write_bytes(blob)
            written += 1
        elif copy.exists():
            copy.unlink()
    return written


def precompress(folder: Path, extensions: Iterable[str]) -> tuple[int, int]:
    """Compress every matching file under `folder`: (files seen, copies written)."""
    paths = files_to_compress(folder, extensions)
    # zlib and brotli release the GIL while they work, so threads use every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        written = sum(pool.map(compress_file, paths))
    return len(paths), written
