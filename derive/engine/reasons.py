"""Why a step holds, as data: words with mathematical slots that each format's printer fills.

The engine never prints: a rule says *what* it applied (the template) and *with what* (the slots,
SymPy expressions in board form), and a renderer fills the slots with its own printer, so the same
reason reads ``d/dz(e^u) = e^u·du/dz`` in a terminal and is typeset in LaTeX, Markdown and HTML.

A slot holds an expression (mathematics), a string (words, escaped by the format) or another
Reason (filled the same way), so reasons nest: "evaluate the inner derivatives: A; B".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Union

from sympy import Eq, Expr

Slot = Union[Expr, str, "Reason"]


@dataclass(frozen=True)
class Reason:
    """``template`` with ``{name}`` slots; ``slots`` gives each name its value."""

    template: str
    slots: tuple[tuple[str, Slot], ...] = ()

    @staticmethod
    def of(template: str, **slots: Slot) -> Reason:
        return Reason(template, tuple(slots.items()))

    @staticmethod
    def join(parts: Sequence[Reason], separator: str = "; ") -> Reason:
        """Several reasons in one, in order."""
        template = separator.join(f"{{_{i}}}" for i in range(len(parts)))
        return Reason(template, tuple((f"_{i}", p) for i, p in enumerate(parts)))

    def fill(self, math: Callable[[Expr], str], words: Callable[[str], str] = str) -> str:
        """The reason as one string: ``math`` prints an expression, ``words`` escapes the text around it."""
        filled = {}
        for name, value in self.slots:
            if isinstance(value, Reason):
                filled[name] = value.fill(math, words)
            elif isinstance(value, str):
                filled[name] = words(value)
            else:
                filled[name] = math(value)
        pieces = _split(self.template)
        return "".join(filled[text] if is_slot else words(text) for is_slot, text in pieces)

    def substitute(self, mapping: Mapping[Expr, Expr]) -> Reason:
        """The reason with its expressions' sub-expressions replaced (g by a function's own name)."""
        if not mapping:
            return self
        from derive.engine.board import substitute

        slots = tuple(
            (
                name,
                value.substitute(mapping)
                if isinstance(value, Reason)
                else value
                if isinstance(value, str)
                else substitute(value, mapping),
            )
            for name, value in self.slots
        )
        return Reason(self.template, slots)

    def expressions(self) -> list[Expr]:
        """Every expression in the reason, nested ones included (to check that each format prints them)."""
        out: list[Expr] = []
        for _, value in self.slots:
            if isinstance(value, Reason):
                out += value.expressions()
            elif not isinstance(value, str):
                out.append(value)
        return out


def equation(lhs: Expr, rhs: Expr) -> Expr:
    """lhs = rhs as one piece of mathematics (unevaluated), for a slot."""
    return Eq(lhs, rhs, evaluate=False)


def _split(template: str) -> list[tuple[bool, str]]:
    """The template as (is a slot, text) pieces: 'a {x} b' -> [(False, 'a '), (True, 'x'), (False, ' b')]."""
    out: list[tuple[bool, str]] = []
    rest = template
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        if before:
            out.append((False, before))
        out.append((True, name))
    if rest:
        out.append((False, rest))
    return out


@dataclass(frozen=True)
class Note:
    """A remark under the steps: the verdict when no F was found (``emphasis``), a kink, an identity's outcome."""

    reason: Reason
    emphasis: bool = False

    def substitute(self, mapping: Mapping[Expr, Expr]) -> Note:
        return Note(self.reason.substitute(mapping), self.emphasis) if mapping else self
