"""What the server's engine processes do: one job, one reply.  They run in the worker processes of
``derive.serve.pool``, never in the event loop; every reply is the CLI's output for the same input
(``derive.commands``), and the cacheable ones go through the CLI's disk cache (``derive.commands.cache``), so a
repeated request answers from disk, and the server can answer it without a worker at all (``cached``).
"""

from __future__ import annotations

import base64
import json
import os
import re
import sys
from dataclasses import dataclass
from typing import Any

from derive.commands import cache
from derive.errors import DeriveError, GaveUpError

FORMATS = ("text", "latex", "markdown", "json", "html")
TEX_SECONDS = 60.0
"""A PDF's build in a worker: the server's own time limit (10 s by default) kills the worker first, and with
it the build; this bounds a server run with a long limit."""


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


def key(kind: str, params: dict) -> dict | None:
    """The cache's key for a job (the CLI's own for steps), or None for jobs that are not kept."""
    from derive.commands import steps_key

    if kind == "steps":  # the CLI's key for the same command (no file target: the server reads none)
        found = steps_key(
            params["f"], params["var"], params["input"], params["format"], False, params["reasons"], params["order"]
        )
        return {**found, "file": None}
    if kind in ("read", "backward", "prove", "plot", "slides", "mark"):
        return {"command": f"serve-{kind}", **params}
    return None


def cached(kind: str, params: dict) -> Reply | None:
    """A reply from the disk cache without computing anything (no SymPy): the server's fast path."""
    found_key = key(kind, params)
    found = cache.lookup(found_key) if found_key is not None else None
    return _decoded(kind, params, found) if found is not None else None


def run(kind: str, params: dict) -> Reply:
    """The job's reply; a DeriveError is a 4xx with its message and, where there is one, its column."""
    try:
        found_key = key(kind, params)
        if found_key is None:
            return _compute(kind, params)
        stored = cache.lookup(found_key)
        if stored is not None:
            return _decoded(kind, params, stored)
        reply = _compute(kind, params)
        if reply.status == 200:
            cache.store(found_key, _encoded(kind, reply))
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
        _compute(kind, params)


def _encoded(kind: str, reply: Reply) -> str:
    """What the disk cache keeps: for steps the CLI's own text (the two share the entry), else the reply."""
    if kind == "steps":
        return reply.body
    return json.dumps([reply.media_type, reply.body, reply.filename, reply.binary])


def _decoded(kind: str, params: dict, stored: str) -> Reply:
    if kind == "steps":
        return _steps_reply(params, stored)
    media_type, body, filename, binary = json.loads(stored)
    return Reply(200, media_type, body, filename, binary)


def _steps_reply(p: dict, text: str) -> Reply:
    extension = {"text": "txt", "latex": "tex", "markdown": "md", "json": "json", "html": "html"}[p["format"]]
    return Reply(200, _MEDIA[p["format"]] + "; charset=utf-8", text, f"{_stem(p['f'])}.{extension}")


_MEDIA = {"text": "text/plain", "latex": "application/x-latex", "markdown": "text/markdown",
          "json": "application/json", "html": "text/html"}  # fmt: skip


def _compute(kind: str, p: dict) -> Reply:
    from derive import commands

    if kind == "read":
        return _read(p)
    if kind == "steps":
        text = commands.steps_output(p["f"], p["var"], p["input"], p["format"], False, p["reasons"], p["order"], False)
        extension = {"text": "txt", "latex": "tex", "markdown": "md", "json": "json", "html": "html"}[p["format"]]
        return Reply(200, _MEDIA[p["format"]] + "; charset=utf-8", text, f"{_stem(p['f'])}.{extension}")
    if kind == "backward":
        text = commands.backward_output(
            [p["f"]], p["framework"], [p["name"]] if p["name"] else (), p["var"], p["input"], False
        )
        return Reply(200, "text/x-python; charset=utf-8", text, f"{_stem(p['f'])}_backward_{p['framework']}.py")
    if kind == "prove":
        text, holds = commands.prove_output(p["lhs"], p["rhs"], p["var"], p["format"])
        if p["format"] == "json":
            return Reply(200, "application/json", text)
        return Reply(200, _MEDIA.get(p["format"], "text/plain") + "; charset=utf-8", text)
    if kind == "slides":
        return _slides(p)
    if kind == "plot":
        from derive.render import plot

        items = commands.derivations([p["f"]], p["var"], 1, p["input"], False)
        svg = plot.image(items, "svg").decode("utf-8")
        return Reply(200, "image/svg+xml", svg, f"{_stem(p['f'])}-plot.svg")
    if kind == "mark":
        from derive.mark import mark

        marking = mark(p["f"], p["submission"], var=p["var"])
        body = marking.render(p["format"])
        return Reply(200, _MEDIA[p["format"]] + "; charset=utf-8", body)
    return error(f"no such job {kind!r}", 404)


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


def _slides(p: dict) -> Reply:
    from derive import commands

    if p["format"] == "pdf":
        from derive.render.tex import pdf_bytes

        deck = commands.slides_output([p["f"]], "beamer", None, p["var"], p["input"], 1, False, p["aspect"], False)
        data = base64.b64encode(pdf_bytes(deck, TEX_SECONDS)).decode("ascii")
        return Reply(200, "application/pdf", data, f"{_stem(p['f'])}-slides.pdf", binary=True)
    deck = commands.slides_output([p["f"]], p["format"], None, p["var"], p["input"], 1, False, p["aspect"], False)
    if p["format"] == "reveal":
        return Reply(200, "text/html; charset=utf-8", deck, f"{_stem(p['f'])}-slides.html")
    return Reply(200, "application/x-latex; charset=utf-8", deck, f"{_stem(p['f'])}-slides.tex")


def _stem(target: str) -> str:
    """A file name for a download: the target's word characters (sigmoid, x_torch_sigmoid_1_702_x)."""
    stem = re.sub(r"\W+", "_", target).strip("_")[:40]
    return stem or "derivation"
