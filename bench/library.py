"""Benchmark: derive every library function with its output form and every step checked.

Prints, per function, the median, min and max over repeated runs (SymPy's cache warm,
derive's own caches of verdicts and proofs cleared before each run), and the
same for the naive way (sympy.diff, sympy.simplify, latex) run in this process
as the baseline, with their ratio; then the total for the whole library.
Not a test: run it with `python bench/library.py [repeats]`.
"""

from __future__ import annotations

import statistics
import sys

import sympy
from speed import timed  # bench/ is on the path when this file is run

from derive import derive
from derive.knowledge.activations import LIBRARY
from derive.knowledge.symbols import variable
from derive.pipeline import clear_caches


def naive(name: str) -> None:
    z = variable("z")
    _, body = next(a for a in LIBRARY if a.name == name).build(z)
    sympy.latex(sympy.simplify(sympy.diff(body, z)))


def main(repeats: int = 3) -> None:
    print(f"{'function':<14} {'derive median':>13} {'min':>7} {'max':>7} {'naive median':>12} {'ratio':>6}")
    totals = []
    for entry in LIBRARY:
        derive(entry.name)  # warm: imports and SymPy's caches, as a long-lived process has them
        ours = timed(lambda e=entry: (clear_caches(sympy_too=False), derive(e.name)), repeats)
        base = timed(lambda e=entry: naive(e.name), repeats)
        med, bmed = statistics.median(ours), statistics.median(base)
        totals.append(med)
        print(
            f"{entry.name:<14} {med * 1e3:11.1f}ms {min(ours) * 1e3:5.0f}ms {max(ours) * 1e3:5.0f}ms "
            f"{bmed * 1e3:10.1f}ms {med / bmed:6.2f}"
        )
    total = sum(totals)
    print(
        f"whole library (sum of medians): {total:.2f} s; goal 2.00 s: "
        + ("met" if total <= 2 else f"missed by {total / 2:.1f}x")
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
