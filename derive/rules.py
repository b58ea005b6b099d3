"""Differentiation rules as data: each application is a node of a derivation tree.

Modelled on SymPy's ``sympy/integrals/manualintegrate.py``: every rule is a
small frozen dataclass holding the expression it differentiates and the
sub-derivations it uses.  One method, ``formula(parts)``, writes the rule's
result as a board expression in which ``parts[i]`` stands for the derivative
of the i-th sub-derivation.  Given placeholders ``d/dz(u)`` it is the line on
the board; given the sub-derivatives' values it evaluates the rule, so what
is printed and what is computed cannot drift apart.

``rule_tree(expr, var)`` builds the tree through a dispatch table on the
expression's class; anything no rule handles becomes an ``UnknownRule``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from sympy import (
    Abs,
    Add,
    Derivative,
    Expr,
    Heaviside,
    Integer,
    Max,
    Min,
    Mul,
    Piecewise,
    Pow,
    S,
    Symbol,
    acos,
    acosh,
    asin,
    asinh,
    atan,
    atanh,
    cos,
    cosh,
    erf,
    exp,
    log,
    pi,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
)

from derive import board
from derive.errors import CannotDifferentiateError
from derive.functions import logit, sigmoid
from derive.printing.text import board_text


@dataclass(frozen=True)
class Rule(ABC):
    """One application of a differentiation rule to ``expr`` in ``var``."""

    expr: Expr
    var: Symbol
    name: ClassVar[str]

    def children(self) -> tuple[Rule, ...]:
        """The sub-derivations the rule uses, in the order of ``formula``'s parts."""
        return ()

    @abstractmethod
    def formula(self, parts: Sequence[Expr]) -> Expr:
        """The rule's result as a board expression; parts stand for the children's derivatives."""

    @abstractmethod
    def why(self) -> str:
        """One line of plain English: the rule and the formula it applies."""

    @cached_property
    def shown(self) -> Expr:
        """``expr`` as it is written on the board."""
        return board.board_form(self.expr)

    @cached_property
    def derivative(self) -> Expr:
        """The derivative, evaluated (canonical SymPy)."""
        return board.evaluate(self.formula([c.derivative for c in self.children()]))

    def eval(self) -> Expr:
        return self.derivative

    @property
    def rule_names(self) -> tuple[str, ...]:
        return (self.name,)

    @cached_property
    def immediate(self) -> bool:
        """Whether a teacher writes this derivative down at once, without a line of its own."""
        return False

    def walk(self) -> Iterator[Rule]:
        yield self
        for child in self.children():
            yield from child.walk()

    def contains_unknown(self) -> bool:
        return any(isinstance(r, UnknownRule) for r in self.walk())


@dataclass(frozen=True)
class ConstantRule(Rule):
    name: ClassVar[str] = "constant"

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return S.Zero

    def why(self) -> str:
        return "constant rule: the derivative of a constant is 0"

    immediate = True


@dataclass(frozen=True)
class VariableRule(Rule):
    name: ClassVar[str] = "variable"

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return S.One

    def why(self) -> str:
        return f"d/d{self.var} {self.var} = 1"

    immediate = True


@dataclass(frozen=True)
class SumRule(Rule):
    terms: tuple[Rule, ...]
    name: ClassVar[str] = "sum"

    def children(self) -> tuple[Rule, ...]:
        return self.terms

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return board.total(*parts)

    def why(self) -> str:
        return "sum rule: the derivative of a sum is the sum of the derivatives"

    @cached_property
    def immediate(self) -> bool:
        return all(t.immediate for t in self.terms)


@dataclass(frozen=True)
class ConstantMultipleRule(Rule):
    coefficient: Expr
    inner: Rule
    name: ClassVar[str] = "constant multiple"

    def children(self) -> tuple[Rule, ...]:
        return (self.inner,)

    def formula(self, parts: Sequence[Expr]) -> Expr:
        (part,) = parts
        if self.coefficient == S.NegativeOne:
            return board.neg(part)
        return board.product(board.board_form(self.coefficient), part)

    def why(self) -> str:
        return f"constant multiple rule: d/d{self.var} (c u) = c du/d{self.var}"

    @cached_property
    def immediate(self) -> bool:
        return self.inner.immediate


