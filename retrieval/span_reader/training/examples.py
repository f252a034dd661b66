"""Training windows: each question's retrieved windows, labelled with the answer's tokens.

    python -m retrieval.span_reader.training.examples --part train --out .train/train.npz

A question is searched as qabot searches it, and the windows the reader would read become
one example: the first and last token of every place a source document's window quotes the
answer, or none when the question has no answer there. When retrieval misses every source
window, one around the answer is added, so every answerable question teaches a span.
"""
from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.corpus import load_corpus
from retrieval.engine import Engine, EngineConfig
from retrieval.span_reader.inputs import Encoded, Encoder
from retrieval.span_reader.model import MODEL_DIR, load_settings
from retrieval.span_reader.windows import Window, reading_windows
from retrieval.tokenize import tokenize

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"
MAX_SPANS = 4  # answer occurrences kept per window


@dataclass(frozen=True)
class QuestionSet:
    """A question file and the corpus its questions are searched in."""

    name: str
    questions: Path
    corpus: Path
    odd_only: bool = False  # BBC News: the even-numbered articles are others' test data


def question_sets(part: str) -> list[QuestionSet]:
    q = ROOT / "questions" / part
    bbc, squad = SHARED / "corpora" / "bbc-news", SHARED / "eval" / "squad-dev" / "corpus"
    return [
        QuestionSet("bbc", q / "bbc.jsonl", bbc, odd_only=True),
        QuestionSet("squad", q / "squad.jsonl", squad),
        QuestionSet("squad2", q / "squad2.jsonl", squad),
    ]


def corpus_engine(qs: QuestionSet) -> Engine:
    docs = load_corpus(qs.corpus)
    if qs.odd_only:
        docs = [d for d in docs if d.source.isdigit() and int(d.source) % 2 == 1]
    return Engine(docs, EngineConfig(reader="rules", parse_worker=False))


def answer_spans(e: Encoded, answers: list[str], limit: int = MAX_SPANS) -> list[tuple[int, int]]:
    """First and last token of every place the window quotes a gold answer form (the
    training marginalises over them: which occurrence is meant is not labelled)."""
    out: list[tuple[int, int]] = []
    for answer in sorted(answers, key=len, reverse=True):
        at = e.context.find(answer, e.first_answer_char)
        while at >= 0 and len(out) < limit:
            span = _token_span(e, at, at + len(answer))
            if span and span not in out:
                out.append(span)
            at = e.context.find(answer, at + 1)
    return out


def _token_span(e: Encoded, a: int, b: int) -> tuple[int, int] | None:
    inside = [n for n, off in enumerate(e.offsets)
              if off is not None and off[0] >= e.first_answer_char and off[1] > a and off[0] < b]
    return (inside[0], inside[-1]) if inside else None


def gold_window(engine: Engine, row: dict, k: int) -> Window | None:
    """A window around the sentence a source document states the answer in: the written
    evidence when the row locates it, else the first source sentence quoting an answer."""
    sources = set(row["sources"])
    span = row.get("evidence_span")
    best = None
    for i, sent in enumerate(engine.sentences):
        doc = engine.documents[sent.doc]
        if doc.source not in sources or not any(a in sent.text for a in row["answers"]):
            continue
        if span and doc.source == row.get("article") and sent.start < span[1] and span[0] < sent.end:
            best = i
            break
        best = i if best is None else best
    if best is None:
        return None
    return reading_windows(engine.sentences, engine.documents, [(best, 0.0)], 1)[0]


def examples(
    qs: QuestionSet, encoder: Encoder, k: int, seen: set[str]
) -> Iterator[tuple[list[tuple[Encoded, list[tuple[int, int]]]], dict]]:
    """(its windows with their answer spans, meta) for every question not in `seen`
    (SQuAD 2.0's answerable questions repeat v1.1's)."""
    engine = corpus_engine(qs)
    for line in qs.questions.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if row["question"] in seen:
            continue
        seen.add(row["question"])
        text = engine.prepared(row["question"])
        ranked = engine.ranked(tokenize(text), 40)
        windows = reading_windows(engine.sentences, engine.documents, ranked, k)
        labelled = []
        for w in windows:
            e = encoder.encode(text, w)
            source = engine.documents[w.doc].source in row["sources"]
            labelled.append((e, answer_spans(e, row["answers"]) if source else []))
        if row["answers"] and not any(spans for _, spans in labelled):
            w = gold_window(engine, row, k)
            e = encoder.encode(text, w) if w else None
            spans = answer_spans(e, row["answers"]) if e else []
            if spans:
                labelled = labelled[: k - 1] + [(e, spans)]
        if labelled:
            yield labelled, {"id": row["id"], "set": qs.name}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="train", choices=["train", "dev", "test"])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tokenizer", type=Path, default=MODEL_DIR / "tokenizer.json")
    args = parser.parse_args()
    settings = load_settings()
    encoder = Encoder(args.tokenizer, settings["max_tokens"])
    rows, spans, groups, metas = [], [], [], []
    seen: set[str] = set()
    for qs in question_sets(args.part):
        questions = windows = 0
        for labelled, meta in examples(qs, encoder, settings["windows"], seen):
            for e, found in labelled:
                rows.append((e.ids, e.type_ids))
                spans.append(found)
                groups.append(len(metas))
            metas.append(meta)
            questions += 1
            windows += len(labelled)
        print(f"{qs.name}: {questions} questions, {windows} windows")
    width = settings["max_tokens"]
    ids = np.zeros((len(rows), width), dtype=np.int32)
    types = np.zeros((len(rows), width), dtype=np.int8)
    lengths = np.zeros(len(rows), dtype=np.int32)
    starts = np.full((len(rows), MAX_SPANS), -1, dtype=np.int32)
    ends = np.full((len(rows), MAX_SPANS), -1, dtype=np.int32)
    for n, ((i, t), found) in enumerate(zip(rows, spans)):
        ids[n, : len(i)] = i
        types[n, : len(t)] = t
        lengths[n] = len(i)
        for m, (s, e) in enumerate(found):
            starts[n, m], ends[n, m] = s, e
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out, ids=ids, types=types, lengths=lengths, starts=starts, ends=ends,
        groups=np.array(groups, dtype=np.int32), meta=np.array([json.dumps(m) for m in metas]),
    )
    print(f"{len(metas)} questions, {len(rows)} windows written to {args.out}")


if __name__ == "__main__":
    main()
