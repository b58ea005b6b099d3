"""Marking benchmark (issue 29, point 8): a 20-line derivation marked in a warm process.

Run with `python bench/mark.py [repeats]`. Prints, each as median with min and max:

1. `derive.mark` of a 20-line derivation of σ written as people write it (its own variable x, words and
   annotations, an arrow, a substitution u = 1 + e^{-x} and its derivative, a chain, a left side that is an
   expression, a line continued after '=', one wrong line and the lines that follow from it), warm (imports
   and SymPy's caches loaded by a first marking; derive's caches of derivations and proofs cleared before
   each run) (target: within 1 s);
2. the same without a TARGET (the function taken from the first line);
3. the baseline in the same process: twenty such lines built in SymPy, each compared with σ' the naive
   way (sympy.simplify of the difference), and the ratio of the medians.

Not a test: no timing is asserted anywhere. Where a target is missed the output says by how much.
"""

from __future__ import annotations

import statistics
import sys

import sympy
from speed import timed, verdict  # bench/ is on the path when this file is run

from derive.mark.marking import mark
from derive.pipeline import clear_caches

DERIVATION = r"""
\text{Let } \sigma(x) = \frac{1}{1+e^{-x}} \quad [\text{the logistic function}]
\text{let } u = 1 + e^{-x}, \text{ so } \sigma(x) = \frac{1}{u} = u^{-1}
u' = -e^{-x}
\sigma'(x) = -u^{-2}\,u' \quad [\text{chain rule}]
= -\frac{1}{(1+e^{-x})^2}\cdot\left(-e^{-x}\right)
= \frac{e^{-x}}{(1+e^{-x})^2}
\frac{e^{-x}}{(1+e^{-x})^2} = \frac{1}{1+e^{-x}}\cdot\frac{e^{-x}}{1+e^{-x}}
= \frac{1}{1+e^{-x}}\cdot\frac{1 + e^{-x} - 1}{1+e^{-x}}
= \frac{1}{1+e^{-x}}\left(1 - \frac{1}{1+e^{-x}}\right)
\Rightarrow \sigma'(x) = \sigma(x)\,(1-\sigma(x))
\text{check at } x = 0\text{:}
\sigma(0) = \frac{1}{2}
\text{so}
\frac{d\sigma}{dx} =
\sigma(x) - \sigma(x)^2
= \sigma(x) + \sigma(x)^2
= \sigma(x)(1 + \sigma(x))
\text{donc}
\sigma'(x) = \frac{e^{x}}{(1+e^{x})^2}
= \sigma(x)\,\sigma(-x)
"""
LINES = [line for line in DERIVATION.strip().splitlines() if line.strip()]


def naive() -> None:
    """The same twenty lines built in SymPy, each proved equal to σ' by sympy.simplify of the difference."""
    x = sympy.Symbol("x", real=True)
    e, u = sympy.exp(-x), 1 + sympy.exp(-x)
    right = sympy.diff(1 / u, x)
    lines = [
        e / u**2,
        -(u**-2) * (-e),
        1 / u * e / u,
        1 / u * (u - 1) / u,
        1 / u * (1 - 1 / u),
        1 / u - 1 / u**2,
        1 / u + 1 / u**2,
        sympy.exp(x) / (1 + sympy.exp(x)) ** 2,
        1 / u / (1 + sympy.exp(x)),
        1 / u * (1 + 1 / u),
    ] * 2
    for line in lines:
        sympy.simplify(line - right)


def stats(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples) * 1e3:8.1f} ms  min {min(samples) * 1e3:8.1f}  "
        f"max {max(samples) * 1e3:8.1f}"
    )


def main(repeats: int = 5) -> None:
    print(f"a derivation of {len(LINES)} lines")
    mark("sigmoid", LINES)  # warm: imports and SymPy's caches, as a long-lived process has them
    mark(None, LINES)
    naive()
    given = timed(lambda: (clear_caches(sympy_too=False), mark("sigmoid", LINES)), repeats)
    without = timed(lambda: (clear_caches(sympy_too=False), mark(None, LINES)), repeats)
    base = timed(naive, repeats)
    marking = mark("sigmoid", LINES)
    verdicts = [line.verdict for line in marking.lines]
    print(
        f"claims judged: {len(verdicts)}: right {verdicts.count('right')}, wrong {verdicts.count('wrong')}, "
        f"not judged {verdicts.count('not judged')}; first wrong line {marking.first_wrong}"
    )
    print(f"mark(TARGET)     {stats(given)}")
    print(f"mark(no TARGET)  {stats(without)}")
    print(f"naive SymPy      {stats(base)}")
    print(f"ratio (mark / naive, medians): {statistics.median(given) / statistics.median(base):.2f}")
    print(f"20 lines within 1 s: {verdict(statistics.median(given), 1.0, ' s')}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
