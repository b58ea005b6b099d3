"""A marking in words: text with ✓ and ✗, JSON, LaTeX and HTML with the marks beside each line.

Each format registers itself here (``register``), as the formats of ``derive.render`` do: the CLI's
``derive mark --format`` choices, the web API's ``format`` and docs/marking.md's table are built from
``formats()``.  Imports at the top stay light (no SymPy): the CLI and the server list the formats.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MarkingFormat:
    name: str  # the --format choice and the web's format
    media_type: str  # what the server sends it as
    description: str  # one line (docs/marking.md's table)
    render: Callable[[Any], str]  # render(marking) -> str


_FORMATS: dict[str, MarkingFormat] = {}


def register(name: str, media_type: str, description: str) -> Callable[[Callable[[Any], str]], Callable[[Any], str]]:
    """Decorate a function of a marking to make it the format ``name``; formats are listed in the order they
    register."""

    def decorate(write: Callable[[Any], str]) -> Callable[[Any], str]:
        _FORMATS[name] = MarkingFormat(name, media_type, description, write)
        return write

    return decorate


def formats() -> dict[str, MarkingFormat]:
    """Every marking format, by name, in the order they are listed."""
    return dict(_FORMATS)


def render(marking: Any, fmt: str = "text") -> str:
    found = _FORMATS.get(fmt)
    if found is None:
        from derive.errors import DeriveError

        raise DeriveError(f"a marking is written as {', '.join(_FORMATS)}, not {fmt}")
    return found.render(marking)


def _reason_text(line: Any) -> str:
    from derive.render.printing.text import board_text

    if line.verdict == "right":
        return f"equals {line.quantity} ({line.reason})"
    if line.verdict == "unreadable":
        return f"cannot be read: {line.reason}"
    parts = [line.reason]
    if line.differs_at is not None:
        d = line.differs_at
        with_params = "".join(f", {p} = {v:g}" for p, v in d.parameters)
        parts.append(f"at z = {d.at:g}{with_params} it is {d.written:.6g}, {line.quantity} is {d.right:.6g}")
    if line.follows:
        parts.append("it follows from the line before: the mistake is earlier")
    if line.mistake is not None:
        parts.append(f"mistake {line.mistake.kind}: {line.mistake.explanation.fill(board_text)}")
    return "; ".join(parts)


def _summary(marking: Any) -> list[str]:
    from derive.render.printing.text import board_text

    out = []
    first = marking.first_wrong
    out.append("every line is right" if first is None else f"the first line that is not right: line {first}")
    final = marking.final
    if final["right"]:
        out.append("the final line is right" + (", in terms of g: an output form" if final["output_form"] else ""))
    else:
        out.append("the final line is not a right g'")
    if marking.simpler is not None:
        out.append(f"simpler: g'(z) = {board_text(marking.simpler)}")
    return out


def to_dict(marking: Any) -> dict:
    from derive.render.printing.syntax import sympy_syntax
    from derive.render.printing.text import board_text

    lines = []
    for line in marking.lines:
        d = line.differs_at
        lines.append(
            {
                "line": line.number,
                "text": line.text,
                "read_as": sympy_syntax(line.read_as) if line.read_as is not None else None,
                "quantity": line.quantity,
                "verdict": line.verdict,
                "reason": line.reason,
                "differs_at": None
                if d is None
                else {"z": d.at, "written": d.written, "right": d.right, "parameters": dict(d.parameters)},
                "follows_from_the_line_before": line.follows,
                "mistake": None
                if line.mistake is None
                else {"kind": line.mistake.kind, "explanation": line.mistake.explanation.fill(board_text)},
            }
        )
    final = dict(marking.final)
    final["simpler"] = board_text(marking.simpler) if marking.simpler is not None else None
    return {
        "target": marking.target,
        "variable": marking.derivation.variable.name,
        "lines": lines,
        "first_wrong": marking.first_wrong,
        "final": final,
    }


@register("text", "text/plain", "for a terminal: each line with ✓ or ✗ and why, then the summary")
def _text(marking: Any) -> str:
    from derive.render.printing.text import board_text

    out = [
        f"Marking a derivation of {marking.derivation.title}: g({marking.derivation.variable}) = "
        f"{board_text(marking.derivation.steps[0].expr)}",
        "",
    ]
    for line in marking.lines:
        sign = "✓" if line.verdict == "right" else "✗"
        out.append(f"{sign} {line.number:>3}. {line.text}")
        out.append(f"        {_reason_text(line)}")
    out.append("")
    out += _summary(marking)
    return "\n".join(out) + "\n"


@register("json", "application/json", "every line with its reading, verdict and reason, where it differs, the mistake")
def _json(marking: Any) -> str:
    return json.dumps(to_dict(marking), indent=1, ensure_ascii=False) + "\n"


def _latex_line(line: Any) -> str:
    from derive.render.printing.latex import board_latex

    if line.read_as is None:
        return r"\text{(cannot be read)}"
    lhs = {"g": "g(z)", "g'": "g'(z)"}.get(line.quantity, "")
    return f"{lhs} &= {board_latex(line.read_as)}"


@register("latex", "application/x-latex", "a LaTeX document: the lines aligned, each with its mark and why")
def _latex(marking: Any) -> str:
    from derive.render.latex import latex_text

    rows = []
    for line in marking.lines:
        mark = r"\checkmark" if line.verdict == "right" else r"\times"
        rows.append(f"{_latex_line(line)} && {mark} && \\text{{\\footnotesize {latex_text(_reason_text(line))}}}")
    summary = "\n\n".join(latex_text(s) for s in _summary(marking))
    return (
        "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\usepackage[margin=2cm]{geometry}\n"
        "\\begin{document}\n"
        f"\\section*{{{latex_text('Marking: ' + marking.derivation.title)}}}\n"
        "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n" + summary + "\n\\end{document}\n"
    )


@register("html", "text/html", "one self-contained page, typeset by KaTeX from inside it (offline)")
def _html(marking: Any) -> str:
    from derive.render.html import RENDER, katex_css, katex_js

    rows = []
    for line in marking.lines:
        tex = _latex_line(line).replace("&", "")
        mark = "✓" if line.verdict == "right" else "✗"
        css = "right" if line.verdict == "right" else "wrong"
        rows.append(
            f'<tr class="{css}"><td class="mark" aria-label="{css}">{mark}</td>'
            f'<td class="math" data-tex="{html.escape(tex, quote=True)}"></td>'
            f"<td>{html.escape(_reason_text(line))}</td></tr>"
        )
    summary = "".join(f"<p>{html.escape(s)}</p>" for s in _summary(marking))
    title = html.escape(f"Marking: {marking.derivation.title}")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{katex_css()}</style>"
        "<style>td{padding:.2em .6em;vertical-align:middle}.wrong{background:#fde8e8}.mark{font-size:1.4em}</style>"
        f"<script>{katex_js()}</script></head><body><h1>{title}</h1><table>{''.join(rows)}</table>{summary}"
        f"<script>{RENDER}</script></body></html>\n"
    )
