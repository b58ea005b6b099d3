"""Marking a derivation someone wrote by hand, line by line, as a teacher does.

``mark(target, lines)`` reads top to bottom: split the submission into lines (``lines.written_lines``) and
each line into its words and statements (``statements``); find the function the derivation defines (its
first definition line: ``g(x) =``, ``\\sigma(x) =``, ``y =``, ``\\tanh x =``) and derive it, or the target
given, which must be that function; then judge every claim of every line: each ``=`` of a chain, each side
of an implication, a left side that is an expression (it continues the quantity before, or is an equation
of its own), the author's substitutions and helpers (``u = 1 + e^{-x}``, ``u' = -e^{-x}``, ``m(x) = -x``),
each proved as derive proves its own steps (a side read with the author's names by ``scope.Scope``).  A
wrong line is tried against the catalogue of mistakes (``mistakes``), the step from the line before first.
A line derive cannot read, or whose quantity it cannot tell, is "not judged", with the reason: never wrong,
and it never makes another line wrong.
``Marking.render`` writes it in one of the formats of ``derive.mark.render``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import mpmath
from sympy import Derivative, Expr, Piecewise, Symbol, count_ops, default_sort_key
from sympy.core.function import AppliedUndef

from derive.engine import compute
from derive.errors import DeriveError, NoVariableError, ParseError
from derive.knowledge import activations, registry
from derive.knowledge.symbols import variable
from derive.mark import mistakes
from derive.mark.lines import MAX_CHARACTERS, MAX_LINES, written_lines
from derive.mark.scope import Scope, library_names
from derive.mark.statements import Head, Statement, head, statements
from derive.mark.writing import variable_of
from derive.proof import prover

RIGHT, WRONG, NOT_JUDGED = "right", "wrong", "not judged"
UNREADABLE = NOT_JUDGED
"""The former name of a line that cannot be read: it is not judged."""

FUNCTION_NAMES = frozenset({"g", "f", "y", "h", "F", "G", "H", "S", "T", "A", "s", "a", "o"})
"""Names people give the function itself; other letters (u, v, t, m, ...) name substitutions and helpers."""


@dataclass(frozen=True)
class Difference:
    """Where a wrong line differs from its quantity: the point, and both values there."""

    at: float
    written: float
    right: float
    parameters: tuple[tuple[str, float], ...] = ()


@dataclass
class MarkedLine:
    """One claim of a line as judged."""

    number: int  # in the submission
    text: str
    read_as: Expr | None  # the claim's side as read (g, g(z) kept)
    quantity: str | None  # what it must equal: "g", "g'", a helper ("u", "u'"), or None
    verdict: str  # right, wrong, not judged
    reason: str  # how it was proved, or why it is wrong or not judged
    differs_at: Difference | None = None
    mistake: mistakes.Found | None = None
    follows: bool | None = None  # a wrong line equal to the line before: it carries an earlier mistake
    in_g: bool = False  # written in g alone (an output form)
    column: int | None = None  # where the reader stopped, for a line that cannot be read
    words: tuple[str, ...] = ()  # the line's annotations and connectives, kept as words
    follows_from: int | None = None  # the line whose mistake this wrong line carries
    hint: str | None = None  # for a wrong line: the rule the step needed


@dataclass
class Marking:
    """The result of ``mark``: every line judged, the first wrong one, and the final line's standing."""

    target: str
    derivation: Any  # the target's Derivation
    lines: list[MarkedLine] = field(default_factory=list)
    simpler: Expr | None = None  # a simpler right final line, when there is one
    target_from: str = "argument"  # "argument": the target given; "first line": the derivation's definition
    defined_at: int | None = None  # the line that defines the function

    @property
    def first_wrong_line(self) -> MarkedLine | None:
        """The first line that is wrong (a line not judged is not wrong), or None."""
        return next((line for line in self.lines if line.verdict == WRONG), None)

    @property
    def first_wrong(self) -> int | None:
        """The number (1-based, as in the submission) of the first wrong line, or None."""
        line = self.first_wrong_line
        return line.number if line is not None else None

    @property
    def not_judged(self) -> int:
        """How many claims could not be judged."""
        return sum(line.verdict == NOT_JUDGED for line in self.lines)

    @property
    def all_right(self) -> bool:
        return bool(self.lines) and all(line.verdict == RIGHT for line in self.lines)

    @property
    def none_wrong(self) -> bool:
        return bool(self.lines) and self.first_wrong_line is None

    @property
    def final(self) -> dict:
        last = next((line for line in reversed(self.lines) if line.quantity in ("g", "g'")), None)
        right = last is not None and last.verdict == RIGHT and last.quantity == "g'"
        return {"right": right, "output_form": right and last.in_g}

    def render(self, fmt: str = "text") -> str:
        from derive.mark.render import render

        return render(self, fmt)

    def to_dict(self) -> dict:
        from derive.mark.render import to_dict

        return to_dict(self)


