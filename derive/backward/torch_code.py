"""PyTorch: a ``torch.autograd.Function`` per activation, printed by a subclass of SymPy's TorchPrinter.

The backward computes grad·F(y) from the saved output with torch operations, so autograd can
differentiate it again (double backward: the saved y is the Function's own output).
"""

from __future__ import annotations

from collections.abc import Sequence

from sympy import Expr, Mul, Symbol
from sympy.printing.pytorch import TorchPrinter

from derive.backward import Plan, register
from derive.backward.code import CodeMixin, docstring, formulas, guard, in_code, module, used
from derive.backward.in_place import Statements


class DeriveTorchPrinter(CodeMixin, TorchPrinter):
    """SymPy's TorchPrinter with derive's functions; a constant piece as a tensor of the input's dtype
    (``torch.where(c, 1.0, 0.5)`` would be float32 even for float64 tensors)."""

    printmethod = "_derive_torchcode"  # σ's _numpycode writes it out; here it is torch.sigmoid
    framework = "torch"
    where = "torch.where"
    _default_settings = dict(TorchPrinter._default_settings, like="x")

    def _constant_like(self, value: str) -> str:
        return f"{self._settings['like']}.new_tensor({value})"

    def _print_softplus(self, expr: Expr) -> str:
        u = self._print(expr.args[0])  # log(1 + e^u) = logaddexp(u, 0): no overflow, no threshold
        return f"{self._module_format('torch.logaddexp')}({u}, {self._settings['like']}.new_zeros(()))"

    def _print_cbrt(self, expr: Expr) -> str:
        u = self._print(expr.args[0])  # torch has no cbrt, and a negative base to the power 1/3 is nan
        return f"({self._module_format('torch.sign')}({u})*{self._module_format('torch.abs')}({u})**(1/3))"


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Function"


def _statements(
    plan: Plan, printer: DeriveTorchPrinter, expr: Expr, like: str, name: str | None = None
) -> tuple[list[str], str]:
    """expr (in derive's symbols) as in-place statements, and the name of the tensor that holds it."""
    printer._settings["like"] = like
    tensors = frozenset(Symbol(n, real=True) for n in ("x", "y", "grad"))
    statements = Statements(printer, tensors)
    name = statements.result(in_code(plan, expr), name)
    printer._settings["like"] = "x"
    return statements.lines, name


def _function(plan: Plan, printer: DeriveTorchPrinter) -> list[str]:
    keep, _, gradient = formulas(plan, printer)
    names = [p.name for p in plan.parameters]
    cls = _class_name(plan.name)
    forward, y = _statements(plan, printer, plan.forward, "x", "y")
    backward, dx = _statements(plan, printer, Mul(Symbol("grad", real=True), plan.gradient), keep)
    nones = ["None"] * len(names)
    lines = [
        "",
        "",
        f"class {cls}(torch.autograd.Function):",
        f'    """The autograd Function of {plan.name}(), which says what it computes and keeps."""',
        "",
        "    @staticmethod",
        f"    def forward(ctx, {', '.join(['x', *names])}):",
        *[f"        {line}" for line in forward],
        f"        ctx.save_for_backward({keep})",
        *[f"        ctx.{n} = {n}" for n in (p.name for p in used(plan, plan.gradient))],
        f"        return {y}",
        "",
        "    @staticmethod",
        "    def backward(ctx, grad):",
        f"        ({keep},) = ctx.saved_tensors",
        *[f"        {p.name} = ctx.{p.name}" for p in used(plan, plan.gradient)],
        "        if torch.is_grad_enabled():  # double backward: out of place, so autograd can differentiate it",
        f"            return {', '.join([f'grad * ({gradient})', *nones])}",
        "        # in place on the tensors made here: one allocation, fewer passes over memory",
        *[f"        {line}" for line in backward],
        f"        return {', '.join([dx, *nones])}",
        "",
        "",
        f"def {plan.name}({', '.join(['x', *(f'{p.name}={p.default!r}' for p in plan.parameters)])}):",
        docstring(plan, "    "),
        *guard(plan, "    "),
        f"    return {cls}.apply({', '.join(['x', *names])})",
    ]
    return lines


@register("torch", "a torch.autograd.Function per activation, and a function with its parameters as keywords")
def write(plans: Sequence[Plan], command: str) -> str:
    return module(
        "PyTorch", plans, command, DeriveTorchPrinter({"fully_qualified_modules": True}), _function, ["torch"]
    )
