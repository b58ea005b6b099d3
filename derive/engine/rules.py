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

from sympy import Add, Derivative, Expr, Integer, Max, Min, Mul, Piecewise, Pow, S, Symbol, exp, log

from derive.engine import board, piecewise
from derive.engine.reasons import Reason, equation
from derive.errors import CannotDifferentiateError
from derive.knowledge import registry

U, V, C = Symbol("u"), Symbol("v"), Symbol("c")
"""The letters of the rules' formulas in their reasons: d/dz (u v) = (du/dz) v + u (dv/dz)."""


def d(e: Expr, var: Symbol) -> Expr:
    """d/dvar(e), unevaluated, as a formula writes it."""
    return Derivative(e, var, evaluate=False)


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
    def reason(self) -> Reason:
        """The rule and the formula it applies, for the renderers to print."""

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


class ConstantRule(Rule):  # no fields of its own: Rule's dataclass serves
    name: ClassVar[str] = "constant"

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return S.Zero

    def reason(self) -> Reason:
        return Reason("the derivative of a constant is 0")

    immediate = True


class VariableRule(Rule):  # no fields of its own: Rule's dataclass serves
    name: ClassVar[str] = "variable"

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return S.One

    def reason(self) -> Reason:
        return Reason.of("{rule}", rule=equation(d(self.var, self.var), S.One))

    immediate = True


@dataclass(frozen=True)
class SumRule(Rule):
    terms: tuple[Rule, ...]
    name: ClassVar[str] = "sum"

    def children(self) -> tuple[Rule, ...]:
        return self.terms

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return board.total(*parts)

    def reason(self) -> Reason:
        return Reason("the derivative of a sum is the sum of the derivatives")

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
        if self.coefficient.is_Number and self.coefficient.is_negative:  # -3·d/dz(u), not (-3)·d/dz(u)
            return board.neg(board.product(board.board_form(-self.coefficient), part))
        return board.product(board.board_form(self.coefficient), part)

    def reason(self) -> Reason:
        z = self.var
        return Reason.of("{rule}", rule=equation(d(Mul(C, U, evaluate=False), z), board.product(C, d(U, z))))

    @cached_property
    def immediate(self) -> bool:
        return self.inner.immediate


@dataclass(frozen=True)
class OuterRule(Rule):
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
    def outer_formula(self, u: Expr) -> tuple[Expr, Expr]:
        """f(u) and f'(u) for a symbol u, for the reason: (e^u, e^u)."""

    def condition(self, u: Expr) -> Expr | None:
        """Where f'(u) holds, when not everywhere."""
        return None

    def formula(self, parts: Sequence[Expr]) -> Expr:
        (part,) = parts
        return board.product(*self.outer(), part)

    def reason(self) -> Reason:
        z = self.var
        u = U if self.chained else z
        f, df = self.outer_formula(u)
        slope = board.board_form(df)
        rhs = chained(slope, d(U, z)) if self.chained else slope
        rule = Reason.of("{rule}", rule=equation(d(board.board_form(f), z), rhs))
        where = self.condition(u)
        if where is not None:
            rule = Reason.of("{rule}, for {where}", rule=rule, where=where)
        if not self.chained:
            return rule
        return Reason.of("{rule}, with {u}", rule=rule, u=equation(U, self.inner.shown))

    @cached_property
    def immediate(self) -> bool:
        # e^(a z + b) and (a z + b)^n are written down at once (the lecture's d/dz(1 + e^(-z)) = -e^(-z));
        # any other function of an inner function shows its chain rule, in a sum or a product too
        # (2σ(2z) - 1: σ'(2z)·d/dz(2z)); a curved inner function always gets its own line
        if self.chained and isinstance(self, FunctionRule) and self.expr.func is not exp:
            return False
        return self.inner.immediate and not self.inner.derivative.has(self.var)


def _factors(e: Expr) -> tuple[Expr, ...]:
    """The factors of a product written out, to splice into a longer product."""
    if e.is_Mul and board.as_negation(e) is None and board.as_quotient(e) is None:
        return e.args
    return (e,)


def chained(slope: Expr, inner: Expr) -> Expr:
    """f'(u)·du/dz as a formula writes it: a negative f'(u) keeps its sign in front (-1/u²·du/dz)."""
    negated = board.as_negation(slope)
    if negated is not None:
        return board.neg(board.product(*_factors(negated), inner))
    return board.product(*_factors(slope), inner)


@dataclass(frozen=True)
class PowerRule(OuterRule):
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

    def outer_formula(self, u: Expr) -> tuple[Expr, Expr]:
        n = self.exponent
        return Pow(u, n), n * u ** (n - 1)