@dataclass(frozen=True)
class _OuterRule(Rule):
    """A rule for f(u): its formula is f'(u) du/dz, the chain rule when u is not the variable."""

    inner: Rule

    def children(self) -> tuple[Rule, ...]:
        return (self.inner,)

    @property
    def chained(self) -> bool:
        return not isinstance(self.inner, VariableRule)

    @property
    def rule_names(self) -> tuple[str, ...]:
        return ("chain", self.name) if self.chained else (self.name,)

    @abstractmethod
    def outer(self) -> tuple[Expr, ...]:
        """The factors of f'(u), as written on the board."""

    @abstractmethod
    def outer_why(self) -> str:
        """The rule for f, written with u: 'd/du e^u = e^u'."""

    def formula(self, parts: Sequence[Expr]) -> Expr:
        (part,) = parts
        return board.product(*self.outer(), part)

    def why(self) -> str:
        v = self.var
        if not self.chained:
            return f"{self.name} rule: " + self.outer_why().replace("u", str(v))
        return (
            f"chain rule with the {self.name} rule: {self.outer_why()} du/d{v}, with u = {board_text(self.inner.shown)}"
        )

    @cached_property
    def immediate(self) -> bool:
        # f(a z + b) is written down at once; a curved inner function gets its own line
        return self.inner.immediate and not self.inner.derivative.has(self.var)


def _factors(e: Expr) -> tuple[Expr, ...]:
    """The factors of a product written out, to splice into a longer product."""
    if e.is_Mul and board.as_negation(e) is None and board.as_quotient(e) is None:
        return e.args
    return (e,)


@dataclass(frozen=True)
class PowerRule(_OuterRule):
    """u^n with a constant n: n u^(n-1) du/dz (the reciprocal 1/u as (-1) u^-2 du/dz)."""

    exponent: Expr = S.One
    name: ClassVar[str] = "power"

    def outer(self) -> tuple[Expr, ...]:
        n = self.exponent
        u = self.inner.shown
        if n - 1 == 0:
            power = S.One
        elif n - 1 == 1:
            power = u
        else:
            power = Pow(u, board.board_form(n - 1), evaluate=False)
        # n stays a factor of its own: the lecture's (-1) 1/u^2 du/dz
        return (board.board_form(n), power)

    def outer_why(self) -> str:
        n = self.exponent
        power = "" if n == 1 else "u" if n - 1 == 1 else f"u^{_sup(n - 1)}"
        return f"d/du u^{_sup(n)} = {_coef(n)}{power}".rstrip() or "1"


def _sup(n: Expr) -> str:
    return str(n) if n.is_Integer or n.is_Symbol else f"({n})"


def _coef(n: Expr) -> str:
    if n == 1:
        return ""
    if n == -1:
        return "-"
    return f"{n} " if n.is_Integer else f"({n}) "


@dataclass(frozen=True)
class ExponentialRule(_OuterRule):
    """a^u with a constant base a: a^u log(a) du/dz."""

    base: Expr = S.Exp1
    name: ClassVar[str] = "exponential"

    def outer(self) -> tuple[Expr, ...]:
        return (self.shown, log(self.base, evaluate=False))

    def outer_why(self) -> str:
        return f"d/du {self.base}^u = {self.base}^u log({self.base})"


@dataclass(frozen=True)
class FunctionRule(_OuterRule):
    """f(u) for a function of the derivative table: f'(u) du/dz."""

    @property
    def name(self) -> str:  # type: ignore[override]
        return DERIVATIVE_TABLE[self.expr.func].rule

    def outer(self) -> tuple[Expr, ...]:
        entry = DERIVATIVE_TABLE[self.expr.func]
        return _factors(board.board_form(entry.derivative(self.inner.expr)))

    def outer_why(self) -> str:
        return DERIVATIVE_TABLE[self.expr.func].why


@dataclass(frozen=True)
class ProductRule(Rule):
    factors: tuple[Rule, ...]
    name: ClassVar[str] = "product"

    def children(self) -> tuple[Rule, ...]:
        return self.factors

    def formula(self, parts: Sequence[Expr]) -> Expr:
        shown = [f.shown for f in self.factors]
        return board.total(*[board.product(*shown[:i], part, *shown[i + 1 :]) for i, part in enumerate(parts)])

    def why(self) -> str:
        v = self.var
        return f"product rule: d/d{v} (u v) = (du/d{v}) v + u (dv/d{v})"


