"""The derivative's last line in z: its simplest form, the way a teacher ends a derivation.

"Simplest" is the fewest operations (SymPy's ``count_ops``) among the derivative as evaluated,
its common factor pulled out (``factor_terms``), over one denominator (``together``), factored
(``factor``, which shows a rational function's zeros) and ``simplify``'s form; a tie goes to the
earlier of these, so the teacher's factored form wins over simplify's rewrite of equal length.
The work is bounded by size, never by time: over ``SIMPLEST_MAX_NODES`` nodes the derivative is
left as evaluated, and simplify runs only on derivatives of at most ``SIMPLIFY_MAX_NODES`` nodes.
"""

from __future__ import annotations

from functools import lru_cache

from sympy import (
    Expr,
    Function,
    Piecewise,
    count_ops,
    exp,
    factor_terms,
    preorder_traversal,
    simplify,
    together,
)

from derive.engine import board
from derive.engine.compute import factored, larger_than

SIMPLEST_MAX_NODES = 400
"""factor and together look for a shorter form of a derivative of at most this many nodes."""

SIMPLIFY_MAX_NODES = 40
"""simplify runs on a derivative of at most this many nodes: Mish's has 29 and takes 0.3 s, the tanh
approximation of GELU's has 56 and takes 3 s, for two fewer operations."""


MOVES = (
    ("collect", "multiply out, cancel and collect"),
    ("collect", "multiply out, collect and take out the common factor"),
    ("common denominator", "put over a common denominator"),
    ("factor", "factor"),
    ("simplify", "simplify"),
)
"""The moves tried, in order of preference: (rule name, what the line says it does)."""


@lru_cache(maxsize=1024)  # a pure function of its arguments; SymPy's own cache does not keep simplify's work
def simplest(derivative: Expr, thorough: bool = True) -> tuple[Expr, int]:
    """The shortest of the derivative's forms and the index of its move in MOVES; without
    ``thorough`` only the cheap moves (1/σ·σ(1 - σ) is 1 - σ; a common factor taken out)."""
    if derivative.has(Piecewise) or larger_than(derivative, SIMPLEST_MAX_NODES):
        return derivative, 0  # piecewise results are flattened by the steps; a huge one is left as it is
    candidates = [derivative, factor_terms(derivative)]
    if thorough:  # factored is the derivative itself where factor is not tried: a tie, which the first wins
        candidates += [together(derivative), factored(derivative)]
        if not larger_than(derivative, SIMPLIFY_MAX_NODES):
            candidates.append(simplify(derivative))
    costs = [count_ops(c) for c in candidates]
    best = costs.index(min(costs))  # the first of equal counts: the teacher's form before simplify's
    return candidates[best], best


def improves(candidate: Expr, line: Expr, thorough: bool) -> bool:
    """Whether the candidate is worth a line after a board line.

    Thorough (the last line of all): it is no longer and written otherwise (the raw product
    z·(√2e^{-z²/2}/√π) collected).  Before an output form: something cancels, so fewer function
    applications remain (1/σ·σ(1 - σ) is 1 - σ), and the lecture's sign changes are not a line.
    """
    shown = board.strip_groups(line)
    if thorough:
        return count_ops(candidate) <= count_ops(shown) and board.board_form(candidate) != shown
    return count_ops(candidate) < count_ops(shown) and _applications(candidate) < _applications(shown)


def _applications(e: Expr) -> int:
    return sum(1 for node in preorder_traversal(e) if isinstance(node, (Function, exp)))
