"""The HTTP connections ``derive serve`` keeps: uvicorn's h11 protocol with the limits a server open to a
class needs, so that slow or idle clients cannot hold its file descriptors.

uvicorn times out a connection that is idle after a response (``timeout_keep_alive``), but a client that
sends its headers one byte at a time restarts that timer with every byte, and one that never finishes its
first request is never timed out at all (slowloris).  Here:

- a request's headers must be complete within ``HEADER_SECONDS`` of the connection, or of the response
  before them; the connection is closed otherwise, however much of them has trickled in;
- at most ``Limits.connections`` connections are open at once: one more closes the connection that has
  waited longest for its headers (a slow or idle one), and only when none waits is the new one closed,
  so the descriptors never run out (no flood of "Too many open files" in the log) and a slowloris flood
  cannot lock a class out.
"""

from __future__ import annotations

import asyncio
import resource
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_SECONDS = 10.0
BACKLOG = 64
"""The listening socket's queue, and so how many connections asyncio accepts in one go, before any of them
reaches ``connection_made``: the descriptors kept free for it."""
KEEP_ALIVE_SECONDS = 5
"""uvicorn's timeout for a connection idle between requests."""


@dataclass
class Limits:
    connections: int = 1000


LIMITS = Limits()


def raise_descriptor_limit() -> int:
    """The soft limit on open files raised to the hard one; the connections allowed, well below it (each
    worker holds a few descriptors, the disk cache and TeX a few more)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        wanted = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, wanted), hard))
            soft = max(soft, wanted)
        except (ValueError, OSError):
            pass
    LIMITS.connections = max(
        16, min(4096, soft - 4 * BACKLOG - 64)
    )  # asyncio accepts a few batches at once; 64: the workers, TeX, the cache
    return LIMITS.connections


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on every request's headers and a cap on open connections."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        waiting = _waiting(self.server_state)
        if len(self.connections) > LIMITS.connections:
            if waiting:
                _, oldest = waiting.popitem(last=False)
                oldest._close()
            else:
                self._close()
                return
        self._await_headers()

    def _await_headers(self) -> None:
        self._headers_arrived()  # a deadline already set gives way to this one
        self._header_deadline = self.loop.call_later(HEADER_SECONDS, self._headers_too_slow)
        _waiting(self.server_state)[id(self)] = self

    def _headers_arrived(self) -> None:
        deadline = getattr(self, "_header_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self._header_deadline = None
        _waiting(self.server_state).pop(id(self), None)

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self.conn.their_state is h11.IDLE:
            self._close()

    def _close(self) -> None:
        self._headers_arrived()
        if not self.transport.is_closing():
            self.transport.abort()

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:  # the request's headers are in
            self._headers_arrived()

    def on_response_complete(self) -> None:
        if not self.transport.is_closing():
            self._await_headers()  # the next request on this connection has the same deadline
        super().on_response_complete()  # a request pipelined behind this one is read here

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        super().connection_lost(exc)


def _waiting(state: Any) -> OrderedDict[int, GuardedH11Protocol]:
    """The server's connections waiting for a request's headers, the longest waiting first."""
    found = getattr(state, "derive_waiting", None)
    if found is None:
        found = OrderedDict()
        state.derive_waiting = found
    return found
