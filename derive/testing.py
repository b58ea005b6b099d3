"""Assertions for users' own tests: identities and derivations, proved as derive proves its steps.

    from derive.testing import assert_identity, assert_derivation

    def test_sigmoid_backward():
        assert_identity("diff(1/(1+exp(-z)), z)", "g*(1-g)", g="1/(1+exp(-z))")
        assert_derivation("tanh", output_form="1 - g**2")

Text is parsed through derive's whitelist (never ``eval`` or ``sympify``); a
failure is an AssertionError that names the point where the two sides differ.
"""

from __future__ import annotations

from sympy import Derivative, Expr, Symbol

from derive.knowledge.symbols import G, variable
from derive.proof import prover
from derive.reading.resolve import expression

__all__ = ["assert_identity", "assert_derivation", "assert_backward", "backward_points", "DEFAULT_ULPS"]


def _parse(text: str | Expr, var: str, definitions: dict[str, str | Expr]) -> Expr:
    expr = text if isinstance(text, Expr) else expression(text, var)
    for name, definition in definitions.items():
        value = definition if isinstance(definition, Expr) else expression(definition, var)
        named = [s for s in expr.free_symbols if s.name == name]
        expr = expr.xreplace(dict.fromkeys(named, value))
    return expr.replace(lambda e: isinstance(e, Derivative), lambda e: e.doit())


def assert_identity(lhs: str | Expr, rhs: str | Expr, var: str = "z", **definitions: str | Expr) -> prover.Proof:
    """Assert lhs = rhs as functions of ``var``; names given as keywords (g="...") are replaced by their definitions.

    Returns the proof (symbolic, or numeric at 30 points and 50 digits).
    """
    z = variable(var)
    left, right = _parse(lhs, var, definitions), _parse(rhs, var, definitions)
    left, right = (e.xreplace({Symbol(var): z}) for e in (left, right))
    proof = prover.prove_equal(left, right, z)
    if not proof.ok:
        raise AssertionError(f"{lhs} = {rhs} does not hold: {proof.detail}")
    return proof


def assert_derivation(target: str | Expr, var: str = "z", order: int = 1, output_form: str | None = None):
    """Assert that derive proves every step of ``target``; with ``output_form``, that g^(order) = F(g) is it.

    ``output_form`` is F in the symbol g ("g*(1-g)"); it is compared by proof, not as text.
    Returns the derivation.
    """
    from derive.pipeline import derive
    from derive.render.printing.text import board_text

    derivation = derive(target, var=var, order=order, on_failure="record")
    for i, proof in derivation.failures:
        raise AssertionError(f"step {i + 1} of {derivation.name} ({derivation.steps[i].expr}) fails: {proof.detail}")
    if output_form is not None:
        found = derivation.output_form
        if found is None:
            raise AssertionError(
                f"{derivation.name}: no output form ({derivation.verdict.summary().fill(board_text)}); "
                f"expected {output_form}"
            )
        want = expression(output_form, "g").xreplace({variable("g"): G})
        want = want.xreplace({s: G for s in want.free_symbols if s.name == "g"})
        body = derivation.function.body
        proof = prover.prove_equal(found.subs(G, body), want.subs(G, body), derivation.variable)
        if not proof.ok:
            raise AssertionError(f"{derivation.name}: the output form is {found}, not {output_form}: {proof.detail}")
    return derivation


DEFAULT_ULPS = 16
"""assert_backward's default tolerance: 16 units in the last place of the exact value.  A backward
formula that rounds well is within 2 to 4 (y(1 - y), (1 - y)(1 + y)); one that cancels is off by
thousands to millions (1 - e^{-y} for softplus in float32 near y = 0)."""


def backward_points(target: str, dtype: str = "float64", var: str | None = None, params: dict | None = None) -> list:
    """Where assert_backward tries a backward: |z| from 1e-8 to 700 on both sides (40 a decade's
    worth, log-spaced), 0, and each side of every kink (the nearest representable numbers and
    1e-6 away), rounded to dtype; points where g or g' overflows dtype are left out."""
    from derive.pipeline import derive

    d = derive(target, var=var)
    return _points(d, dtype, _parameter_values(d, params))


