"""A BERT encoder with a span head, in plain torch, loading the base weights by name.

Written out (about 80 lines) rather than taken from `transformers`: it is all the model
needs, it exports to ONNX with the plain exporter, and training has one dependency less.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import torch
from torch import nn
from torch.nn import functional as F


class Layer(nn.Module):
    """One post-norm transformer layer, named as BERT's checkpoints name its parts."""

    def __init__(self, width: int, heads: int, inner: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = (nn.Linear(width, width) for _ in range(3))
        self.attn_out = nn.Linear(width, width)
        self.attn_norm = nn.LayerNorm(width, eps=eps)
        self.inner = nn.Linear(width, inner)
        self.outer = nn.Linear(inner, width)
        self.out_norm = nn.LayerNorm(width, eps=eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        b, t, w = x.shape
        d = w // self.heads

        def split(h: torch.Tensor) -> torch.Tensor:
            return h.view(b, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + bias, dim=-1)
        ctx = (self.drop(att) @ v).transpose(1, 2).reshape(b, t, w)
        x = self.attn_norm(x + self.drop(self.attn_out(ctx)))
        return self.out_norm(x + self.drop(self.outer(F.gelu(self.inner(x)))))


class SpanModel(nn.Module):
    """BERT embeddings and layers, then one linear map to start and end logits per token."""

    def __init__(self, config: dict) -> None:
        super().__init__()
        width, eps, drop = config["hidden_size"], config["layer_norm_eps"], config["hidden_dropout_prob"]
        self.word = nn.Embedding(config["vocab_size"], width)
        self.position = nn.Embedding(config["max_position_embeddings"], width)
        self.token_type = nn.Embedding(config["type_vocab_size"], width)
        self.emb_norm = nn.LayerNorm(width, eps=eps)
        self.drop = nn.Dropout(drop)
        self.layers = nn.ModuleList(
            Layer(width, config["num_attention_heads"], config["intermediate_size"], eps, drop)
            for _ in range(config["num_hidden_layers"])
        )
        self.span = nn.Linear(width, 2)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        positions = torch.arange(input_ids.shape[1], device=input_ids.device).unsqueeze(0)
        x = self.word(input_ids) + self.position(positions) + self.token_type(token_type_ids)
        x = self.drop(self.emb_norm(x))
        # Padding gets a large negative bias, not -inf: a row of -inf would make NaNs.
        bias = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        start, end = self.span(x).unbind(-1)
        return start, end


# Our names for the checkpoint's: BERT's long paths, one layer's worth.
_LAYER_NAMES = {
    "query": "attention.self.query", "key": "attention.self.key",
    "value": "attention.self.value", "attn_out": "attention.output.dense",
    "attn_norm": "attention.output.LayerNorm", "inner": "intermediate.dense",
    "outer": "output.dense", "out_norm": "output.LayerNorm",
}
_TOP_NAMES = {
    "word": "embeddings.word_embeddings", "position": "embeddings.position_embeddings",
    "token_type": "embeddings.token_type_embeddings", "emb_norm": "embeddings.LayerNorm",
}


def checkpoint_name(ours: str) -> str | None:
    """The base checkpoint's name for one of our parameters (None for the new span head)."""
    part, _, leaf = ours.rpartition(".")
    if part in _TOP_NAMES:
        return f"{_TOP_NAMES[part]}.{leaf}"
    if part.startswith("layers."):
        _, n, sub = part.split(".")
        return f"encoder.layer.{n}.{_LAYER_NAMES[sub]}.{leaf}"
    return None


def from_base(base_dir: Path, seed: int) -> SpanModel:
    """The model with the base encoder's weights and a freshly seeded span head."""
    from safetensors.torch import load_file

    config = json.loads((base_dir / "config.json").read_text())
    torch.manual_seed(seed)
    model = SpanModel(config)
    weights = load_file(str(base_dir / "model.safetensors"))
    state = model.state_dict()
    for name in state:
        source = checkpoint_name(name)
        if source is not None:
            state[name] = weights[source].to(state[name].dtype)
    nn.init.normal_(model.span.weight, std=config["initializer_range"])
    nn.init.zeros_(model.span.bias)
    state["span.weight"], state["span.bias"] = model.span.weight.data, model.span.bias.data
    model.load_state_dict(state)
    return model
