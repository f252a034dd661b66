"""Arrays on disk as .npy files with a checksum each: a cut or altered file is refused."""
from __future__ import annotations

import mmap
import zlib
from collections.abc import Collection, Mapping
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


def load_arrays(folder: Path, manifest: Any, mapped: Collection[str] = ()) -> dict[str, np.ndarray]:
    """The arrays `manifest` lists, each checked; those in `mapped` are memory-mapped, read-only.

    ValueError when a file's checksum, type or shape differs from the manifest.
    """
    if not isinstance(manifest, dict):
        raise ValueError("corrupt index: no array manifest")
    out = {}
    for name, entry in manifest.items():
        path = folder / f"{name}.npy"
        if not (isinstance(entry, list) and len(entry) == 3) or _crc(path) != entry[2]:
            raise ValueError(f"corrupt index: {path.name} checksum")
        array = np.load(path, mmap_mode="r" if name in mapped else None, allow_pickle=False)
        if array.dtype.str != entry[0] or list(array.shape) != entry[1]:
            raise ValueError(f"corrupt index: {path.name} shape")
        out[name] = array
    return out


def _crc(path: Path) -> int:
    """The file's CRC-32, read through a mapping that is gone again when this returns.

    Pages read through a closed mapping no longer count as this process's memory.
    """
    with open(path, "rb") as file:
        if not file.seek(0, 2):
            return 0
        with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as view:
            return zlib.crc32(view)
