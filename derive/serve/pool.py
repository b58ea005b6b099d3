"""The engine, isolated from the server: a bounded pool of worker processes, each answering one job at a
time (``derive.serve.jobs``), so that the event loop never runs SymPy.

- a job waits for an idle worker in a queue of bounded length; a full queue is ``BusyError`` (the server
  answers 503 with Retry-After), never a queue without bound;
- a job has a time limit: past it, its worker is killed and replaced, and the job ends in ``TimedOutError``;
- a job's worker runs at a lower priority the longer the job runs (``LOWERED``), so that the short
  jobs on the other workers keep the processors (a pathological input cannot slow the class); the
  derivations run below the server itself (``DERIVING_NICE``), so that what it answers from its cache
  never waits for them;
- a worker is replaced after ``MAX_JOBS`` jobs, so that memory stays flat over days;
- a worker found dead (killed, out of memory) is replaced before its next job, and one that dies during
  a job ends that job in ``WorkerLostError`` (a 500), never in a false time-out;
- a job whose every client has gone is cancelled: a worker running it is killed and replaced;
- a worker is stopped with SIGTERM first, which kills its TeX runs with their process groups and removes
  their folders (``derive.render.tex.stop_running``), then SIGKILL after ``GRACE`` seconds.

Workers are forked from a fork server that has imported derive and derived once (``derive.serve.warm``),
so that neither a first request nor a replaced worker pays SymPy's import; a worker takes jobs only
once it has said it is ready, and one whose priority cannot be raised back is replaced after its job.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import multiprocessing
import os
import signal
from typing import Any

from derive.serve.jobs import JOBS, Reply

LOWERED = ((1.0, 10), (3.0, 19))
"""(seconds, priority): a job's worker runs at a lower priority the longer its job runs.  A derivation typed
for the first time takes 0.05 to 0.7 s, a pathological one runs to the time limit: one that takes a second
still runs before the pathological ones, which end at the lowest priority (19)."""
DERIVING_NICE = 5
"""The priority the derivations run at: below the server's own (0), so that what it answers from its cache
never waits for a processor behind a derivation; the previews' workers keep 0."""
MAX_JOBS = 2000
WATCH_SECONDS = 2.0
"""How often the idle workers are looked at, so that one killed from outside is replaced before a job needs it."""
GRACE = 1.0
"""Seconds a worker sent SIGTERM has to stop its TeX runs and exit before it is killed."""


class BusyError(Exception):
    """Every worker is busy and the queue is full."""


class TimedOutError(Exception):
    """A job ran past its time limit (its worker was replaced)."""


class WorkerLostError(Exception):
    """The worker died during the job (killed from outside, out of memory); it has been replaced."""


READY = "ready"


def stop_worker(signum: int, frame: Any) -> None:
    """SIGTERM in a worker: its TeX runs killed with their groups and their folders removed, then out."""
    from derive.render.tex import stop_running

    stop_running()
    os._exit(0)


def _serve(conn: Any) -> None:
    """A worker's life: warm up (nothing left to do when forked from the warm fork server), say so, then
    answer jobs until the server closes the pipe."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops its workers itself
    signal.signal(signal.SIGTERM, stop_worker)
    from derive.serve import jobs, warm  # noqa: F401  a no-op when forked from the warm fork server

    try:
        conn.send(READY)
        while True:
            kind, params = conn.recv()
            conn.send(jobs.run(kind, params))
    except (EOFError, OSError):  # the server closed the pipe: it is stopping, or replacing this worker
        return


@functools.cache  # one fork server, its preload set once
def _context() -> Any:
    """Workers forked from a fork server that has imported and warmed derive (``derive.serve.warm``): the
    server itself is never forked (it has threads); spawned where there is no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["derive.serve.warm"])
    return context


