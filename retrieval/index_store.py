"""The index on disk: one folder per corpus fingerprint, written atomically, checked on load."""
from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.arrays import StoredBytes, load_arrays, save_arrays
from retrieval.corpus import CorpusError, Skipped, relative, scan_corpus
from retrieval.fingerprint import code_digest, file_digests, fingerprint
from retrieval.index import Index, Progress, build_index, sentence_idf
from retrieval.index_update import Changes, Saved, update_index
from retrieval.sparse_bm25 import SparseBM25
from retrieval.stored_documents import StoredDocuments
from retrieval.values import Document
from retrieval.window_bm25 import WindowBM25

log = logging.getLogger(__name__)

FORMAT = "qabot-index/4"
_STALE_TEMP_S = 3600  # a save folder left this long was abandoned by a stopped process


@dataclass(frozen=True)
class Opened:
    """A corpus, its index, and the folder that index is saved in (None: not saved)."""

    documents: Sequence[Document]
    index: Index
    folder: Path | None
    built: bool  # False when loaded from `folder`
    skipped: tuple[Skipped, ...] = ()  # the corpus's files left out, and why
    changes: Changes | None = None  # what an update of an earlier index read again
    files: dict[str, str] | None = None  # the corpus files read, by path: their digests


def open_index(
    root: str | Path, cache_dir: str | Path, context: int = 1, backend: str = "sparse",
    force: bool = False, progress: Progress | None = None,
) -> Opened:
    """The saved index of the corpus under `root` if it is current, else a new one, saved."""
    root = Path(root)
    if not root.is_dir():
        what = "a file, not a folder" if root.exists() else "not found"
        raise CorpusError(f"corpus folder {what}: {root}")
    if backend != "sparse":
        log.info("the %s backend cannot be saved: indexing %s", backend, root)
        corpus = scan_corpus(root, progress)
        built = build_index(corpus.documents, context, backend, progress)
        return Opened(corpus.documents, built, None, True, tuple(corpus.skipped))
    files = file_digests(root)
    key = fingerprint(root, FORMAT, context, files=files)
    folder = Path(cache_dir) / key
    if folder.is_dir() and not force:
        start = time.perf_counter()
        try:
            documents, found, skipped = load(folder, root)
        except ValueError as err:
            log.warning("rebuilding the index: %s", err)
        else:
            log.info("loaded the index of %s from %s in %.1f s", root, folder,
                     time.perf_counter() - start)
            return Opened(documents, found, folder, False, skipped, None, files)
    start = time.perf_counter()
    saved = None if force else _earlier(Path(cache_dir), root, context, but=folder)
    changes = None
    if saved is not None:  # read only what changed since
        updated = update_index(saved, root, files, context, progress)
        documents, built, skipped = updated.documents, updated.index, updated.skipped
        changes = updated.changes
        log.info("updated the index of %s (%s) in %.1f s", root, changes,
                 time.perf_counter() - start)
    else:
        corpus = scan_corpus(root, progress)
        documents, skipped = corpus.documents, tuple(corpus.skipped)
        built = build_index(documents, context, backend, progress)
        log.info("indexed %s in %.1f s", root, time.perf_counter() - start)
    if fingerprint(root, FORMAT, context) != key:
        log.warning("not saving the index: %s changed while it was indexed", root)
        return Opened(documents, built, None, True, skipped, changes, files)
    try:
        save(folder, root, documents, built, skipped, files)
        # the saved texts, read as quotes need them: the strings read to build can go
        stored = _documents(folder, root, json.loads((folder / "meta.json").read_text("utf-8")))[0]
    except (OSError, ValueError) as err:
        log.warning("cannot save the index to %s: %s", folder, err)
        return Opened(documents, built, None, True, skipped, changes, files)
    return Opened(stored, built, folder, True, skipped, changes, files)


