"""qabot's answer engine: corpus -> sentence passages -> BM25 -> reader -> Answer."""
from retrieval.corpus import CorpusError, load_corpus
from retrieval.engine import Engine, EngineConfig
from retrieval.values import Answer, Claim, Document, Evidence, Hit

__all__ = [
    "Answer", "Claim", "CorpusError", "Document", "Engine", "EngineConfig", "Evidence", "Hit",
    "load_corpus",
]
