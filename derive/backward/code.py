"""What the three code printers share: derive's functions by their registry names, pieces as nested
``where`` whose constants take the array's dtype, numbers as floats.

Each framework module subclasses SymPy's own printer for its library (NumPyPrinter, JaxPrinter,
TorchPrinter) with this mixin and registers itself in derive.backward.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from sympy import Expr, Piecewise, S, Symbol
from sympy.logic.boolalg import BooleanTrue

from derive.backward.names import conventional, docstring_text
from derive.errors import DeriveError
from derive.knowledge import registry

if TYPE_CHECKING:
    from derive.backward import Parameter, Plan


class CodeMixin:
    """Overrides for SymPy's array printers; ``like`` names the array a constant takes its dtype from."""

    framework = ""  # the registry's field: "numpy", "torch", "jax"
    where = ""  # the module's where(condition, a, b)

    def _constant_like(self, value: str) -> str:  # pragma: no cover - every framework defines it
        raise NotImplementedError

    def _print_Piecewise(self, expr: Piecewise) -> str:
        return self._pieces(expr.args)

    def _pieces(self, pieces: tuple) -> str:
        """where(c1, e1, where(c2, e2, ... e_n)): the last piece (its condition True) is the default."""
        (value, condition), rest = pieces[0], pieces[1:]
        if isinstance(condition, BooleanTrue):
            return self._leaf(value)
        other = self._pieces(rest) if rest else self._leaf(S.NaN)
        return f"{self._module_format(self.where)}({self._print(condition)}, {self._leaf(value)}, {other})"

    def _leaf(self, value: Expr) -> str:
        """A piece's value; a constant one as an array of the input's dtype (a float32 input stays float32)."""
        if value.is_number:
            return self._constant_like(self._print(value))
        return self._print(value)

    def _print_Function(self, expr: Expr) -> str:
        name = self._registry_name(expr)
        if name is not None:
            return f"{self._module_format(name)}({', '.join(self._print(a) for a in expr.args)})"
        return super()._print_Function(expr)

    def _registry_name(self, expr: Expr) -> str | None:
        entry = registry.entry_by_class_name(type(expr).__name__)
        return getattr(entry, self.framework, None) if entry is not None else None

    def _print_erf(self, expr: Expr) -> str:
        # SymPy's Python printers know erf as math.erf, which takes one float: the framework's own
        name = self._registry_name(expr)
        return f"{self._module_format(name)}({self._print(expr.args[0])})"

    _print_erfc = _print_erf

    def _print_number(self, expr: Expr) -> str:
        """π, √2, e: their float value (the frameworks' functions take no SymPy constants)."""
        return repr(float(expr.evalf(20)))

    def _print(self, expr, **kwargs) -> str:
        if isinstance(expr, Expr) and expr.is_number and not (expr.is_Integer or expr.is_Float or expr.is_Rational):
            return self._print_number(expr)
        return super()._print(expr, **kwargs)


def formulas(plan: Plan, printer: CodeMixin) -> tuple[str, str, str]:
    """(what is kept: "y" or "x", the forward's code, the gradient's code), each printed by printer."""
    keep, gradient = gradient_code(plan, printer)
    return keep, printer.doprint(in_code(plan, plan.forward)), gradient


def gradient_code(plan: Plan, printer: CodeMixin) -> tuple[str, str]:
    """(what is kept: "y" or "x", the gradient's code); a constant piece of the gradient takes the dtype
    of what is kept."""
    keep = "y" if plan.saves == "output" else "x"
    printer._settings["like"] = keep
    gradient = printer.doprint(in_code(plan, plan.gradient))
    printer._settings["like"] = "x"
    return keep, gradient


def module(
    framework: str,
    plans: Sequence[Plan],
    command: str,
    printer: CodeMixin,
    function: Callable[[Plan, CodeMixin], list[str]],
    imported: Sequence[str],
    shared: Sequence[str] = (),
) -> str:
    """The module's source: its docstring, imports (``imported`` and what the printer used), the
    ``shared`` helpers, each plan's functions, then FUNCTIONS and SAVES."""
    body = [line for plan in plans for line in function(plan, printer)]
    modules = {**dict.fromkeys(imported, set()), **printer.module_imports}
    # names.MODULES is what the names are kept from; a printer that imports more must be added there
    named = {n for plan in plans for n in (plan.name, *(p.name for p in plan.parameters))}
    shadowed = named & {m.split(".")[0] for m in modules}
    if shadowed:
        raise DeriveError(f"{', '.join(sorted(shadowed))} would shadow a module the code imports: a bug in derive")
    head = [*header(framework, plans, command), "", *imports(modules), *shared]
    return "\n".join([*head, *body, "", "", *tables(plans)]) + "\n"


def code_symbols(plan: Plan) -> dict[Symbol, Symbol]:
    """derive's symbols to the code's names: the variable x, the output y, the parameters by keyword."""
    from derive.knowledge.symbols import G

    names = {plan.variable: Symbol("x", real=True), G: Symbol("y", real=True)}
    names.update({p.symbol: Symbol(p.name, positive=True) for p in plan.parameters})
    return names


