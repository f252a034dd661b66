"""A second process that parses sentences, so the reader's sentences parse on two cores at once.

spaCy holds the GIL while it parses, so threads do not help; parsing is most of an answer's time
(about 8 ms per 50-word sentence). The worker runs this module's `main`; it speaks
length-prefixed frames on its standard input and output: a request is a JSON list of texts, the
reply one frame per text with the parsed Doc's bytes. It says b"ready" once its model is loaded.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import struct
import subprocess
import sys
from typing import BinaryIO

from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)
_HEADER = struct.Struct(">I")
READY = b"ready"
EXCLUDE = ["tensor", "user_data"]  # the reader reads neither; vectors are most of a Doc's bytes


def write_frame(out: BinaryIO, payload: bytes) -> None:
    out.write(_HEADER.pack(len(payload)) + payload)


def read_frame(inp: BinaryIO) -> bytes | None:
    """The next frame, or None at the end of the stream (or a cut one)."""
    header = inp.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(header)
    payload = inp.read(size)
    return payload if len(payload) == size else None


class ParseWorker:
    """One worker process; `parse` blocks until it replies. Not thread-safe: callers hold a lock."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from retrieval.parse_worker import main; main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_env_finding_this_package(),
        )
        self._ready = False

    def ready(self) -> bool:
        """Whether the worker has loaded its model (never waits for it)."""
        if not self._ready and self.alive():
            assert self.proc.stdout is not None
            if select.select([self.proc.stdout], [], [], 0)[0]:
                self._ready = read_frame(self.proc.stdout) == READY
                if not self._ready:
                    self.close("it did not start")
        return self._ready

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, texts: list[str]) -> None:
        """Ask for `texts` to be parsed; `receive` collects them."""
        assert self.proc.stdin is not None
        write_frame(self.proc.stdin, json.dumps(texts).encode("utf-8"))
        self.proc.stdin.flush()

    def receive(self, nlp: Language, n: int) -> list[Doc]:
        """The n Docs of the last request, on the caller's vocabulary; OSError if it failed."""
        assert self.proc.stdout is not None
        docs = []
        for _ in range(n):
            frame = read_frame(self.proc.stdout)
            if frame is None:
                raise OSError("the parse worker stopped")
            docs.append(Doc(nlp.vocab).from_bytes(frame, exclude=EXCLUDE))
        return docs

    def close(self, why: str = "") -> None:
        if why:
            log.warning("parse worker off (%s); parsing in this process only", why)
        self._ready = False
        if self.alive():
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):  # a pipe to a dead process may not flush
                    pipe.close()


def _env_finding_this_package() -> dict[str, str]:
    """The environment, with this package importable even when it is not installed."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [root, os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def main() -> None:
    """Parse each request until standard input closes."""
    # Frames go to a private copy of stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    from retrieval.nlp import pipeline

    nlp = pipeline()
    write_frame(out, READY)
    out.flush()
    while (frame := read_frame(inp)) is not None:
        for doc in nlp.pipe(json.loads(frame)):
            write_frame(out, doc.to_bytes(exclude=EXCLUDE))
        out.flush()