@dataclass(frozen=True)
class QuotientRule(Rule):
    numerator: Rule
    denominator: Rule
    name: ClassVar[str] = "quotient"

    def children(self) -> tuple[Rule, ...]:
        return (self.numerator, self.denominator)

    def formula(self, parts: Sequence[Expr]) -> Expr:
        du, dv = parts
        u, v = self.numerator.shown, self.denominator.shown
        # the board brackets the numerator v u' - u v' as one quantity, as the lecture does
        top = board.total(board.product(v, du), board.neg(board.product(u, dv)))
        return board.quotient(board.Group(top), v, 2)

    def why(self) -> str:
        v = self.var
        return f"quotient rule: d/d{v} (u/v) = (v du/d{v} - u dv/d{v}) / v^2"


@dataclass(frozen=True)
class PiecewiseRule(Rule):
    pieces: tuple[Rule, ...]
    conditions: tuple[Expr, ...]
    name: ClassVar[str] = "piecewise"

    def children(self) -> tuple[Rule, ...]:
        return self.pieces

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return Piecewise(*zip(parts, self.conditions, strict=True), evaluate=False)

    def why(self) -> str:
        return "differentiate each piece on the open interval where it holds"

    @cached_property
    def immediate(self) -> bool:
        return all(p.immediate for p in self.pieces)


@dataclass(frozen=True)
class UnknownRule(Rule):
    """The explicit 'don't know': no rule of the engine applies to ``expr``."""

    reason: str = "no rule of the engine differentiates it"
    name: ClassVar[str] = "unknown"

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return Derivative(self.shown, self.var)

    @cached_property
    def derivative(self) -> Expr:
        raise CannotDifferentiateError(f"cannot differentiate {board_text(self.shown)}: {self.reason}")

    def why(self) -> str:
        return f"unknown: {self.reason}"


@dataclass(frozen=True)
class KnownRule(Rule):
    """A function whose derivative an earlier line found: d/dz g(z) = g'(z), written through g."""

    value: Expr = S.Zero
    name: ClassVar[str] = "known derivative"

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return board.board_form(self.value)

    def why(self) -> str:
        return f"d/d{self.var} {board_text(self.expr)} = {board_text(self.shown_value)}, from above"

    @cached_property
    def shown_value(self) -> Expr:
        return board.board_form(self.value)

    immediate = True


# --- the derivative table for functions of one argument --------------------


@dataclass(frozen=True)
class TableEntry:
    derivative: Callable[[Expr], Expr]
    why: str
    rule: str = "standard derivative"


DERIVATIVE_TABLE: dict[type, TableEntry] = {
    exp: TableEntry(lambda u: exp(u), "d/du e^u = e^u", "exponential"),
    log: TableEntry(lambda u: 1 / u, "d/du log u = 1/u", "logarithm"),
    sigmoid: TableEntry(lambda u: sigmoid(u) * (1 - sigmoid(u)), "d/du σ(u) = σ(u)(1 - σ(u))", "sigmoid"),
    logit: TableEntry(lambda u: 1 / (u * (1 - u)), "d/du logit u = 1/(u(1 - u))", "logit"),
    tanh: TableEntry(lambda u: 1 - tanh(u) ** 2, "d/du tanh u = 1 - tanh² u", "tanh"),
    sinh: TableEntry(lambda u: cosh(u), "d/du sinh u = cosh u", "sinh"),
    cosh: TableEntry(lambda u: sinh(u), "d/du cosh u = sinh u", "cosh"),
    sin: TableEntry(lambda u: cos(u), "d/du sin u = cos u", "sine"),
    cos: TableEntry(lambda u: -sin(u), "d/du cos u = -sin u", "cosine"),
    tan: TableEntry(lambda u: 1 + tan(u) ** 2, "d/du tan u = 1 + tan² u", "tangent"),
    atan: TableEntry(lambda u: 1 / (1 + u**2), "d/du arctan u = 1/(1 + u²)", "arctan"),
    asin: TableEntry(lambda u: 1 / sqrt(1 - u**2), "d/du arcsin u = 1/√(1 - u²)", "arcsin"),
    acos: TableEntry(lambda u: -1 / sqrt(1 - u**2), "d/du arccos u = -1/√(1 - u²)", "arccos"),
    asinh: TableEntry(lambda u: 1 / sqrt(u**2 + 1), "d/du arsinh u = 1/√(u² + 1)", "arsinh"),
    atanh: TableEntry(lambda u: 1 / (1 - u**2), "d/du artanh u = 1/(1 - u²)", "artanh"),
    acosh: TableEntry(lambda u: 1 / sqrt(u**2 - 1), "d/du arcosh u = 1/√(u² - 1)", "arcosh"),
    erf: TableEntry(lambda u: 2 / sqrt(pi) * exp(-(u**2)), "d/du erf u = (2/√π) e^(-u²)", "erf"),
    Abs: TableEntry(lambda u: sign(u), "d/du |u| = sign(u), for u ≠ 0", "absolute value"),
    sign: TableEntry(lambda u: S.Zero, "d/du sign(u) = 0, for u ≠ 0", "sign"),
    Heaviside: TableEntry(lambda u: S.Zero, "d/du H(u) = 0, for u ≠ 0", "step"),
}