def _points(d, dtype: str, values: dict) -> list:
    """backward_points for a derivation, its parameters at ``values``."""
    import mpmath
    import numpy as np

    from derive.engine.compute import compiled, real_at

    z = d.variable
    magnitudes = np.logspace(-8, np.log10(700), 200)
    points = [0.0, *magnitudes.tolist(), *(-magnitudes).tolist()]
    for kink in d.verdict.kinks:
        at = float(kink.at.subs(values))
        for side in (-np.inf, np.inf):
            near = np.dtype(dtype).type(at)
            for _ in range(2):
                near = np.nextafter(near, np.dtype(dtype).type(side))
                points.append(float(near))
            points.append(at + (1e-6 if side > 0 else -1e-6) * max(1.0, abs(at)))
    limit = float(np.finfo(dtype).max)
    g = compiled(d.function.body.subs(values), z, "mpmath")
    slope = compiled(d.derivative.subs(values), z, "mpmath")
    kept = []
    with mpmath.workdps(30):
        for x in sorted({float(np.dtype(dtype).type(p)) for p in points}):
            y, dy = real_at(g, mpmath.mpf(x)), real_at(slope, mpmath.mpf(x))
            if y is not None and dy is not None and abs(y) < limit and abs(dy) < limit:
                kept.append(x)
    return kept


def _parameter_values(d, params: dict | None) -> dict:
    """The parameters at the values given by name, else at 1."""
    given = params or {}
    return {s: given.get(s.name, 1.0) for s in d.function.body.free_symbols - {d.variable}}


def assert_backward(
    fn,
    target: str,
    *,
    saves: str | None = None,
    dtype: str = "float64",
    ulps: float = DEFAULT_ULPS,
    params: dict | None = None,
    var: str | None = None,
) -> int:
    """Assert that a backward pass computes g'(x) of ``target``, point by point (backward_points), to
    ``ulps`` units in the last place of dtype, times 1 + the condition number of the formula at its
    argument (|x·g''(x)/g'(x)|, or |y·F'(y)/F(y)| from the output: what rounding the intermediate
    values costs any formula), against derive's proved derivative in mpmath (50 digits, more where it cancels).

    ``fn`` is one of:

    - a callable ``(grad, saved) -> grad_input`` on NumPy arrays, with ``saves`` naming what ``saved``
      is: "input" (x) or "output" (y = g(x), the exact value rounded to dtype);
    - a ``torch.autograd.Function`` subclass (called as ``fn.apply(x, *params)``), or any function of
      torch tensors, differentiated by ``torch.autograd.grad``;
    - a JAX function (a ``jax.custom_vjp`` one), differentiated by ``jax.vjp``.

    A backward is judged on what it was given: it passes a point where it is near g'(x) or, when an
    output form exists, near F(y) at the output y it saw (F the proved output form, so the
    information lost by rounding y is not counted against it).  The parameters take the values
    in ``params`` by name (else 1), passed to torch and JAX functions in the order of their names.
    Returns the number of points compared; the failure names the first point that differs, the
    expected and actual values and the error in ULPs.
    """
    import mpmath
    import numpy as np
    from sympy import diff

    from derive.backward.stable import stable
    from derive.engine.compute import compiled, real_at
    from derive.pipeline import derive

    d = derive(target, var=var)
    z = d.variable
    values = _parameter_values(d, params)
    ordered = [values[s] for s in sorted(values, key=lambda s: s.name)]
    xs = np.array(_points(d, dtype, values), dtype=dtype)
    # the reference in its stable form (GELU's 1 + erf(u) as erfc(-u)): mpmath keeps only 40 digits
    slope = stable(d.derivative.subs(values))
    references = [(compiled(slope, z, "mpmath"), compiled(diff(slope, z), z, "mpmath"), "x")]
    form = d.output_form
    if form is not None and not form.has(z):
        y = Symbol("y", real=True)  # the output is real: d|y|/dy is sign(y)
        f = stable(form.subs(values)).xreplace({G: y})
        references.append((compiled(f, y, "mpmath"), compiled(diff(f, y), y, "mpmath"), "y"))
    if saves not in (None, "input", "output"):
        raise ValueError(f"saves is 'input' or 'output', not {saves!r}")
    if saves == "output" and len(references) == 1:
        raise AssertionError(f"{d.name} has no output form: a backward cannot be computed from its output alone")
    g = compiled(d.function.body.subs(values), z, "mpmath")
    with mpmath.workdps(40):
        outputs = np.array([float(real_at(g, mpmath.mpf(float(x)))) for x in xs], dtype=dtype)
    actual, seen = _run_backward(fn, saves, xs, outputs, ordered, dtype)
    with mpmath.workdps(40):
        for x, y, have in zip(xs.tolist(), seen.tolist(), actual.tolist(), strict=True):
            # the truth at x, and F at the output the backward saw: a backward is right if it is near either
            judged = [_judge(have, value, slope, x if at == "x" else y, dtype) for value, slope, at in references]
            judged = [j for j in judged if j is not None]
            if judged and all(error > ulps * (1 + condition) for error, condition, _ in judged):
                error, condition, want = min(judged, key=lambda j: j[0] / (1 + j[1]))
                raise AssertionError(
                    f"{d.name}'s backward at z = {x!r} ({dtype}): expected {want!r}, got {have!r}, "
                    f"{error:.3g} ULPs off (tolerance {ulps} x (1 + condition number {condition:.3g}))"
                )
    return len(xs)


