"""Arrays on disk as .npy files with a checksum each: a cut or altered file is refused."""
from __future__ import annotations

import mmap
import os
import weakref
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np


def save_arrays(folder: Path, arrays: Mapping[str, np.ndarray]) -> dict[str, list[Any]]:
    """Write each array to `folder/name.npy`; return what `load_arrays` checks them against."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for name, array in arrays.items():
        path = folder / f"{name}.npy"
        np.save(path, np.ascontiguousarray(array), allow_pickle=False)
        manifest[name] = [array.dtype.str, list(array.shape), _crc(path)]
    return manifest


def load_arrays(folder: Path, manifest: Any) -> dict[str, np.ndarray]:
    """The arrays `manifest` lists, each checked against it; ValueError when one differs."""
    if not isinstance(manifest, dict):
        raise ValueError("corrupt index: no array manifest")
    out = {}
    for name, entry in manifest.items():
        path = _checked(folder, name, entry)
        array = np.load(path, allow_pickle=False)
        if array.dtype.str != entry[0] or list(array.shape) != entry[1]:
            raise ValueError(f"corrupt index: {path.name} shape")
        out[name] = array
    return out


class StoredBytes:
    """A checked uint8 array left in its file: slices are read when asked for, never kept.

    The open descriptor keeps the file readable even once a newer index replaces its folder.
    """

    def __init__(self, folder: Path, name: str, entry: Any) -> None:
        path = _checked(folder, name, entry)
        with open(path, "rb") as file:
            version = np.lib.format.read_magic(file)
            header = {(1, 0): np.lib.format.read_array_header_1_0,
                      (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            shape, _, dtype = header(file) if header else ((), False, None)
            self.offset = file.tell()
        if dtype != np.uint8 or len(shape) != 1 or list(shape) != entry[1]:
            raise ValueError(f"corrupt index: {path.name} is not the bytes it should be")
        self.size = int(shape[0])
        self._fd = os.open(path, os.O_RDONLY)
        weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.size

    def read(self, start: int, end: int) -> bytes:
        """Bytes start..end of the array."""
        data = os.pread(self._fd, end - start, self.offset + start)
        if len(data) != end - start:
            raise OSError(f"index file cut short: {end - start} bytes asked, {len(data)} read")
        return data


def _checked(folder: Path, name: str, entry: Any) -> Path:
    path = folder / f"{name}.npy"
    if not (isinstance(entry, list) and len(entry) == 3) or _crc(path) != entry[2]:
        raise ValueError(f"corrupt index: {path.name} checksum")
    return path


def _crc(path: Path) -> int:
    """The file's CRC-32, read through a mapping that is gone again when this returns.

    Pages read through a closed mapping no longer count as this process's memory.
    """
    with open(path, "rb") as file:
        if not file.seek(0, 2):
            return 0
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as view:
            return zlib.crc32(view)
