"""A small fake Telegram Bot API on 127.0.0.1: feeds updates to a bot and records its calls.

It checks what Telegram checks that matters here (the token, UTF-8, HTML markup, message length
and inline results), and can fail the next call to a method (flood control, server errors, a
dropped connection) or answer it late, to exercise retries.
"""
from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-fake-token-4f9c2a"
MAX_DOWNLOAD = 20 * 1024 * 1024  # the largest file getFile lets a bot download
BOT_USER = {
    "id": 123456, "is_bot": True, "first_name": "QA Bot", "username": "QaTestBot",
    "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": True,
}
USER = {"id": 42, "is_bot": False, "first_name": "Alice", "language_code": "en"}
MAX_TEXT = 4096
MAX_INLINE_RESULTS = 50
RESET = 0  # a Failure status: the connection drops without a response
# Values PTB sends as plain strings; every other form value is JSON (numbers, objects, lists).
STRING_PARAMS = {"text", "query", "inline_query_id", "callback_query_id", "parse_mode", "action",
                 "url", "secret_token", "description", "short_description", "name"}
_HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
              "blockquote", "tg-spoiler", "span", "tg-emoji"}
_HTML_TOKEN = re.compile(
    r"<(/?)([A-Za-z][\w-]*)(\s[^<>]*)?>|&(#\d+|#x[0-9A-Fa-f]+|lt|gt|amp|quot);|[<>&]"
)


def telegram_html_text(text: str) -> str:
    """The plain text Telegram would show for HTML `text`; ValueError where Telegram says 400."""
    out, stack, pos = [], [], 0
    for match in _HTML_TOKEN.finditer(text):
        out.append(text[pos : match.start()])
        pos = match.end()
        closing, name, entity = match.group(1), match.group(2), match.group(4)
        if entity:
            out.append(html.unescape(match.group(0)))
        elif name is None:
            raise ValueError(f"Can't parse entities: unescaped {match.group(0)!r}")
        elif name.lower() not in _HTML_TAGS:
            raise ValueError(f"Can't parse entities: unsupported start tag {name!r}")
        elif not closing:
            stack.append(name.lower())
        elif not stack or stack.pop() != name.lower():
            raise ValueError(f"Can't parse entities: unexpected end tag {name!r}")
    if stack:
        raise ValueError(f"Can't parse entities: can't find end tag for {stack[-1]!r}")
    return "".join(out) + text[pos:]


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def entities(text: str) -> list[dict[str, Any]]:
    """The bot_command and mention entities Telegram would attach to `text`."""
    found = []
    command = re.match(r"/\w+(@\w+)?", text)
    if command:
        found.append(("bot_command", command.start(), command.end()))
    for mention in re.finditer(r"(?<![\w/])@\w{3,32}", text):
        if not command or mention.start() >= command.end():
            found.append(("mention", mention.start(), mention.end()))
    return [
        {"type": kind, "offset": utf16_len(text[:start]), "length": utf16_len(text[start:end])}
        for kind, start, end in found
    ]


@dataclass(frozen=True)
class Call:
    """One request the bot made: the method, its decoded parameters and what we answered."""

    method: str
    params: dict[str, Any]
    result: Any = None
    at: float = field(default_factory=time.monotonic)  # when the call was answered


@dataclass
class Failure:
    status: int
    description: str
    retry_after: int | None = None


