"""The top-level ``derive()``: parse, rule tree, steps, output form, check; then render on demand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mpmath
from sympy import Expr, Symbol, count_ops

from derive import output_form, verify
from derive.engine import compute, rules, steps
from derive.engine.reasons import Note, Reason, equation
from derive.errors import DeriveError, StepCheckError
from derive.knowledge import registry
from derive.knowledge.symbols import g_function, in_g, renaming
from derive.proof import prover
from derive.reading.resolve import Function, resolve

MAX_ORDER = 4
ON_FAILURE = ("raise", "record")


def derive(
    target: str | Expr,
    var: str | None = None,
    order: int = 1,
    on_failure: str = "raise",
    notation: str = "auto",
    files: bool = True,
) -> Derivation:
    """Differentiate an activation step by step: a library name, ``file.py:name`` (a def or an
    nn.Module of a Python file, read without running it; ``files=False`` refuses those), or a text.

    The text is math notation, SymPy syntax, LaTeX or code (``notation``: "auto", "math", "latex",
    "code"), a definition (f(x) = ...: f names the function in every output) or a derivative
    operator around the function (d/dx tanh x, \frac{d^2}{dz^2} σ(z): its order, unless ``order`` is
    given too); without ``var`` the variable is the one the text names, else z, or the one the
    expression uses (derive.reading.resolve).

    Every step is proved equal to its quantity; a step that fails is a bug in derive, raised as a
    StepCheckError (``on_failure="raise"``) or kept in ``proofs`` for the caller to report
    (``on_failure="record"``: ``derive check``, ``derive.testing``).
    """
    if not 1 <= order <= MAX_ORDER:
        raise DeriveError(f"the order must be from 1 to {MAX_ORDER}, not {order}")
    if on_failure not in ON_FAILURE:
        raise DeriveError(f"on_failure must be one of {', '.join(ON_FAILURE)}, not {on_failure!r}")
    with compute.safety_limit():  # bounded by sizes, never by time: this only stops a runaway, with an error
        function = resolve(target, var, notation, files)  # parse
        return _derive(function, _order(function, order), on_failure)


def _order(function: Function, order: int) -> int:
    """The order asked for: the derivative operator's (d^2/dz^2 ...) unless ``order`` says another too."""
    if not function.order or function.order == order:
        return order
    if order != 1:
        raise DeriveError(
            f"the target asks for the derivative of order {function.order} and order {order} is given too: say it once"
        )
    if function.order > MAX_ORDER:
        raise DeriveError(f"the order must be from 1 to {MAX_ORDER}, not {function.order}")
    return function.order


def _derive(function: Function, order: int, on_failure: str) -> Derivation:
    _refuse_infinite_pieces(function)
    z = function.variable
    tree = rules.rule_tree(function.body, z)  # rule tree
    derivative = tree.derivative  # an UnknownRule anywhere in the tree raises CannotDifferentiateError here
    lines = steps.definition_steps(function.head, function.body, z) + steps.derivative_steps(tree)  # steps
    verdict = output_form.analyse(function.body, derivative, z)  # output form
    # every move of derive.engine.simplest where no output form follows, or where it is longer than g' (a
    # cubic's cube roots): a teacher writes g' at its simplest first; the lecture's run on to g(1 - g)
    long_form = verdict.form is not None and count_ops(verdict.form.expr) > count_ops(derivative)
    lines += steps.simplest_steps(lines[-1], derivative, thorough=verdict.form is None or long_form)
    if verdict.form is not None:
        lines += output_form.output_steps(verdict.form, function.body, z)
    derivatives = [derivative]
    forms = [verdict.form.expr if verdict.form is not None else None]
    for k in range(2, order + 1):
        more, derivative, form = output_form.higher_steps(k, derivatives[-1], forms[-1], forms[0], z)
        lines += more
        derivatives.append(derivative)
        forms.append(form)
    derivation = Derivation(function, tree, steps.without_repeats(lines), derivatives, verdict, forms)
    derivation.proofs = verify.prove_steps(derivation)  # every step proved
    if on_failure == "raise":
        derivation.raise_on_failure()
    return derivation


def _refuse_infinite_pieces(function: Function) -> None:
    """A function with a piece that is no finite number on a whole interval (log 0 in log(relu6(z)) for
    z ≤ 0) is refused: it is not a real function there, and no step would say so."""
    from sympy import Piecewise, S

    from derive.engine import piecewise
    from derive.render.printing.text import board_text

    if not function.body.has(Piecewise, *registry.by_pieces("corners")):
        return
    shaped = piecewise.as_piecewise(function.body)
    for expr, condition in shaped.args if isinstance(shaped, Piecewise) else ():
        if condition is not S.false and _no_real_value(expr):
            where = "elsewhere" if condition is S.true else f"where {board_text(condition)}"
            raise DeriveError(f"{function.name} is no finite real number {where}: derive differentiates real functions")