class _Worker:
    """One process and its pipe.  ``warm`` is done once the process has said it is ready: a worker takes
    jobs only then.  A worker past its time limit is killed at once and started again off the event loop
    (``restart``: forking and reaping a process takes milliseconds the loop would lose)."""

    def __init__(self, nice: int = 0) -> None:
        self.nice = nice
        self.busy = False
        self.reviving = asyncio.Lock()
        self._spawn()
        self.warm = self._receive()
        self.dead = False

    def _spawn(self) -> None:
        """A new process (blocking: at start-up, or in a thread)."""
        context = _context()
        conn, child = context.Pipe()
        process = context.Process(target=_serve, args=(child,), daemon=True)
        process.start()
        child.close()
        with contextlib.suppress(OSError):  # lowering a process of one's own needs no right
            os.setpriority(os.PRIO_PROCESS, process.pid, self.nice)
        self.conn, self.process = conn, process  # started: a pid for the health route at every moment
        self.jobs, self.spent = 0, False

    def _receive(self) -> asyncio.Future:
        """The next message from the worker, as a future (the event loop watches the pipe; no thread)."""
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

        loop.add_reader(fd, ready)
        done.add_done_callback(lambda f: f.cancelled() or f.exception())  # a dead worker is handled, not logged
        return done

    @property
    def pid(self) -> int | None:
        return self.process.pid

    @property
    def alive(self) -> bool:
        """Not killed by the pool, and its process still running (is_alive reaps one that ended)."""
        return not self.dead and self.process.is_alive()

    def kill(self) -> None:
        """Stop the process without waiting for it (its pipe closed, the loop no longer watching it): SIGTERM,
        so that it kills its TeX runs; ``reap`` kills it outright if it is still there after GRACE."""
        self.dead = True
        if not self.warm.done():
            self.warm.cancel()
        with contextlib.suppress(Exception):  # before the pipe closes: a new pipe may get its number
            asyncio.get_running_loop().remove_reader(self.conn.fileno())
        with contextlib.suppress(Exception):
            self.conn.close()
        with contextlib.suppress(Exception):
            self.process.terminate()

    async def revive(self) -> bool:
        """A new process in place of one found dead (once, however many ask at the same time); False when
        the new one did not start either."""
        async with self.reviving:
            if self.alive:
                return True
            await self.restart()
            return await self.started()

    async def restart(self) -> None:
        self.kill()
        await asyncio.to_thread(self._reap_and_spawn)
        # alive again only now, on the loop, with the pipe watched for its "ready": a job that found it
        # alive before would have read that "ready" as its reply
        self.warm = self._receive()
        self.dead = False

    def reap(self) -> None:
        self.process.join(timeout=GRACE)
        if self.process.exitcode is None:
            with contextlib.suppress(Exception):
                self.process.kill()
            self.process.join(timeout=5)

    def _reap_and_spawn(self) -> None:
        self.reap()
        self._spawn()

    async def started(self) -> bool:
        """Wait for the worker's warm-up; False when it died during it."""
        try:
            return await self.warm == READY
        except (EOFError, OSError, asyncio.CancelledError):
            return False

    async def run(self, kind: str, params: dict, timeout: float) -> Reply:
        loop = asyncio.get_running_loop()
        try:
            self.conn.send((kind, params))
        except OSError:  # it died since it was found alive
            self.kill()
            raise WorkerLostError from None
        done = self._receive()
        lowering = [loop.call_later(after, self._lower_priority, nice) for after, nice in LOWERED]
        try:
            reply = await asyncio.wait_for(done, timeout)
        except TimeoutError:
            self.kill()
            raise TimedOutError from None
        except (EOFError, OSError):
            self.kill()
            raise WorkerLostError from None
        except asyncio.CancelledError:  # nobody waits for the answer any more: its reply must not reach the next job
            self.kill()
            raise
        finally:
            for timer in lowering:
                timer.cancel()
        if not isinstance(reply, Reply):  # a message out of turn: this worker cannot be trusted with the next job
            self.kill()
            raise WorkerLostError
        self.jobs += 1
        self._restore_priority()
        if self.jobs >= MAX_JOBS:
            self.spent = True
        return reply

    def _lower_priority(self, nice: int) -> None:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.pid, nice)

    def _restore_priority(self) -> None:
        try:
            if os.getpriority(os.PRIO_PROCESS, self.pid) != self.nice:
                os.setpriority(os.PRIO_PROCESS, self.pid, self.nice)
        except PermissionError:  # raising it back needs the right to (root): a new worker instead
            self.spent = True
        except OSError:
            pass