def in_code(plan: Plan, expr: Expr) -> Expr:
    return expr.xreplace(code_symbols(plan))


def used(plan: Plan, expr: Expr) -> list[Parameter]:
    """The parameters a formula uses, in the plan's order (unused names are not bound: ruff F841)."""
    return [p for p in plan.parameters if expr.has(p.symbol)]


def docstring(plan: Plan, indent: str) -> str:
    """What a generated function says of itself: g, its backward, what it saves and why that is valid,
    how derive proved it and how its formula rounds."""
    from derive.engine.board import board_form
    from derive.render.printing.text import board_text

    def text(e: Expr) -> str:
        return board_text(board_form(in_code(plan, e)))

    kept = "the output y = g(x)" if plan.saves == "output" else "the input x"
    lines = [f"{plan.title}: g(x) = {text(plan.definition)}.", ""]
    if plan.form is not None:
        lines.append(f"Output form: g'(x) = {text(plan.form)}, with y = g(x).")
    lines += [
        f"Backward: grad * ({text(plan.gradient)}), from {kept}.",
        f"Saves: {kept} only; {plan.condition}.",
        f"Proved: {plan.proof.method} ({plan.proof.detail}), as `derive check` proves each step.",
        "Rounding of the backward formula, against mpmath at the same "
        + ("output" if plan.saves == "output" else "input")
        + ": "
        + "; ".join(f"{p.dtype} worst {p.worst_relative_error:.1e}" for p in plan.precision)
        + ".",
    ]
    lost = [p for p in plan.kept if p.worst_relative_error > 1e-6 * (1 if p.dtype == "float32" else 1e-6)]
    if lost:
        where = "; ".join(f"{p.dtype} worst {p.worst_relative_error:.1e} at x = {p.worst_at:g}" for p in lost)
        lines.append(
            "Keeping the output loses digits where g saturates (y rounds to its limit and F(y) keeps only "
            f"what is left): against the true g'(x), {where}."
        )
    if plan.parameters:
        lines.append("Parameters: " + ", ".join(f"{p.name}={p.default!r}" for p in plan.parameters) + ".")
    renamed = [p for p in plan.parameters if not conventional(p.symbol.name, p.name)]
    if renamed:
        lines.append(
            "Renamed from the input: "
            + ", ".join(f"{p.symbol.name} as {p.name}" for p in renamed)
            + " (a parameter is no Python keyword, builtin, non-ASCII name or name this module uses)."
        )
    return docstring_lines(lines, indent)


def docstring_lines(lines: Sequence[str], indent: str) -> str:
    """A triple-quoted docstring of ``lines``, each wrapped at 96 characters (newlines and tabs in them
    become spaces) and escaped (names.docstring_text): the input's text stays inside it."""
    wrapped = [w for line in lines for w in (textwrap.wrap(line, 96, subsequent_indent="    ") or [""])]
    body = "\n".join(f"{indent}{docstring_text(line)}".rstrip() for line in wrapped)
    return f'{indent}"""{body.lstrip()}\n{indent}"""'


def guard(plan: Plan, indent: str) -> list[str]:
    """Saving the output is proved for positive parameters: other values are refused, not silently wrong."""
    if plan.saves != "output" or not plan.parameters:
        return []
    test = " and ".join(f"{p.name} > 0" for p in plan.parameters)
    message = f"{plan.name} keeps only its output, which derive proved enough for {test}"
    return [f"{indent}if not ({test}):", f"{indent}    raise ValueError({message!r})"]


def header(framework: str, plans: Sequence[Plan], command: str) -> list[str]:
    names = ", ".join(p.name for p in plans)
    made = f"Made by `{command}`." if command else "Made by derive.backward."
    text = (
        f"{framework} backward passes for {names}, generated by derive from their proved derivatives. "
        "Each function keeps for its backward pass only what SAVES names: the output where g' can be "
        f"written from g alone (the output form), else the input. {made}"
    )
    first, *rest = (docstring_text(line) for line in textwrap.wrap(text, 96))
    return [f'"""{first}', *rest, '"""']


def tables(plans: Sequence[Plan]) -> list[str]:
    functions = ", ".join(f'"{p.name}": {p.name}' for p in plans)
    saves = ", ".join(f'"{p.name}": "{p.saves}"' for p in plans)
    return [f"FUNCTIONS = {{{functions}}}", f"SAVES = {{{saves}}}"]


STANDARD_LIBRARY = frozenset({"functools", "math"})


def imports(modules: dict[str, set]) -> list[str]:
    """The module's imports, the standard library's first, as isort orders them."""
    standard = [f"import {m}" for m in sorted(modules) if m.split(".")[0] in STANDARD_LIBRARY]
    others = [f"import {m}" for m in sorted(modules) if m.split(".")[0] not in STANDARD_LIBRARY]
    return [*standard, *([""] if standard and others else []), *others]