@dataclass(frozen=True)
class ExponentialRule(OuterRule):
    """a^u with a constant base a: a^u log(a) du/dz."""

    base: Expr = S.Exp1
    name: ClassVar[str] = "exponential"

    def outer(self) -> tuple[Expr, ...]:
        return (self.shown, log(self.base, evaluate=False))

    def outer_formula(self, u: Expr) -> tuple[Expr, Expr]:
        return Pow(self.base, u), Pow(self.base, u) * log(self.base)


class FunctionRule(OuterRule):  # no fields of its own: Rule's dataclass serves
    """f(u) for a function with a derivative rule in the registry: f'(u) du/dz."""

    @property
    def known(self) -> registry.KnownFunction:
        return registry.differentiable(self.expr.func)

    @property
    def name(self) -> str:  # type: ignore[override]
        return self.known.rule

    def outer(self) -> tuple[Expr, ...]:
        return _factors(board.board_form(self.known.derivative(self.inner.expr)))

    def outer_formula(self, u: Expr) -> tuple[Expr, Expr]:
        return self.known.function(u), self.known.derivative(u)

    def condition(self, u: Expr) -> Expr | None:
        return self.known.condition(u) if self.known.condition is not None else None


@dataclass(frozen=True)
class ProductRule(Rule):
    factors: tuple[Rule, ...]
    name: ClassVar[str] = "product"

    def children(self) -> tuple[Rule, ...]:
        return self.factors

    def formula(self, parts: Sequence[Expr]) -> Expr:
        # each term ends on its d/dz(...): a derivative operator applies to the product after it (as
        # SymPy's LaTeX reads), so d/dz(u)·v would say d/dz(u·v); written v·d/dz(u), and a derivative
        # found at once (2, cos z) stays in front as a coefficient
        shown = [f.shown for f in self.factors]
        terms = []
        for i, part in enumerate(parts):
            others = [*shown[:i], *shown[i + 1 :]]
            terms.append(
                board.product(*others, part)
                if part.has(Derivative)
                else board.product(*shown[:i], part, *shown[i + 1 :])
            )
        return board.total(*terms)

    def reason(self) -> Reason:
        z = self.var
        rhs = board.total(board.product(V, d(U, z)), board.product(U, d(V, z)))
        return Reason.of("{rule}", rule=equation(d(Mul(U, V, evaluate=False), z), rhs))


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

    def reason(self) -> Reason:
        z = self.var
        top = board.total(board.product(V, d(U, z)), board.neg(board.product(U, d(V, z))))
        rhs = board.quotient(board.Group(top), V, 2)
        return Reason.of("{rule}", rule=equation(d(board.quotient(U, V), z), rhs))


@dataclass(frozen=True)
class PiecewiseRule(Rule):
    pieces: tuple[Rule, ...]
    conditions: tuple[Expr, ...]
    name: ClassVar[str] = "piecewise"

    def children(self) -> tuple[Rule, ...]:
        return self.pieces

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return Piecewise(*zip(parts, self.conditions, strict=True), evaluate=False)

    def reason(self) -> Reason:
        return Reason("differentiate each piece on the open interval where it holds")

    @cached_property
    def immediate(self) -> bool:
        return all(p.immediate for p in self.pieces)


@dataclass(frozen=True)
class UnknownRule(Rule):
    """The explicit 'don't know': no rule of the engine applies to ``expr``."""

    cause: str = "no rule of the engine differentiates it"
    name: ClassVar[str] = "unknown"

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return Derivative(self.shown, self.var)

    @cached_property
    def derivative(self) -> Expr:
        raise CannotDifferentiateError(f"cannot differentiate {self.expr}: {self.cause}")

    def reason(self) -> Reason:
        return Reason.of("unknown: {cause}", cause=self.cause)


@dataclass(frozen=True)
class KnownRule(Rule):
    """A function whose derivative an earlier line found: d/dz g(z) = g'(z), written through g."""

    value: Expr = S.Zero
    name: ClassVar[str] = "known derivative"

    def formula(self, parts: Sequence[Expr]) -> Expr:
        return board.board_form(self.value)

    def reason(self) -> Reason:
        return Reason.of("{rule}, from above", rule=equation(d(self.expr, self.var), self.shown_value))

    @cached_property
    def shown_value(self) -> Expr:
        return board.board_form(self.value)

    immediate = True


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
    # f(u), and f(u, c) with constant settings (Heaviside's value at 0)
    if registry.differentiable(type(expr)) is not None and not any(a.has(var) for a in expr.args[1:]):
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
    pieces = piecewise.flat(expr)
    if not isinstance(pieces, Piecewise):  # one piece holds everywhere (max(0, u + 3) with |u| < 1): that one
        return recurse(pieces)
    return _piecewise(pieces, var, recurse)


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
