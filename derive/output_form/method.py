"""What a search method is, and what it finds: the shared vocabulary of the output-form stage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sympy import Expr, Symbol


@dataclass(frozen=True)
class OutputForm:
    """g' = F(g): ``expr`` is F in the symbol ``G``, in the form it is shown; ``method`` found it."""

    expr: Expr
    method: str


@dataclass(frozen=True)
class Method:
    """A way to eliminate z between y = g(z) and g'(z): candidates for F, each checked by sampling.

    ``candidates(g, g', z)`` may return forms that do not hold (a root of the wrong branch): the
    search keeps only those that equal g' at the sample points.  ``max_nodes`` bounds its work: it
    is tried only when g and g' have at most that many nodes (SymPy's solve and groebner can run
    for minutes on large ones); a method bounds its own inner steps the same way.
    """

    name: str
    candidates: Callable[[Expr, Expr, Symbol], list[Expr]]
    max_nodes: int
