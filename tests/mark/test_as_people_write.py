"""Issue 29, in part: derivations written as people write them in answers, notes and blogs (written here for
these tests, in those styles): their own variable, annotations in words, arrows, typographic primes, the
derivative's left side spelled every usual way, and a line that cannot be read.  A right line is never
marked wrong; a planted mistake is still found."""

from __future__ import annotations

import pytest

from derive.mark.marking import mark

RIGHT_DERIVATIONS = {
    "x, LaTeX, annotations in brackets": (
        "sigmoid",
        [
            r"\sigma(x) = \frac{1}{1+e^{-x}}",
            r"\sigma'(x) = \frac{e^{-x}}{(1+e^{-x})^2} \quad [\text{chain rule}]",
            r"= \sigma(x)(1-\sigma(x))",
        ],
    ),
    "y and dy/dx, plain text": ("sigmoid", ["y = 1/(1+e^{-x})", "dy/dx = e^{-x}/(1+e^{-x})^2", "= y(1-y)"]),
    "t, frac dy dt, arrows": (
        "tanh",
        [
            r"y = \tanh(t)",
            r"\Rightarrow \frac{dy}{dt} = 1 - \tanh^2(t)",
            r"\implies \frac{dy}{dt} = 1 - y^2",
        ],
    ),
    "partial derivative, dollars, full stop": (
        "softplus",
        [
            r"$g(z) = \log(1 + e^{z})$",
            r"$\frac{\partial g}{\partial z} = \frac{e^{z}}{1 + e^{z}}$.",
            r"$= \sigma(z)$.",
        ],
    ),
    "typographic prime and words between": (
        "sigmoid",
        [
            "f(x) = 1/(1 + exp(-x))",
            r"\text{so}",
            "f’(x) = exp(-x)/(1 + exp(-x))^2",
            r"\therefore f’(x) = f(x)(1 - f(x))",
        ],
    ),
    "prime superscript and spacing commands": (
        "tanh",
        [
            r"h(v) = \tanh v",
            r"h^{\prime}(v) = \displaystyle 1 - \tanh^{2} v \, ,",
            r"= 1 - h(v)^2 \qquad (\text{in terms of } h)",
        ],
    ),
    "markup: boxed, colour, over, a dot for the product": (
        "sigmoid",
        [
            r"\sigma(x) = {1 \over 1+e^{-x}}",
            r"\sigma'(x) = {e^{-x} \over (1+e^{-x})^2}",
            r"= \color{red}{\sigma(x).(1-\sigma(x))}",
            r"\Rightarrow \frac{d\sigma}{dx} = \boxed{\sigma(x)\,(1-\sigma(x))}",
        ],
    ),
    "Unicode, plain text": ("sigmoid", ["σ(x) = 1/(1+e^(-x))", "σ′(x) = e^(-x)/(1+e^(-x))²", "= σ(x)(1 − σ(x))"]),
    "conditions after the claims, a bullet, a remark after a number": (
        "max(0.01*x, x)",
        [
            "- f(x) = max(0.01x, x)",
            "f'(x) = 1 for x > 0",
            "f'(x) = 0.01 \\quad (x < 0)",
            "f'(-1) = 0.01 \\approx 0",
        ],
    ),
    "brackets that close d/dx's operand": (
        "silu",
        [
            r"f(x) = x\sigma(x)",
            r"f'(x) = \frac{d}{dx}\left[x\right] \cdot \sigma(x) + x \cdot \frac{d}{dx}\left[\sigma(x)\right]",
            r"= \sigma(x) + x\sigma(x)\left[1-\sigma(x)\right] \qquad \blacksquare",
        ],
    ),
    "SiLU in u": (
        "silu",
        [
            r"g(u) = u \sigma(u)",
            r"g'(u) = \sigma(u) + u \sigma(u)(1 - \sigma(u)) \quad [\text{product rule}]",
        ],
    ),
}


@pytest.mark.parametrize("target, lines", RIGHT_DERIVATIONS.values(), ids=list(RIGHT_DERIVATIONS))
def test_a_right_derivation_as_people_write_it_is_accepted(target, lines):
    marking = mark(target, lines)
    assert [line.verdict for line in marking.lines if line.verdict != "not judged"] and all(
        line.verdict == "right" for line in marking.lines if line.read_as is not None
    ), marking.render("text")
    assert not [line for line in marking.lines if line.verdict == "wrong"], marking.render("text")
    assert marking.final["right"], marking.render("text")


def test_the_derivation_decides_its_variable():
    marking = mark("sigmoid", ["y = 1/(1+e^{-x})", "dy/dx = e^{-x}/(1+e^{-x})^2"])
    assert marking.derivation.variable.name == "x"
    assert marking.render("text").startswith("Marking a derivation of Logistic function: g(x) =")


def test_annotations_are_no_parameters():
    marking = mark("sigmoid", [r"\sigma'(x) = \sigma(x)(1 - \sigma(x)) \quad [\text{apply chain rule}]"])
    assert marking.lines[0].verdict == "right"
    assert not [s for s in marking.lines[0].read_as.free_symbols if s.name not in ("x",)]


def test_after_a_line_that_cannot_be_read_the_next_is_judged_by_what_it_equals():
    marking = mark(
        "sigmoid",
        ["y = 1/(1+e^{-x})", r"\mathcal{Q} \star y = e^{-x}/(1+e^{-x})^2", "= y(1+y)", "= y(1-y)", "= y(1+y)"],
    )
    verdicts = [line.verdict for line in marking.lines]
    assert verdicts[:2] == ["right", "not judged"]
    # a line that equals neither g nor g' after an unreadable one is not judged, never wrong
    assert verdicts[2] == "not judged" and "not judged" in marking.lines[2].reason
    # one that equals g' is right, and tells the quantity again: the next is judged against g'
    assert verdicts[3] == "right" and verdicts[4] == "wrong"


@pytest.mark.parametrize(
    "lines, wrong",
    [
        (["y = 1/(1+e^{-x})", "dy/dx = -e^{-x}/(1+e^{-x})^2"], 2),
        ([r"\sigma(x) = \frac{1}{1+e^{-x}}", r"\sigma'(x) = \sigma(x)(1+\sigma(x)) \quad [\text{chain rule}]"], 2),
        (["f(t) = 1/(1 + exp(-t))", "f’(t) = f(t)^2"], 2),
        ([r"\sigma(x) = {1 \over 1+e^{-x}}", r"\sigma'(x) = \boxed{\sigma(x).(1+\sigma(x))}"], 2),
    ],
)
def test_a_wrong_line_written_so_is_still_wrong(lines, wrong):
    marking = mark("sigmoid", lines)
    assert marking.first_wrong == wrong and marking.first_wrong_line.verdict == "wrong"
