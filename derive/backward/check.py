"""A hand-written backward pass, checked: proved equal to the derivative of its forward, or a point where it differs.

``check("act.py:MySwish")`` reads the forward and the backward of an ``autograd.Function`` (or a ``jax.custom_vjp``
pair, a ``custom_jvp`` rule, a class's backward or gradient method, a def and its derivative ``swish_grad``) by
their syntax trees (derive.reading.code.read_backward: nothing is imported or run), derives the forward as every
other command does, and proves the backward's gradient of the input, per unit of the output's gradient
(``grad_output`` = 1), equal to g'(x) with the step prover (derive.proof.prover.prove_equal).  A backward that
differs is shown at a point, with both values to 4 significant digits, and named where one of the mistakes of
``MISTAKES`` reproduces it (sign flipped, a constant factor, g' of the output for g' of the input, ...).  The
catalogue of derive.mark is not used: a backward pass and a marked derivation know nothing of each other.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sympy
from sympy import Expr, Rational, Symbol

from derive.errors import DeriveError

POINTS = tuple(Rational(p) for p in "1/2 -1/2 3/2 -3/2 1 -1 2 -2 5/2 -5/2 3 -3 1/4 -1/4 4 -4 5 -5 7 -7 10 -10".split())
"""Where a backward that differs is shown: the first of these (simple numbers, away from the usual kinks at 0)
where the two values differ in 4 significant digits, else where they differ most."""

PARAMETER_VALUE = Rational(3, 2)
"""A parameter's value where numbers are needed (a point, a mistake's test): 3/2, so a forgotten factor shows."""


@dataclass(frozen=True)
class Mistake:
    """A mistake of hand-written backward passes: its name, what it says, and the wrong gradient it gives."""

    name: str
    says: str
    wrong: Callable[[Expr, Expr, Expr | None, Symbol], Expr | None]  # (g, g', F in y or None, x) -> the wrong g'


def _factor(g: Expr, right: Expr, form: Expr | None, x: Symbol) -> Expr | None:
    return None  # found by the ratio (_constant_factor), not by a formula


MISTAKES: tuple[Mistake, ...] = (
    Mistake("sign-flipped", "the backward is -g'(x): its sign is flipped", lambda g, d, form, x: -d),
    Mistake(
        "input-for-output",
        "the output form F(y) is evaluated at the input x: g' = F(g(x)), not F(x)",
        lambda g, d, form, x: form.subs(_Y, x) if form is not None else None,
    ),
    Mistake(
        "derivative-at-output",
        "g' is evaluated at the output y = g(x), not at the input x",
        lambda g, d, form, x: d.subs(x, g),
    ),
    Mistake("forward-for-derivative", "the backward gives the forward value g(x), not g'(x)", lambda g, d, form, x: g),
    Mistake("constant-factor", "the backward is g'(x) times a constant", _factor),
)
"""Mistakes made writing a backward by hand, most specific first; "constant-factor" is found by the ratio of the
two, and a backward that ignores the output's gradient ("grad-output-dropped") by its form."""

_Y = Symbol("_y")