@dataclass(frozen=True)
class _Flat:
    """A statement with its line: the number, the text shown, the line's words."""

    number: int
    shown: str
    words: tuple[str, ...]
    statement: Statement | None  # None: a line of words only, or one that could not be split


def mark(
    target: str | None,
    submission: str | list[str],
    var: str | None = None,
    files: bool = False,
    seconds: float | None = None,
) -> Marking:
    """Mark a derivation of a function's first derivative: ``submission`` is the text (or its lines).

    ``target`` is anything ``derive()`` reads, or None: then the function is the one the derivation's first
    definition line defines.  A target that is not that function is a ParseError.  The variable is ``var``,
    else the one the submission uses, else the target's.  ``seconds`` is the safety limit (60 s): a marking
    still running after it ends in a GaveUpError, never in another verdict."""
    if target is not None and not target.strip():
        target = None  # an empty function box: the derivation's own first line
    text = submission if isinstance(submission, str) else "\n".join(submission)
    if len(text) > MAX_CHARACTERS:
        raise ParseError(f"the derivation is {len(text)} characters long; the limit is {MAX_CHARACTERS}")
    written = written_lines(text)
    if not written:
        raise ParseError("the derivation has no line to mark")
    if len(written) > MAX_LINES:
        raise ParseError(f"the derivation has {len(written)} lines; the limit is {MAX_LINES}")
    flat: list[_Flat] = []
    for line in written:
        words, found = statements(line.text)
        if not found:
            flat.append(_Flat(line.number, line.text.strip(), tuple(words), None))
        for k, st in enumerate(found):
            flat.append(_Flat(line.number, line.text.strip(), tuple(words) if k == 0 else (), st))
    with compute.safety_limit(seconds):
        own = _own_names(flat)
        said = [_said(item.statement) for item in flat if item.statement is not None]  # words and labels left out
        chosen = var or variable_of(said, own) or _target_variable(target)
        z = variable(chosen)
        definition = _definition(flat, target, z)
        derivation, shown_target, source = _derivation(target, definition, z, files)
        marking = Marking(shown_target, derivation, target_from=source)
        marking.defined_at = definition[0].number if definition is not None else None
        judge = _Judge(derivation, definition[1] if definition is not None else None, flat)
        for item in flat:
            marking.lines.extend(judge.item(item))
        marking.simpler = _simpler(marking)
    return marking


def _said(st: Statement) -> str:
    """A statement written out again as one line of mathematics (for finding the variable)."""
    rights = " = ".join(st.rights)
    return f"{st.left} = {rights}" if st.left is not None else f"= {rights}"


def _own_names(flat: list[_Flat]) -> frozenset[str]:
    """Names the author defines (u = ..., y = ...): never the variable, unless the first definition uses it
    (x of y = arctan x, then x = tan y)."""
    defined: list[tuple[str, str]] = []
    for item in flat:
        st = item.statement
        if st is not None and st.left is not None and st.rights:
            h = head(st.left)
            if h is not None and h.order == 0 and h.argument is None and re.search(r"[A-Za-z]", st.rights[0]):
                defined.append((h.name, st.rights[0]))  # x = 0 is a point, not a name defined
    if not defined:
        return frozenset()
    first = set(re.findall(r"(?<![A-Za-z\\])([A-Za-z])(?![A-Za-z])", defined[0][1]))
    return frozenset(name for name, _ in defined if name not in first)


def _target_variable(target: str | None) -> str:
    if target is None:
        return "z"
    try:
        from derive.reading.resolve import resolve

        return resolve(target, files=False).variable.name
    except DeriveError:
        return "z"


# --- the function the derivation defines -------------------------------------------------------


