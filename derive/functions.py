"""SymPy functions the library needs that SymPy does not have."""

from __future__ import annotations

from sympy import Expr, Function, exp


class sigmoid(Function):  # noqa: N801 - SymPy names functions in lower case
    """The logistic function σ(z) = 1/(1 + e^{-z})."""

    nargs = 1
    latex_name = r"\sigma"
    text_name = "σ"

    def fdiff(self, argindex: int = 1) -> Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x: Expr, **kwargs) -> Expr:
        return 1 / (1 + exp(-x))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_evalf(self, prec):
        return (1 / (1 + exp(-self.args[0])))._eval_evalf(prec)

    # lambdify (mpmath, NumPy, math) prints σ written out: the code printers look these methods up by name
    def _written_out(self, printer) -> str:
        return printer._print(1 / (1 + exp(-self.args[0])))

    _mpmathcode = _numpycode = _pythoncode = _written_out
