"""Documents sent to the bot over the fake Bot API (getFile and the file's download), /documents,
/remove, and files dropped into the corpus folder while the bot runs."""
from __future__ import annotations

import asyncio
import html
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from conftest import write_corpus
from fake_bot_api import USER, FakeBotApi
from make_files import make_docx, make_pdf
from test_telegram_bot import bot_settings, running

from retrieval import EngineConfig
from retrieval.library import Library

pytestmark = pytest.mark.asyncio(loop_scope="session")
ADMIN = USER  # id 42
OTHER_ADMIN = {"id": 43, "is_bot": False, "first_name": "Bea"}
STRANGER = {"id": 77, "is_bot": False, "first_name": "Carl"}
FILES = {
    "001_bridge.txt": "Bridge opens\n\nThe new Harbour Bridge opened on March 3, 2019. "
                      "Mayor Anna Berg cut the ribbon.",
    "002_rain.txt": "Weather\n\nHeavy rain fell across the region on Sunday.",
}
FERRY = ("Ferry news\n\nThe old ferry Marta was sold to a museum in Bergen. "
         "The museum paid 2 million crowns for her.")
PAID = "How much did the museum pay for the ferry Marta?"


@pytest_asyncio.fixture(loop_scope="session")
async def bot(tmp_path: Path) -> AsyncIterator[tuple[FakeBotApi, Library]]:
    """A bot on a corpus of its own, administered by users 42 and 43, watching its folder."""
    corpus = write_corpus(tmp_path / "corpus", FILES)
    library = Library.open(corpus, EngineConfig(), tmp_path / "cache")
    fake = await FakeBotApi().start()
    settings = bot_settings(fake, corpus, admin_ids=[ADMIN["id"], OTHER_ADMIN["id"]],
                            watch_seconds=0.1, index_dir=tmp_path / "cache")
    async with running(settings, library, fake):
        yield fake, library
    await fake.stop()


async def reply(server: FakeBotApi, chat: int, n: int) -> str:
    """The n-th message (from 1) the bot sent to `chat`, as its text shows."""
    return html.unescape((await server.texts(chat, n))[n - 1])


async def test_an_admin_sends_a_document_and_questions_find_it(bot: tuple) -> None:
    server, library = bot
    await server.message(300, PAID)
    assert "Not found in the corpus" in await reply(server, 300, 1)
    await server.document(300, "ferry.txt", FERRY.encode())
    added = await reply(server, 300, 2)
    assert added.startswith("📥 Added <b>Ferry news</b>: 3 sentences, source <code>ferry</code>")
    assert (library.folder / "uploads" / "ferry.txt").read_text(encoding="utf-8") == FERRY
    assert server.sent("getFile") and server.sent("download")
    await server.message(300, PAID)
    answer = await reply(server, 300, 3)
    assert "2 million crowns" in answer and "Ferry news" in answer
    await server.document(300, "copy.txt", FERRY.encode())  # the same bytes again
    assert "already in the corpus as <code>ferry</code>" in await reply(server, 300, 4)
    assert sorted(p.name for p in (library.folder / "uploads").iterdir()) == ["ferry.txt"]


async def test_word_and_pdf_files_are_read_and_cited(bot: tuple, tmp_path: Path) -> None:
    server, _ = bot
    pdf = make_pdf(tmp_path / "dock.pdf", [["Dock report"], ["The dry dock was flooded on",
                                                             "May 9, 2021, by a storm."]])
    await server.document(301, "dock.pdf", pdf.read_bytes(), mime_type="application/pdf")
    assert "source <code>dock</code>" in await reply(server, 301, 1)
    word = make_docx(tmp_path / "crane.docx", [("heading", "Cranes"),
                                                ("text", "The yellow crane lifts 40 tonnes.")])
    await server.document(301, "crane.docx", word.read_bytes())
    assert "source <code>crane</code>" in await reply(server, 301, 2)
    await server.message(301, "When was the dry dock flooded?")
    assert "May 9, 2021" in await reply(server, 301, 3) and "p. 2" in await reply(server, 301, 3)


