"""The web app: one page and a JSON API mirroring the CLI, on Starlette, the engine in worker processes.

The API's routes are built from the job table (``derive.serve.jobs.JOBS``), and the page's lists are written
into it from the registries when the app starts (``derive.serve.choices``).
Every API reply is what the CLI prints for the same input (``derive.serve.jobs``); errors are JSON
(``error``, and ``column`` where the reader gave one) with a 4xx status, or 503 when the engine is
busy or a request ran past its time limit, never a traceback.  Input is bounded as the CLI bounds it,
no request's contents name a file to read or write, and every response carries a Content-Security-Policy
that allows only the page's own scripts and styles, ``nosniff``, and no CORS unless asked for.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from derive.serve import choices, jobs
from derive.serve.pool import BusyError, Pool, TimedOutError, WorkerLostError
from derive.serve.query import Query, RefusedError

MAX_BODY = 200_000  # a derivation to mark, as JSON
MEMORY_ENTRIES = 1024  # replies kept in the server's memory (the disk cache keeps more)
MEMORY_BYTES = 64 << 20  # and their bodies' bytes: a reveal deck is over a megabyte
MEMORY_LARGEST = 4 << 20  # a reply larger than this is not kept in memory at all
BODY_SECONDS = 10.0  # a request body must have arrived within this (a slow body holds a connection)
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PLOT_CSP = "default-src 'none'; style-src 'unsafe-inline'"  # matplotlib's SVG styles itself, as an image only


@dataclass(frozen=True)
class Settings:
    workers: int = 2
    timeout: float = 10.0
    queue: int = 64
    cors: str | None = None
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS
    """The host names a request may be addressed to (its Host header): others are refused, so that a page
    of another site cannot reach the server through a name it controls (DNS rebinding); "*" for any."""


def _error(message: str, status: int, column: int | None = None, headers: dict | None = None) -> JSONResponse:
    data = {"error": message, **({"column": column} if column is not None else {})}
    return JSONResponse(data, status_code=status, headers=headers)


class _Shared:
    """A computation and how many requests wait for it: when the last one has gone, it is cancelled."""

    def __init__(self, task: asyncio.Task) -> None:
        self.task = task
        self.waiting = 0


class Engine:
    """The pool and the replies kept in memory; ``answer`` is the one way a route computes."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = Pool(settings.workers, settings.queue, settings.timeout)
        self.memory: OrderedDict[str, jobs.Reply] = OrderedDict()
        self.memory_bytes = 0
        self.running: dict[str, _Shared] = {}  # requests being answered: the same one waits for it

    async def answer(self, kind: str, params: dict) -> jobs.Reply:
        memo = json.dumps([kind, params], sort_keys=True)
        found = self.memory.get(memo)
        if found is not None:
            self.memory.move_to_end(memo)
            return found
        shared = self.running.get(memo)
        if shared is None:  # asked again while it is computed: one computation for all who asked
            shared = self.running[memo] = _Shared(asyncio.ensure_future(self._computed(kind, params, memo)))
            shared.task.add_done_callback(lambda task: self._finished(memo, shared))
        shared.waiting += 1
        try:
            return await asyncio.shield(shared.task)
        finally:
            shared.waiting -= 1
            if shared.waiting == 0 and not shared.task.done():  # every client has gone: its worker is freed
                shared.task.cancel()

    def _finished(self, memo: str, shared: _Shared) -> None:
        if self.running.get(memo) is shared:
            del self.running[memo]
        if not shared.task.cancelled():
            shared.task.exception()  # retrieved: no warning when nobody waited any more

    async def _computed(self, kind: str, params: dict, memo: str) -> jobs.Reply:
        found = await asyncio.to_thread(jobs.cached, kind, params)  # the disk cache: no SymPy, no worker
        if found is None:
            found = await self.pool.run(kind, params)
        if found.status == 200:
            self._remember(memo, found)
        return found

    def _remember(self, memo: str, reply: jobs.Reply) -> None:
        size = len(reply.body)
        if size > MEMORY_LARGEST:
            return
        if memo in self.memory:
            self.memory_bytes -= len(self.memory.pop(memo).body)
        self.memory[memo] = reply
        self.memory_bytes += size
        while len(self.memory) > MEMORY_ENTRIES or self.memory_bytes > MEMORY_BYTES:
            _, dropped = self.memory.popitem(last=False)
            self.memory_bytes -= len(dropped.body)


def _response(reply: jobs.Reply, download: bool = False) -> Response:
    if reply.status != 200:
        data = json.loads(reply.body)
        headers = {"Retry-After": "5"} if reply.status == 503 else None
        return _error(data["error"], reply.status, data.get("column"), headers)
    body = base64.b64decode(reply.body) if reply.binary else reply.body.encode("utf-8")
    headers = {}
    if download and reply.filename:
        headers["Content-Disposition"] = f'attachment; filename="{reply.filename}"'
    if reply.media_type == "image/svg+xml":
        headers["Content-Security-Policy"] = PLOT_CSP
    return Response(body, media_type=reply.media_type, headers=headers)


class ClientGoneError(Exception):
    """The client closed its connection before its answer was ready."""