class _Lane:
    """Workers and the jobs waiting for one of them; a worker is idle once warm."""

    def __init__(self, workers: list[_Worker]) -> None:
        self.workers = workers
        self.idle: asyncio.Queue = asyncio.Queue()
        self.waiting = 0
        self.warming: set[asyncio.Task] = set()
        for worker in workers:
            self.release(worker)

    def release(self, worker: _Worker) -> None:
        """The worker back among the idle ones: at once, or once it has been started again and is warm."""
        warm = worker.warm.done() and not worker.warm.cancelled() and worker.warm.exception() is None
        if warm and not worker.dead and not worker.spent:
            self.idle.put_nowait(worker)
            return
        task = asyncio.get_running_loop().create_task(self._when_warm(worker))
        self.warming.add(task)
        task.add_done_callback(self.warming.discard)

    async def _when_warm(self, worker: _Worker) -> None:
        if worker.dead or worker.spent:
            await worker.restart()
        for _ in range(3):  # a worker that dies while warming up is started again, a bounded number of times
            if await worker.started():
                break
            await worker.restart()
        self.idle.put_nowait(worker)


class Pool:
    """``workers`` processes (a quarter of them, at least one, for the fast jobs when there are two or
    more: ``Job.fast``, the page's live preview, so that a preview never waits behind a derivation), a queue
    of at most ``queue`` waiting jobs, ``timeout`` seconds a job."""

    def __init__(self, workers: int, queue: int, timeout: float) -> None:
        self.size, self.queue_size, self.timeout = workers, queue, timeout
        self.workers: list[_Worker] = []
        self.lanes: dict[str, _Lane] = {}
        self.healing: set[asyncio.Task] = set()
        self.watcher: asyncio.Task | None = None

    async def start(self) -> None:
        fast = max(1, self.size // 4) if self.size >= 2 else self.size
        self.workers = [_Worker(0 if i < fast else DERIVING_NICE) for i in range(self.size)]
        if self.size >= 2:
            self.lanes = {"fast": _Lane(self.workers[:fast]), "other": _Lane(self.workers[fast:])}
        else:
            lane = _Lane(self.workers)
            self.lanes = {"fast": lane, "other": lane}
        self.watcher = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.cancel()
        for task in [*self.healing, *(t for lane in self.lanes.values() for t in lane.warming)]:
            task.cancel()
        for worker in self.workers:  # SIGTERM to all, then each reaped: their TeX runs stop together
            worker.kill()
        for worker in self.workers:
            worker.reap()

    async def run(self, kind: str, params: dict) -> Reply:
        lane = self.lanes["fast" if JOBS[kind].fast else "other"]
        if lane.idle.empty() and lane.waiting >= self.queue_size:
            raise BusyError
        lane.waiting += 1
        try:
            worker = await lane.idle.get()
        finally:
            lane.waiting -= 1
        worker.busy = True
        try:
            # died while idle: replaced before this job; and one the health check is replacing is waited for
            # until it has said it is ready (else this job would read its "ready" as the reply)
            if not await worker.revive():
                raise WorkerLostError
            return await worker.run(kind, params, self.timeout)
        finally:
            worker.busy = False
            lane.release(worker)

    def heal(self) -> None:
        """Replace the idle workers found dead (killed from outside), without waiting for a job to find them."""
        for worker in self.workers:
            if not worker.busy and not worker.dead and not worker.reviving.locked() and not worker.process.is_alive():
                task = asyncio.get_running_loop().create_task(worker.revive())
                self.healing.add(task)
                task.add_done_callback(self.healing.discard)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            self.heal()

    def pids(self) -> list[int]:
        """The live workers' process ids."""
        return [w.pid for w in self.workers if w.pid is not None and w.alive]
