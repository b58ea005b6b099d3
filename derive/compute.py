"""Helpers the search, the checker and the numerics share: time budgets, compiled functions, roots, reals."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import mpmath
from sympy import Expr, Poly, Symbol, degree, lambdify, preorder_traversal, roots, simplify, solve


class SearchTimeoutError(Exception):
    """A computation ran out of its time budget."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (in the main thread on Unix; elsewhere no limit).

    A timer already running (an enclosing budget, or the caller's own alarm) is kept: when it
    ends first it governs; otherwise it is suspended and set again afterwards, less the time
    spent, with its own handler.
    """
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    outer, interval = signal.getitimer(signal.ITIMER_REAL) if usable else (0.0, 0.0)
    if not usable or 0 < outer <= seconds:
        yield
        return

    def interrupt(signum, frame):
        raise SearchTimeoutError

    previous = signal.signal(signal.SIGALRM, interrupt)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-6), interval)


def simplified(e: Expr, seconds: float) -> Expr | None:
    """SymPy's simplify within a time budget (it can run for minutes), or None when the budget runs out."""
    try:
        with time_limit(seconds):
            return simplify(e)
    except SearchTimeoutError:
        return None


@lru_cache(maxsize=512)
def compiled(expr: Expr, args: Symbol | tuple[Symbol, ...], module: str) -> Callable[..., Any]:
    """expr as a Python function of args (lambdify), compiled once per expression."""
    # common sub-expressions named once in large ones: a chain's g' repeats its inner functions
    # at every level (tanh∘softplus of depth 20: compiled in 32 ms instead of 38, run 10x faster);
    # on small ones the elimination costs more than it saves
    return lambdify(args, expr, module, cse=_larger_than(expr, 200))


def _larger_than(expr: Expr, nodes: int) -> bool:
    """Whether expr's tree has more than ``nodes`` nodes (counting stops there)."""
    for seen, _ in enumerate(preorder_traversal(expr)):
        if seen >= nodes:
            return True
    return False


def real_number(value: Any) -> mpmath.mpf | None:
    """A finite real mpmath number, or None (a complex value, a NaN or an infinity)."""
    value = mpmath.mpmathify(value)
    return value if isinstance(value, mpmath.mpf) and mpmath.isfinite(value) else None


EVALUATION_ERRORS = (ZeroDivisionError, ValueError, TypeError, NameError, OverflowError)
"""What a compiled function raises at a pole or outside its real domain."""


def real_at(function: Callable[..., Any], *args: Any) -> mpmath.mpf | None:
    """function(*args) as a finite real mpmath number, or None (a pole, a complex value, a NaN)."""
    try:
        return real_number(function(*args))
    except EVALUATION_ERRORS:
        return None


def solutions(equation: Expr, var: Symbol) -> list[Expr]:
    """Candidate roots of equation = 0 in var: a polynomial's in closed form, else solve's.

    Neither checks or simplifies its roots (solve's checksol alone costs a quarter of a second on mish's
    inner function): every caller filters them (holds() samples a candidate, the checker proves it).
    """
    if equation.is_polynomial(var):
        return list(roots(Poly(equation, var), filter=None)) if degree(equation, var) >= 1 else []
    return solve(equation, var, check=False, simplify=False)


def expanded_terms(e: Expr) -> int:
    """How many terms expanding e would give, at most: a product of n binomials has 2^n."""
    if e.is_Add:
        return sum(expanded_terms(a) for a in e.args)
    if e.is_Mul:
        count = 1
        for a in e.args:
            count *= expanded_terms(a)
        return count
    if e.is_Pow and e.exp.is_Integer and e.exp > 0:
        return expanded_terms(e.base) ** int(e.exp)
    return 1
