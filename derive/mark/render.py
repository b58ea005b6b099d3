"""A marking in words: text with ✓ and ✗, JSON, LaTeX and HTML with the marks beside each line.

Each format registers itself here (``register``), as the formats of ``derive.render`` do: the CLI's
``derive mark --format`` choices, the web API's ``format`` and docs/marking.md's table are built from
``formats()``.  Imports at the top stay light (no SymPy): the CLI and the server list the formats.
"""

from __future__ import annotations

import html
import json
import re
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


_SIGNS = {"right": "✓", "wrong": "✗", "not judged": "?"}
"""A line's mark: right, wrong, and not judged apart from both."""


def _sign(line: Any) -> str:
    return _SIGNS.get(line.verdict, "?")


def _reason_text(line: Any, variable: str = "z") -> str:
    from derive.render.printing.text import board_text

    words = f" [{'; '.join(line.words)}]" if getattr(line, "words", ()) else ""
    if line.verdict == "right":
        said = f"equals {line.quantity} ({line.reason})" if line.quantity else line.reason
        return said + words
    if line.verdict != "wrong":
        reason = line.reason
        if not reason.startswith(("not judged", "cannot be read")):
            reason = f"not judged: {reason}"
        return reason + words
    parts = [line.reason]
    if line.differs_at is not None:
        d = line.differs_at
        with_params = "".join(f", {p} = {v:g}" for p, v in d.parameters)
        parts.append(f"at {variable} = {d.at:g}{with_params} it is {d.written:.6g}, {line.quantity} is {d.right:.6g}")
    if getattr(line, "follows_from", None) is not None:
        parts.append(f"it follows from line {line.follows_from}: the mistake is there")
    elif line.follows:
        parts.append("it follows from the line before: the mistake is earlier")
    if line.mistake is not None:
        parts.append(f"mistake {line.mistake.kind}: {line.mistake.explanation.fill(board_text)}")
    elif getattr(line, "hint", None):
        parts.append(f"the step needs: {line.hint}")
    return "; ".join(parts) + words


def _summary(marking: Any) -> list[str]:
    from derive.render.printing.text import board_text

    out = []
    first = marking.first_wrong
    if first is not None:
        out.append(f"the first wrong line: line {first}")
    elif marking.all_right:
        out.append("every line is right")
    else:
        out.append("no line is wrong")
    not_judged = getattr(marking, "not_judged", 0)
    if not_judged:
        out.append(f"not judged: {not_judged} (derive could not tell; never counted as wrong)")
    final = marking.final
    if final["right"]:
        out.append("the final line is right" + (", in terms of g: an output form" if final["output_form"] else ""))
    else:
        out.append("the final line is not a right g'")
    if marking.simpler is not None:
        out.append(f"simpler: g'(z) = {board_text(marking.simpler)}")
    return out


def _lhs_latex(quantity: str | None, variable: str) -> str:
    """The left side a claim is of, in LaTeX: g(x), g'(x), the author's u or u', dy/du."""
    if quantity in (None, "") or quantity.startswith("the "):
        return ""
    if quantity in ("g", "g'"):
        return f"{quantity}({variable})"
    leibniz = re.fullmatch(r"d(\w+)/d(\w+)", quantity)
    if leibniz:
        return rf"\frac{{d{leibniz.group(1)}}}{{d{leibniz.group(2)}}}"
    return quantity if re.fullmatch(r"[A-Za-z]+'?", quantity) else ""


def line_latex(line: Any, variable: str) -> str | None:
    """A claim's mathematics as LaTeX, through derive's printer; None for one that could not be read."""
    from derive.render.printing.latex import board_latex

    if line.read_as is None:
        return None
    try:
        body = board_latex(line.read_as)
    except Exception:  # noqa: BLE001 - a claim the printer cannot set is shown as text, never an error
        return None
    lhs = _lhs_latex(line.quantity, variable)
    return f"{lhs} = {body}" if lhs else body


