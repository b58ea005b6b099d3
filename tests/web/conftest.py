"""The web tests' shared server (tests/web/webserver.py starts it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from webserver import Server


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    running = Server("--workers", "2", "--timeout", "60")  # a backward module on a busy machine takes seconds
    yield running
    running.stop()