def _no_real_value(piece: Expr) -> bool:
    """A piece that is infinite, NaN, or a number with no real value (erfinv(6) where relu6 is 6)."""
    from sympy import S

    if piece.has(S.ComplexInfinity, S.NaN, S.Infinity, S.NegativeInfinity):
        return True
    if not piece.is_number:
        return False
    try:
        return piece.evalf(15).is_extended_real is False
    except (ValueError, TypeError, ArithmeticError):
        return True


REALITY_POINTS = [mpmath.mpf(k) / 10 + mpmath.mpf(1) / 997 for k in range(-40, 41)]
"""Where a function whose steps could not be checked is looked at for a real value (off the integers,
where functions have their special points)."""


def _nowhere_real(body: Expr, var: Symbol) -> bool:
    """Whether g has no finite real value at any of REALITY_POINTS (acosh(sin z), log(-1 - z²))."""
    at_one = compute.printable(body.subs({p: 1 for p in body.free_symbols - {var}}))
    try:
        f = compute.compiled(at_one, var, "mpmath")
    except Exception:  # noqa: BLE001 - nothing to evaluate: let the step's own failure speak
        return False
    with mpmath.workdps(30):
        return all(compute.real_at(f, x) is None for x in REALITY_POINTS)


@dataclass
class Derivation:
    """The result of ``derive``: the steps, the derivative and its output form, every step's proof."""

    function: Function
    tree: rules.Rule
    steps: list[steps.Step]
    derivatives: list[Expr]
    verdict: output_form.Verdict
    forms: list[Expr | None]
    proofs: list[prover.Proof] = field(default_factory=list)

    is_chain = False  # its lines say which quantity they equal (g(z) = ..., g'(z) = ...)

    @property
    def order(self) -> int:
        return len(self.derivatives)

    @property
    def derivative(self) -> Expr:
        """The derivative of the highest order asked for, evaluated."""
        return self.derivatives[-1]

    @property
    def output_form(self) -> Expr | None:
        """F with g^(n) = F(g), in the symbol g; None when none exists or none was found."""
        return self.forms[-1]

    @property
    def output_form_of_g(self) -> Expr | None:
        """F(g(z)): the output form with g(z) for g."""
        return in_g(self.output_form, self.variable) if self.output_form is not None else None

    @property
    def name(self) -> str:
        return self.function.name

    @property
    def title(self) -> str:
        return self.function.title

    @property
    def section_title(self) -> str:
        return f"Derivative of {self.function.title}"

    @property
    def variable(self) -> Symbol:
        return self.function.variable

    @property
    def failures(self) -> list[tuple[int, prover.Proof]]:
        """The steps that could not be proved, by index."""
        return [(i, p) for i, p in enumerate(self.proofs) if not p.ok]

    def raise_on_failure(self) -> None:
        if self.failures:
            if _nowhere_real(self.function.body, self.variable):  # no step could be checked: not a bug
                raise DeriveError(
                    f"{self.name} has no real value at any of {len(REALITY_POINTS)} points from -4 to 4 "
                    "(parameters 1): derive differentiates real functions"
                )
            i, proof = self.failures[0]
            raise StepCheckError(f"step {i + 1} of {self.name} does not hold ({proof.detail}): a bug in derive")

    def heading(self) -> Reason:
        """The first line of a text rendering: the function's title and g (or its own name)."""
        g = g_function(self.variable)
        heading = Reason.of("{title}: {definition}", title=self.title, definition=equation(g, self.steps[0].expr))
        return heading.substitute(self.renaming)

    def notes(self) -> list[Note]:
        """What every format writes under the steps: how conventional spellings were read, the verdict, kinks."""
        readings = [Note(Reason.of("read {spelling}", spelling=c)) for c in self.function.conventions]
        return readings + [note.substitute(self.renaming) for note in self.verdict.notes()]

    @property
    def renaming(self) -> dict:
        """g, g(z) and g' as the outputs write them: the function's own name where it has one (f(x) = ...)."""
        return renaming(self.function.symbol, self.variable)

    def render(self, fmt: str = "text", **options: Any) -> str:
        """The derivation in a format of derive.render (text, latex, markdown, json, html, beamer, ...)."""
        from derive import render

        return render.render([self], fmt, **options)

    def to_dict(self) -> dict[str, Any]:
        """The derivation as plain data (what ``render("json")`` writes)."""
        from derive.render import json

        return json.to_dict(self)

    def _repr_markdown_(self) -> str:
        return self.render("markdown")

    def _repr_latex_(self) -> str:
        return "$$" + self.render("latex", environment="aligned") + "$$"


def clear_caches(sympy_too: bool = True) -> None:
    """Forget the verdicts, proofs and compiled functions computed so far (and SymPy's cache, by default)."""
    from sympy.core.cache import clear_cache

    from derive.engine import simplest

    simplest.simplest.cache_clear()
    output_form.analyse.cache_clear()
    prover.prove_equal.cache_clear()
    compute.compiled.cache_clear()
    if sympy_too:
        clear_cache()
