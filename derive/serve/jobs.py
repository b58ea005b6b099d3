"""The web app's jobs, one table: ``JOBS``, {kind: Job}.

Each ``Job`` says its route (``/api/<kind>``) and HTTP method, how the server turns a request into the job's
parameters (``parse``: checked in the server, before any worker), the disk cache's key for them, how a worker
computes the reply (``compute``, in the worker processes of ``derive.serve.pool``, never in the event loop),
and whether it is a fast job (the previews' lane).  ``derive.serve.app`` builds its routes from the table and
a worker's ``run`` dispatches through it, so a new route is one more entry here.

Every reply is the CLI's output for the same input (``derive.commands``), and the cacheable ones go through
the CLI's disk cache (``derive.commands.cache``), so a repeated request answers from disk, and the server
can answer it without a worker at all (``cached``).  What a request may choose comes from the registries:
the notations (``derive.reading.notations``), the formats (``derive.render``), the frameworks
(``derive.backward``) and the marking formats (``derive.mark.render``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from derive import commands, render
from derive.backward import frameworks
from derive.commands import cache
from derive.errors import DeriveError, GaveUpError
from derive.reading.notations import NOTATIONS
from derive.serve.query import MAX_TEXT, Query, RefusedError

TEX_SECONDS = 60.0
"""A PDF's build in a worker: the server's own time limit (10 s by default) kills the worker first, and with
it the build; this bounds a server run with a long limit."""
PDF = "pdf"
"""A slides format of the web's own: the Beamer deck compiled (the CLI writes it with ``--pdf``)."""


@dataclass(frozen=True)
class Reply:
    status: int
    media_type: str
    body: str  # text, or base64 for binary bodies (binary=True)
    filename: str | None = None
    binary: bool = False


def error(message: str, status: int = 400) -> Reply:
    message = without_paths(message)
    found = re.search(r"at column (\d+)", message)
    data = {"error": message, **({"column": int(found.group(1))} if found else {})}
    return Reply(status, "application/json", json.dumps(data, ensure_ascii=False))


def _reply_kept(reply: Reply) -> str:
    return json.dumps([reply.media_type, reply.body, reply.filename, reply.binary])


def _reply_read(params: dict, stored: str) -> Reply:
    media_type, body, filename, binary = json.loads(stored)
    return Reply(200, media_type, body, filename, binary)


@dataclass(frozen=True)
class Job:
    """One kind of request, from its route to its reply."""

    kind: str
    parse: Callable[[Any], dict]  # GET: the request's Query; POST: its JSON body -> the job's parameters
    compute: Callable[[dict], Reply]  # in a worker
    description: str  # what it answers, in a line (docs/web.md's table)
    method: str = "GET"
    fast: bool = False  # milliseconds (the page's live preview): run by the previews' own workers
    key: Callable[[dict], dict] | None = None  # the disk cache's key; None: the job's kind and its parameters
    kept: Callable[[Reply], str] = _reply_kept  # what the disk cache keeps of a reply
    restored: Callable[[dict, str], Reply] = _reply_read  # and the reply again from it

    @property
    def path(self) -> str:
        return f"/api/{self.kind}"

    def cache_key(self, params: dict) -> dict:
        return self.key(params) if self.key is not None else {"command": f"serve-{self.kind}", **params}


# --- what a request may choose, from the registries ---------------------------------------------------------


def derivation_formats() -> tuple[str, ...]:
    """A derivation's formats (/api/steps, /api/prove): the render registry's, less its slide decks."""
    return tuple(f.name for f in render.formats().values() if not f.deck)


def slide_formats() -> tuple[str, ...]:
    """The slides' formats (/api/slides): the render registry's decks, and the Beamer deck compiled."""
    return (*(f.name for f in render.formats().values() if f.deck), PDF)


def marking_formats() -> tuple[str, ...]:
    from derive.mark.render import formats  # when asked: derive.mark is also the name of derive.mark()

    return tuple(formats())


# --- how each job parses its request --------------------------------------------------------------------------


def _common(q: Query) -> dict:
    return {"f": q.text("f"), "var": q.text("var", False), "input": q.choice("input", tuple(NOTATIONS), "auto")}


def _steps_params(q: Query) -> dict:
    fmt = q.choice("format", derivation_formats(), "json")
    reasons = q.flag("reasons")
    if reasons and fmt != "latex":
        raise RefusedError(f"reasons is for format latex: {fmt} shows each step's reason already")
    return {**_common(q), "format": fmt, "reasons": reasons, "order": q.order()}


def _backward_params(q: Query) -> dict:
    return {**_common(q), "framework": q.choice("framework", tuple(frameworks()), "torch"),
            "name": q.text("name", False)}  # fmt: skip


def _prove_params(q: Query) -> dict:
    return {
        "lhs": q.text("lhs"),
        "rhs": q.text("rhs"),
        "var": q.text("var", False),
        "format": q.choice("format", derivation_formats(), "json"),
    }


