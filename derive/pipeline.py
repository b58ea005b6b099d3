"""The top-level ``derive()``: parse, rule tree, steps, output form, check; then render on demand."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sympy import Expr, Symbol, count_ops

from derive import check, compute, output_form, rules, steps
from derive.errors import DeriveError, StepCheckError
from derive.reasons import Note, Reason, equation
from derive.resolve import Function, resolve
from derive.symbols import g_function, in_g

MAX_ORDER = 4
ON_FAILURE = ("raise", "record")


def derive(
    target: str | Expr, var: str | None = None, order: int = 1, on_failure: str = "raise", notation: str = "auto"
) -> Derivation:
    """Differentiate an activation step by step: a library name or an expression in ``var``.

    The expression is math notation, SymPy syntax or LaTeX (``notation``: "auto", "math", "latex");
    without ``var`` the variable is z, or the one the expression uses (derive.resolve).

    Every step is proved equal to its quantity; a step that fails is a bug in derive, raised as a
    StepCheckError (``on_failure="raise"``) or kept in ``proofs`` for the caller to report
    (``on_failure="record"``: ``derive check``, ``derive.testing``).
    """
    if not 1 <= order <= MAX_ORDER:
        raise DeriveError(f"the order must be from 1 to {MAX_ORDER}, not {order}")
    if on_failure not in ON_FAILURE:
        raise DeriveError(f"on_failure must be one of {', '.join(ON_FAILURE)}, not {on_failure!r}")
    with compute.safety_limit():  # bounded by sizes, never by time: this only stops a runaway, with an error
        return _derive(target, var, order, on_failure, notation)


def _derive(target: str | Expr, var: str | None, order: int, on_failure: str, notation: str) -> Derivation:
    function = resolve(target, var, notation)  # parse
    z = function.variable
    tree = rules.rule_tree(function.body, z)  # rule tree
    derivative = tree.derivative  # an UnknownRule anywhere in the tree raises CannotDifferentiateError here
    lines = steps.definition_steps(function.head, function.body, z) + steps.derivative_steps(tree)  # steps
    verdict = output_form.analyse(function.body, derivative, z)  # output form
    # every move of derive.simplest where no output form follows, or where it is longer than g' (a
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
    derivation.proofs = check.prove_steps(derivation)  # check
    if on_failure == "raise":
        derivation.raise_on_failure()
    return derivation


@dataclass
class Derivation:
    """The result of ``derive``: the steps, the derivative and its output form, every step's proof."""

    function: Function
    tree: rules.Rule
    steps: list[steps.Step]
    derivatives: list[Expr]
    verdict: output_form.Verdict
    forms: list[Expr | None]
    proofs: list[check.Proof] = field(default_factory=list)

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
    def failures(self) -> list[tuple[int, check.Proof]]:
        """The steps that could not be proved, by index."""
        return [(i, p) for i, p in enumerate(self.proofs) if not p.ok]

    def raise_on_failure(self) -> None:
        if self.failures:
            i, proof = self.failures[0]
            raise StepCheckError(f"step {i + 1} of {self.name} does not hold ({proof.detail}): a bug in derive")

    def heading(self) -> Reason:
        """The first line of a text rendering: the function's title and g."""
        g = g_function(self.variable)
        return Reason.of("{title}: {definition}", title=self.title, definition=equation(g, self.steps[0].expr))

    def notes(self) -> list[Note]:
        return self.verdict.notes()

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

    from derive import simplest

    simplest.simplest.cache_clear()
    output_form.analyse.cache_clear()
    check.prove_equal.cache_clear()
    compute.compiled.cache_clear()
    if sympy_too:
        clear_cache()