@dataclass(frozen=True)
class BackwardCheck:
    """The verdict on a hand-written backward pass."""

    target: str
    kind: str  # autograd.Function, custom_vjp, custom_jvp, derivative function, derivative method, backward method
    backward: str  # what computes it: MySwish.backward, swish_fwd, swish_bwd
    variable: Symbol
    forward: Expr  # g(x)
    derivative: Expr  # g'(x), as derive derives it
    gradient: Expr  # the backward's gradient of the input, with grad_output = 1
    holds: bool
    proof: str  # how it was proved, or why it fails
    point: Expr | None = None  # where it differs
    code_value: float | None = None
    derivative_value: float | None = None
    mistake: str | None = None  # a name of MISTAKES that reproduces it, or "grad-output-dropped"
    explanation: str | None = None
    takes_output: bool = False  # a derivative written for the output y = g(x): right as a function of y
    parameters: dict[str, Expr] = field(default_factory=dict)  # the values taken for the point
    conventions: tuple[str, ...] = ()
    seconds: float = 0.0
    incoming: int = 1  # the output's gradient at the point (2 where the backward ignores it)

    def report(self) -> str:
        """The verdict in a few lines, as ``derive check-backward`` prints it."""
        from derive.render.printing.text import board_text

        x = self.variable.name
        lines = [
            f"{self.target}: {self.kind}; forward g({x}) = {board_text(self.forward)}, backward {self.backward}",
            f"  backward, per unit of grad_output: {board_text(self.gradient)}",
            f"  g′({x}) = {board_text(self.derivative)}",
        ]
        lines += [f"  note: read {c}" for c in self.conventions]
        if self.holds:
            how = f" (it takes the output y = g({x}), as PyTorch's sigmoid backward does)" if self.takes_output else ""
            lines.append(f"right: the backward is g′({x})·grad_output{how}, proved {self.proof}")
        else:
            at = f"{x} = {_shown(self.point)}"
            if self.parameters:
                at += " with " + ", ".join(f"{k} = {_shown(v)}" for k, v in self.parameters.items())
            if self.incoming == 1:
                lines.append(
                    f"WRONG: at {at} the backward gives {self.code_value:.4g} per unit of grad_output, "
                    f"g′({x}) = {self.derivative_value:.4g}"
                )
            else:
                lines.append(
                    f"WRONG: at {at} and grad_output = {self.incoming} the backward gives {self.code_value:.4g}, "
                    f"g′({x})·grad_output = {self.derivative_value:.4g}"
                )
            if self.mistake is not None:
                lines.append(f"  mistake: {self.mistake}: {self.explanation}")
            else:
                lines.append("  mistake: none of derive's backward mistakes reproduces it")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        return {
            "target": self.target,
            "kind": self.kind,
            "backward": self.backward,
            "variable": self.variable.name,
            "holds": self.holds,
            "proof": self.proof,
            "point": None if self.point is None else float(self.point),
            "code_value": self.code_value,
            "derivative_value": self.derivative_value,
            "mistake": self.mistake,
            "takes_output": self.takes_output,
            "grad_output": self.incoming,
            "seconds": round(self.seconds, 3),
        }


def _shown(v: Expr | None) -> str:
    if v is None:
        return "?"
    return str(v) if v.is_Integer else f"{float(v):g}"


def check(target: str, backward: str | None = None, var: str | None = None) -> BackwardCheck:
    """Check the hand-written backward of ``FILE.py:NAME`` (``backward``: the def computing its derivative, when
    not found by its name) against the derivative of its forward."""
    from derive.pipeline import derive
    from derive.proof import prover
    from derive.reading.code import read_backward

    start = time.perf_counter()
    path, colon, name = target.rpartition(":")
    if not colon and target.endswith(".py") and Path(target).is_file():
        from derive.reading.code import defined

        raise DeriveError(f"{target} is a file: name its function, {target}:NAME (it defines: {defined(target)})")
    if not colon or not path.endswith(".py") or not all(part.isidentifier() for part in name.split(".")):
        raise DeriveError(f"check-backward takes FILE.py:NAME, not {target!r}")
    hand = read_backward(path, name, var, backward)
    d = derive(hand.forward.expr, hand.forward.variable)  # the forward as read: a class inside a class too
    x, g, right = d.function.variable, d.function.body, d.derivative
    from derive.knowledge.symbols import G

    form = d.output_form.subs(G, _Y) if d.output_form is not None else None
    incoming = hand.incoming
    per_unit = hand.gradient.subs(incoming, 1)
    values = {s: PARAMETER_VALUE for s in (g.free_symbols | hand.gradient.free_symbols) - {x, incoming}}
    common = {
        "target": target,
        "kind": hand.kind,
        "backward": hand.backward,
        "variable": x,
        "forward": g,
        "derivative": right,
        "gradient": per_unit,
        "conventions": tuple(hand.forward.conventions),
    }
    if not hand.gradient.has(incoming) and right != 0:
        point, ours, theirs = _point(hand.gradient, right * 2, x, values)
        return BackwardCheck(
            **common,
            holds=False,
            proof="failed: the backward does not multiply by grad_output",
            point=point,
            code_value=ours,
            derivative_value=theirs,
            mistake="grad-output-dropped",
            explanation="the backward ignores grad_output: right only where grad_output is 1",
            incoming=2,
            parameters={s.name: v for s, v in values.items()},
            seconds=time.perf_counter() - start,
        )
    if not _linear(hand.gradient, incoming, x, values):
        raise DeriveError(f"{hand.backward} is not linear in grad_output: it is not a backward pass")
    proof = prover.prove_equal(per_unit, right, x, domain=g)
    if proof.ok:
        return BackwardCheck(**common, holds=True, proof=str(proof), seconds=time.perf_counter() - start)
    if hand.kind in ("derivative function", "derivative method"):  # sigmoid_derivative(s) = s(1 - s), s = σ(x)
        through = prover.prove_equal(per_unit.subs(x, g), right, x, domain=g)
        if through.ok:
            return BackwardCheck(
                **common, holds=True, proof=str(through), takes_output=True, seconds=time.perf_counter() - start
            )
    point, ours, theirs = _point(per_unit, right, x, values)
    mistake = _mistake(per_unit, g, right, form, x, values)
    return BackwardCheck(
        **common,
        holds=False,
        proof=str(proof),
        point=point,
        code_value=ours,
        derivative_value=theirs,
        mistake=mistake[0] if mistake else None,
        explanation=mistake[1] if mistake else None,
        parameters={s.name: v for s, v in values.items()},
        seconds=time.perf_counter() - start,
    )


