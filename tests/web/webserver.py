"""A real derive serve on a free loopback port, for the web tests; all traffic stays on 127.0.0.1 (imported
by name, `from webserver import Server`: every folder's conftest has the same module name)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


LIMITED = (
    "import resource, runpy, sys; n = int(sys.argv.pop(1)); "
    "resource.setrlimit(resource.RLIMIT_NOFILE, (n, n)); sys.argv[0] = 'derive'; "
    "runpy.run_module('derive', run_name='__main__')"
)
"""derive serve run with a limit on open files, as on a machine that allows few."""


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def json(self) -> object:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Server:
    def __init__(self, *options: str, env: dict | None = None, files: int | None = None) -> None:
        """``env``: more environment (DERIVE_NO_CACHE=1 unless it says otherwise); ``files``: the server's
        limit on open files (soft and hard), as on a machine that allows few."""
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        env = {**os.environ, "DERIVE_NO_CACHE": "1", **(env or {})}
        self.output = tempfile.TemporaryFile()  # a file, not a pipe: a server that logs much never blocks on it

        command = ["-m", "derive"]
        if files:  # the limit set by the server's own interpreter: no fork hook in this threaded process
            command = ["-c", LIMITED, str(files)]
        self.process = subprocess.Popen(
            [sys.executable, *command, "serve", "--port", str(self.port), *options],
            env=env,
            stdout=self.output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if self.get("/api/health").status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("derive serve did not start: " + self.log()[-2000:])

    def log(self) -> str:
        """What the server has printed so far (stdout and stderr)."""
        self.output.seek(0)
        return self.output.read().decode("utf-8", "replace")

    def request(
        self,
        path: str,
        data: bytes | None = None,
        method: str | None = None,
        timeout: float = 60,
        headers: dict | None = None,
    ) -> Answer:
        assert path.startswith("/")  # never a request off this machine
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers or {})
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return Answer(r.status, dict(r.headers), r.read())
        except urllib.error.HTTPError as e:
            return Answer(e.code, dict(e.headers), e.read())

    def get(self, path: str, timeout: float = 60, headers: dict | None = None) -> Answer:
        return self.request(path, timeout=timeout, headers=headers)

    def post(self, path: str, body: bytes | dict) -> Answer:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        return self.request(path, data=data, method="POST")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