def _slides_params(q: Query) -> dict:
    return {**_common(q), "format": q.choice("format", slide_formats(), "beamer"),
            "aspect": q.choice("aspect", ("4:3", "16:9"), "4:3")}  # fmt: skip


def _mark_params(data: Any) -> dict:
    """``f`` may be empty (or absent, or null): the function is then taken from the submission's first line."""
    if isinstance(data, dict) and data.get("f") is None:
        data = {**data, "f": ""}
    if not isinstance(data, dict) or not isinstance(data.get("f"), str) or not isinstance(data.get("submission"), str):
        raise RefusedError('the body must be {"f": "<target, or empty>", "submission": "<the derivation>"}')
    fmt = data.get("format", "json")
    choices = marking_formats()
    if fmt not in choices:
        raise RefusedError(f"format must be {', '.join(choices[:-1])} or {choices[-1]}, not {fmt!r}")
    if len(data["f"]) > MAX_TEXT:
        raise RefusedError(f"f is {len(data['f'])} characters long; the limit is {MAX_TEXT}", 413)
    var = data.get("var") if isinstance(data.get("var"), str) else None
    return {"f": data["f"].strip() or None, "submission": data["submission"], "var": var, "format": fmt}


# --- how a worker computes each ---------------------------------------------------------------------------------


def _read(p: dict) -> Reply:
    """derive's own reading of a text, for the page's live preview: as the JSON's read_as, typeset."""
    from derive.engine.board import board_form
    from derive.reading.resolve import resolve
    from derive.render.printing.latex import board_latex
    from derive.render.printing.syntax import sympy_syntax

    function = resolve(p["f"], p["var"], p["input"], files=False)
    data: dict[str, Any] = {
        "input": p["f"],
        "read_as": sympy_syntax(function.body),
        "latex": board_latex(function.head if function.head is not None else board_form(function.body)),
        "written_out": board_latex(board_form(function.body)),
        "variable": function.variable.name,
        "function": function.symbol,
        "order": function.order,
        "conventions": list(function.conventions),
        "title": function.title,
    }
    return Reply(200, "application/json", json.dumps(data, ensure_ascii=False))


def _steps_key(p: dict) -> dict:
    """The CLI's key for the same command (no file target: the server reads none): the two share answers."""
    found = commands.steps_key(p["f"], p["var"], p["input"], p["format"], False, p["reasons"], p["order"])
    return {**found, "file": None}


def _steps(p: dict) -> Reply:
    text = commands.steps_output(p["f"], p["var"], p["input"], p["format"], False, p["reasons"], p["order"], False)
    return _steps_reply(p, text)


def _steps_text(reply: Reply) -> str:
    return reply.body  # the CLI's own text: the CLI and the server share the entry


def _steps_reply(p: dict, text: str) -> Reply:
    fmt = render.get(p["format"])
    return Reply(200, f"{fmt.media_type}; charset=utf-8", text, f"{_stem(p['f'])}{fmt.extension}")


def _backward(p: dict) -> Reply:
    names = [p["name"]] if p["name"] else ()
    text = commands.backward_output([p["f"]], p["framework"], names, p["var"], p["input"], False)
    return Reply(200, "text/x-python; charset=utf-8", text, f"{_stem(p['f'])}_backward_{p['framework']}.py")


def _prove(p: dict) -> Reply:
    text, holds = commands.prove_output(p["lhs"], p["rhs"], p["var"], p["format"])
    media_type = render.get(p["format"]).media_type
    if media_type == "application/json":  # sent without a charset, as this route always has
        return Reply(200, media_type, text)
    return Reply(200, f"{media_type}; charset=utf-8", text)


def _plot_params(q: Query) -> dict:
    return {**_common(q), "layout": q.choice("layout", ("wide", "narrow"), "wide")}


def _plot(p: dict) -> Reply:
    from derive.render import plot

    items = commands.derivations([p["f"]], p["var"], 1, p["input"], False)
    svg = plot.image(items, "svg", narrow=p.get("layout") == "narrow").decode("utf-8")
    return Reply(200, "image/svg+xml", svg, f"{_stem(p['f'])}-plot.svg")


def _slides(p: dict) -> Reply:
    if p["format"] == PDF:
        from derive.render.tex import pdf_bytes

        deck = commands.slides_output([p["f"]], "beamer", None, p["var"], p["input"], 1, False, p["aspect"], False)
        data = base64.b64encode(pdf_bytes(deck, TEX_SECONDS)).decode("ascii")
        return Reply(200, "application/pdf", data, f"{_stem(p['f'])}-slides.pdf", binary=True)
    deck = commands.slides_output([p["f"]], p["format"], None, p["var"], p["input"], 1, False, p["aspect"], False)
    fmt = render.get(p["format"])
    return Reply(200, f"{fmt.media_type}; charset=utf-8", deck, f"{_stem(p['f'])}-slides{fmt.extension}")


NO_TARGET = "write the function in the box: this server cannot take it from the derivation's first line"


