"""Markdown for GitHub and MathJax: a ``$$`` block per step, the rule and its reason below it, typeset."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from derive.render import register, walk
from derive.render.latex import inline, line_latex

_MARKDOWN_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"} | {c: "\\" + c for c in "\\`*_[]#|!"}


def markdown_text(text: str) -> str:
    """User text as Markdown words: no HTML (&, <, > as entities), no emphasis, link or code (their
    characters backslash-escaped), on one line."""
    return "".join(_MARKDOWN_ESCAPES.get(c, c) for c in " ".join(text.split()))


@register(
    "markdown",
    ".md",
    "$$ blocks with the reasons typeset (GitHub, MathJax)",
    media_type="text/markdown",
    label="Markdown",
    rank=3,
)
def render(items: Sequence[Any]) -> str:
    return "\n".join(section(item) for item in items)


def section(item: Any) -> str:
    out = [f"## {markdown_text(item.title)}", ""]
    for line in walk(item):
        out += ["$$", line_latex(line), "$$", "", f"*{line.step.rule}*: {line.why.fill(inline)}", ""]
    for note in item.notes():
        text = note.reason.fill(inline)
        out += [f"**{text}**", ""] if note.emphasis else [f"Note: {text}."]
    return "\n".join(out).rstrip("\n") + "\n"