async def _unless_gone(request: Request, answer: Awaitable[jobs.Reply]) -> jobs.Reply:
    """The answer, unless the client hangs up first: then the request's computation is cancelled (its worker
    killed and replaced, unless another request waits for the same answer)."""

    async def gone() -> None:
        while (await request.receive())["type"] != "http.disconnect":
            pass

    answering, watching = asyncio.ensure_future(answer), asyncio.ensure_future(gone())
    try:
        await asyncio.wait((answering, watching), return_when=asyncio.FIRST_COMPLETED)
    finally:
        watching.cancel()
        if not answering.done():
            answering.cancel()
    if not answering.done() or answering.cancelled():
        raise ClientGoneError
    return answering.result()


def _route(job: jobs.Job) -> Callable[[Request], Awaitable[Response]]:
    """The endpoint of a job: its request parsed as the job says, its answer the engine's."""

    async def endpoint(request: Request) -> Response:
        if job.method == "POST":
            params, download = job.parse(await _json_body(request)), False
        else:
            query = Query(request.scope.get("query_string", b""), request.query_params)
            params, download = job.parse(query), query.flag("download")
        reply = await _unless_gone(request, request.app.state.engine.answer(job.kind, params))
        return _response(reply, download)

    return endpoint


async def _json_body(request: Request) -> Any:
    """A request's JSON body, within MAX_BODY bytes that arrive within BODY_SECONDS."""
    if int(request.headers.get("content-length") or 0) > MAX_BODY:
        raise RefusedError(f"the request body is larger than {MAX_BODY} bytes", 413)
    body = b""
    try:
        async with asyncio.timeout(BODY_SECONDS):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    raise RefusedError(f"the request body is larger than {MAX_BODY} bytes", 413)
    except TimeoutError:
        raise RefusedError(f"the request body did not arrive within {BODY_SECONDS:g} s", 408) from None
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise RefusedError('the request body is not JSON (UTF-8): send {"f": ..., "submission": ...}') from None


def _page_file(name: str) -> bytes:
    return resources.files("derive.serve").joinpath("page", name).read_bytes()


async def page(request: Request) -> Response:
    headers = {"Cache-Control": "no-cache"}
    return Response(request.app.state.page, media_type="text/html; charset=utf-8", headers=headers)


async def health(request: Request) -> Response:
    pool = request.app.state.engine.pool
    pool.heal()
    return JSONResponse({"ok": True, "workers": pool.pids()})


async def _refused(request: Request, exc: RefusedError) -> Response:
    return _error(str(exc), exc.status)


async def _busy(request: Request, exc: BusyError) -> Response:
    return _error("the server is busy: try again in a few seconds", 503, headers={"Retry-After": "2"})


async def _timed_out(request: Request, exc: TimedOutError) -> Response:
    limit = request.app.state.engine.settings.timeout
    message = f"gave up after {limit:g} s: the request ran past the server's time limit"
    return _error(message, 503, headers={"Retry-After": "5"})


async def _http(request: Request, exc: HTTPException) -> Response:
    messages = {404: "no such page or API route", 405: "this route does not take that method"}
    return _error(messages.get(exc.status_code, exc.detail or "bad request"), exc.status_code, headers=exc.headers)


async def _lost(request: Request, exc: WorkerLostError) -> Response:
    message = "the engine process answering this request ended unexpectedly (it has been replaced): try again"
    return _error(message, 500)


async def _gone(request: Request, exc: ClientGoneError) -> Response:
    return Response(status_code=499)  # nobody reads it: the connection is closed


async def _unexpected(request: Request, exc: Exception) -> Response:
    return _error("the server could not answer this request (an internal error)", 500)


class _Headers:
    """Security headers on every response (ASGI middleware)."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                for name, value in (
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"x-frame-options", b"DENY"),
                ):
                    if name not in present:
                        headers.append((name, value))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, sending)


def create_app(settings: Settings | None = None) -> Starlette:
    """The app; its engine's workers start with it and stop with it."""
    settings = settings or Settings()
    engine = Engine(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):  # noqa: ANN202 - Starlette's lifespan
        await engine.pool.start()
        yield
        await engine.pool.stop()

    static = resources.files("derive.serve").joinpath("page")
    katex = resources.files("derive.assets").joinpath("katex")
    sre = resources.files("derive.assets").joinpath("sre")  # the Speech Rule Engine and its English rules
    routes = [
        Route("/", page),
        Route("/api/health", health),
        *(Route(job.path, _route(job), methods=[job.method]) for job in jobs.JOBS.values()),
        Mount("/static/katex", StaticFiles(directory=str(katex))),
        Mount("/static/sre", StaticFiles(directory=str(sre))),
        Mount("/static", StaticFiles(directory=str(static))),
    ]
    middleware = [Middleware(_Headers), Middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))]
    if settings.cors:
        middleware.append(Middleware(CORSMiddleware, allow_origins=[settings.cors], allow_methods=["GET", "POST"]))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={
            RefusedError: _refused,
            BusyError: _busy,
            TimedOutError: _timed_out,
            WorkerLostError: _lost,
            ClientGoneError: _gone,
            HTTPException: _http,
            Exception: _unexpected,
        },
    )
    app.state.engine = engine
    app.state.page = choices.filled(_page_file("index.html").decode("utf-8")).encode("utf-8")
    return app