check_backward = check


def _value(e: Expr, x: Symbol, at: Expr, values: dict) -> float | None:
    try:
        v = sympy.N(e.subs(values).subs(x, at), 30)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not v.is_real or v.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    return float(v)


def _point(ours: Expr, theirs: Expr, x: Symbol, values: dict) -> tuple[Expr | None, float | None, float | None]:
    """The first point of POINTS where the two differ in 4 significant digits, else where they differ most."""
    best, most = (None, None, None), 0.0
    for at in POINTS:
        a, b = _value(ours, x, at, values), _value(theirs, x, at, values)
        if a is None or b is None:
            continue
        if f"{a:.4g}" != f"{b:.4g}":
            return at, a, b
        gap = abs(a - b) / (1 + abs(b))
        if gap > most:
            best, most = (at, a, b), gap
    return best


def _linear(gradient: Expr, incoming: Symbol, x: Symbol, values: dict) -> bool:
    """gradient(2·grad) = 2·gradient(grad) at a few points: a backward pass is linear in grad_output."""
    for at in POINTS[:6]:
        one = _value(gradient.subs(incoming, 1), x, at, values)
        two = _value(gradient.subs(incoming, 2), x, at, values)
        zero = _value(gradient.subs(incoming, 0), x, at, values)
        if None in (one, two, zero):
            continue
        if abs(two - 2 * one) > 1e-9 * (1 + abs(one)) or abs(zero) > 1e-12:
            return False
    return True


def _agree(a: Expr, b: Expr, x: Symbol, values: dict) -> bool:
    """Equal at every point of POINTS where both are real (to 1e-9), and at three points at least."""
    seen = 0
    for at in POINTS:
        u, v = _value(a, x, at, values), _value(b, x, at, values)
        if u is None or v is None:
            continue
        if abs(u - v) > 1e-9 * (1 + abs(v)):
            return False
        seen += 1
    return seen >= 3


def _mistake(ours: Expr, g: Expr, right: Expr, form: Expr | None, x: Symbol, values: dict) -> tuple[str, str] | None:
    """The first mistake of MISTAKES whose wrong gradient is the backward's, at every point."""
    for mistake in MISTAKES:
        if mistake.name == "constant-factor":
            ratio = _constant_ratio(ours, right, x, values)
            if ratio is not None:
                return mistake.name, f"the backward is {ratio:.4g}·g′(x)"
            continue
        try:
            wrong = mistake.wrong(g, right, form, x)
        except (TypeError, ValueError):
            continue
        if wrong is not None and _agree(ours, wrong, x, values):
            return mistake.name, mistake.says
    return None


def _constant_ratio(ours: Expr, right: Expr, x: Symbol, values: dict) -> float | None:
    ratios = []
    for at in POINTS:
        u, v = _value(ours, x, at, values), _value(right, x, at, values)
        if u is None or v is None or abs(v) < 1e-12:
            continue
        ratios.append(u / v)
    if len(ratios) < 3 or any(abs(r - ratios[0]) > 1e-9 * (1 + abs(ratios[0])) for r in ratios):
        return None
    return ratios[0] if abs(ratios[0] - 1) > 1e-9 else None
