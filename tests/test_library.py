"""The library: documents added, removed or dropped in reach the engine without a restart,
and nothing a user had is lost on the way."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from conftest import write_corpus
from make_files import make_pdf

from retrieval import EngineConfig
from retrieval.library import Library, Refused, safe_name

FILES = {
    "001_bridge.txt": "Bridge opens\n\nThe new Harbour Bridge opened on March 3, 2019. "
                      "Mayor Anna Berg cut the ribbon.",
    "002_rain.txt": "Weather\n\nHeavy rain fell across the region on Sunday.",
}
FERRY = ("Ferry news\n\nThe old ferry Marta was sold to a museum in Bergen. "
         "The museum paid 2 million crowns for her.")
PAID = "How much did the museum pay for the ferry Marta?"


@pytest.fixture
def library(tmp_path: Path) -> Library:
    corpus = write_corpus(tmp_path / "corpus", FILES)
    return Library.open(corpus, EngineConfig(), tmp_path / "cache")


def test_a_sent_document_is_saved_indexed_and_answered(library: Library) -> None:
    before = library.engine
    added = library.add("ferry.txt", FERRY.encode())
    assert not added.duplicate and added.document.title == "Ferry news"
    assert added.document.sentences == 3 and added.document.source == "ferry"
    assert Path(added.document.path) == library.folder / "uploads" / "ferry.txt"
    assert library.engine is not before
    answer = library.engine.answer(PAID)
    assert answer.text == "2 million crowns"
    assert [e.source for e in answer.evidence] == ["ferry"]
    assert [s.source for s in library.documents(uploaded_only=True)] == ["ferry"]
    assert len(library.documents()) == 3
    # the old engine still answers, from the corpus it had
    assert before.answer(PAID).text is None


def test_the_same_file_twice_is_recognised_and_not_added_again(library: Library) -> None:
    first = library.add("ferry.txt", FERRY.encode())
    again = library.add("a copy of the ferry story.txt", FERRY.encode())
    assert again.duplicate and again.document == first.document
    assert sorted(p.name for p in library.uploads.iterdir()) == ["ferry.txt"]
    # a corpus file sent as an upload is found too
    shipped = library.add("bridge.txt", FILES["001_bridge.txt"].encode())
    assert shipped.duplicate and shipped.document.source == "001"


def test_another_file_of_the_same_name_gets_a_name_of_its_own(library: Library) -> None:
    library.add("news.txt", FERRY.encode())
    second = library.add("news.txt", b"Port news\n\nThe port opened a new quay in May.")
    assert Path(second.document.path).name == "news-2.txt"
    assert {s.source for s in library.documents(uploaded_only=True)} == {"news", "news-2"}


def test_unreadable_files_are_refused_and_leave_nothing_behind(library: Library,
                                                               tmp_path: Path) -> None:
    key = library.key
    scanned = make_pdf(tmp_path / "scan.pdf", [[]])
    for name, data, kind in [("scan.pdf", scanned.read_bytes(), "scanned PDF without text"),
                             ("broken.pdf", b"%PDF-1.4 this is no PDF", "unreadable"),
                             ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "unsupported")]:
        with pytest.raises(Refused) as refused:
            library.add(name, data)
        assert refused.value.kind == kind, refused.value.detail
    assert list(library.uploads.iterdir()) == []  # no file, no hidden temporary either
    assert library.key == key and len(library.documents()) == 2


def test_only_sent_documents_can_be_removed_and_never_the_last(library: Library) -> None:
    added = library.add("ferry.txt", FERRY.encode())
    assert library.remove("ferry") == added.document
    assert not (library.uploads / "ferry.txt").exists()
    assert library.engine.answer(PAID).text is None
    with pytest.raises(Refused, match="not sent to the bot"):
        library.remove("001")
    with pytest.raises(Refused, match="no document has the id"):
        library.remove("ferry")
    assert (library.folder / "001_bridge.txt").exists()


def test_the_last_document_is_not_removed(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus", {"uploads/only.txt": FERRY})
    library = Library.open(corpus, EngineConfig(), tmp_path / "cache")
    with pytest.raises(Refused, match="only document"):
        library.remove("only")
    assert (corpus / "uploads" / "only.txt").exists()


def test_a_file_dropped_into_the_folder_is_seen_and_read(library: Library) -> None:
    assert not library.changed_on_disk()
    (library.folder / "003_ferry.txt").write_text(FERRY, encoding="utf-8")
    assert library.changed_on_disk()
    assert library.refresh()
    assert not library.changed_on_disk() and not library.refresh()
    assert library.engine.answer(PAID).text == "2 million crowns"


def test_two_uploads_at_once_and_questions_meanwhile_lose_nothing(library: Library) -> None:
    errors: list[BaseException] = []
    texts = {f"note{n}.txt": f"Note {n}\n\nThe harbour crane number {n} was painted blue in "
             f"week {n}." for n in range(4)}

    def run(job: object) -> None:
        try:
            job()  # type: ignore[operator]
        except BaseException as err:  # reported by the assertion below
            errors.append(err)

    jobs = [lambda name=name, text=text: library.add(name, text.encode())
            for name, text in texts.items()]
    jobs += [lambda: library.engine.answer("When did the Harbour Bridge open?")] * 4
    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {s.source for s in library.documents(uploaded_only=True)} == {
        f"note{n}" for n in range(4)}
    assert {s.source for s in library.documents()} >= {"001", "002"}


@pytest.mark.parametrize("sent, saved", [
    ("report.pdf", "report.pdf"), ("../../etc/passwd", "passwd"), (".hidden.txt", "hidden.txt"),
    ("C:\\Users\\me\\notes.txt", "notes.txt"), ("", "document"), ("a\x00b.txt", "a_b.txt"),
    ("x" * 300 + ".docx", "x" * 95 + ".docx"), ("notes.txt.gz", "notes.txt.gz"),
])
def test_sent_file_names_stay_inside_the_uploads_folder(sent: str, saved: str) -> None:
    assert safe_name(sent) == saved


def test_a_file_that_disappears_while_it_is_read_is_skipped_then_forgotten(
    library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    import retrieval.index_update as update

    real = update.read_document
    dropped = library.folder / "003_ferry.txt"

    def vanishing(path: Path):  # type: ignore[no-untyped-def]
        if path.name == dropped.name:
            path.unlink()  # gone between the listing and the reading
        return real(path)

    dropped.write_text(FERRY, encoding="utf-8")
    monkeypatch.setattr(update, "read_document", vanishing)
    assert library.refresh()
    assert {s.source for s in library.documents()} == {"001", "002"}
    assert library.changed_on_disk()  # the next look indexes the folder as it is now
    monkeypatch.setattr(update, "read_document", real)
    library.refresh()
    assert {s.source for s in library.documents()} == {"001", "002"}
    assert library.engine.answer("When did the Harbour Bridge open?").text == "March 3, 2019"
