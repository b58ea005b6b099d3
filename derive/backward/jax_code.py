"""JAX: a ``jax.custom_vjp`` function per activation, printed by a subclass of SymPy's JaxPrinter.

The parameters are non-differentiable arguments (``nondiff_argnums``); the residual is the output
where an output form exists, else the input.  The backward is written in jax.numpy, so JAX can
differentiate it again (``check_grads`` of order 2).
"""

from __future__ import annotations

from collections.abc import Sequence

from sympy import Expr
from sympy.printing.numpy import JaxPrinter

from derive.backward import Plan, register
from derive.backward.code import CodeMixin, docstring, formulas, guard, module


class DeriveJaxPrinter(CodeMixin, JaxPrinter):
    """SymPy's JaxPrinter with derive's functions (σ as jax.nn.sigmoid, softplus as jax.nn.softplus)."""

    framework = "jax"
    where = "jax.numpy.where"
    _default_settings = dict(JaxPrinter._default_settings, like="x")

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__(settings)
        self.printmethod = "_derive_jaxcode"  # JaxPrinter sets its own; σ's _numpycode would write σ out

    def _constant_like(self, value: str) -> str:
        return f"{self._module_format('jax.numpy.asarray')}({value}, dtype={self._settings['like']}.dtype)"

    def _print_sigmoid(self, expr: Expr) -> str:
        return f"{self._module_format('jax.nn.sigmoid')}({self._print(expr.args[0])})"


def _function(plan: Plan, printer: DeriveJaxPrinter) -> list[str]:
    keep, forward, gradient = formulas(plan, printer)
    names = [p.name for p in plan.parameters]
    inner = f"_{plan.name}"
    args = ", ".join(["x", *names])
    if names:
        positions = ", ".join(str(i + 1) for i in range(len(names)))
        decorator = f"@functools.partial(jax.custom_vjp, nondiff_argnums=({positions},))"
    else:
        decorator = "@jax.custom_vjp"
    keep_line = "return y, (y,)" if keep == "y" else "return y, (x,)"
    return [
        "",
        "",
        decorator,
        f"def {inner}({args}):",
        f"    return {forward}",
        "",
        "",
        f"def {inner}_forward({args}):",
        f"    y = {forward}",
        f"    {keep_line}",
        "",
        "",
        f"def {inner}_backward({', '.join([*names, 'saved', 'grad'])}):",
        f"    ({keep},) = saved",
        f"    return (grad * ({gradient}),)",
        "",
        "",
        f"{inner}.defvjp({inner}_forward, {inner}_backward)",
        "",
        "",
        f"def {plan.name}({', '.join(['x', *(f'{p.name}={p.default!r}' for p in plan.parameters)])}):",
        docstring(plan, "    "),
        *guard(plan, "    "),
        f"    return {inner}({args})",
    ]


@register("jax", "a jax.custom_vjp function per activation, its parameters as keywords")
def write(plans: Sequence[Plan], command: str) -> str:
    printer = DeriveJaxPrinter({"fully_qualified_modules": True})
    imported = ["jax", *(["functools"] if any(p.parameters for p in plans) else [])]
    return module("JAX", plans, command, printer, _function, imported)
