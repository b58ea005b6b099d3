"""PyTorch: a ``torch.autograd.Function`` per activation, printed by a subclass of SymPy's TorchPrinter.

The backward computes grad·F(y) from the saved output with torch operations, so autograd can
differentiate it again (double backward: the saved y is the Function's own output).
"""

from __future__ import annotations

from collections.abc import Sequence

from sympy import Expr
from sympy.printing.pytorch import TorchPrinter

from derive.backward import Plan, register
from derive.backward.code import CodeMixin, docstring, formulas, guard, module, used


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


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Function"


def _function(plan: Plan, printer: DeriveTorchPrinter) -> list[str]:
    keep, forward, gradient = formulas(plan, printer)
    names = [p.name for p in plan.parameters]
    cls = _class_name(plan.name)
    lines = [
        "",
        "",
        f"class {cls}(torch.autograd.Function):",
        f'    """The autograd Function of {plan.name}(), which says what it computes and keeps."""',
        "",
        "    @staticmethod",
        f"    def forward(ctx, {', '.join(['x', *names])}):",
        f"        y = {forward}",
        f"        ctx.save_for_backward({keep})",
        *[f"        ctx.{n} = {n}" for n in (p.name for p in used(plan, plan.gradient))],
        "        return y",
        "",
        "    @staticmethod",
        "    def backward(ctx, grad):",
        f"        ({keep},) = ctx.saved_tensors",
        *[f"        {p.name} = ctx.{p.name}" for p in used(plan, plan.gradient)],
        f"        return {', '.join([f'grad * ({gradient})', *['None'] * len(names)])}",
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
