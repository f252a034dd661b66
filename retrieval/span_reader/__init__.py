"""The neural span reader: a small pretrained encoder fine-tuned to mark the answer span of a
question in a few retrieved windows, or to say that none holds it.

Stages, one module each: `windows` (what the model reads), `inputs` (token ids and offsets),
`model` (ONNX inference), `spans` (logits to verbatim answers), `rank` (which candidate to
give), `abstain` (when to say no), `reader` (the stages composed). `training/` fits and
exports the model (needs torch).
"""
