"""Serving shards from this machine with `xapian-tcpsrv`, as a remote machine would.

On real machines each shard is served by `xapian-tcpsrv --port P FOLDER` (README, "Beyond
one machine"). The tests and the benchmark start the same program on 127.0.0.1 so that
searches cross a real socket, and kill it to play a machine going down.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from retrieval.backends.xapian_shards import xapian_module


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ShardServer:
    """One `xapian-tcpsrv` serving one shard folder on 127.0.0.1; start() waits until it
    answers."""

    def __init__(self, folder: Path, port: int | None = None) -> None:
        self.folder, self.port = folder, port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def spec(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def start(self, wait_seconds: float = 15) -> ShardServer:
        program = shutil.which("xapian-tcpsrv")
        if program is None:
            raise RuntimeError("xapian-tcpsrv not found: apt-get install xapian-tools")
        xapian = xapian_module()
        self.process = subprocess.Popen(
            [program, "--port", str(self.port), "--interface", "127.0.0.1", "--quiet",
             str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)  # its own group: it forks a child per connection
        deadline = time.monotonic() + wait_seconds
        while time.monotonic() < deadline:
            try:
                xapian.remote_open("127.0.0.1", self.port, 2000, 2000).get_doccount()
                return self
            except xapian.Error:
                time.sleep(0.05)
        self.kill()
        raise RuntimeError(f"xapian-tcpsrv on port {self.port} did not start")

    def kill(self) -> None:
        """Kill the server and the children serving open connections: the machine is gone."""
        if self.process is not None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.process = None
