"""SymPy functions the library needs that SymPy does not have (their names and printing: derive.knowledge.registry)."""

from __future__ import annotations

from sympy import Abs, Add, Expr, Function, Pow, Rational, S, Symbol, erf, exp, log, pi, sign, sqrt
from sympy import erfc as sympy_erfc


class _Elementary(Function):
    """A function of one real argument with an elementary formula (``_eval_rewrite_as_exp``): real where its
    argument is, evaluated and printed for lambdify (mpmath, NumPy, math) through that formula."""

    nargs = 1

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_evalf(self, prec):
        return self._eval_rewrite_as_exp(self.args[0])._eval_evalf(prec)

    # the code printers look these methods up by name; the formula in brackets, a factor of any product
    # (x/σ(x) printed as x/1/(1 + exp(-x)) would be x·σ(x))
    def _written_out(self, printer) -> str:
        return f"({printer._print(self._eval_rewrite_as_exp(self.args[0]))})"

    _mpmathcode = _numpycode = _pythoncode = _written_out

    torch_name: str | None = None
    """PyTorch's own function, given to the class by its registry entry (derive.knowledge.registry)."""

    def _torchcode(self, printer) -> str:
        """SymPy's PyTorch printer: the framework's own function, by the registry's name for it."""
        name = type(self).torch_name
        if name is None:  # softplus: torch's is in torch.nn.functional, with a threshold; the formula
            return f"({printer._print(self._eval_rewrite_as_exp(self.args[0]))})"
        return f"{printer._module_format(name)}({printer._print(self.args[0])})"


class sigmoid(_Elementary):  # noqa: N801 - SymPy names functions in lower case
    """The logistic function σ(z) = 1/(1 + e^{-z})."""

    @classmethod
    def eval(cls, x: Expr) -> Expr | None:
        return x.args[0] if isinstance(x, logit) else None

    def fdiff(self, argindex: int = 1) -> Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x: Expr, **kwargs) -> Expr:
        return 1 / (1 + exp(-x))


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
    torch_name: str | None = None  # given by its registry entry
    _torchcode = _Elementary._torchcode


class softplus(_Elementary):  # noqa: N801
    """log(1 + e^x), for code: printed as each framework's stable form (log(1 + e^x) overflows for large x)."""

    def fdiff(self, argindex: int = 1) -> Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x: Expr, **kwargs) -> Expr:
        return log(1 + exp(x))

    _eval_rewrite_as_log = _eval_rewrite_as_exp

    def _mpmathcode(self, printer) -> str:
        # log(1 + e^x) at 40 digits is 0 for x < -92: log1p keeps every digit
        log1p, exp_ = printer._module_format("mpmath.log1p"), printer._module_format("mpmath.exp")
        return f"{log1p}({exp_}({printer._print(self.args[0])}))"


class erfc(Function):  # noqa: N801
    """1 - erf(x), for code; unlike SymPy's erfc it keeps a negative argument as written, so
    erfc(-x/√2) (GELU's 1 + erf(x/√2) without cancellation) stays erfc(-x/√2), not 2 - erfc(x/√2)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> Expr:
        return -2 * exp(-(self.args[0] ** 2)) / sqrt(pi)

    def _eval_rewrite_as_erf(self, x: Expr, **kwargs) -> Expr:
        return 1 - erf(x)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_evalf(self, prec):
        return sympy_erfc(self.args[0])._eval_evalf(prec)

    # printed by name with the argument as written: SymPy's erfc(-u) would become 2 - erfc(u), which
    # cancels to nothing where erfc(-u) is tiny, the very case this function is for
    def _mpmathcode(self, printer) -> str:
        return f"{printer._module_format('mpmath.erfc')}({printer._print(self.args[0])})"

    def _pythoncode(self, printer) -> str:
        return f"{printer._module_format('math.erfc')}({printer._print(self.args[0])})"

    _numpycode = _pythoncode  # NumPy has no erfc: callers that need arrays apply it point by point


class cbrt(Function):  # noqa: N801
    """The real cube root: ∛x for every real x, -∛|x| below 0 (SymPy's x^(1/3) is the principal, complex
    root there). Cardano's formula needs it where the cube's radicand changes sign (tanh's triple angle)."""

    nargs = 1

    @classmethod
    def eval(cls, x: Expr) -> Expr | None:
        if x.is_nonnegative:
            return Pow(x, Rational(1, 3))
        if x.is_negative and x.is_number:
            return -Pow(-x, Rational(1, 3))
        return None

    def fdiff(self, argindex: int = 1) -> Expr:
        return 1 / (3 * cbrt(self.args[0]) ** 2)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_power(self, exponent: Expr) -> Expr | None:
        return self.args[0] if exponent == 3 else None

    def _eval_evalf(self, prec):
        x = self.args[0]._eval_evalf(prec)
        return None if x is None else (sign(x) * Abs(x) ** Rational(1, 3))._eval_evalf(prec)

    def _mpmathcode(self, printer) -> str:
        # mpmath.cbrt is the principal root (complex below 0): the real one through |x|, x bound once
        x = Symbol("cbrt_argument")
        mp = printer._module_format
        body = f"{mp('mpmath.sign')}({printer._print(x)})*{mp('mpmath.cbrt')}(abs({printer._print(x)}))"
        return f"(lambda {printer._print(x)}: {body})({printer._print(self.args[0])})"

    def _numpycode(self, printer) -> str:
        return f"{printer._module_format('numpy.cbrt')}({printer._print(self.args[0])})"

    def _pythoncode(self, printer) -> str:
        return f"{printer._module_format('math.cbrt')}({printer._print(self.args[0])})"