def _mark(p: dict) -> Reply:
    from derive.mark.marking import mark
    from derive.mark.render import formats

    try:
        marking = mark(p["f"], p["submission"], var=p["var"])
    except DeriveError:
        raise
    except (TypeError, AttributeError, ValueError):  # an engine that needs the target: a 4xx, never a 500
        if p["f"] is None:
            return error(NO_TARGET)
        raise
    body = marking.render(p["format"])
    return Reply(200, f"{formats()[p['format']].media_type}; charset=utf-8", body)


def _no_params(q: Query) -> dict:
    return {}


def _library(p: dict) -> Reply:
    """The library's entries: name, title, aliases and the written-out g(z) as LaTeX (the registry's)."""
    from sympy import Symbol

    from derive.engine.board import board_form
    from derive.knowledge.activations import LIBRARY
    from derive.render.printing.latex import board_latex

    z = Symbol("z")
    entries = [
        {"name": a.name, "title": a.title, "aliases": list(a.aliases), "latex": board_latex(board_form(a.build(z)[1]))}
        for a in LIBRARY
    ]
    return Reply(200, "application/json", json.dumps({"library": entries}, ensure_ascii=False))


JOBS: dict[str, Job] = {
    job.kind: job
    for job in (
        Job("read", _common, _read, "derive's reading of f, as JSON (the page's live preview)", fast=True),
        Job(
            "steps",
            _steps_params,
            _steps,
            "`derive steps`: the derivation of f in a derivation's format",
            key=_steps_key,
            kept=_steps_text,
            restored=_steps_reply,
        ),
        Job("backward", _backward_params, _backward, "`derive backward`: the module of f's backward pass"),
        Job("prove", _prove_params, _prove, "`derive prove`: the identity lhs = rhs, proved step by step"),
        Job("plot", _plot_params, _plot, "the plots of g and g', and of g' against g (SVG; layout=narrow: stacked)"),
        Job("slides", _slides_params, _slides, "`derive slides`: a deck of f, or the Beamer deck compiled to PDF"),
        Job("mark", _mark_params, _mark, "`derive mark`: the JSON body's submission, marked", method="POST"),
        Job("library", _no_params, _library, "the library of activations, as JSON (the page's list)"),
    )
}
"""Every job, by kind, in the order of the server's routes."""


def cached(kind: str, params: dict) -> Reply | None:
    """A reply from the disk cache without computing anything (no SymPy): the server's fast path."""
    job = JOBS.get(kind)
    found = cache.lookup(job.cache_key(params)) if job is not None else None
    return job.restored(params, found) if found is not None else None


def run(kind: str, params: dict) -> Reply:
    """The job's reply; a DeriveError is a 4xx with its message and, where there is one, its column."""
    job = JOBS.get(kind)
    if job is None:
        return error(f"no such job {kind!r}", 404)
    try:
        found_key = job.cache_key(params)
        stored = cache.lookup(found_key)
        if stored is not None:
            return job.restored(params, stored)
        reply = job.compute(params)
        if reply.status == 200:
            cache.store(found_key, job.kept(reply))
        return reply
    except GaveUpError as exc:
        return error(str(exc), 503)
    except DeriveError as exc:
        return error(str(exc))
    except RecursionError:
        return error("the expression is nested too deeply to work on")
    except Exception as exc:  # a bug, or a library that failed: answered, and the worker lives on
        print(f"derive serve: {kind} failed: {type(exc).__name__}: {without_paths(str(exc))[:300]}", file=sys.stderr)
        return error("the server could not answer this request (an internal error)", 500)


def _machine_paths() -> list[str]:
    """Folders of this machine a message may name: the temporary folder, home, Python's and derive's."""
    import tempfile
    from pathlib import Path

    found = {tempfile.gettempdir(), str(Path.home()), sys.prefix, sys.base_prefix, os.getcwd(),
             str(Path(__file__).resolve().parents[2])}  # fmt: skip
    return sorted((p for p in found if p.strip("/")), key=len, reverse=True)


def without_paths(message: str) -> str:
    """A message with the machine's folders cut out: a reply never shows where the server keeps its files."""
    for path in _machine_paths():
        message = message.replace(path, "…")
    return message


WARM_UP = (
    ("read", {"f": "sigmoid(z) + tanh(z)", "var": None, "input": "auto"}),
    ("steps", {"f": "z*tanh(2z)", "var": None, "input": "auto", "format": "json", "reasons": False, "order": 1}),
    ("mark", {"f": "sigmoid", "submission": "g'(z) = g(z)(1 - g(z))", "var": None, "format": "json"}),
)
"""Jobs a worker does before its first request, past the disk cache: SymPy's lazy imports and derive's
caches then cost no request anything."""


def warm_up() -> None:
    import sympy.physics.units  # noqa: F401  simplify imports it at its first call: a quarter second

    for kind, params in WARM_UP:
        JOBS[kind].compute(params)


def _stem(target: str) -> str:
    """A file name for a download: the target's word characters (sigmoid, x_torch_sigmoid_1_702_x)."""
    stem = re.sub(r"\W+", "_", target).strip("_")[:40]
    return stem or "derivation"