# --- building the tree ------------------------------------------------------


def rule_tree(expr: Expr, var: Symbol, known: Mapping[Expr, Expr] | None = None) -> Rule:
    """The derivation tree of d/dvar expr; ``known`` gives derivatives already derived (g(z) -> g'(z))."""
    known = known or {}

    def recurse(e: Expr) -> Rule:
        return rule_tree(e, var, known)

    if expr in known:
        return KnownRule(expr, var, known[expr])
    if not expr.has(var):
        return ConstantRule(expr, var)
    if expr == var:
        return VariableRule(expr, var)
    for cls in type(expr).__mro__:
        build = _DISPATCH.get(cls)
        if build is not None:
            return build(expr, var, recurse)
    if type(expr) in DERIVATIVE_TABLE and len(expr.args) == 1:
        return FunctionRule(expr, var, recurse(expr.args[0]))
    return UnknownRule(expr, var, f"no rule for {type(expr).__name__}")


def _sum(expr: Expr, var: Symbol, recurse: Callable[[Expr], Rule]) -> Rule:
    return SumRule(expr, var, tuple(recurse(t) for t in expr.as_ordered_terms()))


def _mul(expr: Expr, var: Symbol, recurse: Callable[[Expr], Rule]) -> Rule:
    coefficient, rest = expr.as_independent(var, as_Add=False)
    if coefficient != 1:
        return ConstantMultipleRule(expr, var, coefficient, recurse(rest))
    num = [f for f in expr.args if not (board.is_reciprocal(f) and f.has(var))]
    den = [f.base ** (-f.exp) for f in expr.args if board.is_reciprocal(f) and f.has(var)]
    if den and num:
        u, v = Mul(*num), Mul(*den)
        return QuotientRule(expr, var, recurse(u), recurse(v))
    if den:  # 1/(u v): the reciprocal of a product
        v = Mul(*den)
        return PowerRule(expr, var, recurse(v), Integer(-1))
    return ProductRule(expr, var, tuple(recurse(f) for f in expr.as_ordered_factors()))


def _pow(expr: Expr, var: Symbol, recurse: Callable[[Expr], Rule]) -> Rule:
    base, exponent = expr.as_base_exp()
    if not exponent.has(var):
        return PowerRule(expr, var, recurse(base), exponent)
    if not base.has(var):
        return ExponentialRule(expr, var, recurse(exponent), base)
    return UnknownRule(expr, var, "a variable raised to a variable power (rewrite it as exp(v log u))")


def _piecewise(expr: Expr, var: Symbol, recurse: Callable[[Expr], Rule]) -> Rule:
    pieces = tuple(recurse(e) for e, _ in expr.args)
    return PiecewiseRule(expr, var, pieces, tuple(c for _, c in expr.args))


def _max_min(expr: Expr, var: Symbol, recurse: Callable[[Expr], Rule]) -> Rule:
    return _piecewise(expr.rewrite(Piecewise), var, recurse)


def _exp(expr: Expr, var: Symbol, recurse: Callable[[Expr], Rule]) -> Rule:
    return FunctionRule(expr, var, recurse(expr.args[0]))


_DISPATCH: dict[type, Callable[[Expr, Symbol, Callable[[Expr], Rule]], Rule]] = {
    Add: _sum,
    Mul: _mul,
    Pow: _pow,
    Piecewise: _piecewise,
    Max: _max_min,
    Min: _max_min,
    exp: _exp,
}
