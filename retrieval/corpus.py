"""Load a folder of documents (any format `retrieval.ingest` reads) into `Document` values."""
from __future__ import annotations

import logging
import os
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.ingest import MAX_PACKED_BYTES, Unreadable, extract
from retrieval.ingest.titles import title_of
from retrieval.values import Document

log = logging.getLogger(__name__)

# The largest file the corpus looks at (a PDF's fonts and pictures count); each format has
# its own limit under it (16 MB of text).
MAX_FILE_BYTES = MAX_PACKED_BYTES
_LEADING_ID = re.compile(r"^(\d+)_")


class CorpusError(Exception):
    """The corpus folder is missing or holds no readable document."""


@dataclass(frozen=True)
class Skipped:
    """A file left out, and why: `kind` groups reasons for the summary ("unsupported")."""

    path: str
    kind: str
    detail: str


@dataclass
class Corpus:
    documents: list[Document]
    skipped: list[Skipped] = field(default_factory=list)

    def summary(self) -> str:
        """'12 documents (3 skipped: 2 unsupported, 1 scanned PDF without text)'."""
        n = len(self.documents)
        line = f"{n:,} document{'s' if n != 1 else ''}"
        if self.skipped:
            kinds = Counter(s.kind for s in self.skipped).most_common()
            line += f" ({len(self.skipped)} skipped: " + ", ".join(
                f"{count} {kind}" for kind, count in kinds) + ")"
        return line


def source_id(path: Path) -> str:
    """`000_a354.txt` -> `000`; any other name -> its stem (`notes.txt.gz` -> `notes`)."""
    match = _LEADING_ID.match(path.name)
    if match:
        return match.group(1)
    name = path.name[:-3] if path.name.lower().endswith(".gz") else path.name
    return Path(name).stem or name


def relative(path: str, root: Path) -> str:
    """`path` relative to the corpus folder `root`, as the index records it."""
    try:
        return Path(path).relative_to(root).as_posix()
    except ValueError:
        return path


def corpus_files(root: Path) -> list[Path]:
    """Every file below `root` but hidden ones, sorted, following no symlink loop twice."""
    found: list[Path] = []
    seen_dirs: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=_walk_error):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen_dirs:
            log.warning("skipping %s: folder already visited (symlink loop)", dirpath)
            dirnames[:] = []
            continue
        seen_dirs.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / name for name in sorted(filenames)
                     if not name.startswith(".") and not name.endswith("~"))
    return found


def _walk_error(err: OSError) -> None:
    log.warning("skipping %s: %s", err.filename, err.strerror or err)


def read_document(path: Path) -> Document:
    """One file as a Document; `Unreadable` says why it cannot be one."""
    found = extract(path)
    title = found.title or title_of(found.text)
    if title is None:
        raise Unreadable("empty", "no text")
    return Document(source_id(path), title, str(path), found.text, found.places)


def scan_corpus(root: str | Path,
                progress: Callable[[str, int, int], None] | None = None) -> Corpus:
    """Every usable document below `root`, and every file skipped with its reason;
    `progress("reading", done, total)` after each file."""
    folder = Path(root)
    if not folder.is_dir():
        what = "a file, not a folder" if folder.exists() else "not found"
        raise CorpusError(f"corpus folder {what}: {folder}")
    corpus = Corpus([])
    files = corpus_files(folder)
    for done, path in enumerate(files, 1):
        try:
            corpus.documents.append(read_document(path))
        except Unreadable as why:
            log.warning("skipping %s: %s", path, why.detail)
            corpus.skipped.append(Skipped(str(path), why.kind, why.detail))
        if progress is not None:
            progress("reading", done, len(files))
    if not corpus.documents:
        skipped = f" ({corpus.summary().split(' (', 1)[1]}" if corpus.skipped else ""
        raise CorpusError(f"no readable documents in {folder}{skipped}")
    corpus.documents = unique_sources(corpus.documents)
    return corpus


def load_corpus(root: str | Path) -> list[Document]:
    """Every usable document below `root`; raises CorpusError when there is none."""
    return scan_corpus(root).documents


def unique_sources(docs: list[Document]) -> list[Document]:
    """Two files with the same id (a/001_x.txt, b/001_y.txt) get distinct ids."""
    counts: dict[str, int] = {}
    out = []
    for doc in docs:
        n = counts.get(doc.source, 0)
        counts[doc.source] = n + 1
        if n:
            doc = Document(f"{doc.source}-{n + 1}", doc.title, doc.path, doc.text, doc.places)
        out.append(doc)
    return out