def _definition(flat: list[_Flat], target: str | None, z: Symbol) -> tuple[_Flat, Head, Expr] | None:
    """The statement that defines the function: with a target, the first definition equal to it (else the
    first that names a function, which then is not the target's); without, the first that names one.
    Definitions whose names later definitions use are substitutions (u = 1 + e^{-x}, then σ = 1/u)."""
    library = library_names()
    candidates: list[tuple[_Flat, Head]] = []
    for item in flat:
        st = item.statement
        if st is None or st.left is None or not st.rights or st.condition is not None:
            continue
        h = head(st.left)
        if h is None or h.order != 0 or h.name == z.name:
            continue
        if h.argument is not None and h.argument != z.name and (h.name in library or len(h.argument) != 1):
            continue  # σ(-x) = 1 - σ(x), tan y = x: an equation, not a definition
        candidates.append((item, h))
    if not candidates:
        return None
    scope = Scope(z, set())
    for item, h in candidates:
        scope.later.setdefault(h.name, (h, item.statement.rights[0]))  # type: ignore[union-attr]
    reference = None
    if target is not None:
        try:
            reference = _target_body(target, z)
        except DeriveError:
            reference = None
    chosen: tuple[_Flat, Head, Expr] | None = None
    functional: tuple[_Flat, Head, Expr] | None = None
    fallback: tuple[_Flat, Head, Expr] | None = None
    for k, (item, h) in enumerate(candidates):
        assert item.statement is not None
        scope.later.pop(h.name, None)  # its own line: not a definition used before it
        try:
            value = scope.definition_value(h, item.statement.rights[0])
        except DeriveError:
            continue
        if value.atoms(AppliedUndef) or value.has(Derivative):
            continue
        later = " ".join(r for other, _ in candidates[k + 1 :] for r in other.statement.rights)  # type: ignore[union-attr]
        used_later = re.search(rf"(?<![A-Za-z]){re.escape(h.name)}(?![A-Za-z])", later) is not None
        function_like = (h.name in FUNCTION_NAMES or h.name in library or len(h.name) > 1) and not used_later
        if reference is not None and value.has(z):
            if prover.prove_equal(value, reference, z, domain=reference).ok:
                chosen = (item, h, value)
                break
        if function_like and functional is None and h.argument in (None, z.name) and value.has(z):
            functional = (item, h, value)
            if reference is None:
                break
        if fallback is None and not used_later and h.argument == z.name and value.has(z):
            fallback = (item, h, value)  # p(t) = ...: a letter of the author's, applied to the variable
        scope.define(h, value)
    if functional is None and reference is None:
        functional = fallback
    if chosen is None and functional is not None:
        if reference is not None:
            item, h, _ = functional
            raise ParseError(
                f"{target} is not the function the derivation defines on line {item.number} "
                f"({item.shown}): mark it against that function, or without a target"
            )
        chosen = functional
    return chosen


def _derivation(
    target: str | None, definition: tuple[_Flat, Head, Expr] | None, z: Symbol, files: bool
) -> tuple[Any, str, str]:
    """The derivation marked against, the target as shown, and where it came from."""
    from derive.pipeline import derive

    if target is not None:
        try:
            return derive(target, var=z.name, files=files), target, "argument"
        except (NoVariableError, ParseError):
            try:  # the target in its own variable, renamed to the derivation's
                body = _target_body(target, z, files)
            except DeriveError:
                body = None
            if body is None:
                raise
            return derive(body, var=z.name), target, "argument"
    if definition is None:
        raise ParseError(
            "no function to mark against: no line defines it whole (g(x) = ...; a line that holds only "
            "for x > 0 or only on a piece does not); give the target"
        )
    item, h, value = definition
    name = h.name
    if name in activations.names():
        d = derive(name, var=z.name)
        if prover.prove_equal(d.function.body, value, z, domain=value).ok:
            return d, name, "first line"
    st = item.statement
    assert st is not None
    written = f"{st.left} = {st.rights[0]}"
    try:  # the definition as written: its name and title in every output
        d = derive(written, var=z.name)
        if prover.prove_equal(d.function.body, value, z, domain=value).ok:
            return d, written, "first line"
    except DeriveError:
        pass
    return derive(value, var=z.name), written, "first line"


