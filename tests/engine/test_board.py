"""Board forms: unevaluated expressions in the order a teacher writes them, and the helpers that read them."""

from __future__ import annotations

import pytest
from sympy import Derivative, Mul, Pow, S, Symbol, exp, sin, sqrt, tanh

from derive.engine import board

z = Symbol("z", real=True)
a = Symbol("a", positive=True)


def test_a_sum_keeps_the_order_it_is_written_in():
    shown = board.board_form(1 + exp(-z))
    assert shown.is_Add and list(shown.args) == [S.One, exp(-z)]
    written = board.total(exp(-z), S.One)
    assert list(written.args) == [exp(-z), S.One]  # not reordered
    assert board.total(S.Zero, z) == z and board.total(board.total(z, S.One), a).args == (z, S.One, a)


@pytest.mark.parametrize(
    "expr, constant_first",
    [
        (exp(z) + 1, True),  # 1 + e^z: a constant before the functions beside it
        (z * (1 - tanh(a * z)) + 1, True),  # 1 + z(1 - tanh(az)), as swish's last line
        (z**2 + 1, False),  # a polynomial in descending degrees: z² + 1
        (4 * z**2 + 4 * z + sqrt(z) + 5, False),  # beside powers of z the constant keeps its place
        (1 - a * z**2, True),  # a positive term first: 1 - az², not -az² + 1
    ],
)
def test_a_sum_is_written_as_a_teacher_writes_it(expr, constant_first):
    terms = board.board_form(expr).args
    assert terms[0 if constant_first else -1].is_Number


def test_negation_and_quotient_shapes():
    minus = board.neg(sin(z))
    assert board.as_negation(minus) == sin(z) and board.neg(minus) == sin(z)
    q = board.quotient(z, 1 + z**2, 2)
    num, den = board.as_quotient(q)
    assert num == z and den.base == 1 + z**2 and den.exp == 2
    assert board.is_reciprocal(board.quotient(S.One, z)) and board.as_quotient(board.quotient(S.One, z)) is None
    assert [s for s, _ in board.signed_terms(board.total(z, board.neg(a), S(-2)))] == ["+", "-", "-"]


def test_canonical_products_are_shaped_as_written():
    shown = board.board_form(-exp(-z) / (1 + exp(-z)) ** 2)
    inner = board.as_negation(shown)
    assert inner is not None and board.as_quotient(inner) is not None
    # numbers first, bracketed sums last: g(1 - g), 2z(1 + z)
    g = Symbol("g")
    assert board.board_form(g * (1 - g)).args[0] == g
    assert board.board_form(2 * z * (1 + z)).args[0] == 2


@pytest.mark.parametrize(
    "expr",
    [1 / (1 + exp(-z)), -exp(-z) / (1 + exp(-z)) ** 2, tanh(a * z) ** 2 - 1, sqrt(1 + z**2) / (3 * z), z * exp(z)],
)
def test_evaluating_a_board_form_gives_the_expression_back(expr):
    assert board.evaluate(board.board_form(expr)) == expr


def test_substitute_and_tidy_write_without_algebra():
    placeholder = Derivative(board.board_form(1 + exp(-z)), z)
    line = board.product(S.NegativeOne, board.quotient(S.One, 1 + exp(-z), 2), placeholder)
    filled = board.tidy(board.substitute(line, {placeholder: board.neg(exp(-z))}))
    assert not filled.has(Derivative)
    assert board.evaluate(filled) == exp(-z) / (1 + exp(-z)) ** 2  # the same value, still as written
    # a factor repeated is written as a power; -(-x) as x; a·(b·c) as a·b·c
    assert board.merge_equal_factors(Mul(z, z, a, evaluate=False)) == Mul(Pow(z, 2, evaluate=False), a, evaluate=False)
    # z·(2·z), flattened, merged: 2z², the number first as written by hand (not z²·2)
    merged = board.merge_equal_factors(Mul(z, S(2), z, evaluate=False))
    assert merged.args == (S(2), Pow(z, 2, evaluate=False))
    assert board.fold_double_negation(board.neg(Mul(S.NegativeOne, z, evaluate=False))) == z
    nested = Mul(a, Mul(z, sin(z), evaluate=False), evaluate=False)
    assert board.flatten_products(nested).args == (a, z, sin(z))


def test_groups_are_brackets_without_meaning():
    grouped = board.Group(1 + z)
    assert board.evaluate(board.product(a, grouped)) == a * (1 + z)
    assert board.drop_settled_groups(grouped) == 1 + z
    unsettled = board.Group(Derivative(z**2, z))
    assert board.drop_settled_groups(unsettled) == unsettled
    assert board.strip_groups(board.product(a, unsettled)) == board.product(a, Derivative(z**2, z))
