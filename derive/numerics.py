"""How each step's expression behaves in floating point: float32 and float64 (NumPy) against mpmath.

Every step is a formula one could code.  Evaluated over a wide range of z,
some overflow or lose all precision where others do not: e^{-z}/(1 + e^{-z})²
gives NaN for large negative z (inf/inf), g(1 - g) does not.  This module
measures that, step by step, against the exact value at 50 digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sympy import Expr, Symbol

from derive.compute import compiled, real_at

if TYPE_CHECKING:
    from derive.pipeline import Derivation

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


@dataclass(frozen=True)
class StepNumerics:
    index: int
    quantity: str
    precisions: tuple[Precision, ...]


def grid(lo: float = -1000.0, hi: float = 1000.0) -> list[float]:
    """z over [lo, hi]: every 5 units, and densely (every 0.25) over [-40, 40] where the curves bend."""
    coarse = [lo + 5 * i for i in range(int((hi - lo) / 5) + 1)]
    fine = [-40 + 0.25 * i for i in range(321)]
    return sorted({round(x, 6) for x in coarse + fine if lo <= x <= hi} | {0.1234})


def analyse(derivation: Derivation, parameters: float = 1.0) -> list[StepNumerics]:
    """For every step, float32 and float64 against mpmath at 50 digits (parameters set to ``parameters``)."""
    import mpmath
    import numpy as np

    from derive import check
    from derive.symbols import G, g_function

    f = derivation.function
    z = f.variable
    points = grid()
    references, substitutions = check.reference_quantities(derivation)
    params = {s: parameters for s in f.body.free_symbols - {z}}
    exact: dict[str, list] = {}
    with mpmath.workdps(DIGITS):
        for quantity, expr in references.items():
            function = compiled(expr.subs(params), z, "mpmath")
            exact[quantity] = [_exact(function, x) for x in points]
    g_of_var = g_function(z)
    out = []
    for i, step in enumerate(derivation.steps):
        if f.head is not None and step.expr == f.head:  # σ(z) by its name: the output, as the forward pass gives it
            value = G
        else:
            # g(z) in a step is the output kept from the forward pass: the exact g rounded to the type
            value = check.step_value(step.expr, {**substitutions, g_of_var: G})
        precisions = tuple(
            _precision(value.subs(params), z, points, exact[step.quantity], exact["g"], dtype, np)
            for dtype in ("float32", "float64")
        )
        out.append(StepNumerics(i, step.quantity, precisions))
    return out


def _exact(function, x: float):
    import mpmath

    return real_at(function, mpmath.mpf(x))


def _precision(expr: Expr, z: Symbol, points: list[float], exact: list, outputs: list, dtype: str, np) -> Precision:
    from derive.symbols import G

    function = compiled(expr, (z, G), "numpy")
    xs = np.array(points, dtype=dtype)
    gs = np.array([float(g) if g is not None else np.nan for g in outputs], dtype=dtype)
    with np.errstate(all="ignore"):
        values = np.broadcast_to(np.asarray(function(xs, gs), dtype=dtype), xs.shape)
    worst, worst_at, worst_abs, bad = 0.0, None, 0.0, []
    for x, have, want in zip(points, values.tolist(), exact, strict=True):
        if want is None:
            continue
        if not np.isfinite(have):
            bad.append(x)
            continue
        absolute = abs(have - float(want))
        worst_abs = max(worst_abs, absolute)
        err = absolute / abs(float(want)) if abs(want) > 1e-300 else absolute
        if err > worst:
            worst, worst_at = err, x
    return Precision(dtype, worst, worst_at, worst_abs, _runs(bad, points), len(bad))


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


def report(derivation: Derivation, rows: list[StepNumerics]) -> str:
    """A table: each step with its float32 and float64 behaviour."""
    from derive.printing.text import board_text
    from derive.render import walk

    lines = [f"{derivation.function.title}: each step in floating point, z from -1000 to 1000, against mpmath"]
    for line, row in zip(walk(derivation), rows, strict=True):
        lead = f"{line.lhs} = " if line.lhs else "  = "
        lines.append(f"{line.index + 1:>2}. {lead}{board_text(line.step.expr)}")
        lines += [f"      {p}" for p in row.precisions]
    return "\n".join(lines) + "\n"