def _target_body(target: str, z: Symbol, files: bool = False) -> Expr:
    """The target as a function of z, whatever variable it is written in."""
    from derive.reading.resolve import resolve

    try:
        return resolve(target, z.name, files=files).body
    except (NoVariableError, ParseError):
        function = resolve(target, files=files)
        return function.body.subs(function.variable, z)


# --- judging ----------------------------------------------------------------------------------


PARAMETER = mpmath.mpf("1.5")
"""The value parameters take where lines are compared by numbers (not 1: α(e^(z/α) - 1) hides its α there)."""
_SAMPLE = tuple(mpmath.mpf(x) for x in ("-2.35", "-1.1", "-0.4", "0.3", "0.85", "1.6", "2.7", "-3.6", "3.9"))
_COLUMN = re.compile(r"at column (\d+)")


class _Judge:
    """Judges statements in order: it knows the target, the quantity the chain is at, and the line before."""

    def __init__(self, derivation: Any, defined: Head | None, flat: list[_Flat]) -> None:
        self.d = derivation
        self.z = derivation.variable
        self.body = derivation.function.body
        self.gprime = derivation.derivatives[0]
        names = {"g", derivation.function.symbol}
        if defined is not None and (defined.name not in library_names() or self._own_meaning(defined.name)):
            names.add(defined.name)  # \\phi(t) = e^{-t^2}: the author's φ, not the library's
        helper_names = self._helper_names(flat, defined) if defined is not None else set()
        names |= {n for n in ("y", "f") if n not in helper_names}
        names -= {self.z.name}
        self.scope = Scope(self.z, names, self.body, self.gprime)
        self.scope.own = defined.name if defined is not None else None
        library = library_names()
        for item in flat:
            st = item.statement
            h = head(st.left) if st is not None and st.left is not None and st.rights else None
            if (
                h is not None
                and h.order == 0
                and h.name not in names
                and h.name not in library
                and h.name != self.z.name
            ):
                self.scope.later.setdefault(h.name, (h, st.rights[0]))  # type: ignore[union-attr]
        self.head_names = names | self._library_head_names() | ({defined.name} if defined is not None else set())
        self.scope.aliases = self.head_names - {"g"}
        self.current: tuple[str, Expr] | None = None  # what a continuing "= ..." must equal
        self.previous: tuple[str, Expr, int, bool] | None = None  # the last judged g or g': value, line, wrong
        self.origin: int | None = None  # the line where the mistake now carried was made
        self.lost: int | None = None  # a line that could not be read: the quantity after it is unknown
        self.previous_unevaluated = False  # the line before left a derivative to take (d/dx(...), (e^{-x})')
        self.differentiated: list[Expr] = []  # what the derivatives the line before left hold
        self.last_g: Expr | None = None  # the function as the last line of g wrote it
        self.last_text: str | None = None  # the last claim of g or g' as written
        self.pending_words: tuple[str, ...] = ()
        self.condition: Any = None  # where the statement holds (x > 0 of "for x > 0: ..."), None: everywhere
        self.side: tuple[str, Expr] | None = None  # an equation of its own on a line before: "= ..." may go on it

    def _own_meaning(self, name: str) -> bool:
        """A library's name the derivation gives another function (φ for e^{-t²}, not the normal density)."""
        from derive.mark.scope import registry_function
        from derive.reading.resolve import library_function

        known = library_function(name) or registry_function(name)
        if known is None:
            return True
        try:
            return not prover.prove_equal(known(self.z), self.body, self.z, domain=self.body).ok
        except (TypeError, ValueError, DeriveError):
            return True

    def _helper_names(self, flat: list[_Flat], defined: Head | None) -> set[str]:
        out = set()
        for item in flat:
            st = item.statement
            if st is not None and st.left is not None:
                h = head(st.left)
                if h is not None and h.order == 0 and (defined is None or h.name != defined.name):
                    out.add(h.name)
        return out - {"g"}

    def _library_head_names(self) -> set[str]:
        head_expr = self.d.function.head
        if head_expr is None or isinstance(head_expr, AppliedUndef):
            return set()
        func = getattr(head_expr, "func", None)
        found = {n for n, entry in registry.by_name().items() if entry.function is func}
        return found | {self.d.function.name}

    # --- one statement ---------------------------------------------------------------------

    def item(self, item: _Flat) -> list[MarkedLine]:
        if item.statement is None:
            if item.words:  # words only: they go with the next line
                self.pending_words += item.words
                return []
            return [MarkedLine(item.number, item.shown, None, None, NOT_JUDGED, "not judged: no mathematics read")]
        words = self.pending_words + item.words
        self.pending_words = ()
        self.condition = None
        if item.statement.condition is not None:
            try:
                self.condition = self.scope.condition(item.statement.condition)
            except DeriveError:
                return [self.unjudged(item.number, item.shown, f"not judged: the condition {item.statement.condition}")]
        out = self.statement(item)
        if not out:  # no claim on it (x = 0 of "check at x = 0"): its words go with the next line
            self.pending_words = words + self.pending_words
        for line in out[:1]:
            line.words = words
        return out

    def statement(self, item: _Flat) -> list[MarkedLine]:
        st = item.statement
        assert st is not None
        n, shown = item.number, item.shown
        if st.left is None:
            return [self.continued(n, shown, part) for part in st.rights]
        h = head(st.left)
        if h is not None and (h.name == "e" or (h.name == self.z.name and h.order == 0)):
            h = None
        if h is not None and h.order == 0 and h.argument not in (None, self.z.name):
            if h.name in self.head_names or h.name in library_names() or len(h.argument) != 1:
                h = None  # g(-x) = ..., σ(2x) = ...: an equation of its own
        if h is not None and h.order == 1 and h.argument not in (None, self.z.name):
            if h.argument not in self.scope.later and not (h.name == self.z.name and h.argument in self.scope.names):
                h = None  # σ'(0) = 1/4: a value, an equation of its own
        if h is None and st.left.strip() == self.z.name and not st.defining:
            if not any(self.z.name in re.findall(r"[A-Za-z]+", r) for r in st.rights):  # x = 0: a point, not a claim
                self.pending_words += (f"{st.left} = {' = '.join(st.rights)}",)
                return []
        if h is None:
            return self.equation(n, shown, st)
        if h.order > 1:
            return [self.unjudged(n, shown, f"not judged: a line of a derivative of order {h.order}")]
        if h.order == 1 and h.name == self.z.name and h.argument in self.scope.names:  # dx/dy of an inverse
            return self._aside(n, shown, (f"d{h.name}/d{h.argument}", 1 / self.gprime), st.rights)
        if h.order == 1 and h.argument not in (None, self.z.name) and h.argument in self.scope.later:
            self.scope.define_later(h.argument)  # dy/du: by the author's own variable u
            try:
                value = self.scope.value(self.scope.leibniz(h.name, h.argument))
            except DeriveError as exc:
                return [self.unjudged(n, shown, f"not judged: {exc}")]
            return self._aside(n, shown, (f"d{h.name}/d{h.argument}", value), st.rights)
        self.side = None
        if h.name in self.head_names or (h.name in self.scope.names):
            label = "g'" if h.order == 1 else "g"
            self.current = (label, self.gprime if h.order == 1 else self.body)
            self.lost = None
            out = [self.claim(n, shown, part) for part in st.rights]
            if h.order == 0 and out and out[0].read_as is not None:
                self.scope.raw.setdefault(h.name, out[0].read_as)  # y = 1/u: what dy/du differentiates
            return out
        if h.order == 0:
            if h.name in library_names() and h.name not in self.scope.helpers:
                return self.equation(n, shown, st)
            if st.defining or h.name not in self.scope.helpers:
                return self.define(n, shown, h, st)
            return self._aside(n, shown, (h.name, self.scope.helpers[h.name].value), st.rights)
        derivative = self.scope.derivative_of(h.name)
        if derivative is None or (h.name not in self.scope.helpers and h.name not in library_names()):
            return [self.unjudged(n, shown, f"not judged: {h.name} is not defined before this line")]
        out = self._aside(n, shown, (h.name + "'", derivative(self.z)), st.rights)
        wrong = next((line for line in out if line.verdict == WRONG and line.read_as is not None), None)
        if wrong is not None and h.name in self.scope.helpers:  # the author's u', as written: what follows uses it
            self.scope.claimed[h.name] = (self.scope.value(wrong.read_as), n)
        return out

    def _aside(self, n: int, shown: str, quantity: tuple[str, Expr], parts: tuple[str, ...]) -> list[MarkedLine]:
        """Claims about the author's own names (u = ..., u' = ..., dy/du = ...): judged against them, a remark
        beside the chain, which goes on after them ("where u' = ...")."""
        saved = self.current
        self.current = quantity
        try:
            return [self.claim(n, shown, part) for part in parts]
        finally:
            self.current = saved
            self.side = quantity

    def define(self, n: int, shown: str, h: Head, st: Statement) -> list[MarkedLine]:
        try:
            value = self.scope.definition_value(h, st.rights[0])
        except DeriveError as exc:
            return [self.unreadable(n, shown, exc)]
        self.scope.define(h, value)
        line = MarkedLine(n, shown, value, h.name, RIGHT, f"defines {h.name}: the lines after it read it so")
        if h.argument not in (None, self.z.name):
            return [line]
        return [line, *self._aside(n, shown, (h.name, value), st.rights[1:])]

    def equation(self, n: int, shown: str, st: Statement) -> list[MarkedLine]:
        """A left side that is an expression: it continues the quantity before, or the line is an equation of
        its own (tan y = x; σ(-x) = 1 - σ(x)), true when its sides are equal."""
        assert st.left is not None
        try:
            left = self.scope.value(self.scope.read(st.left))
            rights = [self.scope.value(self.scope.read(r)) for r in st.rights]
        except DeriveError as exc:
            return [self.unreadable(n, shown, exc)]
        if self._unknown(left) or any(self._unknown(r) for r in rights):
            return [self.unjudged(n, shown, "not judged: it uses a name the derivation does not define")]
        for label, value in self._quantities():
            if self._equal(left, value):
                self.current = (label, value)
                return self.every_side(n, shown, st)
        if rights and all(self._equal(left, r) for r in rights):
            self.side = (f"the left side of line {n}", left)  # a remark: the chain before it goes on after it
            return [MarkedLine(n, shown, left, None, RIGHT, "an equation of its own: its sides are equal")]
        if self.current is not None and any(self._equal(r, self.current[1]) for r in rights):
            return self.every_side(n, shown, st)
        if self.current is None:
            return [self.unjudged(n, shown, "not judged: its sides differ, and no quantity is known before it")]
        return self.every_side(n, shown, st)

    def _quantities(self) -> list[tuple[str, Expr]]:
        out = [self.current] if self.current is not None else []
        return out + [("g'", self.gprime), ("g", self.body)]

    def read_side(self, n: int, shown: str, text: str) -> MarkedLine | tuple[Expr, Expr]:
        """A side as read and its value; instead, its mark when it cannot be read or uses a name not defined."""
        try:
            expr = self.scope.read(text)
        except DeriveError as exc:
            return self.unreadable(n, shown, exc)
        value = self.scope.value(expr)
        if self._unknown(value):
            return self.unjudged(n, shown, self._unknown_reason(value), expr)
        return expr, value

    def every_side(self, n: int, shown: str, st: Statement) -> list[MarkedLine]:
        """Each side of a statement, its left one first, claimed equal to the current quantity."""
        return [self.claim(n, shown, st.left), *(self.claim(n, shown, r) for r in st.rights)]

    def continued(self, n: int, shown: str, text: str) -> MarkedLine:
        """'= A': A is the quantity before; with none known, whichever of g' and g it equals."""
        read = self.read_side(n, shown, text)
        if isinstance(read, MarkedLine):
            return read
        expr, value = read
        if self.current is None or self.lost is not None:
            for label, reference in (("g'", self.gprime), ("g", self.body)):
                if self._equal(value, reference):
                    self.current, self.lost = (label, reference), None
                    break
            else:
                if self.lost is not None:
                    reason = f"not judged: after line {self.lost}, which could not be read, its quantity is unknown"
                    return self.unjudged(n, shown, reason, expr)
                self.current = ("g'", self.gprime)
        return self.judged(n, shown, expr, value, beside=True, text=text)

    def claim(self, n: int, shown: str, text: str) -> MarkedLine:
        """A side that must equal the current quantity."""
        read = self.read_side(n, shown, text)
        if isinstance(read, MarkedLine):
            return read
        expr, value = read
        return self.judged(n, shown, expr, value, text=text)

    def _follows_claimed(self, value: Expr) -> int | None:
        """The line of the author's wrong u' when the line before, read with it, gives this one."""
        self.scope.as_claimed = True
        try:
            again = self.scope.value(self.scope.read(self.last_text))
        except DeriveError:
            return None
        finally:
            self.scope.as_claimed = False
        if self._equal(again, value):
            return min(line for _, line in self.scope.claimed.values())
        return None

    def judged(
        self, n: int, shown: str, expr: Expr, value: Expr, beside: bool = False, text: str | None = None
    ) -> MarkedLine:
        assert self.current is not None
        label, reference = self.current
        if self.condition is not None:  # the claim, where its condition holds; the quantity elsewhere
            value = Piecewise((value, self.condition), (reference, True))
        proof = prover.prove_equal(value, reference, self.z, domain=self.body)
        if not proof.ok and beside and self.side is not None:
            beside = prover.prove_equal(value, self.side[1], self.z, domain=self.body)
            if beside.ok:  # it goes on from the equation of its own just before
                label, reference, proof = self.side[0], self.side[1], beside
        in_g = self._in_g(expr)
        line = MarkedLine(n, shown, expr, label, RIGHT if proof.ok else WRONG, str(proof), in_g=in_g)
        main = label in ("g", "g'")
        if not proof.ok:
            line.reason = f"not equal to {label}"
            line.differs_at = self.difference(value, reference)
            previous = self.previous
            if previous is not None and previous[0] == label and previous[3]:
                if prover.prove_equal(value, previous[1], self.z, domain=self.body).ok:
                    line.follows, line.follows_from = True, self.origin
            if not line.follows and self.scope.claimed and self.last_text is not None:
                origin = self._follows_claimed(value)
                if origin is not None:
                    line.follows, line.follows_from = True, origin
            if not line.follows:
                line.follows = False if previous is not None and previous[0] == label else None
                if main:
                    line.mistake, line.hint = self.mistake(value, label)
                self.origin = n
        if main:
            self.last_text = text
            self.previous = (label, value, n, not proof.ok)
            self.previous_unevaluated = expr.has(Derivative)
            # what the student differentiates next: the function as written, or what d/dx(...) holds
            self.differentiated = [
                self.scope.value(d.expr)
                for d in sorted(expr.atoms(Derivative), key=default_sort_key)
                if d.expr.has(self.z)
            ]
            if label == "g":
                self.last_g = value
        return line

    # --- what cannot be judged ------------------------------------------------------------

    def unreadable(self, n: int, shown: str, exc: DeriveError) -> MarkedLine:
        self.lost = n
        column = _COLUMN.search(str(exc))
        line = MarkedLine(n, shown, None, None, NOT_JUDGED, f"cannot be read: {exc}")
        line.column = int(column.group(1)) if column else None
        return line

    def unjudged(self, n: int, shown: str, reason: str, expr: Expr | None = None) -> MarkedLine:
        return MarkedLine(n, shown, expr, None, NOT_JUDGED, reason)

    def _unknown(self, value: Expr) -> bool:
        return bool(value.free_symbols - self.body.free_symbols - {self.z})

    def _unknown_reason(self, value: Expr) -> str:
        unknown = sorted(s.name for s in value.free_symbols - self.body.free_symbols - {self.z})
        return f"not judged: it uses {', '.join(unknown)}, which the function {self.d.function.name} does not"

    def _equal(self, a: Expr, b: Expr) -> bool:
        return prover.prove_equal(a, b, self.z, domain=self.body).ok

    def _in_g(self, expr: Expr) -> bool:
        names = self.scope.names
        uses_g = any(type(f).__name__ in names for f in expr.atoms(AppliedUndef)) or any(
            s.name in names for s in expr.free_symbols
        )
        without_z = expr.xreplace({f: Symbol("_g") for f in expr.atoms(AppliedUndef) if type(f).__name__ in names})
        return uses_g and not without_z.has(self.z)

    # --- a wrong line ------------------------------------------------------------------

    def _numbers(self, expr: Expr) -> list:
        params = {p: PARAMETER for p in expr.free_symbols - {self.z}}
        f = compute.compiled(compute.printable(expr.subs(params)), self.z, "mpmath")
        with mpmath.workdps(30):
            return [compute.real_at(f, x) for x in _SAMPLE]

    def difference(self, written: Expr, right: Expr) -> Difference | None:
        params = sorted(p.name for p in (written.free_symbols | right.free_symbols) - {self.z})
        try:
            pairs = zip(_SAMPLE, self._numbers(written), self._numbers(right), strict=True)
            for x, w, r in pairs:
                if w is not None and r is not None and abs(w - r) > 1e-12 * (1 + abs(r)):
                    return Difference(float(x), float(w), float(r), tuple((p, float(PARAMETER)) for p in params))
        except (TypeError, ValueError, KeyError, AttributeError):
            return None
        return None

    def mistake(self, value: Expr, label: str) -> tuple[mistakes.Found | None, str | None]:
        """The catalogue's mistake that gives this line from the step taken, proved; and the rule the step
        needed.  The line before is tried first: rearranged when it was a right line of the same quantity,
        differentiated when it was g."""
        try:
            written = self._numbers(value)
        except (TypeError, ValueError, KeyError, AttributeError):
            return None, None
        for kind, explanation, candidate, rule in self._candidates(label):
            if self._close(written, candidate) and self._equal(value, candidate):
                return mistakes.Found(kind, explanation), rule
        return None, self._needed(label)

    def _needed(self, label: str) -> str:
        if self.previous is not None and self.previous[0] == label:
            return mistakes.REARRANGING
        if label == "g":
            return mistakes.REARRANGING
        from derive.engine import rules

        return mistakes.rule_name(rules.rule_tree(self.body, self.z))

    def _candidates(self, label: str):  # noqa: ANN202 - a generator of (kind, explanation, line, rule)
        """The step from the line before first: a right line of the same quantity rearranged (or, when it left a
        derivative to take, differentiated), g differentiated; then the function by its name and written out."""
        before = self.previous if self.previous is not None and not self.previous[3] else None
        rearranging = before is not None and before[0] == label
        if rearranging and not self.previous_unevaluated:
            yield from self._rearranged(before[1])  # type: ignore[index]
            return
        if label == "g'":
            yield from self._differentiated()
        if rearranging:
            yield from self._rearranged(before[1])  # type: ignore[index]
        form = self.d.output_form
        if form is not None and label == "g'":
            from derive.knowledge.symbols import G

            for mistake, variant in mistakes.rearranged(form):
                yield mistake.kind, mistake.explanation, variant.subs(G, self.body), mistakes.REARRANGING

    def _rearranged(self, before: Expr):  # noqa: ANN202
        for mistake, variant in mistakes.rearranged(before):
            yield mistake.kind, mistake.explanation, variant, mistakes.REARRANGING

    def _differentiated(self):  # noqa: ANN202
        from derive.engine import rules

        sources = [*self.differentiated, *([self.last_g] if self.last_g is not None else [])]
        head_expr = self.d.function.head
        if head_expr is not None and not isinstance(head_expr, AppliedUndef):
            sources.append(head_expr)  # σ(z), tanh(z): the student may differentiate the function by its name
        sources.append(self.body)
        seen: list[Expr] = []
        for source in sources:
            if any(source == s for s in seen):
                continue
            seen.append(source)
            try:
                tree = rules.rule_tree(source, self.z)
                for route in (tree, *mistakes.other_routes(tree)):
                    for mal, node, wrong in mistakes.candidates(route):
                        children = [c.derivative for c in node.children()]
                        yield mal.kind, mal.explanation(node, children), wrong, mistakes.rule_name(node)
            except DeriveError:
                continue

    def _close(self, written: list, candidate: Expr) -> bool:
        try:
            values = self._numbers(candidate)
        except (TypeError, ValueError, KeyError, AttributeError):
            return False
        pairs = [(w, c) for w, c in zip(written, values, strict=True) if w is not None and c is not None]
        return len(pairs) >= 3 and all(abs(w - c) <= 1e-15 * (1 + abs(c)) for w, c in pairs)


def _simpler(marking: Marking) -> Expr | None:
    """A simpler way to write a right final line: the output form where there is one, or g' at its simplest."""
    if not marking.final["right"]:
        return None
    d = marking.derivation
    last = next(line for line in reversed(marking.lines) if line.quantity in ("g", "g'"))
    best = d.output_form_of_g if d.output_form is not None else d.steps[-1].expr
    if last.read_as is None:
        return None
    if last.in_g and d.output_form is not None and count_ops(last.read_as) <= count_ops(best) + 1:
        return None
    if not last.in_g and d.output_form is None and count_ops(last.read_as) <= count_ops(best) + 1:
        return None
    return best
