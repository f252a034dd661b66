"""How fast each format is read: files the benchmark makes (about 1 MB of text each, the
tests' own generators), each read three times, the median as MB of text per second.

    .venv/bin/python benchmarks/bench_ingest.py

Prints one table. Indexing the text afterwards costs the same for every format (about a
second per MB of text, `benchmarks/bench_retrieval.py`).
"""
from __future__ import annotations

import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from make_files import make_docx, make_eml, make_epub, make_pdf, page_html  # noqa: E402

from retrieval.ingest import extract  # noqa: E402

SENTENCE = ("The harbour board met on Tuesday and agreed that the fleet of {n} boats may land "
            "fish at the new quay from March, the council said. ")
TARGET = 1_000_000  # characters of text in each file


def sentences() -> list[str]:
    out, size, n = [], 0, 0
    while size < TARGET:
        out.append(SENTENCE.format(n=n))
        size += len(out[-1])
        n += 1
    return out


def paragraphs(per: int = 5) -> list[str]:
    s = sentences()
    return ["".join(s[i:i + per]) for i in range(0, len(s), per)]


def make_all(folder: Path) -> dict[str, tuple[Path, str]]:
    paras = paragraphs()
    lines = [line for p in paras for line in _wrap(p)]
    pages = [lines[i:i + 45] for i in range(0, len(lines), 45)]
    text = "\n\n".join("\n".join(_wrap(p)) for p in paras)
    (folder / "page.html").write_text(page_html("Harbour", "Harbour board", paras))
    (folder / "notes.txt").write_text(text)
    (folder / "notes.txt.gz").write_bytes(gzip.compress(text.encode()))
    return {
        "PDF": (make_pdf(folder / "report.pdf", pages), f"{len(pages)} pages"),
        "HTML": (folder / "page.html", ""),
        "Word .docx": (make_docx(folder / "minutes.docx", [("text", p) for p in paras]), ""),
        "e-mail .eml": (make_eml(folder / "mail.eml", "Harbour", text), ""),
        "EPUB": (make_epub(folder / "book.epub", "Harbour", [
            (f"Chapter {i}", paras[i]) for i in range(len(paras))]), f"{len(paras)} chapters"),
        "text (wrapped)": (folder / "notes.txt", ""),
        "text .gz": (folder / "notes.txt.gz", ""),
    }


def _wrap(paragraph: str, width: int = 78) -> list[str]:
    out, line = [], ""
    for word in paragraph.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return out + [line] if line else out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = make_all(Path(tmp))
        print(f"{'format':16} {'file MB':>8} {'text MB':>8} {'seconds':>8} {'text MB/s':>10}  note")
        for name, (path, note) in files.items():
            times, found = [], None
            for _ in range(3):
                start = time.perf_counter()
                found = extract(path)
                times.append(time.perf_counter() - start)
            assert found is not None
            seconds = statistics.median(times)
            mb, text_mb = path.stat().st_size / 1e6, len(found.text) / 1e6
            per = f"; {int(note.split()[0]) / seconds:,.0f} {note.split()[1]}/s" if note else ""
            print(f"{name:16} {mb:8.2f} {text_mb:8.2f} {seconds:8.2f} "
                  f"{text_mb / seconds:10.2f}  {note}{per}")


if __name__ == "__main__":
    main()
