"""The engine, isolated from the server: a bounded pool of worker processes, each answering one job at a
time (``derive.serve.jobs``), so that the event loop never runs SymPy.

- a job waits for an idle worker in a queue of bounded length; a full queue is ``BusyError`` (the server
  answers 503 with Retry-After), never a queue without bound;
- a job has a time limit: past it, its worker is killed and replaced, and the job ends in ``TimedOutError``;
- a job running longer than ``NICE_AFTER`` seconds has its worker's priority lowered, so that the
  short jobs on the other workers keep the processors (a pathological input cannot slow the class);
- a worker is replaced after ``MAX_JOBS`` jobs, so that memory stays flat over days.

Workers are spawned (not forked: the server may have threads), each importing derive and deriving
one function first, so that a first request does not pay SymPy's import.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
from typing import Any

from derive.serve.jobs import Reply

NICE_AFTER = 0.25
MAX_JOBS = 2000


class BusyError(Exception):
    """Every worker is busy and the queue is full."""


class TimedOutError(Exception):
    """A job ran past its time limit (its worker was replaced)."""


def _serve(conn: Any) -> None:
    """A worker's life: warm up, then answer jobs until the server closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    from derive.serve import jobs

    jobs.run("read", {"f": "sigmoid(z) + tanh(z)", "var": None, "input": "auto"})  # SymPy imported, caches warm
    while True:
        try:
            kind, params = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(jobs.run(kind, params))


class _Worker:
    def __init__(self, context: Any) -> None:
        self.context = context
        self.jobs = 0
        self._start()

    def _start(self) -> None:
        self.conn, child = self.context.Pipe()
        self.process = self.context.Process(target=_serve, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.jobs = 0

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def replace(self) -> None:
        self.stop()
        self._start()

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)

    async def run(self, kind: str, params: dict, timeout: float) -> Reply:
        loop = asyncio.get_running_loop()
        done: asyncio.Future = loop.create_future()
        fd = self.conn.fileno()

        def ready() -> None:
            loop.remove_reader(fd)
            if done.done():
                return
            try:
                done.set_result(self.conn.recv())
            except (EOFError, OSError) as exc:  # the worker died (out of memory, killed)
                done.set_exception(exc)

        self.conn.send((kind, params))
        loop.add_reader(fd, ready)
        nice = loop.call_later(NICE_AFTER, self._lower_priority)
        try:
            reply = await asyncio.wait_for(done, timeout)
        except (TimeoutError, EOFError, OSError):
            loop.remove_reader(fd)
            self.replace()
            raise TimedOutError from None
        finally:
            nice.cancel()
        self.jobs += 1
        self._restore_priority()
        if self.jobs >= MAX_JOBS:
            self.replace()
        return reply

    def _lower_priority(self) -> None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.pid, 10)

    def _restore_priority(self) -> None:
        with contextlib.suppress(OSError):  # raising it back needs the right to: as root, or it stays lower
            if os.getpriority(os.PRIO_PROCESS, self.pid) != 0:
                os.setpriority(os.PRIO_PROCESS, self.pid, 0)


FAST = ("read",)
"""Jobs of milliseconds (the page's live preview): one worker does only these, so that a preview never
waits behind a derivation."""


class _Lane:
    """Workers and the jobs waiting for one of them."""

    def __init__(self, workers: list[_Worker]) -> None:
        self.workers = workers
        self.idle: asyncio.Queue = asyncio.Queue()
        for worker in workers:
            self.idle.put_nowait(worker)
        self.waiting = 0


class Pool:
    """``workers`` processes (one of them for the fast jobs, when there are two or more), a queue of at
    most ``queue`` waiting jobs, ``timeout`` seconds a job."""

    def __init__(self, workers: int, queue: int, timeout: float) -> None:
        self.size, self.queue_size, self.timeout = workers, queue, timeout
        self.workers: list[_Worker] = []
        self.lanes: dict[str, _Lane] = {}

    async def start(self) -> None:
        context = multiprocessing.get_context("spawn")
        self.workers = [_Worker(context) for _ in range(self.size)]
        if self.size >= 2:
            self.lanes = {"fast": _Lane(self.workers[:1]), "other": _Lane(self.workers[1:])}
        else:
            self.lanes = {"fast": _Lane(self.workers), "other": None}
            self.lanes["other"] = self.lanes["fast"]

    async def stop(self) -> None:
        for worker in self.workers:
            worker.stop()

    async def run(self, kind: str, params: dict) -> Reply:
        lane = self.lanes["fast" if kind in FAST else "other"]
        if lane.idle.empty() and lane.waiting >= self.queue_size:
            raise BusyError
        lane.waiting += 1
        try:
            worker = await lane.idle.get()
        finally:
            lane.waiting -= 1
        try:
            return await worker.run(kind, params, self.timeout)
        finally:
            lane.idle.put_nowait(worker)

    def pids(self) -> list[int]:
        return [w.pid for w in self.workers if w.pid is not None]
