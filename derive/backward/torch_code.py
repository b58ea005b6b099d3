"""PyTorch: a ``torch.autograd.Function`` per activation, printed by a subclass of SymPy's TorchPrinter.

The forward is PyTorch's own kernel where the library's entry marks one of its spellings as computing
the same g (``Activation.torch``: F.elu, F.leaky_relu, ...), else derive's stable formula. The backward
computes grad·F(y) from the saved output (or grad·g'(x) from the input): in place, block by block
(``_<name>_backward`` through ``in_blocks``, derive.backward.blocks), and out of place with torch
operations when autograd records it, so it can be differentiated again (double backward: the
saved y is the Function's own output).
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from importlib import resources

from sympy import Expr, Mul, Symbol
from sympy.printing.pytorch import TorchPrinter

from derive.backward import Plan, register
from derive.backward.code import CodeMixin, docstring, gradient_code, guard, in_code, module, used
from derive.backward.in_place import Statements
from derive.backward.names import class_name


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


def _kernel(plan: Plan, printer: DeriveTorchPrinter, expr: Expr, reads: list[str], role: str) -> tuple[list[str], str]:
    """(a module-level function writing expr for one block into out, the call that computes it for the
    whole tensors): one operation is called as it is, more run block by block (derive.backward.blocks).
    Constants take the dtype of the first tensor read."""
    printer._settings["like"] = reads[0]
    try:
        statements = Statements(printer, frozenset(Symbol(n, real=True) for n in ("x", "y", "grad")))
        value = statements.value(in_code(plan, expr))
        if not value.made:  # x itself, or a number
            return [], value.code
        if len(statements.lines) == 1:  # one operation, "t0 = torch.tanh(x)"
            return [], statements.lines[0].split(" = ", 1)[1]
        statements.into(value, "out")
    finally:
        printer._settings["like"] = "x"
    params = [p.name for p in used(plan, expr)]
    name = f"_{plan.name}_{role}"
    tensors = ", ".join(reads) + ("," if len(reads) == 1 else "")
    definition = [
        "",
        "",
        f"def {name}({', '.join([*reads, 'out', *params])}):",
        f'    """{plan.name}\'s {role} on one block, into out, in place on the tensors it makes."""',
        *[f"    {line}" for line in statements.lines],
    ]
    return definition, f"in_blocks({', '.join([name, f'({tensors})', *params])})"


def _function(plan: Plan, printer: DeriveTorchPrinter) -> list[str]:
    keep, gradient = gradient_code(plan, printer)
    names = [p.name for p in plan.parameters]
    cls = class_name(plan.name)
    builtin, test = _builtin(plan, printer)
    forward, y = [], builtin
    if builtin is None or test:  # derive's formula, everywhere or where the built-in is not g
        forward, y = _kernel(plan, printer, plan.forward, ["x"], "forward")
        y = f"{builtin} if {test} else {y}" if test else y
    backward, dx = _kernel(plan, printer, Mul(Symbol("grad", real=True), plan.gradient), [keep, "grad"], "backward")
    nones = ["None"] * len(names)
    lines = [
        *forward,
        *backward,
        "",
        "",
        f"class {cls}(torch.autograd.Function):",
        f'    """The autograd Function of {plan.name}(), which says what it computes and keeps{_forward_by(plan)}."""',
        "",
        "    @staticmethod",
        f"    def forward(ctx, {', '.join(['x', *names])}):",
        f"        y = {y}",
        f"        ctx.save_for_backward({keep})",
        *[f"        ctx.{n} = {n}" for n in (p.name for p in used(plan, plan.gradient))],
        "        return y",
        "",
        "    @staticmethod",
        "    def backward(ctx, grad):",
        f"        ({keep},) = ctx.saved_tensors",
        *[f"        {p.name} = ctx.{p.name}" for p in used(plan, plan.gradient)],
        "        if torch.is_grad_enabled():  # double backward: out of place, so autograd can differentiate it",
        f"            return {', '.join([f'grad * ({gradient})', *nones])}",
        f"        return {', '.join([dx, *nones])}",
        "",
        "",
        f"def {plan.name}({', '.join(['x', *(f'{p.name}={p.default!r}' for p in plan.parameters)])}):",
        docstring(plan, "    "),
        *guard(plan, "    "),
        f"    return {cls}.apply({', '.join(['x', *names])})",
    ]
    return lines


def _builtin(plan: Plan, printer: DeriveTorchPrinter) -> tuple[str | None, str]:
    """(the call of PyTorch's own kernel for g, or None; the Python test of the parameters' values where
    it is g, "" for all): one pass, and the built-in's values."""
    if plan.torch is None:
        return None, ""
    python = {p.symbol.name: p.name for p in plan.parameters}
    arguments = ["x", *(f"{keyword}={python[parameter]}" for keyword, parameter in plan.torch.keywords)]
    # torch.ops.aten's operators are reached through torch itself: no module of that name to import
    name = plan.torch.name
    call = f"{name if name.startswith('torch.ops.') else printer._module_format(name)}({', '.join(arguments)})"
    return call, " and ".join(f"{python[parameter]} == {value!r}" for parameter, value in plan.torch.when)


def _forward_by(plan: Plan) -> str:
    if plan.torch is None:
        return ""
    at = " and ".join(f"{name} = {value!r}" for name, value in plan.torch.when)
    return f"; its forward is PyTorch's {plan.torch.name.rsplit('.', 1)[1]}" + (f" where {at}" if at else "")


def _blocks_source() -> list[str]:
    """The helper every kernel runs through, its source as derive has it (tested there): BLOCK and
    in_blocks, cut from blocks.py by its syntax tree.  The file is read, never imported: blocks.py
    imports torch, which runs the generated module, not derive writing it."""
    source = resources.files("derive.backward").joinpath("blocks.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    (block,) = [n for n in tree.body if isinstance(n, ast.Assign) and [ast.unparse(t) for t in n.targets] == ["BLOCK"]]
    (helper,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "in_blocks"]
    # from BLOCK's line to in_blocks' last, so that the comment lines between them come too
    return ["", *source.splitlines()[block.lineno - 1 : helper.end_lineno]]


@register("torch", "a torch.autograd.Function per activation, and a function with its parameters as keywords")
def write(plans: Sequence[Plan], command: str) -> str:
    return module(
        "PyTorch",
        plans,
        command,
        DeriveTorchPrinter({"fully_qualified_modules": True}),
        _function,
        ["torch"],
        shared=_blocks_source(),
    )
