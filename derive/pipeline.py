"""The top-level ``derive()``: parse, build the rule tree, linearise, rewrite to the output form, check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sympy import Derivative, Dummy, Expr, Symbol, diff, expand
from sympy.core.function import AppliedUndef

from derive import activations, board, check, compute, existence, output_form, rules, steps
from derive.errors import DeriveError, NoVariableError, StepCheckError
from derive.parse import parse_expression, symbol

_IDENTIFIER = re.compile(r"[A-Za-z_σ][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Function:
    """What is differentiated: g(var) = head (by name) = body (written out)."""

    name: str
    title: str
    variable: Symbol
    head: Expr | None
    body: Expr


def resolve(target: str | Expr, var: str = "z") -> Function:
    """A library name or an expression (SymPy syntax, through the whitelist) as a Function."""
    z = symbol(var, variable=True)
    if isinstance(target, Expr):
        body = target.subs(Symbol(var), z)
        return _checked(Function(str(target), str(target), z, None, body), var)
    text = target.strip()
    if _IDENTIFIER.fullmatch(text) and text != var:
        entry = activations.require(text)
        head, body = entry.build(z)
        return Function(entry.name, entry.title, z, head, body)
    body = parse_expression(text, var)
    if not body.has(z) and var == "z" and len(body.free_symbols) == 1:
        (only,) = body.free_symbols
        return resolve(text, only.name)
    return _checked(Function(text, text, z, None, body), var)


def _checked(function: Function, var: str) -> Function:
    if not function.body.has(function.variable):
        raise NoVariableError(f"the expression does not depend on the variable {var}")
    return function


@dataclass
class Derivation:
    """The result of ``derive``: the steps, the derivative and its output form."""

    function: Function
    tree: rules.Rule
    steps: list[steps.Step]
    derivatives: list[Expr]
    verdict: existence.Verdict
    forms: list[Expr | None]
    proofs: list[check.Proof] = field(default_factory=list)

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
    def name(self) -> str:
        return self.function.name

    @property
    def variable(self) -> Symbol:
        return self.function.variable

    def to_latex(self, **options: Any) -> str:
        from derive.render import latex

        return latex.render(self, **options)

    def to_text(self) -> str:
        from derive.render import text

        return text.render(self)

    def to_dict(self) -> dict[str, Any]:
        from derive.render import json

        return json.to_dict(self)

    def to_markdown(self) -> str:
        from derive.render import markdown

        return markdown.render(self)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _repr_latex_(self) -> str:
        return "$$" + self.to_latex(environment="aligned") + "$$"


def clear_caches(sympy_too: bool = True) -> None:
    """Forget the verdicts, proofs and compiled functions computed so far (and SymPy's cache, by default)."""
    from sympy.core.cache import clear_cache

    existence.analyse.cache_clear()
    check.prove_equal.cache_clear()
    compute.compiled.cache_clear()
    if sympy_too:
        clear_cache()


MAX_ORDER = 4


def derive(target: str | Expr, var: str = "z", order: int = 1, check_steps: bool = True) -> Derivation:
    """Differentiate an activation step by step: a library name or an expression in ``var``."""
    if not 1 <= order <= MAX_ORDER:
        raise DeriveError(f"the order must be from 1 to {MAX_ORDER}, not {order}")
    function = resolve(target, var)
    tree = rules.rule_tree(function.body, function.variable)
    derivative = tree.derivative  # an UnknownRule anywhere in the tree raises CannotDifferentiateError here
    lines = steps.definition_steps(function.head, function.body, function.variable)
    lines += steps.derivative_steps(tree)
    verdict = existence.analyse(function.body, derivative, function.variable)
    g_of_var = output_form.g_function(function.variable)
    if verdict.form is not None:
        lines += output_form.output_steps(verdict.form, function.body, g_of_var, steps.quantity_name(1))
    derivatives = [derivative]
    forms = [verdict.form.expr if verdict.form is not None else None]
    for k in range(2, order + 1):
        more, derivative, form = higher_steps(k, derivatives[-1], forms[-1], forms[0], g_of_var)
        lines += more
        derivatives.append(derivative)
        forms.append(form)
    derivation = Derivation(function, tree, lines, derivatives, verdict, forms)
    if check_steps:
        derivation.proofs = prove_steps(derivation)
        failed = [(i, p) for i, p in enumerate(derivation.proofs) if not p.ok]
        if failed:
            i, proof = failed[0]
            raise StepCheckError(f"step {i + 1} of {function.name} does not hold ({proof.detail}): a bug in derive")
    return derivation


def higher_steps(
    k: int, previous: Expr, previous_form: Expr | None, first_form: Expr | None, g_of_var: Expr
) -> tuple[list[steps.Step], Expr, Expr | None]:
    """The lines of g^(k) from g^(k-1): through g when g' = F(g) is known, else in z."""
    z = g_of_var.args[0]
    quantity = steps.quantity_name(k)
    if previous_form is not None:
        source = previous_form.subs(output_form.G, g_of_var)
        known = {g_of_var: first_form.subs(output_form.G, g_of_var)}
        why = f"differentiate the line above; g(z) is a function of {z} with g' = F(g)"
    else:
        source, known, why = previous, None, "differentiate the line above"
    tree = rules.rule_tree(source, z, known)
    lines = [steps.Step(quantity, Derivative(board.board_form(source), z), ("derivative",), why)]
    lines += steps.derivative_steps(tree, order=k)
    form = None
    if previous_form is not None:
        real = Dummy("g", real=True)  # g is real: d|g|/dg = sign(g), not SymPy's complex form
        slope = diff(previous_form.subs(output_form.G, real), real).subs(real, output_form.G)
        form = output_form.display_form(expand(slope * first_form))
        shown = board.substitute(board.board_form(form), {output_form.G: g_of_var})
        if shown != lines[-1].expr:
            lines.append(steps.Step(quantity, shown, ("collect",), "collect the result as a function of g"))
    return lines, diff(previous, z), form


def reference_quantities(derivation: Derivation) -> tuple[dict[str, Expr], dict[Expr, Expr]]:
    """What each step must equal (g, g', ... by SymPy's diff), and the substitutions that define g(z)."""
    f = derivation.function
    z = f.variable
    reference = {steps.quantity_name(k): diff(f.body, z, k) for k in range(derivation.order + 1)}
    substitutions = {output_form.g_function(z): f.body}
    if isinstance(f.head, AppliedUndef):  # a name the library gave it: true by definition
        substitutions[f.head] = f.body
    return reference, substitutions


def prove_steps(derivation: Derivation) -> list[check.Proof]:
    """A proof for every step that it equals its quantity (g, or g' = d/dz g by SymPy's diff)."""
    f = derivation.function
    reference, substitutions = reference_quantities(derivation)
    proofs = []
    for step in derivation.steps:
        if step.expr == f.head and isinstance(f.head, AppliedUndef):
            proofs.append(check.Proof("symbolic", f"by definition of {f.name}"))
            continue
        value = check.step_value(step.expr, substitutions)
        proofs.append(check.prove_equal(value, reference[step.quantity], f.variable))
    return proofs
