"""The fine-tuned span model, run with ONNX Runtime: windows in, start/end logits out."""
from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.span_reader.inputs import Encoded, batch_arrays

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = "reader.int8.onnx"
SETTINGS_FILE = "reader.json"  # reading settings, abstention weights and provenance


class ModelMissing(RuntimeError):
    """The model file is not there (a checkout without it, or one half-written)."""


def load_settings(model_dir: Path = MODEL_DIR) -> dict[str, Any]:
    return json.loads((model_dir / SETTINGS_FILE).read_text(encoding="utf-8"))


class OnnxSpanModel:
    """Start and end logits for a batch of encoded windows: one model's, or the mean of
    several models' (an ensemble errs less than either of its members)."""

    def __init__(self, paths: Path | Sequence[Path], threads: int | None = None) -> None:
        import onnxruntime as ort

        paths = [paths] if isinstance(paths, Path) else list(paths)
        options = ort.SessionOptions()
        # Two threads suit the 2-core machines qabot runs on; more only contend with the bot.
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.sessions = []
        for path in paths:
            if not path.is_file():
                raise ModelMissing(f"the reader's model {path} is missing: run `make train`")
            self.sessions.append(ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]))

    def logits(self, encoded: Sequence[Encoded]) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) logits, each [windows, tokens]; padding positions are meaningless."""
        arrays = batch_arrays(encoded)
        runs = [s.run(["start_logits", "end_logits"], arrays) for s in self.sessions]
        if len(runs) == 1:
            return runs[0][0], runs[0][1]
        return np.mean([r[0] for r in runs], axis=0), np.mean([r[1] for r in runs], axis=0)
