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
    """Start and end logits for a batch of encoded windows."""

    def __init__(self, path: Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        if not path.is_file():
            raise ModelMissing(f"the reader's model {path} is missing: run `make train`")
        options = ort.SessionOptions()
        # Two threads suit the 2-core machines qabot runs on; more only contend with the bot.
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(path), options, providers=["CPUExecutionProvider"])

    def logits(self, encoded: Sequence[Encoded]) -> tuple[np.ndarray, np.ndarray]:
        """(start, end) logits, each [windows, tokens]; padding positions are meaningless."""
        start, end = self.session.run(["start_logits", "end_logits"], batch_arrays(encoded))
        return start, end
