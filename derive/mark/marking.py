"""Marking a derivation someone wrote by hand, line by line, as a teacher does.

``mark(target, lines)`` reads top to bottom: derive the target (its g, g' and output form); split
the submission into lines (``lines.written_lines``); read each line as derive reads any text, g (or
the function's own name) standing for g(z); judge each against its quantity, g or g', proved as
derive proves its own steps; for a wrong line, find where it differs and try the catalogue of
mistakes (``mistakes``) at that place; sum up (the first wrong line, the final line).  A line that
cannot be read is reported with the reader's column, and the rest are still judged.  ``Marking.render``
writes it in one of the formats of ``derive.mark.render``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import mpmath
from sympy import Derivative, Expr, Function, Symbol, count_ops
from sympy.core.function import AppliedUndef

from derive.engine import compute
from derive.errors import DeriveError, ParseError
from derive.knowledge import activations
from derive.knowledge.symbols import parameter
from derive.mark import mistakes
from derive.mark.lines import MAX_CHARACTERS, MAX_LINES, Written, written_lines
from derive.mark.writing import called, cleaned, derivative_left_side, variable_of
from derive.proof import prover

RIGHT, WRONG, UNREADABLE = "right", "wrong", "unreadable"


@dataclass(frozen=True)
class Difference:
    """Where a wrong line differs from its quantity: the point, and both values there."""

    at: float
    written: float
    right: float
    parameters: tuple[tuple[str, float], ...] = ()


@dataclass
class MarkedLine:
    """One line as judged."""

    number: int  # in the submission
    text: str
    read_as: Expr | None  # its right side as read (g, g(z) kept)
    quantity: str | None  # "g" or "g'"
    verdict: str  # right, wrong, unreadable
    reason: str  # how it was proved, or why it cannot be read
    differs_at: Difference | None = None
    mistake: mistakes.Found | None = None
    follows: bool | None = None  # a wrong line equal to the line before: it carries an earlier mistake
    in_g: bool = False  # written in g alone (an output form)


@dataclass
class Marking:
    """The result of ``mark``: every line judged, the first wrong one, and the final line's standing."""

    target: str
    derivation: Any  # the target's Derivation
    lines: list[MarkedLine] = field(default_factory=list)
    simpler: Expr | None = None  # a simpler right final line, when there is one

    @property
    def first_wrong_line(self) -> MarkedLine | None:
        """The first line that is not right (wrong or unreadable), or None."""
        return next((line for line in self.lines if line.verdict != RIGHT), None)

    @property
    def first_wrong(self) -> int | None:
        """The number (1-based, as in the submission) of the first line that is not right, or None."""
        line = self.first_wrong_line
        return line.number if line is not None else None

    @property
    def all_right(self) -> bool:
        return bool(self.lines) and all(line.verdict == RIGHT for line in self.lines)

    @property
    def final(self) -> dict:
        last = self.lines[-1] if self.lines else None
        right = last is not None and last.verdict == RIGHT and last.quantity == "g'"
        return {"right": right, "output_form": right and last.in_g}

    def render(self, fmt: str = "text") -> str:
        from derive.mark.render import render

        return render(self, fmt)

    def to_dict(self) -> dict:
        from derive.mark.render import to_dict

        return to_dict(self)


def mark(
    target: str,
    submission: str | list[str],
    var: str | None = None,
    files: bool = False,
    seconds: float | None = None,
) -> Marking:
    """Mark a derivation of ``target``'s first derivative: ``submission`` is the text (or its lines).

    ``target`` is anything ``derive()`` reads; the variable is ``var``, else the one the submission's
    left sides name (g(x) = ...), else the target's.  ``seconds`` is the safety limit (60 s): a marking
    still running after it ends in a GaveUpError, never in another verdict."""
    from derive.pipeline import derive

    text = submission if isinstance(submission, str) else "\n".join(submission)
    if len(text) > MAX_CHARACTERS:
        raise ParseError(f"the derivation is {len(text)} characters long; the limit is {MAX_CHARACTERS}")
    written = written_lines(text)
    if not written:
        raise ParseError("the derivation has no line to mark")
    if len(written) > MAX_LINES:
        raise ParseError(f"the derivation has {len(written)} lines; the limit is {MAX_LINES}")
    with compute.safety_limit(seconds):
        chosen = var or variable_of([w.text for w in written])
        derivation = derive(target, var=chosen, files=files)
        marking = Marking(target, derivation)
        judge = _Judge(derivation)
        for line in written:
            marking.lines.extend(judge.lines(line))
        marking.simpler = _simpler(marking)
    return marking


PARAMETER = mpmath.mpf("1.5")
"""The value parameters take where lines are compared by numbers (not 1: α(e^(z/α) - 1) hides its α there)."""
_SAMPLE = tuple(mpmath.mpf(x) for x in ("-2.35", "-1.1", "-0.4", "0.3", "0.85", "1.6", "2.7", "-3.6", "3.9"))


