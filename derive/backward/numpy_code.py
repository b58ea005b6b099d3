"""NumPy: ``<name>(x, **params)`` returning ``(y, saved)`` and ``<name>_backward(grad, saved, **params)``,
printed by a subclass of SymPy's NumPyPrinter."""

from __future__ import annotations

from collections.abc import Sequence

from sympy import Expr
from sympy.printing.numpy import NumPyPrinter

from derive.backward import Plan, register
from derive.backward.code import CodeMixin, docstring, formulas, guard, module


class DeriveNumPyPrinter(CodeMixin, NumPyPrinter):
    """SymPy's NumPyPrinter with σ and softplus in their stable NumPy forms, erf point by point."""

    framework = "numpy"
    where = "numpy.where"
    _default_settings = dict(NumPyPrinter._default_settings, like="x")

    def __init__(self, settings: dict | None = None) -> None:
        super().__init__(settings)
        self.printmethod = "_derive_numpycode"  # σ's _numpycode writes 1/(1 + e^{-x}), which overflows for x ≪ 0

    def _constant_like(self, value: str) -> str:
        return f"{self._module_format('numpy.asarray')}({value}, dtype={self._settings['like']}.dtype)"

    def _softplus(self, u: str) -> str:
        return f"{self._module_format('numpy.logaddexp')}(0, {u})"

    def _print_softplus(self, expr: Expr) -> str:
        return self._softplus(self._print(expr.args[0]))

    def _print_sigmoid(self, expr: Expr) -> str:
        # σ(u) = e^{-softplus(-u)}: no overflow on either side
        return f"{self._module_format('numpy.exp')}(-{self._softplus(self._print(-expr.args[0]))})"

    def _elementwise(self, name: str, expr: Expr) -> str:
        # NumPy has no erf, erfc: Python's, elementwise, in the array's own dtype
        like = self._settings["like"]
        vectorized = f"{self._module_format('numpy.vectorize')}({self._module_format(name)}, otypes=[{like}.dtype])"
        return f"{vectorized}({self._print(expr.args[0])})"

    def _print_erf(self, expr: Expr) -> str:
        return self._elementwise("math.erf", expr)

    def _print_erfc(self, expr: Expr) -> str:
        return self._elementwise("math.erfc", expr)


def _function(plan: Plan, printer: DeriveNumPyPrinter) -> list[str]:
    keep, forward, gradient = formulas(plan, printer)
    keywords = ", ".join(f"{p.name}={p.default!r}" for p in plan.parameters)
    signature = ", ".join(["x", keywords]) if keywords else "x"
    backward_signature = ", ".join(["grad", "saved", keywords]) if keywords else "grad, saved"
    unused = [p.name for p in plan.parameters if not plan.gradient.has(p.symbol)]
    return [
        "",
        "",
        f"def {plan.name}({signature}):",
        docstring(plan, "    "),
        *guard(plan, "    "),
        "    x = numpy.asarray(x)",
        f"    y = {forward}",
        f"    return y, {keep}",
        "",
        "",
        f"def {plan.name}_backward({backward_signature}):",
        f'    """grad times g\'(x), from what {plan.name}() saved ({"the output" if keep == "y" else "the input"})."""',
        *([f"    del {', '.join(unused)}  # g' does not depend on it"] if unused else []),
        f"    {keep} = saved",
        f"    return grad * ({gradient})",
    ]


@register("numpy", "a forward returning (y, saved) and a backward(grad, saved) per activation")
def write(plans: Sequence[Plan], command: str) -> str:
    return module("NumPy", plans, command, DeriveNumPyPrinter({"fully_qualified_modules": True}), _function, ["numpy"])
