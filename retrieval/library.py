"""The corpus folder and the engine that answers from it, kept current while it runs.

Documents added or removed through the library (a bot's uploads) or changed in the folder by
hand reach the engine without a restart: the saved index is updated with the files that
changed (`index_update`) and a new engine takes the old one's place. Questions already being
answered finish on the engine they started with.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.corpus import corpus_files, read_document
from retrieval.engine import Engine, EngineConfig
from retrieval.fingerprint import file_digests
from retrieval.index_store import Opened, open_index
from retrieval.ingest import Unreadable

log = logging.getLogger(__name__)

UPLOADS = "uploads"  # the corpus's subfolder that documents sent to the bot go to
_MAX_NAME = 100  # characters of a sent file's name kept
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
Signature = tuple[tuple[str, int, int], ...]


class Refused(Exception):
    """A document the library will not add or remove, and why, in words for the user."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind, self.detail = kind, detail


@dataclass(frozen=True)
class Stored:
    """A document of the corpus, as a user sees it: id, title, sentences and file."""

    source: str
    title: str
    sentences: int
    path: str


@dataclass(frozen=True)
class Added:
    document: Stored
    duplicate: bool  # the same bytes were already there: nothing was added


class Library:
    """The engine on the corpus under `folder`, swapped for a new one when the corpus changes.

    `add`, `remove` and `refresh` may be called from any thread, one at a time (a lock).
    """

    def __init__(self, folder: Path, cache_dir: Path, engine: Engine, opened: Opened | None = None):
        self.folder, self.cache_dir = Path(folder), Path(cache_dir)
        self.engine = engine
        self.key = opened.folder.name[:8] if opened and opened.folder else "0"
        self._files = dict(opened.files) if opened and opened.files else None
        self._lock = threading.Lock()
        self._signature = self.signature()

    @classmethod
    def open(cls, folder: Path, config: EngineConfig, cache_dir: Path) -> Library:
        """The corpus under `folder`, its index loaded from (or saved to) `cache_dir`."""
        if config.parse_worker and config.reader == "rules":  # it loads while the index loads
            from retrieval.nlp import start_worker

            start_worker()
        opened = open_index(folder, cache_dir, config.context, config.local_backend)
        return cls(folder, cache_dir, Engine(opened.documents, config, opened.index), opened)

    @property
    def uploads(self) -> Path:
        return self.folder / UPLOADS

    def signature(self) -> Signature:
        """Each corpus file's path, size and time of change: cheap to take, and different
        whenever a file is added, removed or written."""
        found = []
        for path in corpus_files(self.folder):
            try:
                info = path.stat()
            except OSError:
                continue  # gone since it was listed: the next look sees it missing
            found.append((path.relative_to(self.folder).as_posix(), info.st_size,
                          info.st_mtime_ns))
        return tuple(found)

    def changed_on_disk(self) -> bool:
        """Whether a file of the corpus was added, removed or written since the last look."""
        return self.signature() != self._signature

    def refresh(self) -> bool:
        """Bring the engine up to date with the folder; whether the index changed."""
        with self._lock:
            return self._refresh()

    def _refresh(self) -> bool:
        signature = self.signature()
        opened = open_index(self.folder, self.cache_dir, self.engine.config.context,
                            self.engine.config.local_backend)
        self._signature = signature
        self._files = dict(opened.files) if opened.files else None
        key = opened.folder.name[:8] if opened.folder else None
        if key is not None and key == self.key:
            return False
        self.engine = self.engine.reindexed(opened.documents, opened.index)
        self.key = key or format(id(self.engine) & 0xFFFFFFFF, "08x")
        log.info("the corpus changed (%s): %d documents", opened.changes or "rebuilt",
                 len(opened.documents))
        return True

    def add(self, name: str, data: bytes) -> Added:
        """Save `data` as `uploads/<name>` and index it; Refused when it cannot be read."""
        with self._lock:
            digest = hashlib.sha256(data).hexdigest()
            files = self._files if self._files is not None else file_digests(self.folder)
            same = next((path for path, d in files.items() if d == digest), None)
            known = self._stored(self.folder / same) if same is not None else None
            if known is not None:
                return Added(known, duplicate=True)
            name = safe_name(name)
            incoming = self._incoming(name, data)
            try:
                read_document(incoming)  # refused here, before the corpus sees it
                path = _free_path(self.uploads / name)
                os.replace(incoming, path)
            except Unreadable as why:
                raise Refused(why.kind, why.detail) from None
            finally:
                incoming.unlink(missing_ok=True)
            try:
                self._refresh()
            except BaseException:
                path.unlink(missing_ok=True)  # the index stays as it was: so does the folder
                raise
            stored = self._stored(path)
            if stored is None:  # read above, so only a race with another writer gets here
                raise Refused("gone", "the file was removed while it was being indexed")
            return Added(stored, duplicate=False)

    def remove(self, source: str) -> Stored:
        """Delete the uploaded document `source` and drop it from the index."""
        with self._lock:
            found = next((s for s in self.documents() if s.source == source), None)
            if found is None:
                raise Refused("unknown", f"no document has the id {source}")
            path = Path(found.path)
            if self.uploads.resolve() not in path.resolve().parents:
                raise Refused("not uploaded", f"{source} was not sent to the bot: remove "
                              "it from the corpus folder on the server")
            if len(self.engine.documents) == 1:
                raise Refused("last", "it is the only document: send another one first")
            path.unlink(missing_ok=True)
            self._refresh()
            return found

    def documents(self, uploaded_only: bool = False) -> list[Stored]:
        """The corpus's documents (only those sent to the bot, if `uploaded_only`)."""
        engine = self.engine
        sentences = np.bincount(engine.sentences.spans[:, 0], minlength=len(engine.documents))
        uploads = self.uploads.resolve()
        out = []
        for i, doc in enumerate(engine.documents):
            if uploaded_only and uploads not in Path(doc.path).resolve().parents:
                continue
            out.append(Stored(doc.source, doc.title, int(sentences[i]), doc.path))
        return out

    def _stored(self, path: Path) -> Stored | None:
        """The document read from `path`, if the corpus holds one."""
        target = path.resolve()
        return next((s for s in self.documents() if Path(s.path).resolve() == target), None)

    def _incoming(self, name: str, data: bytes) -> Path:
        """`data` in a hidden file of the uploads folder (the corpus skips hidden files),
        keeping `name`'s suffix: readers are chosen by it."""
        try:
            self.uploads.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(prefix=".incoming-", suffix=_suffix(name),
                                            dir=self.uploads)
            with os.fdopen(handle, "wb") as file:
                file.write(data)
        except OSError as err:
            raise Refused("not saved", f"cannot save it in {self.uploads}: "
                          f"{err.strerror or err}") from None
        return Path(temp)


def safe_name(name: str) -> str:
    """A sent file's name as a file name of the uploads folder: no folders, no hidden file,
    no control characters, at most _MAX_NAME characters (its suffix kept)."""
    name = _UNSAFE.sub("_", name.replace("\\", "/").rsplit("/", 1)[-1]).strip(" .")
    suffix = _suffix(name)
    stem = name[: len(name) - len(suffix)] if suffix else name
    return (stem[: _MAX_NAME - len(suffix)] or "document") + suffix


def _suffix(name: str) -> str:
    """`report.pdf` -> `.pdf`, `notes.txt.gz` -> `.txt.gz`; no suffix longer than 10."""
    suffixes = Path(name).suffixes[-2:]
    if len(suffixes) == 2 and suffixes[1].lower() != ".gz":
        suffixes = suffixes[1:]
    suffix = "".join(suffixes)
    return suffix if len(suffix) <= 10 and " " not in suffix else ""


def _free_path(path: Path) -> Path:
    """`path`, or `name-2.ext`, `name-3.ext`... when a file of that name is there."""
    suffix = _suffix(path.name)
    stem = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    n = 1
    while path.exists():
        n += 1
        path = path.with_name(f"{stem}-{n}{suffix}")
    return path
