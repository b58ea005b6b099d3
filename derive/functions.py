"""SymPy functions the library needs that SymPy does not have (their names and printing: derive.registry)."""

from __future__ import annotations

from sympy import Add, Expr, Function, Pow, S, Symbol, exp, log


class sigmoid(Function):  # noqa: N801 - SymPy names functions in lower case
    """The logistic function σ(z) = 1/(1 + e^{-z})."""

    nargs = 1

    @classmethod
    def eval(cls, x: Expr) -> Expr | None:
        return x.args[0] if isinstance(x, logit) else None

    def fdiff(self, argindex: int = 1) -> Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x: Expr, **kwargs) -> Expr:
        return 1 / (1 + exp(-x))

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_evalf(self, prec):
        return self._eval_rewrite_as_exp(self.args[0])._eval_evalf(prec)

    # lambdify (mpmath, NumPy, math) prints σ written out: the code printers look these methods up by name
    def _written_out(self, printer) -> str:
        return printer._print(self._eval_rewrite_as_exp(self.args[0]))

    _mpmathcode = _numpycode = _pythoncode = _written_out


def _logistic_argument(y: Expr) -> Expr | None:
    """x when y is σ(x), written as σ(x) or as 1/(1 + e^{-x}); else None."""
    if isinstance(y, sigmoid):
        return y.args[0]
    if isinstance(y, Pow) and y.exp == -1 and isinstance(y.base, Add) and len(y.base.args) == 2:
        one, e = sorted(y.base.args, key=lambda a: not a.is_Number)
        if one == S.One and isinstance(e, exp):
            return -e.args[0]
    return None


class logit(Function):  # noqa: N801
    """The inverse of σ: logit(y) = log(y/(1 - y)) on (0, 1); logit(σ(x)) is x for every real x."""

    nargs = 1

    @classmethod
    def eval(cls, y: Expr) -> Expr | None:
        x = _logistic_argument(y)
        return x if x is not None and x.is_extended_real else None

    def fdiff(self, argindex: int = 1) -> Expr:
        y = self.args[0]
        return 1 / (y * (1 - y))

    def _eval_rewrite_as_log(self, y: Expr, **kwargs) -> Expr:
        return log(y / (1 - y))

    _eval_rewrite_as_exp = _eval_rewrite_as_log

    def _eval_evalf(self, prec):
        return self._eval_rewrite_as_log(self.args[0])._eval_evalf(prec)

    def _written_out(self, printer) -> str:
        # y appears twice in log(y/(1 - y)): bound once, or logit(logit(...)) doubles the code per level
        y = Symbol("logit_argument")
        body = printer._print(self._eval_rewrite_as_log(y))
        return f"(lambda {printer._print(y)}: {body})({printer._print(self.args[0])})"

    _mpmathcode = _numpycode = _pythoncode = _written_out
