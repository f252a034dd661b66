"""Documents in: each format read from a real file the test makes, with its text, places
(pages, headings) and title; bad files skipped with a reason; a folder of every format
answered end to end."""
from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from make_files import make_docx, make_eml, make_epub, make_html_email, make_pdf, page_html

from retrieval import Engine
from retrieval.corpus import read_document, scan_corpus
from retrieval.ingest import Unreadable, extract
from retrieval.ingest.titles import title_of
from retrieval.ingest.wrapping import unwrap

QABOT = Path(sys.executable).parent / "qabot"


def test_pdf_text_pages_and_title(tmp_path):
    pdf = make_pdf(tmp_path / "report.pdf", [
        ["The harbour at Kelso was opened in 2021 by the mayor of the",
         "town, Jane Doe, after two years of building work that cost",
         "four million pounds in all."],
        ["The fleet of 40 fishing boats landed 2,000 tonnes of fish."]], title="Kelso report")
    found = extract(pdf)
    assert found.title == "Kelso report"
    assert found.text.startswith("The harbour at Kelso was opened in 2021 by the mayor of the "
                                 "town, Jane Doe, after")  # its lines joined into one paragraph
    second = found.text.index("The fleet")
    assert found.places == ((0, "p. 1"), (second, "p. 2"))
    doc = read_document(pdf)
    assert doc.place(second - 1) == "p. 1" and doc.place(second + 5) == "p. 2"


def test_pdf_without_text_and_damaged_pdf_are_skipped_with_their_reason(tmp_path):
    with pytest.raises(Unreadable) as scanned:
        extract(make_pdf(tmp_path / "scan.pdf", [[], []]))
    assert scanned.value.kind == "scanned PDF without text" and "OCR" in scanned.value.detail
    (tmp_path / "cut.pdf").write_bytes(make_pdf(tmp_path / "x.pdf", [["Text."]]).read_bytes()[:60])
    with pytest.raises(Unreadable, match="damaged"):
        extract(tmp_path / "cut.pdf")


def test_html_main_text_without_menus_and_footer_with_headings(tmp_path):
    page = tmp_path / "bridge.html"
    page.write_text(page_html("Bridge news | Example Times", "New bridge for Dunmore",
                              ["The new bridge at Dunmore will open in March 2025."], "Costs",
                              ["The bridge cost 12 million pounds."]))
    found = extract(page)
    assert "Home" not in found.text and "Copyright" not in found.text
    assert "Privacy" not in found.text
    costs = found.text.index("Costs")
    assert found.places == ((0, "§ New bridge for Dunmore"), (costs, "§ Costs"))
    assert found.title == "New bridge for Dunmore"


def test_a_page_without_html_suffix_is_read_as_html(tmp_path):
    (tmp_path / "saved-page").write_text(page_html("T", "Growing tomatoes", [
        "Tomatoes need six to eight hours of sun a day."]))
    assert "<" not in extract(tmp_path / "saved-page").text


def test_docx_paragraphs_headings_tables_and_title(tmp_path):
    path = make_docx(tmp_path / "minutes.docx", [
        ("heading", "Board meeting"), ("text", "The board chose Priya Shah as treasurer."),
        ("heading", "Budget"), ("text", "The budget for 2025 is 80,000 euros."),
        ("table", "Item,Cost;Paint,300")], title="June minutes")
    found = extract(path)
    assert found.title == "June minutes"
    assert found.text == ("Board meeting\n\nThe board chose Priya Shah as treasurer.\n\nBudget\n\n"
                          "The budget for 2025 is 80,000 euros.\n\nItem | Cost\nPaint | 300")
    assert found.places == ((0, "§ Board meeting"), (found.text.index("Budget"), "§ Budget"))


