"""qabot's answer engine: corpus -> sentence passages -> BM25 -> reader -> Answer.

The names below load on first use, so that a part of the package (the span reader's
training, say) can be imported without the whole engine and its language models.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "CorpusError": "retrieval.corpus", "load_corpus": "retrieval.corpus",
    "Engine": "retrieval.engine", "EngineConfig": "retrieval.engine",
    "Answer": "retrieval.values", "Claim": "retrieval.values", "Document": "retrieval.values",
    "Evidence": "retrieval.values", "Hit": "retrieval.values",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'retrieval' has no attribute {name!r}")
