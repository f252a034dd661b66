"""The parse worker: a second process whose Docs equal this process's, and a fallback when it dies."""
from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterator

import pytest
from spacy.tokens import Doc

from retrieval import nlp
from retrieval.parse_worker import ParseWorker, read_frame, write_frame

TEXTS = [
    "Who met the leaders of Turkey and Iran in Geneva?",
    "The Syria peace talks are due to begin on January 25 in Geneva, the UN said on Friday.",
    "More than 1,000 people were killed, according to the Syrian Observatory for Human Rights.",
    "Ban Ki-moon spoke to reporters.",
    "Rain fell.",
]


def summary(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.lemma_, t.tag_, t.dep_, str(t.head.i), t.ent_type_) for t in doc]


@pytest.fixture(scope="module")
def worker() -> Iterator[ParseWorker]:
    started = ParseWorker()
    deadline = time.monotonic() + 120
    while not started.ready():
        assert started.alive() and time.monotonic() < deadline, "the worker did not start"
        time.sleep(0.05)
    yield started
    started.close()


def test_the_worker_parses_exactly_as_this_process(worker: ParseWorker) -> None:
    worker.send(TEXTS)
    theirs = worker.receive(nlp.pipeline(), len(TEXTS))
    assert [summary(d) for d in theirs] == [summary(d) for d in nlp.pipeline().pipe(TEXTS)]


def test_the_cache_shares_work_with_the_worker_and_keeps_the_order(
    worker: ParseWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nlp, "_worker", worker)
    docs = nlp.ParseCache().parse(TEXTS)
    assert [d.text for d in docs] == TEXTS
    assert [summary(d) for d in docs] == [summary(d) for d in nlp.pipeline().pipe(TEXTS)]


def test_a_dead_worker_is_dropped_and_the_text_still_parsed(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    doomed = ParseWorker()
    while not doomed.ready():
        time.sleep(0.05)
    doomed.proc.kill()
    doomed.proc.wait()
    monkeypatch.setattr(nlp, "_worker", doomed)
    with caplog.at_level(logging.WARNING):
        docs = nlp.ParseCache().parse(TEXTS)
    assert [summary(d) for d in docs] == [summary(d) for d in nlp.pipeline().pipe(TEXTS)]
    assert "parse worker off" in caplog.text and not doomed.ready()


def test_the_longest_texts_are_shared_out_first() -> None:
    mine, theirs = nlp.split_work(["a" * 100, "b" * 90, "c" * 20, "d" * 5])
    assert mine == [0, 2] and theirs == [1, 3]
    assert nlp.split_work(["only"]) == ([0], [])


def test_a_cut_frame_reads_as_the_end() -> None:
    out = io.BytesIO()
    write_frame(out, b"hello")
    assert read_frame(io.BytesIO(out.getvalue())) == b"hello"
    assert read_frame(io.BytesIO(out.getvalue()[:-1])) is None
    assert read_frame(io.BytesIO(b"")) is None
