"""Markdown for GitHub and MathJax: a ``$$`` block per step, the rule and its reason as text below it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from derive.render import walk
from derive.render.latex import line_latex

if TYPE_CHECKING:
    from derive.pipeline import Derivation


def render(derivation: Derivation) -> str:
    out = [f"## {derivation.function.title}", ""]
    for line in walk(derivation):
        out += ["$$", line_latex(line), "$$", "", f"*{line.step.rule}*: {line.step.why}", ""]
    verdict = derivation.verdict
    if verdict.status != "found":
        out += [f"**{verdict.reason}**", ""]
    out += [f"Note: g is {kink}." for kink in verdict.kinks]
    return "\n".join(out).rstrip("\n") + "\n"
