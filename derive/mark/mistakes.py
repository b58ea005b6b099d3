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
from itertools import combinations

from sympy import Add, Expr, Mul, Pow, S, Symbol, default_sort_key, log, sec, sech, tanh

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
        _said(
            "tanh' = 1 - tanh², not 1 + tanh² (1 + tan² is tan's derivative): {rule}",
            rule=(rules.d(tanh(U), U), 1 - tanh(U) ** 2),
        ),
    ),
    MalRule(
        "tanh-taken-for-tan",
        _of(tanh),
        lambda rule, parts: sec(rule.inner.expr) ** 2 * parts[0],
        _said(
            "tanh is not tan: sec² is tan's derivative, tanh's is sech² = 1 - tanh²: {rule}",
            rule=(rules.d(tanh(U), U), sech(U) ** 2),
        ),
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


def other_routes(tree: rules.Rule) -> Iterator[rules.Rule]:
    """The same function differentiated another way a student may take: u/v by the product rule, u·v^(-1)."""
    if isinstance(tree, rules.QuotientRule):
        u, v = tree.numerator.expr, tree.denominator.expr
        yield rules.ProductRule(tree.expr, tree.var, (rules.rule_tree(u, tree.var), rules.rule_tree(1 / v, tree.var)))


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


def _ordered(nodes: set) -> list:
    """Sub-expressions in a fixed order: the same line names the same mistake in every process."""
    return sorted(nodes, key=default_sort_key)


def _sums(e: Expr) -> Iterator[Expr]:
    seen = set()
    for node in [e, *_ordered(e.atoms(Add))] if e.is_Add else _ordered(e.atoms(Add)):
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


def _factor_dropped(e: Expr) -> Iterator[Expr]:
    """Each factor of each product left out (a power's base too: u² written u is a factor dropped)."""
    products = [e] if e.is_Mul else []
    products += [m for m in _ordered(e.atoms(Mul)) if m != e]
    for node in products:
        for factor in node.args:
            if factor.is_number and abs(factor) == 1:
                continue  # a sign is not a factor: that is sign-lost
            yield e.xreplace({node: node / factor})
        constant = Mul(*(f for f in node.args if not f.free_symbols))
        if constant != node and abs(constant) != 1 and len([f for f in node.args if not f.free_symbols]) > 1:
            yield e.xreplace({node: node / constant})  # 1/√(2π): three factors to SymPy, one to a student
    for node in _sums(e):  # ½ of ½(1 + erf): SymPy spread it over the terms of the sum
        terms = node.args
        coefficients = [t.as_coeff_Mul()[0] for t in terms]
        for c in sorted({c for c in coefficients if abs(c) != 1 and coefficients.count(c) >= 2}, key=str):
            sharing = [i for i, k in enumerate(coefficients) if k == c][:6]
            for size in range(len(sharing), 1, -1):  # which terms the bracket held is lost: each choice
                for chosen in combinations(sharing, size):
                    yield e.xreplace({node: Add(*(t / c if i in chosen else t for i, t in enumerate(terms)))})


def _exponent_sign(e: Expr) -> Iterator[Expr]:
    """1/u^n rewritten as a power with the exponent's sign lost: u^n (or u^1 for 1/u)."""
    for node in _ordered(e.atoms(Pow)):
        if node.exp.is_number and node.exp.is_negative:
            yield e.xreplace({node: Pow(node.base, -node.exp, evaluate=False)})


REARRANGEMENTS: tuple[Rearrangement, ...] = (
    Rearrangement(
        "square-of-difference",
        _square_of_difference,
        Reason.of("1 - u² is not (1 - u)²: {rule}", rule=equation(1 - U**2, (1 - U) * (1 + U))),
    ),
    Rearrangement("sign-lost", _sign_lost, Reason("a sign was lost rearranging the line before: compare its terms")),
    Rearrangement("term-lost", _term_lost, Reason("a term was lost rearranging the line before")),
    Rearrangement(
        "reciprocal-exponent-sign",
        _exponent_sign,
        Reason.of(
            "dividing by a power is a negative exponent: {rule}",
            rule=equation(1 / U ** Symbol("n"), U ** (-Symbol("n"))),
        ),
    ),
    Rearrangement(
        "factor-lost",
        _factor_dropped,
        Reason("a factor was dropped rearranging the line before: every factor of a product stays"),
    ),
)

CATALOGUE: tuple[str, ...] = (*(m.kind for m in MAL_RULES), *(r.kind for r in REARRANGEMENTS))
"""Every mistake derive names, by its fixed identifier."""


REARRANGING = "algebra: rearranging keeps the value"
"""The rule a step of rearranging needs (a hint, never the answer)."""

RULE_NAMES = {
    "sum": "sum rule",
    "constant multiple": "constant multiple rule",
    "power": "power rule",
    "exponential": "chain rule with the exponential",
    "product": "product rule",
    "quotient": "quotient rule",
    "piecewise": "piece by piece",
}


def rule_name(node: rules.Rule) -> str:
    """The name of the rule a node of the rule tree applies, as a hint says it."""
    name = str(getattr(node, "name", "") or "")
    if name in RULE_NAMES:
        named = RULE_NAMES[name]
    elif name:
        named = f"the derivative of {name}"
    else:
        named = "the rules of differentiation"
    if getattr(node, "chained", False) and "chain" not in named:
        named = f"chain rule ({named})"
    return named


def rearranged(previous: Expr) -> Iterator[tuple[Rearrangement, Expr]]:
    """The line before rearranged wrongly, each way, at most MAX_VARIANTS in all."""
    for mistake in REARRANGEMENTS:
        for count, variant in enumerate(mistake.variants(previous)):
            if count >= MAX_VARIANTS:
                break
            yield mistake, variant
