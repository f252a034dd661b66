"""`qabot telegram` and `qabot run` as real processes against the fake Bot API."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

from conftest import SEEDS
from fake_bot_api import BOT_USER, FakeBotApi

pytestmark = pytest.mark.asyncio(loop_scope="session")
QABOT = Path(sys.executable).parent / "qabot"
HELD_BOT = Path(__file__).parent / "held_bot.py"
QUESTION = "What is the capital of Zanzibar on Mars?"
START_TIMEOUT = 60.0  # loading the engine; generous for slow CI machines


class Qabot:
    """A running `qabot` process whose output is read as it comes (a full pipe would block it)."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.stdout = bytearray()
        self.stderr = bytearray()
        assert process.stdout is not None and process.stderr is not None
        self._readers = [asyncio.ensure_future(_drain(process.stdout, self.stdout)),
                         asyncio.ensure_future(_drain(process.stderr, self.stderr))]

    @classmethod
    async def start(
        cls, *args: str, env: dict[str, str], cwd: Path, program: tuple[str, ...] = (str(QABOT),)
    ) -> Qabot:
        process = await asyncio.create_subprocess_exec(
            *program, *args, env=env, cwd=cwd, stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        return cls(process)

    async def exit_code(self, timeout: float = 30.0) -> int:
        """Wait for the process to end and its output to be read."""
        code = await asyncio.wait_for(self.process.wait(), timeout)
        await asyncio.gather(*self._readers)
        return code

    async def stop(self, sig: signal.Signals) -> int:
        self.process.send_signal(sig)
        return await self.exit_code()

    def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()

    @property
    def output(self) -> str:
        return (self.stdout + self.stderr).decode("utf-8", "replace")


async def _drain(stream: asyncio.StreamReader, into: bytearray) -> None:
    while chunk := await stream.read(65536):
        into.extend(chunk)


def bot_env(server: FakeBotApi, token: str | None = None, **extra: str) -> dict[str, str]:
    """The environment without any QABOT_ setting but these (cwd holds no .env either)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("QABOT_")}
    env.update(
        QABOT_TELEGRAM_TOKEN=server.token if token is None else token,
        QABOT_TELEGRAM_API_BASE_URL=server.base_url, QABOT_CORPUS_DIR=str(SEEDS), **extra,
    )
    return env


@pytest.fixture
async def fake() -> FakeBotApi:
    server = await FakeBotApi().start()
    yield server  # type: ignore[misc]
    await server.stop()


@pytest.mark.parametrize("command, sig", [("telegram", signal.SIGINT), ("run", signal.SIGTERM)])
async def test_polling_bot_answers_and_exits_cleanly_on_a_signal(
    fake: FakeBotApi, tmp_path: Path, command: str, sig: signal.Signals
) -> None:
    bot = await Qabot.start(command, env=bot_env(fake, QABOT_LOG_LEVEL="DEBUG"), cwd=tmp_path)
    try:
        await fake.wait_polling(timeout=START_TIMEOUT)
        await fake.message(11, QUESTION)
        (text,) = await fake.texts(11)
        assert "Not found in the corpus" in text
        assert await fake.wait_for("setMyCommands")
        assert await bot.stop(sig) == 0
    finally:
        bot.kill()
    assert f"@{BOT_USER['username']}" in bot.stdout.decode()  # how to reach the bot
    assert "Traceback" not in bot.output
    assert fake.token not in bot.output  # not even in DEBUG logs of request URLs


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=lambda s: s.name)
async def test_a_signal_lets_the_answer_in_flight_finish_then_exits_0(
    fake: FakeBotApi, tmp_path: Path, sig: signal.Signals
) -> None:
    release = tmp_path / "release"
    bot = await Qabot.start(str(release), env=bot_env(fake), cwd=tmp_path,
                            program=(sys.executable, str(HELD_BOT)))
    try:
        await fake.wait_polling(timeout=START_TIMEOUT)
        await fake.message(13, QUESTION)
        await fake.wait_for("sendChatAction", chat_id=13)  # the engine holds the answer now
        assert fake.token not in process_title(bot.process.pid)
        bot.process.send_signal(sig)
        # Polling stops first: PTB's last getUpdates (without waiting) confirms what it fetched.
        async with asyncio.timeout(30):
            while not [c for c in fake.sent("getUpdates") if c.params.get("timeout") == 0]:
                await asyncio.sleep(0.02)
        assert bot.process.returncode is None and not fake.sent("sendMessage")
        release.touch()
        (text,) = await fake.texts(13)
        assert "Not found in the corpus" in text
        assert await bot.exit_code() == 0
    finally:
        release.touch()
        bot.kill()
    assert "Traceback" not in bot.output
    assert len(fake.sent("sendMessage")) == 1


async def test_the_token_comes_from_dot_env_and_stays_out_of_the_process_title(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    env = bot_env(fake)
    del env["QABOT_TELEGRAM_TOKEN"]
    (tmp_path / ".env").write_text(f"QABOT_TELEGRAM_TOKEN={fake.token}\n")
    bot = await Qabot.start("telegram", env=env, cwd=tmp_path)
    try:
        await fake.wait_polling(timeout=START_TIMEOUT)
        assert fake.token not in process_title(bot.process.pid)
        await fake.message(14, QUESTION)
        await fake.texts(14)
        assert await bot.stop(signal.SIGTERM) == 0
    finally:
        bot.kill()
    assert fake.token not in bot.output


async def test_webhook_server_answers_posted_updates(fake: FakeBotApi, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    bot = await Qabot.start(
        "telegram", "--webhook-url", url, "--listen", f"127.0.0.1:{port}",
        "--secret-token", "s3cret_T0ken", env=bot_env(fake), cwd=tmp_path,
    )
    try:
        (call,) = await fake.wait_for("setWebhook", timeout=START_TIMEOUT)
        assert call.params["url"] == url and call.params["secret_token"] == "s3cret_T0ken"
        update = {"update_id": 1, "message": fake.make_message(12, QUESTION)}
        assert await post_update(url, update, "wrong") == 403
        assert await post_update(url, update, "s3cret_T0ken") == 200
        (text,) = await fake.texts(12)
        assert "Not found in the corpus" in text
        assert await bot.stop(signal.SIGTERM) == 0
    finally:
        bot.kill()
    assert fake.token not in bot.output


async def test_a_webhook_port_in_use_is_a_one_line_error(fake: FakeBotApi, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        bot = await Qabot.start(
            "telegram", "--webhook-url", "https://bot.example.org/hook",
            "--listen", f"127.0.0.1:{port}", env=bot_env(fake), cwd=tmp_path,
        )
        try:
            assert await bot.exit_code(START_TIMEOUT) == 2
        finally:
            bot.kill()
    assert bot.stderr.decode().strip().splitlines() == [
        f"qabot: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


async def test_a_rejected_token_is_a_one_line_error(fake: FakeBotApi, tmp_path: Path) -> None:
    bot = await Qabot.start("telegram", env=bot_env(fake, token="999:wrong-token"), cwd=tmp_path)
    try:
        assert await bot.exit_code(START_TIMEOUT) == 2
    finally:
        bot.kill()
    assert bot.stderr.decode().strip().splitlines() == [
        "qabot: Telegram rejected QABOT_TELEGRAM_TOKEN; copy the token from @BotFather again"
    ]
    assert "999:wrong-token" not in bot.output


async def test_a_missing_token_is_a_one_line_error(fake: FakeBotApi, tmp_path: Path) -> None:
    bot = await Qabot.start("telegram", env=bot_env(fake, token=""), cwd=tmp_path)
    assert await bot.exit_code(START_TIMEOUT) == 2
    (line,) = bot.stderr.decode().strip().splitlines()
    assert line.startswith("qabot: QABOT_TELEGRAM_TOKEN is not set") and "@BotFather" in line


async def test_a_token_of_the_wrong_shape_is_refused_before_any_request(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    bot = await Qabot.start("telegram", env=bot_env(fake, token="notatoken"), cwd=tmp_path)
    assert await bot.exit_code(START_TIMEOUT) == 2
    (line,) = bot.stderr.decode().strip().splitlines()
    assert line.startswith("qabot: QABOT_TELEGRAM_TOKEN is not a bot token")
    assert "notatoken" not in bot.output
    assert fake.calls == []


async def test_run_without_a_token_is_the_console_saying_how_to_connect_telegram(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    bot = await Qabot.start("run", env=bot_env(fake, token=""), cwd=tmp_path)
    assert await bot.exit_code(START_TIMEOUT) == 0  # standard input is empty: the console ends
    assert "QABOT_TELEGRAM_TOKEN" in bot.stdout.decode()
    assert not fake.calls


def process_title(pid: int) -> str:
    """What `ps` shows for a process: its command line, and its name."""
    proc = Path(f"/proc/{pid}")
    return (proc / "cmdline").read_bytes().decode().replace("\0", " ") + (proc / "comm").read_text()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def post_update(url: str, update: dict[str, object], secret: str) -> int:
    """POST an update as Telegram would, retrying until the webhook server listens."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.post(url, json=update, headers=headers) as response:
                    return response.status
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.05)
    raise AssertionError(f"nothing listens at {url}")