class _Judge:
    """Judges lines in order: it knows the target, the quantity of the last line, and the line before."""

    def __init__(self, derivation: Any) -> None:
        self.d = derivation
        self.z = derivation.variable
        self.body = derivation.function.body
        self.reference = {"g": self.body, "g'": derivation.derivatives[0]}
        self.names = {"g", derivation.function.symbol}
        self.quantity: str | None = None
        self.previous: tuple[str, Expr] | None = None  # the last readable line: its quantity and value
        self.lost: int | None = None  # a line that could not be read, after which the quantity is unknown

    # --- one line --------------------------------------------------------------------

    def lines(self, line: Written) -> list[MarkedLine]:
        return [self.judge(line.number, piece.strip(), piece) for piece in _pieces(line.text)]

    def judge(self, number: int, shown: str, text: str) -> MarkedLine:
        math = derivative_left_side(cleaned(text), self.names, self.z.name)
        math = called(math, self.names, self.z.name)
        try:
            quantity, expr = self.read(math)
        except DeriveError as exc:
            # what follows continues a quantity that is known only where this line's left side says it
            self.quantity = "g'" if math.startswith("g'(") else None
            self.lost = None if self.quantity else number
            defined = re.match(r"\s*\\?([A-Za-z]+)\s*(?:\(\s*[A-Za-z]\s*\))?\s*:?=(?!=)", math)
            if defined is not None and defined.group(1) not in ("d", "frac"):  # y = ..., unread: y still names g
                self.names.add(defined.group(1))
            return MarkedLine(number, shown, None, None, UNREADABLE, str(exc))
        value = self.value(expr)
        unknown = sorted(s.name for s in value.free_symbols - self.body.free_symbols - {self.z})
        if unknown:  # a name the target does not have: the author's own, defined where derive could not read it
            reason = f"not judged: it uses {', '.join(unknown)}, which the function {self.d.function.name} does not"
            return MarkedLine(number, shown, expr, self.quantity, UNREADABLE, reason)
        if quantity is None and self.lost is not None:  # after an unreadable line: right if it equals either
            for each in ("g'", "g"):
                if prover.prove_equal(value, self.reference[each], self.z, domain=self.body).ok:
                    quantity = each
                    break
            else:
                reason = f"not judged: after line {self.lost}, which could not be read, its quantity is unknown"
                return MarkedLine(number, shown, expr, None, UNREADABLE, reason)
            self.lost = None
        if quantity is None:  # a first line with no left side: whichever it equals
            quantity = "g" if prover.prove_equal(value, self.body, self.z, domain=self.body).ok else "g'"
        self.quantity = quantity
        in_g = self._in_g(expr)
        proof = prover.prove_equal(value, self.reference[quantity], self.z, domain=self.body)
        line = MarkedLine(number, shown, expr, quantity, RIGHT if proof.ok else WRONG, str(proof), in_g=in_g)
        if not proof.ok:
            line.reason = "not equal to " + ("g" if quantity == "g" else "g'")
            line.differs_at = self.difference(value, self.reference[quantity])
            if self.previous is not None and self.previous[0] == quantity:
                line.follows = prover.prove_equal(value, self.previous[1], self.z, domain=self.body).ok
            if not line.follows:
                line.mistake = self.mistake(value, quantity)
        self.previous = (quantity, value)
        return line

    def read(self, text: str) -> tuple[str | None, Expr]:
        from derive.reading import read
        from derive.reading.resolve import library_function

        text = text.strip()
        head = None
        if text.startswith("="):
            text, head = text[1:], self.quantity
        functions = {name: self._applied(name) for name in self.names}
        reading = read(text, self.z.name, "auto", library_function, activations.names(), functions)
        if reading.name is not None:  # g'(z) = ..., f(x) = ..., \frac{d}{dz} g(z) = ...
            self.names.add(reading.name)
            if reading.order > 1:
                raise ParseError(f"a line of the {reading.order}th derivative: derive marks derivations of g'")
            head = "g'" if reading.order == 1 else "g"
        return head or self.quantity, reading.expr

    def _applied(self, name: str):  # noqa: ANN202 - a callable for the reader
        """g(z) is the function at z; g(1 - g), g(1 + z) in a line of the output form, g times the bracket."""

        def call(*args: Expr) -> Expr:
            (arg,) = args
            g = parameter(name)
            if (
                arg.has(g)
                or not arg.has(self.z)
                or any(type(f).__name__ in self.names for f in arg.atoms(AppliedUndef))
            ):
                return g * arg
            return Function(name)(arg)

        return call

    def value(self, expr: Expr) -> Expr:
        """A line's value in z: g(z) and g (or the function's name) as the function, derivatives carried out."""
        mapping: dict[Expr, Expr] = {}
        for f in expr.atoms(AppliedUndef):
            if type(f).__name__ in self.names and len(f.args) == 1:
                mapping[f] = self.body.subs(self.z, f.args[0])
        for name in self.names:
            mapping[parameter(name)] = self.body
            mapping[Symbol(name, real=True)] = self.body
        return expr.xreplace(mapping).doit() if expr.has(Derivative) or mapping else expr

    def _in_g(self, expr: Expr) -> bool:
        uses_g = any(type(f).__name__ in self.names for f in expr.atoms(AppliedUndef)) or any(
            s.name in self.names for s in expr.free_symbols
        )
        without_z = expr.xreplace({f: Symbol("_g") for f in expr.atoms(AppliedUndef) if type(f).__name__ in self.names})
        return uses_g and not without_z.has(self.z)

    # --- a wrong line ------------------------------------------------------------------

    def _numbers(self, expr: Expr) -> list:
        params = {p: PARAMETER for p in expr.free_symbols - {self.z}}
        f = compute.compiled(compute.printable(expr.subs(params)), self.z, "mpmath")
        with mpmath.workdps(30):
            return [compute.real_at(f, x) for x in _SAMPLE]

    def difference(self, written: Expr, right: Expr) -> Difference | None:
        params = sorted(p.name for p in (written.free_symbols | right.free_symbols) - {self.z})
        for x, w, r in zip(_SAMPLE, self._numbers(written), self._numbers(right), strict=True):
            if w is not None and r is not None and abs(w - r) > 1e-12 * (1 + abs(r)):
                return Difference(float(x), float(w), float(r), tuple((p, float(PARAMETER)) for p in params))
        return None

    def mistake(self, value: Expr, quantity: str) -> mistakes.Found | None:
        """The catalogue's mistake that gives this line at its place, proved; None when none does."""
        if quantity != "g'":
            return None
        written = self._numbers(value)
        for kind, explanation, candidate in self._candidates():
            if self._close(written, candidate) and prover.prove_equal(value, candidate, self.z, domain=self.body).ok:
                return mistakes.Found(kind, explanation)
        return None

    def _candidates(self):
        from derive.engine import rules

        sources = [self.body]
        head = self.d.function.head
        if head is not None and not isinstance(head, AppliedUndef):
            sources.insert(0, head)  # σ(z), tanh(z): the student may differentiate the function by its name
        if self.previous is not None and self.previous[0] == "g":
            sources.insert(0, self.previous[1])
        for source in sources:
            try:
                tree = rules.rule_tree(source, self.z)
                for mal, node, wrong in mistakes.candidates(tree):
                    yield mal.kind, mal.explanation(node, [c.derivative for c in node.children()]), wrong
            except DeriveError:
                continue
        if self.previous is not None and self.previous[0] == "g'":
            for mistake, variant in mistakes.rearranged(self.previous[1]):
                yield mistake.kind, mistake.explanation, variant
        form = self.d.output_form
        if form is not None:
            from derive.knowledge.symbols import G

            for mistake, variant in mistakes.rearranged(form):
                yield mistake.kind, mistake.explanation, variant.subs(G, self.body)

    def _close(self, written: list, candidate: Expr) -> bool:
        try:
            values = self._numbers(candidate)
        except (TypeError, ValueError, KeyError, AttributeError):
            return False
        pairs = [(w, c) for w, c in zip(written, values, strict=True) if w is not None and c is not None]
        return len(pairs) >= 3 and all(abs(w - c) <= 1e-15 * (1 + abs(c)) for w, c in pairs)


def _pieces(text: str) -> list[str]:
    """A line with several '=' as its parts: g'(z) = A = B is g'(z) = A, then = B (each part judged)."""
    depth, cuts = 0, []
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "=" and depth == 0 and text[i - 1 : i] not in ("<", ">", "!", ":") and text[i + 1 : i + 2] != "=":
            cuts.append(i)
    ends = [*cuts[1:], len(text)]
    starts = [0, *cuts[1:]]
    return [text[a:b] for a, b in zip(starts, ends, strict=True) if text[a:b].strip()]


def _simpler(marking: Marking) -> Expr | None:
    """A simpler way to write a right final line: the output form where there is one, or g' at its simplest."""
    if not marking.final["right"]:
        return None
    d = marking.derivation
    last = marking.lines[-1]
    best = d.output_form_of_g if d.output_form is not None else d.steps[-1].expr
    if last.in_g and d.output_form is not None and count_ops(last.read_as) <= count_ops(best) + 1:
        return None
    if not last.in_g and d.output_form is None and count_ops(last.read_as) <= count_ops(best) + 1:
        return None
    return best
