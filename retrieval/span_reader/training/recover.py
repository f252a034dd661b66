"""Float weights back from a shipped int8 ONNX model, to go on training it.

    python -m retrieval.span_reader.training.recover --out .train/shipped.safetensors

The shipped model keeps no float copy (only the int8 file ships), and a training run on a
GPU is not always at hand; continuing from the shipped model on new questions is cheaper
than starting again from the base encoder. Each int8 tensor is dequantised,
(q - zero_point) * scale, and put back under the torch name its graph node carries
(`/layers.0/query/MatMul` -> `layers.0.query.weight`, stored transposed by the exporter).
The result is checked against the ONNX model on real windows before it is written.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch

from retrieval.span_reader.model import MODEL_DIR, MODEL_FILE
from retrieval.span_reader.training.bert import SpanModel
from retrieval.span_reader.training.export import CONFIG, agreement


def _dequantise(arrays: dict[str, np.ndarray], name: str) -> np.ndarray:
    q = arrays[f"{name}_quantized"].astype(np.float32)
    return (q - arrays[f"{name}_zero_point"].astype(np.float32)) * arrays[f"{name}_scale"]


def float_state(onnx_path: Path) -> dict[str, torch.Tensor]:
    """The torch state dict the int8 model was quantised from, up to rounding."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(onnx_path)).graph
    arrays = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    state = {k: torch.from_numpy(v.copy()) for k, v in arrays.items()
             if k.endswith((".weight", ".bias")) and v.dtype == np.float32}
    for name in {k[: -len("_quantized")] for k in arrays if k.endswith("_quantized")}:
        if name.endswith(".weight"):  # an embedding table, quantised under its own name
            state[name] = torch.from_numpy(_dequantise(arrays, name))
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        weight = node.input[1][: -len("_quantized")]
        module = node.output[0].strip("/").split("/MatMul")[0].replace("/", ".")
        state[f"{module}.weight"] = torch.from_numpy(_dequantise(arrays, weight).T.copy())
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL_DIR / MODEL_FILE)
    parser.add_argument("--check", type=Path, default=Path(".train/dev.npz"))
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    from safetensors.torch import save_file

    model = SpanModel(json.loads(CONFIG.read_text()))
    missing = set(model.state_dict()) - set(state := float_state(args.model))
    if missing:
        raise SystemExit(f"the ONNX model lacks {sorted(missing)[:5]}: not a qabot span model?")
    model.load_state_dict(state)
    check = agreement(model.eval(), args.model, args.check)
    print("recovered vs int8:", json.dumps(check))
    if min(check["start_agree"], check["end_agree"]) < 0.9:
        raise SystemExit("the recovered weights disagree with the ONNX model: not written")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(args.out))
    print(f"written {args.out}")


if __name__ == "__main__":
    main()