@dataclass
class FakeBotApi:
    """Serve `/bot<token>/<method>` on a random loopback port."""

    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _failures: dict[str, list[Failure]] = field(default_factory=dict)
    _chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _delays: dict[str, list[float]] = field(default_factory=dict)
    _delivered: Counter[str] = field(default_factory=Counter)  # successful calls by method
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _files: dict[str, bytes] = field(default_factory=dict)  # file_id -> the file's bytes
    _runner: web.AppRunner | None = None
    _closing: bool = False
    _long_polls: int = 0  # getUpdates requests waiting for updates right now
    port: int = 0

    @property
    def base_url(self) -> str:
        """What QABOT_TELEGRAM_API_BASE_URL should be (PTB appends the token)."""
        return f"http://127.0.0.1:{self.port}/bot"

    async def start(self) -> FakeBotApi:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        """Release pending long polls, then close; stop the bot first."""
        self._closing = True
        await self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- what tests call ---------------------------------------------------------------

    def fail_next(
        self, method: str, status: int, description: str, retry_after: int | None = None
    ) -> None:
        """Make the next call to `method` fail like Telegram would."""
        self._failures.setdefault(method, []).append(Failure(status, description, retry_after))

    def reset_next(self, method: str) -> None:
        """Drop the connection of the next call to `method` before doing anything."""
        self.fail_next(method, RESET, "connection reset")

    def delay_next(self, method: str, seconds: float) -> None:
        """Carry out the next call to `method`, then answer it `seconds` late."""
        self._delays.setdefault(method, []).append(seconds)

    def delivered(self, method: str) -> int:
        """How many calls to `method` succeeded, including forgotten ones."""
        return self._delivered[method]

    async def wait_delivered(self, method: str, count: int, timeout: float = 15.0) -> None:
        """Return once `count` calls to `method` have succeeded (cheap for load tests)."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: self._delivered[method] >= count), timeout
            )

    def forget(self) -> None:
        """Drop the recorded calls (counts stay), so long runs keep memory flat."""
        self.calls = []

    def sent(self, method: str, *, delivered: bool = False, **match: Any) -> list[Call]:
        """Calls to `method` whose parameters include `match` (compared as strings); with
        `delivered`, only those that succeeded."""
        return [
            c for c in self.calls
            if c.method == method and _matches(c.params, match)
            and not (delivered and isinstance(c.result, (Failure, Exception)))
        ]

    async def wait_for(
        self, method: str, count: int = 1, *, timeout: float = 15.0, delivered: bool = False,
        **match: Any,
    ) -> list[Call]:
        """The first `count` matching calls, once they have all arrived."""
        def arrived() -> bool:
            return len(self.sent(method, delivered=delivered, **match)) >= count

        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(arrived), timeout)
        return self.sent(method, delivered=delivered, **match)[:count]

    async def texts(self, chat_id: int, count: int = 1) -> list[str]:
        """The first `count` messages delivered to `chat_id`, as the HTML the bot sent."""
        calls = await self.wait_for("sendMessage", count, delivered=True, chat_id=chat_id)
        return [c.params["text"] for c in calls]

    async def wait_polling(self, timeout: float = 15.0) -> None:
        """Return once the bot is waiting in a long poll."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self._long_polls > 0), timeout)

    async def message(
        self, chat_id: int, text: str, *, group: bool = False,
        reply_to: dict[str, Any] | None = None, user: dict[str, Any] = USER,
    ) -> dict[str, Any]:
        """Deliver a text message from `user` in a private chat or group; return the message."""
        message = self.make_message(chat_id, text, group=group, reply_to=reply_to, user=user)
        await self._push({"message": message})
        return message

    def make_message(
        self, chat_id: int, text: str, *, group: bool = False,
        reply_to: dict[str, Any] | None = None, user: dict[str, Any] = USER,
    ) -> dict[str, Any]:
        """A message as Telegram would send it to the bot, with its entities."""
        chat = {"id": chat_id, "type": "supergroup", "title": "Test group"} if group else {
            "id": chat_id, "type": "private", "first_name": user["first_name"]}
        self._chats[chat_id] = chat
        message = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat,
                   "from": user, "text": text, "entities": entities(text)}
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return message

    async def inline_query(self, query: str, user: dict[str, Any] = USER) -> str:
        """Deliver an inline query; return its id."""
        update = self.make_inline_query(query, user)
        await self._push(update)
        return str(update["inline_query"]["id"])

    def make_inline_query(self, query: str, user: dict[str, Any] = USER) -> dict[str, Any]:
        """An inline query update (without its update_id)."""
        return {"inline_query": {"id": str(next(self._ids)), "from": user, "query": query,
                                 "offset": "", "chat_type": "sender"}}

    async def deliver(self, updates: list[dict[str, Any]]) -> None:
        """Queue several updates at once, e.g. {"message": make_message(...)}: the bot's next
        getUpdates receives them together (up to its limit)."""
        for update in updates:
            self._updates.append({"update_id": next(self._ids), **update})
        await self._notify()

    async def document(
        self, chat_id: int, name: str, data: bytes, *, user: dict[str, Any] = USER,
        size: int | None = None, mime_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """Deliver a file sent in a private chat; the bot downloads it with getFile. `size` is
        what Telegram says the file weighs (default: its real size)."""
        file_id = f"file{next(self._ids)}"
        self._files[file_id] = data
        chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
        self._chats[chat_id] = chat
        message = {"message_id": next(self._ids), "date": int(time.time()), "chat": chat,
                   "from": user, "document": {
                       "file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name,
                       "mime_type": mime_type, "file_size": len(data) if size is None else size}}
        await self._push({"message": message})
        return message

    async def callback_query(
        self, message: dict[str, Any], data: str, user: dict[str, Any] = USER
    ) -> str:
        """Deliver a button press on `message`; return the callback query's id."""
        query_id = str(next(self._ids))
        await self._push({"callback_query": {"id": query_id, "from": user, "message": message,
                                             "chat_instance": "1", "data": data}})
        return query_id

    # -- the server --------------------------------------------------------------------

    async def _push(self, update: dict[str, Any]) -> None:
        self._updates.append({"update_id": next(self._ids), **update})
        await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        failures = self._failures.get(method)
        if failures:
            failure = failures.pop(0)
            self.calls.append(Call(method, params, failure))
            await self._notify()
            if failure.status == RESET:
                assert request.transport is not None
                request.transport.abort()
            return _error(failure.status or 500, failure.description, failure.retry_after)
        try:
            result = await self._result(method, params)
        except ValueError as err:
            self.calls.append(Call(method, params, err))
            await self._notify()
            return _error(400, f"Bad Request: {err}")
        self.calls.append(Call(method, params, result))
        self._delivered[method] += 1
        await self._notify()
        delays = self._delays.get(method)
        if delays:
            await asyncio.sleep(delays.pop(0))  # done, but the answer is late
        return web.json_response({"ok": True, "result": result})

    async def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT_USER
        if method == "getUpdates":
            return await self._get_updates(params)
        if method == "sendMessage":
            return self._send_message(params)
        if method == "answerInlineQuery":
            check_inline_results(params.get("results"))
        if method == "getFile":
            return self._get_file(str(params.get("file_id")))
        return True  # deleteWebhook, setWebhook, sendChatAction, answerInlineQuery, ...

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]  # confirmed
        async with self._changed:
            self._long_polls += 1
            self._changed.notify_all()
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: bool(self._updates) or self._closing),
                    float(params.get("timeout") or 0),
                )
            except TimeoutError:
                pass
            finally:
                self._long_polls -= 1
        return list(self._updates[: int(params.get("limit") or 100)])

    def _get_file(self, file_id: str) -> dict[str, Any]:
        if file_id not in self._files:
            raise ValueError("wrong file_id or the file is temporarily unavailable")
        data = self._files[file_id]
        if len(data) > MAX_DOWNLOAD:
            raise ValueError("file is too big")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(data),
                "file_path": f"documents/{file_id}.bin"}

    async def _download(self, request: web.Request) -> web.Response:
        """A file's bytes, as Telegram serves them from /file/bot<token>/<file_path>."""
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        file_id = request.match_info["path"].removeprefix("documents/").removesuffix(".bin")
        if file_id not in self._files:
            return _error(404, "Not Found")
        self.calls.append(Call("download", {"file_id": file_id}, True))
        return web.Response(body=self._files[file_id])

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        text = shown_text(str(params.get("text", "")), params.get("parse_mode"))
        chat_id = int(params["chat_id"])
        chat = self._chats.get(chat_id, {"id": chat_id, "type": "private", "first_name": "Alice"})
        return {"message_id": next(self._ids), "date": int(time.time()), "chat": chat,
                "from": BOT_USER, "text": text}


