"""How each step's expression behaves in floating point: float32 and float64 (NumPy) against mpmath.

Every step is a formula one could code.  Evaluated over a wide range of z,
some overflow or lose all precision where others do not: e^{-z}/(1 + e^{-z})²
gives NaN for large negative z (inf/inf), g(1 - g) does not.  This module
measures that, step by step, against the exact value at 50 digits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sympy import Expr, Symbol

from derive.engine.compute import compiled, over_array, real_at

DIGITS = 50


@dataclass(frozen=True)
class Precision:
    """One step in one floating-point type."""

    dtype: str
    worst_relative_error: float
    worst_at: float | None
    worst_absolute_error: float
    non_finite: tuple[tuple[float, float], ...]  # the ranges of z where the value is inf or NaN, the exact one finite
    count_non_finite: int
    mean_relative_error: float = 0.0  # over the finite points, each capped at 1: how a formula does overall

    def __str__(self) -> str:
        where = f" at z = {self.worst_at:g}" if self.worst_at is not None else ""
        text = (
            f"{self.dtype}: worst relative error {self.worst_relative_error:.2e}{where}, "
            f"worst absolute error {self.worst_absolute_error:.2e}"
        )
        if self.non_finite:
            ranges = ", ".join(f"[{lo:g}, {hi:g}]" for lo, hi in self.non_finite)
            text += f"; inf/NaN at {self.count_non_finite} points, z in {ranges}"
        return text


def grid(lo: float = -1000.0, hi: float = 1000.0) -> list[float]:
    """z over [lo, hi]: every 5 units, and densely (every 0.25) over [-40, 40] where the curves bend."""
    coarse = [lo + 5 * i for i in range(int((hi - lo) / 5) + 1)]
    fine = [-40 + 0.25 * i for i in range(321)]
    return sorted({round(x, 6) for x in coarse + fine if lo <= x <= hi} | {0.1234})


def formula_precision(expr: Expr, arg: Symbol, values: list[float], dtype: str, exact: list | None = None) -> Precision:
    """How a formula rounds, apart from its input: expr at each value (rounded to dtype) in dtype, against
    ``exact``, the exact values there of an equal formula (``exact_at``: the forms of one F share them),
    else expr's own.  Two equal forms of F(y) differ only here (1 - y² and (1 - y)(1 + y) at the same
    y); the loss from keeping y itself is the same for both."""
    rounded, xs = _rounded(values, dtype)
    if exact is None:
        exact = exact_at(expr, arg, values, dtype)
    return _compare(rounded, over_array(expr, arg, xs, dtype).tolist(), exact, dtype)


def _rounded(values: list[float], dtype: str) -> tuple[list[float], object]:
    import numpy as np

    with np.errstate(over="ignore"):  # outputs beyond the type's range become inf, and are left out
        xs = np.array(values, dtype=dtype)
    return [float(x) for x in xs.tolist()], xs


def exact_at(expr: Expr, arg: Symbol, values: list[float], dtype: str) -> list:
    """expr's exact values (30 digits; None where not a finite real) at the values rounded to dtype."""
    precise = compiled(expr, arg, "mpmath")
    # a formula that cancels needs more than 50 digits
    return [exact_value(precise, x) for x in _rounded(values, dtype)[0]]


def through_output(
    form: Expr, output: Symbol, g, slope, points: list[float], dtypes: tuple[str, ...] = ("float32", "float64")
) -> tuple[Precision, ...]:
    """What keeping the output costs, for each type: F at g(x) rounded to the type, computed in it,
    against the exact g'(x) (``g`` and ``slope`` mpmath functions of x, evaluated once for all types).
    Where g saturates the kept y has lost the digits g' needs (σ(30) rounds to 1 - 9e-14 in float64;
    1 - y keeps only three of them)."""
    import numpy as np

    exact, outputs = [], []
    for x in points:
        exact.append(exact_value(slope, x))
        y = exact_value(g, x)
        outputs.append(float(y) if y is not None else np.nan)
    measured = []
    for dtype in dtypes:
        with np.errstate(over="ignore"):
            ys = np.array(outputs, dtype=dtype)
        measured.append(_compare(list(points), over_array(form, output, ys, dtype).tolist(), exact, dtype))
    return tuple(measured)


ADAPTIVE_DIGITS = (DIGITS, 2 * DIGITS, 4 * DIGITS, 8 * DIGITS, 16 * DIGITS)
"""The precisions exact_value tries: 1/2 + erf(u)/2 near 0 needs as many more digits as it cancels."""


def exact_value(function, x: float):
    """function at x to 30 digits: at 50 digits, then 100, 200, ... until two agree; None where the
    value is not a finite real or no two agree (cancellation beyond 800 digits)."""
    import mpmath

    before = None
    for digits in ADAPTIVE_DIGITS:
        with mpmath.workdps(digits):
            value = real_at(function, mpmath.mpf(x))
            if value is None:
                return None
            if before is not None and abs(value - before) <= mpmath.mpf(10) ** -30 * abs(value):
                return value
            before = value
    return None


def exact_of(function, x: float):
    import mpmath

    return real_at(function, mpmath.mpf(x))


def precision_of(expr: Expr, z: Symbol, points: list[float], exact: list, outputs: list, dtype: str, np) -> Precision:
    from derive.knowledge.symbols import G

    function = compiled(expr, (z, G), "numpy")
    xs = np.array(points, dtype=dtype)
    gs = np.array([float(g) if g is not None else np.nan for g in outputs], dtype=dtype)
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(function(xs, gs), dtype=dtype), xs.shape)
    return _compare(points, values.tolist(), exact, dtype)


def _compare(points: list[float], values: list[float], exact: list, dtype: str) -> Precision:
    """The errors of values against the exact ones (None where the exact value is not a finite real)."""
    import numpy as np

    worst, worst_at, worst_abs, bad, errors = 0.0, None, 0.0, [], []
    tiny = float(np.finfo(dtype).tiny)
    for x, have, want in zip(points, values, exact, strict=True):
        if want is None:
            continue
        if not np.isfinite(have):  # inf or NaN where the exact value is finite: always counted
            bad.append(x)
            continue
        if 0 < abs(want) < tiny:  # below the type's normal range every formula underflows: not an error
            continue
        absolute = abs(have - float(want))
        worst_abs = max(worst_abs, absolute)
        err = absolute / abs(float(want)) if abs(want) > 1e-300 else absolute
        errors.append(min(err, 1.0))
        if err > worst:
            worst, worst_at = err, x
    mean = sum(errors) / len(errors) if errors else 1.0
    return Precision(dtype, worst, worst_at, worst_abs, _runs(bad, points), len(bad), mean)


def _runs(bad: list[float], points: list[float]) -> tuple[tuple[float, float], ...]:
    """The bad points as ranges of neighbouring grid points."""
    where = {x: i for i, x in enumerate(points)}
    runs: list[list[float]] = []
    for x in bad:
        if runs and where[x] == where[runs[-1][1]] + 1:
            runs[-1][1] = x
        else:
            runs.append([x, x])
    return tuple((lo, hi) for lo, hi in runs)
