"""The rule engine: each rule is a node that evaluates to SymPy's derivative, and the tree is data."""

from __future__ import annotations

import pytest
from sympy import Abs, DiracDelta, Eq, Symbol, atan, cos, cosh, diff, erf, exp, log, simplify, sin, sinh, sqrt, tanh

from derive import CannotDifferentiateError, DeriveError, derive
from derive.engine.board import evaluate, strip_groups
from derive.engine.rules import (
    C,
    ConstantMultipleRule,
    ConstantRule,
    ExponentialRule,
    FunctionRule,
    PowerRule,
    ProductRule,
    QuotientRule,
    SumRule,
    U,
    UnknownRule,
    V,
    rule_tree,
)

z = Symbol("z", real=True)
a = Symbol("a", positive=True)

CASES = [
    (a, ConstantRule, ("constant",)),
    (z + exp(z), SumRule, ("sum",)),
    (3 * sin(z), ConstantMultipleRule, ("constant multiple",)),
    (z**3, PowerRule, ("power",)),
    (1 / (1 + exp(-z)), PowerRule, ("chain", "power")),
    (sqrt(1 + z**2), PowerRule, ("chain", "power")),
    (exp(z**2), FunctionRule, ("chain", "exponential")),
    (2**z, ExponentialRule, ("exponential",)),
    (log(1 + z**2), FunctionRule, ("chain", "logarithm")),
    (z * sin(z), ProductRule, ("product",)),
    (sin(z) / (1 + z**2), QuotientRule, ("quotient",)),
    (tanh(2 * z), FunctionRule, ("chain", "tanh")),
    (sinh(z), FunctionRule, ("sinh",)),
    (cosh(z), FunctionRule, ("cosh",)),
    (cos(z), FunctionRule, ("cosine",)),
    (atan(z), FunctionRule, ("arctan",)),
    (Abs(z), FunctionRule, ("absolute value",)),
    (erf(z), FunctionRule, ("erf",)),
]


@pytest.mark.parametrize("expr, kind, names", CASES, ids=[str(c[0]) for c in CASES])
def test_rule_is_chosen_and_evaluates_to_the_derivative(expr, kind, names):
    tree = rule_tree(expr, z)
    assert isinstance(tree, kind)
    assert tree.rule_names == names
    assert simplify(tree.eval() - diff(expr, z)) == 0
    assert_reason_states_a_true_formula(tree)


LETTERS = {U: sin(z) + 2, V: exp(z) + z**2, C: 3}
"""Functions of z to put for the letters of a rule's formula: it must hold for any."""


def assert_reason_states_a_true_formula(rule):
    """The reason names the rule and states its formula; the formula holds with u, v, c put in."""
    reason = rule.reason()
    assert f"{rule.name} rule" not in reason.fill(str)  # the rule's name is said beside it, once
    equations = [e for e in reason.expressions() if isinstance(e, Eq)]
    if rule.name in ("constant", "sum", "piecewise"):  # said in words
        assert reason.fill(str).startswith(("the derivative of", "differentiate"))
        return
    assert equations, reason
    formula = equations[0]  # the rule's own (a chained one also says what u is)
    lhs, rhs = (evaluate(strip_groups(side)).xreplace(LETTERS).doit() for side in (formula.lhs, formula.rhs))
    if isinstance(rule, FunctionRule) and rule.known.condition is not None:
        lhs = lhs.replace(lambda e: isinstance(e, DiracDelta), lambda e: 0)  # holds away from u = 0
    assert simplify(lhs - rhs) == 0, (formula, lhs, rhs)


@pytest.mark.parametrize("expr", [z * sin(z), sin(z) / (1 + z**2), 3 * sin(z), z + exp(z), exp(z**2), Abs(z + 1)])
def test_reasons_state_true_formulas_for_every_rule_in_the_tree(expr):
    for rule in rule_tree(expr, z).walk():
        if rule.name not in ("constant", "variable"):
            assert_reason_states_a_true_formula(rule)


def test_tree_records_sub_derivations():
    tree = rule_tree(1 / (1 + exp(-z)), z)
    (inner,) = tree.children()
    assert isinstance(inner, SumRule)
    assert [type(c).__name__ for c in inner.children()] == ["ConstantRule", "FunctionRule"]
    assert [r.name for r in tree.walk()][:2] == ["power", "sum"]


def test_unknown_is_explicit():
    tree = rule_tree(z**z, z)
    assert isinstance(tree, UnknownRule)
    assert tree.contains_unknown()
    with pytest.raises(CannotDifferentiateError):
        tree.eval()
    with pytest.raises(CannotDifferentiateError) as err:
        derive("z**z")
    assert isinstance(err.value, DeriveError)
    assert "cannot differentiate" in str(err.value)