async def test_bad_files_get_a_clear_reply_and_change_nothing(bot: tuple,
                                                              tmp_path: Path) -> None:
    server, library = bot
    before = [d.source for d in library.documents()]
    scanned = make_pdf(tmp_path / "scan.pdf", [[]])
    await server.document(302, "broken.pdf", b"%PDF-1.7\n garbage, no objects at all")
    assert "could not add <b>broken.pdf</b>" in await reply(server, 302, 1)
    await server.document(302, "scan.pdf", scanned.read_bytes())
    assert "no text layer" in await reply(server, 302, 2)
    await server.document(302, "photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "could not add <b>photo.png</b>" in await reply(server, 302, 3)
    await server.document(302, "huge.pdf", b"%PDF-1.7", size=25 * 1024 * 1024)
    assert "is 25.0 MB" in await reply(server, 302, 4)
    assert len(server.sent("getFile")) == 3  # the big one was never fetched
    assert [d.source for d in library.documents()] == before
    assert not (library.folder / "uploads").exists() or not any(
        (library.folder / "uploads").iterdir())
    await server.message(302, "When did the Harbour Bridge open?")
    assert "March 3, 2019" in await reply(server, 302, 5)


async def test_only_admins_add_list_and_remove(bot: tuple) -> None:
    server, library = bot
    await server.document(303, "ferry.txt", FERRY.encode(), user=STRANGER)
    assert "only the bot's administrators can add" in await reply(server, 303, 1)
    await server.message(303, "/documents", user=STRANGER)
    assert "only the bot's administrators" in await reply(server, 303, 2)
    await server.message(303, "/remove 001", user=STRANGER)
    assert "only the bot's administrators" in await reply(server, 303, 3)
    assert not server.sent("getFile") and len(library.documents()) == 2


async def test_documents_lists_uploads_and_remove_deletes_one(bot: tuple) -> None:
    server, library = bot
    await server.message(304, "/documents")
    assert "No documents were sent to me yet" in await reply(server, 304, 1)
    await server.document(304, "ferry.txt", FERRY.encode())
    await reply(server, 304, 2)
    await server.message(304, "/documents")
    listed = await reply(server, 304, 3)
    assert "1 document sent to me" in listed and "<code>ferry</code> Ferry news — 3 sentences" \
        in listed
    await server.message(304, "/remove")
    assert "Say which" in await reply(server, 304, 4)
    await server.message(304, "/remove 001")
    assert "001 was not sent to the bot" in await reply(server, 304, 5)
    await server.message(304, "/remove ferry")
    assert "Removed <code>ferry</code>" in await reply(server, 304, 6)
    assert not (library.folder / "uploads" / "ferry.txt").exists()
    await server.message(304, PAID)
    assert "2 million" not in await reply(server, 304, 7)
    await server.message(304, "/remove ferry")
    assert "no document has the id ferry" in await reply(server, 304, 8)


async def test_a_file_dropped_into_the_folder_is_answered_without_a_restart(bot: tuple) -> None:
    server, library = bot
    (library.folder / "003_ferry.txt").write_text(FERRY, encoding="utf-8")
    for _ in range(100):  # the bot looks every 0.1 s
        if any(d.source == "003" for d in library.documents()):
            break
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)  # the answers follow the new engine on the event loop
    await server.message(305, PAID)
    assert "2 million crowns" in await reply(server, 305, 1)
    await server.message(305, "/sources")
    assert "3 documents" in await reply(server, 305, 2)


async def test_two_uploads_at_once_and_a_question_meanwhile(bot: tuple) -> None:
    server, library = bot
    notes = {n: f"Note {n}\n\nThe harbour crane number {n} was painted blue in week {n}."
             for n in (1, 2)}
    await server.deliver([
        {"message": server.make_message(306, "When did the Harbour Bridge open?")},
        {"message": server.make_message(307, "/start", user=OTHER_ADMIN)},
    ])
    await asyncio.gather(server.document(308, "note1.txt", notes[1].encode()),
                         server.document(309, "note2.txt", notes[2].encode(), user=OTHER_ADMIN),
                         server.message(306, "Who cut the ribbon?"))
    assert "source <code>note1</code>" in await reply(server, 308, 1)
    assert "source <code>note2</code>" in await reply(server, 309, 1)
    assert "March 3, 2019" in await reply(server, 306, 1)
    assert "Anna Berg" in await reply(server, 306, 2)
    assert {d.source for d in library.documents()} == {"001", "002", "note1", "note2"}
    assert not server.sent("sendMessage", text="apology")


async def test_a_source_button_from_before_a_change_says_the_corpus_changed(bot: tuple) -> None:
    server, _ = bot
    await server.message(310, "When did the Harbour Bridge open?")
    (call,) = await server.wait_for("sendMessage", chat_id=310)
    data = call.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await server.document(310, "ferry.txt", FERRY.encode())
    await reply(server, 310, 2)
    await server.callback_query(call.result, data)
    assert "no longer in the corpus" in await reply(server, 310, 3)
    await server.message(310, "When did the Harbour Bridge open?")
    (_, _, _, fresh) = await server.wait_for("sendMessage", 4, chat_id=310)
    await server.callback_query(fresh.result,
                                fresh.params["reply_markup"]["inline_keyboard"][0][0][
                                    "callback_data"])
    assert "March 3, 2019" in await reply(server, 310, 5)