def test_eml_subject_is_title_and_hard_wrapped_body_is_joined(tmp_path):
    path = make_eml(tmp_path / "offsite.eml", "Re: Team offsite in Lisbon", (
        "Hi all,\n\nThe team offsite will take place in Lisbon from 12 to 14 May, and\n"
        "flights are booked by Marta, who will send everyone the tickets on\nFriday.\n\nAnn\n"))
    found = extract(path)
    assert found.title == "Re: Team offsite in Lisbon"
    assert ("in Lisbon from 12 to 14 May, and flights are booked by Marta, who will send "
            "everyone the tickets on Friday.") in found.text


def test_html_email_goes_through_the_page_reader(tmp_path):
    path = make_html_email(tmp_path / "news.eml", "Newsletter", (
        "<html><body><p>The library reopens on <b>2 September</b> after repairs.</p>"
        "</body></html>"))
    found = extract(path)
    assert found.title == "Newsletter" and found.text == (
        "The library reopens on 2 September after repairs.")


def test_epub_chapters_in_spine_order_with_places(tmp_path):
    path = make_epub(tmp_path / "book.epub", "The lighthouse keepers", [
        ("Chapter 1", "Thomas Gray kept the Bell Rock lighthouse for thirty years."),
        ("Chapter 2", "The lamp burned whale oil until 1902.")])
    found = extract(path)
    assert found.title == "The lighthouse keepers"
    assert found.text.index("Thomas Gray") < found.text.index("whale oil")
    assert [where for _, where in found.places] == ["§ Chapter 1", "§ Chapter 2"]
    assert found.text[found.places[1][0]:].startswith("The lamp")


def test_text_of_any_name_and_encoding(tmp_path):
    (tmp_path / "cafe.txt").write_bytes("Café notes\n\nThe café serves crème brûlée.".encode("cp1252"))
    (tmp_path / "CHANGES").write_text("Version 2.1 fixed the login bug.\n")
    (tmp_path / "notes.rst").write_text("Deployment\n==========\n\nIt runs on port 8443.\n")
    (tmp_path / "log.gz").write_bytes(gzip.compress(b"Backup finished at 03:12.\n"))
    assert "crème brûlée" in extract(tmp_path / "cafe.txt").text
    assert extract(tmp_path / "CHANGES").text.startswith("Version 2.1")
    assert extract(tmp_path / "notes.rst").places == ((0, "§ Deployment"),)
    assert extract(tmp_path / "log.gz").text == "Backup finished at 03:12.\n"
    assert read_document(tmp_path / "log.gz").source == "log"