def _judge(have: float, value, slope, at: float, dtype: str) -> tuple[float, float, float] | None:
    """(the error in ULPs, the condition number |a·f'(a)/f(a)| of the formula at its argument a, the
    exact value), or None where the exact value is not a finite real."""
    from derive.proof.numerics import exact_value

    want, rate = exact_value(value, at), exact_value(slope, at)
    if want is None:
        return None
    condition = float(min(abs(at * rate / want), 1e300)) if rate is not None and want != 0 else 1e300
    return _ulps(have, float(want), dtype), condition, float(want)


def _ulps(have: float, want: float, dtype: str) -> float:
    """|have - want| in units in the last place of want in dtype; below the smallest normal number the
    unit is that number (a result that underflows to 0 or to a subnormal is not counted as wrong)."""
    import numpy as np

    if not np.isfinite(have):
        return float("inf")
    tiny = float(np.finfo(dtype).tiny)
    unit = max(float(np.spacing(np.dtype(dtype).type(abs(want)))), tiny)
    return abs(have - want) / unit


def _run_backward(fn, saves, xs, outputs, params: list, dtype: str):
    """(the backward's values, the output each one saw) for a grad of ones."""
    import numpy as np

    if saves is not None:
        saved = outputs if saves == "output" else xs
        with np.errstate(all="ignore"):
            result = np.asarray(fn(np.ones_like(xs), saved.copy()), dtype=dtype)
        return np.broadcast_to(result, xs.shape), outputs
    kind = type(fn).__module__.split(".")[0] + "." + type(fn).__name__
    if "jax" in kind or "jax" in getattr(fn, "__module__", ""):
        return _run_jax(fn, xs, params, dtype)
    return _run_torch(fn, xs, params, dtype)


def _run_torch(fn, xs, params, dtype):
    import numpy as np
    import torch

    x = torch.tensor(xs, dtype=getattr(torch, dtype), requires_grad=True)
    call = fn.apply if isinstance(fn, type) and issubclass(fn, torch.autograd.Function) else fn
    y = call(x, *params)
    (grad,) = torch.autograd.grad(y, x, torch.ones_like(y))
    return grad.detach().numpy().astype(dtype), np.asarray(y.detach().numpy(), dtype=dtype)


def _run_jax(fn, xs, params, dtype):
    import jax
    import numpy as np

    if dtype == "float64" and not jax.config.read("jax_enable_x64"):
        raise ValueError("float64 in JAX needs jax.config.update('jax_enable_x64', True) before any array is made")
    x = jax.numpy.asarray(xs, dtype=dtype)
    y, vjp = jax.vjp(lambda u: fn(u, *params), x)
    (grad,) = vjp(jax.numpy.ones_like(y))
    return np.asarray(grad, dtype=dtype), np.asarray(y, dtype=dtype)