def shown_text(text: str, parse_mode: str | None) -> str:
    """The text of a message Telegram accepts; ValueError where Telegram says 400."""
    _check_utf8(text)
    if parse_mode == "HTML":
        text = telegram_html_text(text)
    if not text.strip():
        raise ValueError("message text is empty")
    if utf16_len(text) > MAX_TEXT:
        raise ValueError("message is too long")
    return text


def check_inline_results(results: Any) -> None:
    """What Telegram checks in answerInlineQuery's results (articles with a text message)."""
    if not isinstance(results, list) or len(results) > MAX_INLINE_RESULTS:
        raise ValueError("RESULTS_TOO_MUCH")
    if len({r.get("id") for r in results}) != len(results):
        raise ValueError("RESULT_ID_DUPLICATE")
    for result in results:
        if not str(result.get("title", "")).strip():
            raise ValueError("RESULT_TITLE_EMPTY")
        content = result["input_message_content"]
        shown_text(content["message_text"], content.get("parse_mode"))
        _check_utf8(result["title"] + result.get("description", ""))


def _check_utf8(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("strings must be encoded in UTF-8") from None


async def _params(request: web.Request) -> dict[str, Any]:
    """Form (what PTB sends, with JSON inside for objects) or JSON request parameters."""
    if request.content_type == "application/json":
        return dict(await request.json())
    form = await request.post() if request.body_exists else {}
    params: dict[str, Any] = dict(request.query)
    for key, value in form.items():
        if not isinstance(value, str) or key in STRING_PARAMS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)


def _matches(params: dict[str, Any], match: dict[str, Any]) -> bool:
    return all(str(params.get(k)) == str(v) for k, v in match.items())
