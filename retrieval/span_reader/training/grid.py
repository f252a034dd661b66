"""Train a few settings and keep the weights that do best on the dev windows.

    python -m retrieval.span_reader.training.grid --data .train/train.npz \
        --dev .train/dev.npz --base .train/base --out DIR

Each setting is one `train` run; after each, the best weights so far (by exact spans plus
right no-answers on the dev windows, last epoch) are written to DIR in float16, in parts
of 15 MB (`weights.safetensors.part-aa`, ...: `cat` joins them), with every run's log.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

SETTINGS = [  # (epochs, learning rate)
    (5, 1e-4), (4, 1.5e-4), (7, 8e-5),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--dev", type=Path, required=True)
    parser.add_argument("--base", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("/tmp/grid"))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    best, logs = -1.0, []
    for epochs, lr in SETTINGS:
        weights = args.work / f"e{epochs}-lr{lr}.safetensors"
        subprocess.run([
            sys.executable, "-m", "retrieval.span_reader.training.train", "--data", str(args.data),
            "--dev", str(args.dev), "--base", str(args.base), "--out", str(weights),
            "--epochs", str(epochs), "--lr", str(lr), "--half"], check=True)
        result = json.loads(weights.with_suffix(".json").read_text())
        last = result["log"][-1]
        value = last["span_exact"] + last["null_right"]
        logs.append({"epochs": epochs, "lr": lr, "dev": value, **result})
        if value > best:
            best = value
            for old in args.out.glob("weights.safetensors.part-*"):
                old.unlink()
            subprocess.run(["split", "-b", "15M", str(weights),
                            str(args.out / "weights.safetensors.part-")], check=True)
            logs[-1]["chosen"] = True
            for entry in logs[:-1]:
                entry.pop("chosen", None)
        (args.out / "grid.json").write_text(json.dumps(logs, indent=1))
        print(f"epochs {epochs} lr {lr}: dev {value:.4f} (best {best:.4f})", flush=True)


if __name__ == "__main__":
    main()