def save(folder: Path, root: Path, documents: Sequence[Document], built: Index,
         skipped: Sequence[Skipped] = (), files: dict[str, str] | None = None) -> None:
    """Write the index to a new folder beside `folder`, then rename it: never half an index."""
    if not isinstance(built.own, SparseBM25) or not isinstance(built.window, WindowBM25):
        raise ValueError("only the sparse backend's index can be saved")
    folder.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(folder.parent)
    temp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        # in threads: writing and checksumming release the GIL, and overlap several times over
        with ThreadPoolExecutor(3) as pool:
            jobs = [pool.submit(_save_corpus, temp, documents, built.spans, built.term_rows),
                    pool.submit(built.own.save, temp / "own"),
                    pool.submit(built.window.save, temp / "window")]
            arrays = jobs[0].result()
            for job in jobs[1:]:
                job.result()
        meta = {"format": FORMAT, "key": folder.name, "corpus": str(root.resolve()),
                "sentences": len(built.spans), "arrays": arrays,
                "documents": [[d.source, d.title, Path(d.path).relative_to(root).as_posix(),
                               [list(p) for p in d.places]] for d in documents],
                "skipped": [[relative(s.path, root), s.kind, s.detail] for s in skipped],
                # what an update needs: the digest of every file read, and the code that read
                "files": files or {}, "code": code_digest(), "context": built.window.params["context"]}
        (temp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        _move_into_place(temp, folder)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    _remove_older_indexes(folder, str(root.resolve()))


def _save_corpus(folder: Path, documents: Sequence[Document], spans: np.ndarray,
                 term_rows: np.ndarray | None) -> dict[str, Any]:
    """The documents' texts as one UTF-8 array (the spans slice them), their lengths, the
    spans, and the sentences' terms when the index has them (an update reuses them)."""
    texts = [d.text.encode("utf-8") for d in documents]
    arrays = {
        "text": np.frombuffer(b"".join(texts), dtype=np.uint8),
        "text_at": np.cumsum([0] + [len(t) for t in texts], dtype=np.int64),
        "chars": np.array([len(d.text) for d in documents], dtype=np.int64), "spans": spans}
    if term_rows is not None:
        arrays["terms"] = term_rows
    return save_arrays(folder, arrays)


def _move_into_place(temp: Path, folder: Path) -> None:
    try:
        temp.rename(folder)
    except OSError:  # a damaged index in the way: set it aside first
        old = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        folder.rename(old / "index")
        temp.rename(folder)
        shutil.rmtree(old, ignore_errors=True)


def _remove_older_indexes(folder: Path, corpus_path: str) -> None:
    """Drop this corpus's earlier indexes: each is as big as the corpus and will not match again."""
    for other in folder.parent.iterdir():
        if other == folder or other.name.startswith(".") or not other.is_dir():
            continue
        try:
            was = json.loads((other / "meta.json").read_text(encoding="utf-8")).get("corpus")
        except (OSError, ValueError, AttributeError):
            continue  # not ours to judge
        if was == corpus_path:
            shutil.rmtree(other, ignore_errors=True)


def _remove_abandoned(cache_dir: Path) -> None:
    for other in cache_dir.glob(".*"):
        try:
            if other.is_dir() and time.time() - other.stat().st_mtime > _STALE_TEMP_S:
                shutil.rmtree(other, ignore_errors=True)
        except OSError:
            continue


def load(folder: Path, root: Path) -> tuple[StoredDocuments, Index, tuple[Skipped, ...]]:
    """The documents and index saved in `folder`; ValueError when anything is missing or wrong."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        _need(meta.get("format") == FORMAT and meta.get("key") == folder.name, "not this index")
        documents, spans = _documents(folder, root, meta)
        own = SparseBM25.load(folder / "own")
        _need(own.n_passages == len(spans), "sentence counts differ")
        window = WindowBM25.load(folder / "window", own, spans[:, 0])
        skipped = tuple(Skipped(str(root / s[0]), str(s[1]), str(s[2]))
                        for s in meta.get("skipped", []))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError) as err:
        raise ValueError(f"unusable index in {folder}: {err}") from err
    return documents, Index(spans, own, window, sentence_idf(own)), skipped


def _documents(folder: Path, root: Path, meta: dict[str, Any]) -> tuple[StoredDocuments,
                                                                        np.ndarray]:
    """The saved documents (their texts exactly as indexed, read when asked for) and spans."""
    entries = meta["documents"]
    _need(all(len(e) == 4 and all(isinstance(x, str) for x in e[:3])
              and all(isinstance(at, int) and isinstance(where, str) for at, where in e[3])
              for e in entries), "documents")
    manifest = dict(meta["arrays"])
    manifest.pop("terms", None)  # read by an update only
    text = StoredBytes(folder, "text", manifest.pop("text"))  # read as quotes need it
    arrays = load_arrays(folder, manifest)
    text_at, chars, spans = (arrays[k] for k in ("text_at", "chars", "spans"))
    _need(text_at.shape == (len(entries) + 1,) and chars.shape == (len(entries),)
          and text_at[0] == 0 and text_at[-1] == len(text) and (np.diff(text_at) >= chars).all(),
          "text offsets")
    _check_spans(spans, chars)
    paths = [(source, title, str(root / path), tuple((at, where) for at, where in places))
             for source, title, path, places in entries]
    documents = StoredDocuments(paths, text, text_at)
    return documents, spans


def _earlier(cache_dir: Path, root: Path, context: int, but: Path) -> Saved | None:
    """The newest saved index of the corpus at `root` that an update can start from: saved by
    this very code with the same settings, its sentences' terms kept, and not `but` (found
    unusable); None if there is none."""
    corpus, candidates = str(root.resolve()), []
    try:
        folders = [f for f in cache_dir.iterdir()
                   if not f.name.startswith(".") and f.is_dir() and f.name != but.name]
    except OSError:
        return None
    for other in folders:
        try:
            meta = json.loads((other / "meta.json").read_text(encoding="utf-8"))
            if (meta.get("format"), meta.get("corpus"), meta.get("code"), meta.get("context")) \
                    == (FORMAT, corpus, code_digest(), context) and "terms" in meta["arrays"]:
                candidates.append((other.stat().st_mtime, other, meta))
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            continue
    for _, folder, meta in sorted(candidates, key=lambda c: c[0], reverse=True):
        try:
            return _saved(folder, root, meta)
        except (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError) as err:
            log.warning("cannot update the index in %s, building anew: %s", folder, err)
    return None


def _saved(folder: Path, root: Path, meta: dict[str, Any]) -> Saved:
    """A saved index as an update reads it."""
    documents, spans = _documents(folder, root, meta)
    own = SparseBM25.load(folder / "own")
    rows = load_arrays(folder, {"terms": meta["arrays"]["terms"]})["terms"]
    _need(own.n_passages == len(spans) and rows.shape == (int(own.doc_len.sum()),)
          and (len(rows) == 0 or (rows.min() >= 0 and rows.max() < len(own.vocab))), "terms")
    terms = [""] * len(own.vocab)
    for term, row in own.vocab.items():
        terms[row] = term
    files = meta["files"]
    _need(isinstance(files, dict) and all(isinstance(v, str) for v in files.values()), "files")
    skipped = tuple(Skipped(str(root / s[0]), str(s[1]), str(s[2])) for s in meta["skipped"])
    return Saved(documents, [e[2] for e in meta["documents"]], spans, own.doc_len, rows, terms,
                 files, skipped)


def _check_spans(spans: np.ndarray, lengths: np.ndarray) -> None:
    _need(spans.dtype == np.int64 and spans.ndim == 2 and spans.shape[1] == 3, "spans shape")
    doc, start, end = spans.T
    _need(len(spans) > 0 and (doc >= 0).all() and (doc < len(lengths)).all(), "span documents")
    _need((np.diff(doc) >= 0).all() and (start >= 0).all() and (end > start).all(), "span order")
    _need((end <= lengths[doc]).all(), "spans beyond their documents")


def _need(ok: object, what: str) -> None:
    if not ok:
        raise ValueError(f"corrupt index: {what}")
