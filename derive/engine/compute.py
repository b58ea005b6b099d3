"""Helpers the search, the checker and the numerics share: size bounds, the safety limit, compiled functions,
roots, reals."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import mpmath
from sympy import (
    Derivative,
    Expr,
    Poly,
    S,
    Symbol,
    degree,
    exp,
    factor,
    lambdify,
    preorder_traversal,
    roots,
    solve,
    together,
)

from derive.errors import GaveUpError

SAFETY_SECONDS = 60.0
"""The one time limit: a derivation still running after this long ends in an error, never in another answer."""


REFIRE_SECONDS = 1.0


@contextmanager
def safety_limit(seconds: float | None = None) -> Iterator[None]:
    """End the block with a GaveUpError after ``seconds`` (in the main thread on Unix; elsewhere no limit).

    Nothing inside depends on time: every search and proof is bounded by the size of what it works
    on, so the same input gives the same answer on a busy machine, in a thread or in a server. This
    limit only stops a runaway computation, with an error that says so.  A timer the caller set
    already (their own alarm) is left alone and governs.
    """
    seconds = SAFETY_SECONDS if seconds is None else seconds
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return

    def give_up(signum: int, frame: Any) -> None:
        raise GaveUpError(f"gave up after {seconds:g} s: the expression is too large for derive to finish")

    previous = signal.signal(signal.SIGALRM, give_up)
    # and again every REFIRE_SECONDS until the block ends: an alarm that lands in a __del__ or a broad
    # `except` is swallowed there ("Exception ignored in ..."), and the computation would run on unbounded
    signal.setitimer(signal.ITIMER_REAL, seconds, REFIRE_SECONDS)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def larger_than(expr: Expr, nodes: int) -> bool:
    """Whether expr's tree has more than ``nodes`` nodes (counting stops there): the bound on costly work."""
    for seen, _ in enumerate(preorder_traversal(expr)):
        if seen >= nodes:
            return True
    return False


FACTOR_MAX_DEGREE = 12
"""factor runs where no power becomes a polynomial of a higher degree (``root_degree``): e^{-4.21z} is
(e^{z/100})^421, factored in 0.3 s into cyclotomic factors that no one writes."""


def factored(expr: Expr) -> Expr:
    """factor(expr), or expr as it is where factoring would work on polynomials of a degree above
    FACTOR_MAX_DEGREE (its result then has more operations, never fewer)."""
    return factor(expr) if root_degree(expr) <= FACTOR_MAX_DEGREE else expr


def root_degree(expr: Expr) -> int:
    """The largest degree SymPy's polynomial algebra (factor, cancel) gives expr's powers: it writes
    exp(421z/100) as exp(z/100)^421 and x^(7/3) as (x^(1/3))^7, so a decimal a typed in e^{-az} makes a
    polynomial of degree hundreds, slow to factor and factored into nothing a teacher writes."""
    largest = 1
    for node in preorder_traversal(expr):
        if isinstance(node, exp):  # e^{cu} is (e^{u/q})^p for c = p/q
            power = node.args[0].as_coeff_Mul(rational=True)[0]
        elif node.is_Pow and node.exp.is_Rational and not node.exp.is_Integer:
            power = node.exp
        else:
            continue
        largest = max(largest, abs(power.p))
    return largest


@lru_cache(maxsize=512)
def compiled(expr: Expr, args: Symbol | tuple[Symbol, ...], module: str) -> Callable[..., Any]:
    """expr as a Python function of args (lambdify), compiled once per expression."""
    # common sub-expressions named once in large ones: a chain's g' repeats its inner functions
    # at every level (tanh∘softplus of depth 20: compiled in 32 ms instead of 38, run 10x faster);
    # on small ones the elimination costs more than it saves
    return lambdify(args, printable(expr), module, cse=larger_than(expr, 200))


def printable(expr: Expr) -> Expr:
    """expr as a code printer can write it: a piece that is a pole (log 0 in log(relu6(z)), SymPy's zoo) is
    NaN there, and a derivative left written (d/dz(...) of a step) is carried out: no printer writes either."""
    if isinstance(expr, (list, tuple)):
        return [printable(e) for e in expr]
    if expr.has(Derivative):
        expr = expr.doit()
    return expr.xreplace({S.ComplexInfinity: S.NaN}) if expr.has(S.ComplexInfinity) else expr


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


def over_array(expr: Expr, arg: Symbol, xs: Any, dtype: str = "float64") -> Any:
    """expr at every element of the NumPy array xs, computed in dtype, as generated code would: its
    constants (√2, π) as Python floats, since NumPy's float64 scalars would lift a float32 formula to
    float64; a function NumPy lacks (erf: math.erf takes one float) point by point."""
    import numpy as np
    from sympy import Float

    as_code = expr.replace(lambda e: e.is_number and not e.is_Rational, lambda e: Float(e.evalf(20), 17))
    function = compiled(as_code, (arg,), "numpy")
    with np.errstate(all="ignore"):
        try:
            values = function(xs)
        except TypeError:
            values = np.vectorize(function, otypes=[dtype])(xs)
        return np.broadcast_to(np.asarray(values, dtype=dtype), np.shape(xs))


def solutions(equation: Expr, var: Symbol) -> list[Expr]:
    """Candidate roots of equation = 0 in var: a polynomial's in closed form, else solve's.

    Neither checks or simplifies its roots (solve's checksol alone costs a quarter of a second on mish's
    inner function): every caller filters them (holds() samples a candidate, the checker proves it).
    """
    if equation.is_polynomial(var):
        return list(roots(Poly(equation, var), filter=None)) if degree(equation, var) >= 1 else []
    if not solvable(equation, var):
        raise NotImplementedError(f"no closed form is looked for: {equation} = 0")
    return solve(equation, var, check=False, simplify=False)


MAX_SOLVE_DEGREE = 4
"""Polynomials up to quartics are solved in radicals; beyond, solve searches for seconds and finds none."""


def solvable(equation: Expr, var: Symbol) -> bool:
    """What SymPy's solve answers quickly: var once (inverted function by function: √z, asin z), or a
    rational function whose numerator has degree at most 4.  Anything else (z - sin z, z·erf z) it
    searches for seconds or minutes and gives up: such equations are not given to it."""
    if equation.count(var) == 1:
        return True
    if not equation.is_rational_function(var):
        return False
    numerator, _ = together(equation).as_numer_denom()
    return degree(numerator, var) <= MAX_SOLVE_DEGREE


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
