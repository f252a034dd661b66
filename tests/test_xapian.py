"""The Xapian backend: shards written by qabot, served by real `xapian-tcpsrv` processes on
127.0.0.1 that the tests start and kill, searched with the same scores and answers as the
in-process index; shards down, dying, slow and back; documents added to one shard."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, SEEDS, write_corpus

from retrieval import Answer, Engine, EngineConfig
from retrieval.backends import SearchUnavailable
from retrieval.backends.xapian_serve import ShardServer
from retrieval.backends.xapian_shards import shard_of, write_shards
from retrieval.corpus import scan_corpus
from retrieval.index import build_index
from retrieval.tokenize import tokenize

xapian = pytest.importorskip("xapian", reason="Xapian's bindings: make xapian (see README)")
TCPSRV = shutil.which("xapian-tcpsrv")
needs_server = pytest.mark.skipif(TCPSRV is None, reason="xapian-tools is not installed")
QUESTIONS = [json.loads(line)["question"] for line in (
    REPO / "questions" / "dev" / "seeds.jsonl").read_text(encoding="utf-8").splitlines()][:60]


@pytest.fixture(scope="module")
def seeds() -> tuple[list, object]:
    documents = scan_corpus(SEEDS).documents
    return documents, build_index(documents)


@pytest.fixture(scope="module")
def local(seeds: tuple) -> Engine:
    documents, index = seeds
    return Engine(documents, EngineConfig(), index)


@pytest.fixture(scope="module")
def shards(seeds: tuple, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    documents, index = seeds
    return write_shards(tmp_path_factory.mktemp("xapian"), 2, documents, index, context=1)


@pytest.fixture
def servers(shards: list[Path]) -> Iterator[list[ShardServer]]:
    if TCPSRV is None:
        pytest.skip("xapian-tools is not installed")
    running = [ShardServer(folder).start() for folder in shards]
    yield running
    for server in running:
        server.kill()


def xapian_engine(seeds: tuple, local: Engine, specs: list[str], **config: object) -> Engine:
    documents, index = seeds
    settings = EngineConfig(backend="xapian", xapian_shards=tuple(specs), **config)  # type: ignore[arg-type]
    return Engine(documents, settings, index, span_reader=local.span_reader)


def same(answer: Answer, expected: Answer) -> bool:
    """Equal answers, every number to 9 digits: the shards add the same terms' weights in
    another order, so the last bits of a score may differ. On a corpus this small the
    in-process index also lists passages that share a word with the question but score zero
    (BM25Okapi weighs words in half the sentences at nothing); the shards list those that
    score."""
    def view(a: Answer) -> object:
        scored = replace(a, passages=tuple(h for h in a.passages if h.score > 0))
        return rounded(scored.to_json())
    return view(answer) == view(expected)


def rounded(value: object) -> object:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [rounded(v) for v in value]
    return value


def test_documents_spread_over_shards_by_a_stable_hash(shards: list[Path], seeds: tuple) -> None:
    documents, index = seeds
    counts = [xapian.Database(str(f)).get_doccount() for f in shards]
    assert sum(counts) == len(index.spans) and all(counts)
    for doc in documents:
        assert xapian.Database(str(shards[shard_of(doc.source, 2)])).term_exists(
            "Q" + doc.source)


def test_local_shards_rank_as_the_in_process_index(seeds: tuple, local: Engine,
                                                   shards: list[Path]) -> None:
    engine = xapian_engine(seeds, local, [str(f) for f in shards])
    for question in QUESTIONS:
        terms = tokenize(local.prepared(question))
        want = [(p, s) for p, s in local.ranked(terms, 10) if s > 0]
        got = engine.ranked(terms, 10)
        assert [p for p, _ in got] == [p for p, _ in want], question
        assert [s for _, s in got] == pytest.approx([s for _, s in want], rel=1e-9)


def test_shards_of_another_corpus_say_which_folder_is_needed(
        tmp_path: Path, local: Engine, shards: list[Path], caplog: pytest.LogCaptureFixture) -> None:
    """Shards written from one folder, searched by a bot on another: nothing can be quoted,
    and the log says why instead of answering "not found" without a word."""
    (tmp_path / "other.txt").write_text("Other\n\nA note about gardening and roses.\n")
    documents = scan_corpus(tmp_path).documents
    engine = Engine(documents, EngineConfig(backend="xapian", xapian_shards=tuple(map(str, shards))),
                    build_index(documents), span_reader=local.span_reader)
    with caplog.at_level("WARNING"):
        for question in QUESTIONS[:3]:
            assert engine.answer(question).text is None
    warned = [r for r in caplog.records if "QABOT_CORPUS_DIR" in r.getMessage()]
    assert len(warned) == 1  # the folder to set is named once, not a silent "not found"


@needs_server
def test_served_shards_give_the_same_answers(seeds: tuple, local: Engine,
                                             servers: list[ShardServer]) -> None:
    engine = xapian_engine(seeds, local, [s.spec for s in servers])
    for question in QUESTIONS[:25]:
        assert same(engine.answer(question), local.answer(question)), question


@needs_server
def test_a_shard_down_at_start_then_back(seeds: tuple, local: Engine,
                                         servers: list[ShardServer]) -> None:
    servers[1].kill()
    engine = xapian_engine(seeds, local, [s.spec for s in servers])
    question = "Who is the Russian foreign minister?"
    assert engine.answer(question).reason == "unavailable"
    servers[1].start()
    engine.searcher.retry = 0.0  # type: ignore[attr-defined]  # try again at once
    assert same(engine.answer(question), local.answer(question))


@needs_server
def test_a_shard_dying_between_questions_gives_partial_answers_when_allowed(
    seeds: tuple, local: Engine, servers: list[ShardServer]
) -> None:
    engine = xapian_engine(seeds, local, [s.spec for s in servers], xapian_partial=True)
    question = "Who is the Russian foreign minister?"
    assert same(engine.answer(question), local.answer(question))
    servers[0].kill()  # its connection is open: the next search fails on it
    answer = engine.answer(question)
    assert answer.partial and answer.reason != "unavailable"
    strict = xapian_engine(seeds, local, [s.spec for s in servers])
    assert strict.answer(question).reason == "unavailable"
    servers[0].start()
    engine.searcher.retry = 0.0  # type: ignore[attr-defined]
    again = engine.answer(question)
    assert not again.partial and same(again, local.answer(question))


@needs_server
def test_a_silent_shard_is_set_aside_within_the_timeout(seeds: tuple, local: Engine,
                                                        servers: list[ShardServer]) -> None:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(silent.accept()[0]), daemon=True).start()
    try:
        specs = [servers[0].spec, f"tcp://127.0.0.1:{silent.getsockname()[1]}"]
        start = time.monotonic()
        engine = xapian_engine(seeds, local, specs, xapian_timeout=0.5, xapian_partial=True)
        answer = engine.answer("Who is the Russian foreign minister?")
        assert time.monotonic() - start < 10
        assert answer.partial
        assert "1 of 2 Xapian shards down" in str(
            pytest.raises(SearchUnavailable, xapian_engine(
                seeds, local, specs, xapian_timeout=0.5).searcher.search, ["russian"], 5).value)
    finally:
        silent.close()
        for conn in held:
            conn.close()


@needs_server
def test_a_document_added_goes_to_its_shard_only_and_is_found_without_a_restart(
    tmp_path: Path, local: Engine
) -> None:
    corpus = write_corpus(tmp_path / "corpus", {
        f"{n:03d}_note.txt": f"Note {n}\n\nThe harbour crane number {n} was painted blue."
        for n in range(6)})
    documents = scan_corpus(corpus).documents
    folders = write_shards(tmp_path / "shards", 2, documents, build_index(documents), 1)
    running = [ShardServer(f).start() for f in folders]
    try:
        config = EngineConfig(backend="xapian", xapian_shards=tuple(s.spec for s in running))
        (corpus / "010_ferry.txt").write_text(
            "Ferry news\n\nThe old ferry Marta was sold to a museum in Bergen for 2 million "
            "crowns.", encoding="utf-8")
        documents = scan_corpus(corpus).documents
        revisions = [xapian.Database(str(f)).get_revision() for f in folders]
        write_shards(tmp_path / "shards", 2, documents, build_index(documents), 1)
        changed = [xapian.Database(str(f)).get_revision() != r for f, r in zip(folders, revisions)]
        assert changed == [i == shard_of("010", 2) for i in range(2)]
        engine = Engine(documents, config, span_reader=local.span_reader)  # the new corpus
        answer = engine.answer("How much was the ferry Marta sold for?")
        assert answer.text == "2 million crowns" and answer.sources == ("010",)
    finally:
        for server in running:
            server.kill()


def test_index_and_ask_from_the_command_line(tmp_path: Path) -> None:
    import os as _os
    import sys

    corpus = write_corpus(tmp_path / "corpus", {
        "001_bridge.txt": "Bridge opens\n\nThe new Harbour Bridge opened on March 3, 2019. "
                          "Mayor Anna Berg cut the ribbon.",
        "002_rain.txt": "Weather\n\nHeavy rain fell across the region on Sunday."})
    env = {**_os.environ, "QABOT_INDEX_DIR": str(tmp_path / "cache")}

    def qabot(*args: str, **more: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "bot", *args], capture_output=True,
                              text=True, cwd=REPO, timeout=120, env={**env, **more})

    out = tmp_path / "shards"
    made = qabot("index", "--backend", "xapian", "--shards", "2", "--corpus", str(corpus),
                 "--out", str(out))
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith("Wrote 2 documents, ") and "to 2 Xapian shards" in made.stdout
    assert "xapian-tcpsrv --port 33333" in made.stdout
    shards = ",".join(str(p) for p in sorted(out.iterdir()))
    asked = qabot("ask", "When did the Harbour Bridge open?", "--corpus", str(corpus),
                  QABOT_BM25_BACKEND="xapian", QABOT_XAPIAN_SHARDS=shards)
    assert asked.returncode == 0, asked.stderr
    assert asked.stdout.startswith("March 3, 2019")
    wrong = qabot("index", "--backend", "xapian", "--shards", "3", "--corpus", str(corpus),
                  "--out", str(out))
    assert wrong.returncode == 2 and "holds 2 shards, not 3" in wrong.stderr


def zipf_corpus(folder: Path, passages: int) -> list[str]:
    """Documents of 40-60 words drawn from a Zipf vocabulary (the benchmarks' corpus, small),
    and questions of three words, common ones among them."""
    import numpy as np

    rng = np.random.default_rng(0)
    cdf = np.cumsum(1.0 / np.arange(1, 5001))
    words = [f"w{i:x}" for i in range(5000)]
    lines = [" ".join(words[i] for i in np.searchsorted(cdf, rng.random(rng.integers(40, 61))
                                                        * cdf[-1])) + "." for _ in range(passages)]
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(0, passages, 50):
        (folder / f"{d:05d}_doc.txt").write_text(f"Doc {d}\n\n" + " ".join(lines[d:d + 50]))
    ranks = np.exp(rng.uniform(0, np.log(2000), size=(60, 3))).astype(int)
    return [" ".join(words[r] for r in row) for row in ranks]


def test_common_words_weigh_in_the_pool_as_in_the_score(tmp_path: Path, local: Engine) -> None:
    """A word in over half the passages weighs little in Xapian's BM25 and more in
    rank-bm25's (its floored idf, counted again when repeated): unless the pool query scales
    each word to qabot's weight, the best passages fall outside a small pool."""
    questions = zipf_corpus(tmp_path / "docs", 3000)
    documents = scan_corpus(tmp_path / "docs").documents
    index = build_index(documents)
    folders = write_shards(tmp_path / "x", 2, documents, index, 1)
    mine = Engine(documents, EngineConfig(), index, span_reader=local.span_reader)
    shards = Engine(documents, EngineConfig(backend="xapian", xapian_pool=100,
                                            xapian_shards=tuple(map(str, folders))),
                    index, span_reader=local.span_reader)
    for question in questions:
        terms = tokenize(question)
        want = [s for _, s in mine.ranked(terms, 10) if s > 0]
        got = [s for _, s in shards.ranked(terms, 10)]
        assert got == pytest.approx(want, rel=1e-9), question