def test_bad_packed_files_are_skipped_not_fatal(tmp_path):
    bomb = tmp_path / "bomb.txt.gz"  # 1 GB of zeros in about 1 MB
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        for _ in range(64):
            out.write(bytes(16 * 2**20))
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a Word file")
    (tmp_path / "broken.epub").write_bytes(b"not a zip")
    (tmp_path / "broken.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    with open(tmp_path / "huge.html", "wb") as huge:  # 50 MB, sparse
        huge.truncate(50 * 2**20)
    (tmp_path / "ok.txt").write_text("One good document about rivers.")
    corpus = scan_corpus(tmp_path)
    assert [d.source for d in corpus.documents] == ["ok"]
    reasons = {Path(s.path).name: s.kind for s in corpus.skipped}
    assert reasons == {"bomb.txt.gz": "too large", "broken.docx": "unreadable",
                       "broken.epub": "unreadable", "broken.gz": "unreadable",
                       "huge.html": "too large"}
    assert corpus.summary() == "1 document (5 skipped: 3 unreadable, 2 too large)"


MAN_PAGE = """GIT(1)                            Git Manual                            GIT(1)

NAME
       git - the stupid content tracker

DESCRIPTION
       Git is a fast, scalable, distributed revision control system with an
       unusually rich command set that provides both high-level operations and
       full access to internals. It was first written by Linus Torvalds and docu-
       mented by many well-known people over the years, among them Junio C. Ha-
       mano, its maintainer since 2005, and Jeff King of GitHub, who are well-
       known for it.

OPTIONS
       -v, --version
           Prints the Git suite version that the git program came from.

AUTHORS
       Git was started by Linus Torvalds, and is currently maintained by Junio C
       Hamano.
"""


def test_hard_wrapped_text_is_joined_and_hyphens_undone_only_for_words():
    text = unwrap(MAN_PAGE)
    assert "written by Linus Torvalds and documented by many well-known people" in text
    assert "among them Junio C. Hamano, its maintainer since 2005" in text  # the document's word
    assert "who are well-known for it." in text  # "wellknown" is no word: the hyphen stays
    assert "       -v, --version\n" in text  # an option line is not a paragraph's
    assert title_of(text) == "git - the stupid content tracker"


def test_text_written_one_paragraph_a_line_stays_as_it_is():
    text = "Title\n\n" + "A long paragraph of news that goes on and on. " * 5 + "\nShort line.\n"
    assert unwrap(text) == text


@pytest.mark.parametrize("line, title", [
    ('<p align="center"><img src="logo.png"></p>', None),
    ("[![Build](https://ci/badge.svg)](https://ci) Widget *tool*", "Widget tool"),
    ("## Installing [qabot](https://x.org)", "Installing qabot"),
])
def test_titles_are_stripped_of_markup(line, title):
    assert title_of(f"{line}\n\nBody text here.") == (title or "Body text here.")


def test_answers_from_man_pages_have_no_line_breaks(tmp_path):
    (tmp_path / "git.1.txt").write_text(MAN_PAGE)
    answer = Engine.from_folder(tmp_path).answer("Who has been the maintainer since 2005?")
    assert answer.text and "\n" not in answer.text and "  " not in (answer.quote or "")


def test_a_folder_of_every_format_answers_with_source_and_page(tmp_path):
    corpus = tmp_path / "docs"
    corpus.mkdir()
    make_pdf(corpus / "harbour.pdf", [["Introduction to the harbour."], [
        "The fleet of 40 fishing boats landed 2,000 tonnes of cod."]])
    (corpus / "bridge.html").write_text(page_html("Bridge", "New bridge for Dunmore", [
        "The new bridge over the Tay at Dunmore will open in March 2025."]))
    make_docx(corpus / "minutes.docx", [("heading", "Board"), ("text",
              "The board chose Priya Shah as treasurer.")])
    make_eml(corpus / "offsite.eml", "Offsite", "The team offsite takes place in Lisbon.\n")
    make_epub(corpus / "book.epub", "Keepers", [("One", "Thomas Gray kept the Bell Rock light.")])
    (corpus / "notes.rst").write_text("Notes\n=====\n\nThe service listens on port 8443.\n")
    make_pdf(corpus / "scan.pdf", [[]])
    env = {"QABOT_INDEX_DIR": str(tmp_path / "index"), "PATH": "/usr/bin:/bin"}
    indexed = subprocess.run([str(QABOT), "index", "--corpus", str(corpus)], env=env,
                             capture_output=True, text=True, check=True)
    assert indexed.stdout.startswith(
        "Indexed 6 documents (1 skipped: 1 scanned PDF without text), ")
    for question, answer, source, place in [
        ("How many tonnes of cod did the fleet land?", "2,000 tonnes", "harbour", "p. 2"),
        ("When will the Dunmore bridge open?", "March 2025", "bridge", "§ New bridge for Dunmore"),
        ("Who was chosen as treasurer?", "Priya Shah", "minutes", "§ Board"),
        ("Where does the team offsite take place?", "Lisbon", "offsite", None),
        ("Who kept the Bell Rock light?", "Thomas Gray", "book", "§ One"),
        ("Which port does the service listen on?", "8443", "notes", "§ Notes"),
    ]:
        out = subprocess.run([str(QABOT), "ask", question, "--corpus", str(corpus), "--json"],
                             env=env, capture_output=True, text=True, check=True)
        got = json.loads(out.stdout)
        assert answer in (got["answer"] or ""), (question, got["answer"])
        assert got["sources"] == [source]
        assert got["evidence"][0]["place"] == place
