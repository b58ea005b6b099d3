"""Markdown for GitHub and MathJax: a ``$$`` block per step, the rule and its reason below it, typeset."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from derive.render import register, walk
from derive.render.latex import inline, line_latex


@register("markdown", ".md", "$$ blocks with the reasons typeset (GitHub, MathJax)")
def render(items: Sequence[Any]) -> str:
    return "\n".join(section(item) for item in items)


def section(item: Any) -> str:
    out = [f"## {item.title}", ""]
    for line in walk(item):
        out += ["$$", line_latex(line), "$$", "", f"*{line.step.rule}*: {line.why.fill(inline)}", ""]
    for note in item.notes():
        text = note.reason.fill(inline)
        out += [f"**{text}**", ""] if note.emphasis else [f"Note: {text}."]
    return "\n".join(out).rstrip("\n") + "\n"
