"""Point 6 of issue 21: LaTeX as documentation, papers and encyclopedias write it."""

from __future__ import annotations

import pytest
from sympy import Abs, Max, Piecewise, Rational, S, Symbol, erf, erfc, exp, log, sqrt, tanh

from derive.knowledge.functions import sigmoid
from derive.reading.resolve import expression

x = Symbol("x", real=True)
z = Symbol("z", real=True)
alpha, lam = Symbol("alpha", positive=True), Symbol("lambda", positive=True)
w1 = Symbol("w_1", positive=True)

ELU = Piecewise((x, x > 0), (alpha * (exp(x) - 1), True))
LEAKY = Piecewise((x, x > 0), (Rational(1, 100) * x, True))

LATEX = [
    (r"\max\{0, x\}", Max(0, x)),
    (r"\max\left\{0, x\right\}", Max(0, x)),
    (r"\max\left(0,\, x\right)", Max(0, x)),
    (r"x \, \sigma(x)", x * sigmoid(x)),
    (r"x\;\sigma\!\left(x\right)", x * sigmoid(x)),
    (r"x \quad \cdot \qquad \sigma(x)", x * sigmoid(x)),
    (r"\big( 1 + e^{-x} \big)^{-1}", 1 / (1 + exp(-x))),
    (r"\Bigl(1 + e^{-x}\Bigr)^{-1}", 1 / (1 + exp(-x))),
    (r"\tfrac{1}{2} x", x / 2),
    (r"\frac12 x", x / 2),
    (r"\mathrm{e}^{x}", exp(x)),
    (r"\exp{(-x)}", exp(-x)),
    (r"\exp\left(-x\right)", exp(-x)),
    (r"\operatorname{softplus}(x)", log(1 + exp(x))),
    (r"\text{softplus}(x)", log(1 + exp(x))),
    (r"\mathrm{erfc}(x)", erfc(x)),
    (r"\operatorname{erf}\left(\frac{x}{\sqrt{2}}\right)", erf(x / sqrt(2))),
    (r"\log_{2}(1 + x^2)", log(1 + x**2) / log(2)),
    (r"w_1 x + w_{1}", w1 * x + w1),
    (r"\lambda_{0} x", Symbol("lambda_0", positive=True) * x),
    (r"\mathrm{hard\_tanh}(x)", Piecewise((-1, x < -1), (1, x > 1), (x, True))),
    (r"\operatorname{hard\_sigmoid}(x)", Piecewise((0, x <= -3), (1, x >= 3), (x / 6 + S.Half, True))),
    (r"\begin{cases} x & \text{if } x > 0 \\ \alpha (e^x - 1) & \text{otherwise} \end{cases}", ELU),
    (r"\begin{cases} x, & x > 0 \\ \alpha (e^x - 1), & x \le 0 \end{cases}", ELU),
    (r"\begin{cases} x & \text{if } x > 0, \\ \alpha (e^x - 1) & \text{if } x \leq 0. \end{cases}", ELU),
    (r"\begin{cases} x & \text{if~} x > 0 \\ \alpha(e^{x} - 1) & \text{otherwise} \end{cases}", ELU),
    (
        r"\begin{cases} x & \text{for } x \geq 0 \\ 0.01x & \text{else} \end{cases}",
        Piecewise((x, x >= 0), (x / 100, True)),
    ),
    (r"\begin{dcases} x & x > 0 \\ 0.01 x & x \le 0 \end{dcases}", LEAKY),
    (r"\left\{ \begin{array}{ll} x & x > 0 \\ 0.01x & \text{otherwise} \end{array} \right.", LEAKY),
    (r"\left\{\begin{array}{lcl} x & \text{if} & x > 0 \\ 0.01 x & \text{if} & x \le 0 \end{array}\right.", LEAKY),
    (
        r"\lambda \begin{cases} x & x > 0 \\ \alpha e^x - \alpha & x \le 0 \end{cases}",
        lam * Piecewise((x, x > 0), (alpha * exp(x) - alpha, True)),
    ),  # fmt: skip
    (r"\frac{x}{1 + \lvert x \rvert}", x / (1 + Abs(x))),
    (r"\frac{x}{1 + \left\vert x \right\vert}", x / (1 + Abs(x))),
    (r"\tanh\left(\ln\left(1 + e^{x}\right)\right) x", x * tanh(log(1 + exp(x)))),
    (r"$x \cdot \Phi(x)$", x * (1 + erf(x / sqrt(2))) / 2),
    (r"\[ \frac{1}{1 + \mathrm{e}^{-x}} \]", 1 / (1 + exp(-x))),
    (r"\operatorname{ReLU}(z) = \max(0, z)", Max(0, z)),
]


@pytest.mark.parametrize("text, expected", LATEX, ids=[t for t, _ in LATEX])
def test_latex_as_documentation_writes_it(text, expected):
    var = "z" if "(z)" in text else "x"
    got = expression(text, var)
    assert got == expected or (got - expected).expand() == 0
