"""Fitting and exporting the span reader (needs the `train` extra: torch, onnx)."""