def to_dict(marking: Any) -> dict:
    from derive.render.printing.syntax import sympy_syntax
    from derive.render.printing.text import board_text

    variable = marking.derivation.variable.name
    lines = []
    for line in marking.lines:
        d = line.differs_at
        sentence = line.mistake.explanation.fill(board_text) if line.mistake is not None else None
        lines.append(
            {
                "number": line.number,
                "line": line.number,
                "text": line.text,
                "latex": line_latex(line, variable),
                "words": list(getattr(line, "words", ())),
                "read_as": sympy_syntax(line.read_as) if line.read_as is not None else None,
                "quantity": line.quantity,
                "verdict": line.verdict,
                "reason": line.reason,
                "column": getattr(line, "column", None),
                "differs_at": None
                if d is None
                else {"z": d.at, "written": d.written, "right": d.right, "parameters": dict(d.parameters)},
                "follows_from": getattr(line, "follows_from", None),
                "follows_from_the_line_before": line.follows,
                "mistake": None
                if line.mistake is None
                else {"kind": line.mistake.kind, "sentence": sentence, "explanation": sentence},
                "hint": getattr(line, "hint", None) if line.verdict == "wrong" else None,
            }
        )
    final = dict(marking.final)
    final["simpler"] = board_text(marking.simpler) if marking.simpler is not None else None
    return {
        "target": marking.target,
        "target_from": getattr(marking, "target_from", "argument"),
        "function": marking.derivation.function.name,
        "variable": variable,
        "lines": lines,
        "first_wrong": marking.first_wrong,
        "not_judged": getattr(marking, "not_judged", 0),
        "final": final,
    }


def _said_target(marking: Any) -> str:
    if getattr(marking, "target_from", "argument") == "first line":
        where = getattr(marking, "defined_at", None)
        return f" (the function taken from the derivation's first definition, line {where})"
    return ""


@register("text", "text/plain", "for a terminal: each line with ✓ or ✗ and why, then the summary")
def _text(marking: Any) -> str:
    from derive.render.printing.text import board_text

    out = [
        f"Marking a derivation of {marking.derivation.title}: g({marking.derivation.variable}) = "
        f"{board_text(marking.derivation.steps[0].expr)}{_said_target(marking)}",
        "",
    ]
    for line in marking.lines:
        out.append(f"{_sign(line)} {line.number:>3}. {line.text}")
        out.append(f"        {_reason_text(line, marking.derivation.variable.name)}")
    out.append("")
    out += _summary(marking)
    return "\n".join(out) + "\n"


@register("json", "application/json", "every line with its reading, verdict and reason, where it differs, the mistake")
def _json(marking: Any) -> str:
    return json.dumps(to_dict(marking), indent=1, ensure_ascii=False) + "\n"


def _latex_line(line: Any, variable: str = "z") -> str:
    from derive.render.printing.latex import board_latex

    if line.read_as is None:
        return r"\text{(cannot be read)}"
    return f"{_lhs_latex(line.quantity, variable)} &= {board_latex(line.read_as)}"


@register("latex", "application/x-latex", "a LaTeX document: the lines aligned, each with its mark and why")
def _latex(marking: Any) -> str:
    from derive.render.latex import latex_text

    rows = []
    for line in marking.lines:
        mark = {"right": r"\checkmark", "wrong": r"\times"}.get(line.verdict, "?")
        why = latex_text(_reason_text(line, marking.derivation.variable.name))
        rows.append(
            f"{_latex_line(line, marking.derivation.variable.name)} && {mark} && \\text{{\\footnotesize {why}}}"
        )
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
        tex = _latex_line(line, marking.derivation.variable.name).replace("&", "")
        mark = _sign(line)
        css = {"right": "right", "wrong": "wrong"}.get(line.verdict, "unjudged")
        rows.append(
            f'<tr class="{css}"><td class="mark" aria-label="{css}">{mark}</td>'
            f'<td class="math" data-tex="{html.escape(tex, quote=True)}"></td>'
            f"<td>{html.escape(_reason_text(line, marking.derivation.variable.name))}</td></tr>"
        )
    summary = "".join(f"<p>{html.escape(s)}</p>" for s in _summary(marking))
    title = html.escape(f"Marking: {marking.derivation.title}{_said_target(marking)}")
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{katex_css()}</style>"
        "<style>td{padding:.2em .6em;vertical-align:middle}.wrong{background:#fde8e8}"
        ".unjudged{background:#f2f2f2}.mark{font-size:1.4em}</style>"
        f"<script>{katex_js()}</script></head><body><h1>{title}</h1><table>{''.join(rows)}</table>{summary}"
        f"<script>{RENDER}</script></body></html>\n"
    )
