"""The mistakes students make differentiating, each a rule applied wrongly (a mal-rule), as data.

A ``MalRule`` says which rule it breaks (``applies``) and what the broken rule gives at a node of the
rule tree (``wrong``, from the node and its children's right derivatives); ``candidates`` walks the
tree and yields, for every node where a mal-rule applies, the whole derivative with that one node
wrong.  ``Rearrangement`` mistakes act on the line before instead (a sign or a term lost, (1 - g)²
for 1 - g²).  A mistake is named only when the student's line is proved equal to such a candidate:
the name says what happened at that place, never a guess.

``CATALOGUE`` lists every mistake by its fixed identifier, most specific first; docs/marking.md gives the
table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sympy import Add, Expr, Mul, S, Symbol, log, sech, tanh

from derive.engine import board, rules
from derive.engine.reasons import Reason, equation
from derive.knowledge.functions import sigmoid

U = Symbol("u")


@dataclass(frozen=True)
class Found:
    """A mistake at one place: its identifier and a sentence a student can act on."""

    kind: str
    explanation: Reason


@dataclass(frozen=True)
class MalRule:
    """A differentiation rule applied wrongly at a node of the rule tree."""

    kind: str
    applies: Callable[[rules.Rule], bool]
    wrong: Callable[[rules.Rule, list[Expr]], Expr]  # the node, its children's right derivatives
    explanation: Callable[[rules.Rule, list[Expr]], Reason]


def _chained(kind: type, func: object = None) -> Callable[[rules.Rule], bool]:
    def applies(rule: rules.Rule) -> bool:
        if not isinstance(rule, kind) or not getattr(rule, "chained", False):
            return False
        return func is None or rule.expr.func is func

    return applies


def _of(func: object) -> Callable[[rules.Rule], bool]:
    return lambda rule: isinstance(rule, rules.FunctionRule) and rule.expr.func is func


def _power(rule: rules.Rule) -> bool:
    return isinstance(rule, rules.PowerRule) and rule.exponent != S.One


def _reciprocal(rule: rules.Rule) -> bool:
    return isinstance(rule, rules.PowerRule) and rule.exponent == S.NegativeOne


def _inner(rule: rules.Rule, parts: list[Expr]) -> Reason:
    (du,) = parts
    return Reason.of(
        "the chain rule multiplies by the inner derivative: here {rule}",
        rule=equation(rules.d(rule.inner.shown, rule.var), board.board_form(du)),
    )


def _sign(rule: rules.Rule, parts: list[Expr]) -> Reason:
    (du,) = parts
    return Reason.of(
        "the inner derivative keeps its sign: {rule}",
        rule=equation(rules.d(rule.inner.shown, rule.var), board.board_form(du)),
    )


def _said(template: str, **formulas: tuple[Expr, Expr]) -> Callable[[rules.Rule, list[Expr]], Reason]:
    """A fixed sentence with formulas: each slot an equation lhs = rhs."""
    return lambda rule, parts: Reason.of(template, **{k: equation(*v) for k, v in formulas.items()})


def _outer_value(rule: rules.Rule, derivative_of_u: Expr) -> Expr:
    return board.evaluate(rule.formula([derivative_of_u]))


_Z = Symbol("z")

MAL_RULES: tuple[MalRule, ...] = (
    MalRule(
        "sigmoid-one-plus",
        _of(sigmoid),
        lambda rule, parts: sigmoid(rule.inner.expr) * (1 + sigmoid(rule.inner.expr)) * parts[0],
        _said("σ' = σ(1 - σ), not σ(1 + σ): {rule}", rule=(rules.d(sigmoid(U), U), sigmoid(U) * (1 - sigmoid(U)))),
    ),
    MalRule(
        "tanh-one-plus",
        _of(tanh),
        lambda rule, parts: (1 + tanh(rule.inner.expr) ** 2) * parts[0],
        _said("tanh' = 1 - tanh², not 1 + tanh²: {rule}", rule=(rules.d(tanh(U), U), 1 - tanh(U) ** 2)),
    ),
    MalRule(
        "tanh-sech-not-squared",
        _of(tanh),
        lambda rule, parts: sech(rule.inner.expr) * parts[0],
        _said("tanh' is sech squared: {rule}", rule=(rules.d(tanh(U), U), sech(U) ** 2)),
    ),
    MalRule(
        "log-reciprocal-without-inner",
        _chained(rules.FunctionRule, log),
        lambda rule, parts: 1 / rule.inner.expr,
        lambda rule, parts: Reason.of(
            "d/dz log u is u'/u, not 1/u: here {rule}",
            rule=equation(rules.d(rule.inner.shown, rule.var), board.board_form(parts[0])),
        ),
    ),
    MalRule(
        "reciprocal-of-derivative",
        _reciprocal,
        lambda rule, parts: 1 / parts[0] if parts[0] != 0 else None,
        _said("the derivative of 1/u is -u'/u², not 1/u': {rule}", rule=(rules.d(1 / U, _Z), -rules.d(U, _Z) / U**2)),
    ),
    MalRule(
        "power-exponent-not-lowered",
        _power,
        lambda rule, parts: rule.exponent * rule.inner.expr**rule.exponent * parts[0],
        _said(
            "the power rule lowers the exponent by one: {rule}",
            rule=(rules.d(U ** Symbol("n"), U), Symbol("n") * U ** (Symbol("n") - 1)),
        ),
    ),
    MalRule(  # not for 1/u: a coefficient -1 lost is a sign lost, the inner derivative's or another
        "power-coefficient-lost",
        lambda rule: _power(rule) and rule.exponent != S.NegativeOne,
        lambda rule, parts: rule.inner.expr ** (rule.exponent - 1) * parts[0],
        _said(
            "the power rule keeps the exponent as a factor: {rule}",
            rule=(rules.d(U ** Symbol("n"), U), Symbol("n") * U ** (Symbol("n") - 1)),
        ),
    ),
    MalRule(
        "quotient-numerator-reversed",
        lambda rule: isinstance(rule, rules.QuotientRule),
        lambda rule, parts: (
            (rule.numerator.expr * parts[1] - rule.denominator.expr * parts[0]) / rule.denominator.expr**2
        ),
        _said(
            "the quotient rule's numerator is v·u' - u·v', in that order: {rule}",
            rule=(
                rules.d(Symbol("u") / Symbol("v"), _Z),
                (Symbol("v") * rules.d(U, _Z) - U * rules.d(Symbol("v"), _Z)) / Symbol("v") ** 2,
            ),
        ),
    ),
    MalRule(
        "quotient-denominator-not-squared",
        lambda rule: isinstance(rule, rules.QuotientRule),
        lambda rule, parts: (rule.denominator.expr * parts[0] - rule.numerator.expr * parts[1]) / rule.denominator.expr,
        _said(
            "the quotient rule divides by the denominator squared: {rule}",
            rule=(
                rules.d(Symbol("u") / Symbol("v"), _Z),
                (Symbol("v") * rules.d(U, _Z) - U * rules.d(Symbol("v"), _Z)) / Symbol("v") ** 2,
            ),
        ),
    ),
    MalRule(
        "product-of-derivatives",
        lambda rule: isinstance(rule, rules.ProductRule),
        lambda rule, parts: Mul(*parts),
        _said(
            "the derivative of a product is not the product of the derivatives: {rule}",
            rule=(rules.d(U * Symbol("v"), _Z), rules.d(U, _Z) * Symbol("v") + U * rules.d(Symbol("v"), _Z)),
        ),
    ),
    MalRule("inner-sign-lost", _chained(rules.OuterRule), lambda rule, parts: _outer_value(rule, -parts[0]), _sign),
    MalRule(
        "chain-rule-without-inner", _chained(rules.OuterRule), lambda rule, parts: _outer_value(rule, S.One), _inner
    ),
)
"""Mistakes of differentiation, most specific first: tried at every node of the rule tree."""


def candidates(tree: rules.Rule) -> Iterator[tuple[MalRule, rules.Rule, Expr]]:
    """For each node and each mal-rule that applies there: the whole derivative with that node wrong."""
    for node in tree.walk():
        right = [c.derivative for c in node.children()]
        for mal in MAL_RULES:
            if not mal.applies(node):
                continue
            if mal.kind == "inner-sign-lost" and (right[0] == 0 or right[0].is_positive and right[0] == 1):
                continue  # an inner derivative of 0 or 1 has no sign to lose that shows
            try:
                wrong = mal.wrong(node, right)
            except (TypeError, ValueError, ZeroDivisionError):
                continue
            if wrong is None:
                continue
            yield mal, node, _with(tree, node, wrong)


def _with(tree: rules.Rule, node: rules.Rule, wrong: Expr) -> Expr:
    """The tree's derivative with ``node``'s replaced by ``wrong`` (its ancestors computed again)."""
    if tree is node:
        return wrong
    children = tree.children()
    if not any(node is n for c in children for n in c.walk()):
        return tree.derivative
    parts = [_with(c, node, wrong) if any(node is n for n in c.walk()) else c.derivative for c in children]
    return board.evaluate(tree.formula(parts))


# --- rearranging ------------------------------------------------------------------


@dataclass(frozen=True)
class Rearrangement:
    """A mistake made rearranging the line before: each way of making it, as a new line."""

    kind: str
    variants: Callable[[Expr], Iterator[Expr]]
    explanation: Reason


MAX_VARIANTS = 60


def _sums(e: Expr) -> Iterator[Expr]:
    seen = set()
    for node in [e, *e.atoms(Add)] if e.is_Add else list(e.atoms(Add)):
        if node not in seen:
            seen.add(node)
            yield node


def _square_of_difference(e: Expr) -> Iterator[Expr]:
    for node in _sums(e):
        terms = node.as_ordered_terms()
        for t in terms:
            square = -t
            if square.is_Pow and square.exp == 2:
                rest = node - t
                if rest == 1:
                    yield e.xreplace({node: (1 - square.base) ** 2})


def _sign_lost(e: Expr) -> Iterator[Expr]:
    yield -e
    for node in _sums(e):
        for t in node.args:
            yield e.xreplace({node: node - 2 * t})


def _term_lost(e: Expr) -> Iterator[Expr]:
    for node in _sums(e):
        for t in node.args:
            yield e.xreplace({node: node - t})


REARRANGEMENTS: tuple[Rearrangement, ...] = (
    Rearrangement(
        "square-of-difference",
        _square_of_difference,
        Reason.of("1 - u² is not (1 - u)²: {rule}", rule=equation(1 - U**2, (1 - U) * (1 + U))),
    ),
    Rearrangement("sign-lost", _sign_lost, Reason("a sign was lost rearranging the line before: compare its terms")),
    Rearrangement("term-lost", _term_lost, Reason("a term was lost rearranging the line before")),
)

CATALOGUE: tuple[str, ...] = (*(m.kind for m in MAL_RULES), *(r.kind for r in REARRANGEMENTS))
"""Every mistake derive names, by its fixed identifier."""


def rearranged(previous: Expr) -> Iterator[tuple[Rearrangement, Expr]]:
    """The line before rearranged wrongly, each way, at most MAX_VARIANTS in all."""
    count = 0
    for mistake in REARRANGEMENTS:
        for variant in mistake.variants(previous):
            count += 1
            if count > MAX_VARIANTS:
                return
            yield mistake, variant
