"""Speed benchmark (issue 6): whole-process time, in-process time per derivation, scaling with depth.

Run with `python bench/speed.py [repeats]`. Prints, each as median with min and max:

1. the whole-process time of `derive steps sigmoid --format latex` and of
   `python -c "import sympy"`, run alternately, and their ratio (target: 1.15x);
2. in-process time per derivation (steps, output form, LaTeX, every step checked), warm, for
   every library function, beside the naive way (sympy.diff, sympy.simplify, latex) run in the
   same process, and the ratio (target: the lecture's two under 10 ms);
3. scaling: nested compositions of depth 1 to 20, time and number of steps against depth
   (target: no faster than linear growth in the number of steps, depth 20 under 1 s).

Not a test: no timing is asserted anywhere. Where a target is missed the output says by how much.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time

import sympy

from derive import derive
from derive.activations import LIBRARY
from derive.parse import symbol
from derive.pipeline import clear_caches


def stats(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples) * 1e3:8.1f} ms  min {min(samples) * 1e3:8.1f}  "
        f"max {max(samples) * 1e3:8.1f}"
    )


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def verdict(value: float, target: float, unit: str = "") -> str:
    return "met" if value <= target else f"MISSED by {value / target:.2f}x ({value:.3g}{unit} against {target:g}{unit})"


def whole_process(repeats: int) -> None:
    print("1. whole process, alternating runs")
    exe = shutil.which("derive") or sys.exit("the derive command is not installed: pip install .")
    ours, sympy_only = [], []
    for _ in range(repeats):
        for command, into in (
            ([exe, "steps", "sigmoid", "--format", "latex"], ours),
            ([sys.executable, "-c", "import sympy"], sympy_only),
        ):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            into.append(time.perf_counter() - start)
    ratio = statistics.median(ours) / statistics.median(sympy_only)
    print(f"   derive steps sigmoid --format latex  {stats(ours)}")
    print(f"   python -c 'import sympy'             {stats(sympy_only)}")
    print(f"   ratio {ratio:.2f}x; target 1.15x: {verdict(ratio, 1.15, 'x')}")


def naive(body: sympy.Expr, z: sympy.Symbol) -> None:
    sympy.latex(sympy.simplify(sympy.diff(body, z)))


MODES = {
    "warm": "warm: derive's and SymPy's caches kept, as in a long-lived process deriving it again",
    "sympy-warm": "derive's caches cleared before each run, SymPy's kept: first-time work in a warm process",
    "fresh": "derive's and SymPy's caches cleared before each run: the work done the first time",
}


def in_process(repeats: int, mode: str) -> None:
    print(f"2. in process, per derivation (steps, output form, LaTeX, every step checked); {MODES[mode]}")
    print(f"   {'function':<14} {'derive':>10} {'min':>8} {'max':>8} {'naive':>10} {'ratio':>7}")
    z = symbol("z", variable=True)
    total = 0.0
    for entry in LIBRARY:
        _, body = entry.build(z)
        derive(entry.name).to_latex()  # imports, lambdify's modules, first-use work

        def ours(name=entry.name):
            if mode != "warm":
                clear_caches(sympy_too=mode == "fresh")
            derive(name).to_latex()

        def theirs(body=body):
            if mode == "fresh":
                clear_caches()
            naive(body, z)

        mine, base = timed(ours, repeats), timed(theirs, repeats)
        med, bmed = statistics.median(mine), statistics.median(base)
        total += med
        note = ""
        if entry.name in ("sigmoid", "tanh"):
            note = f"   lecture target 10 ms: {verdict(med * 1e3, 10, ' ms')}"
        print(
            f"   {entry.name:<14} {med * 1e3:8.1f}ms {min(mine) * 1e3:6.1f}ms {max(mine) * 1e3:6.1f}ms "
            f"{bmed * 1e3:8.1f}ms {med / bmed:7.2f}{note}"
        )
    print(f"   whole library (sum of medians) {total:.2f} s; goal 2 s: {verdict(total, 2.0, ' s')}")


CHAINS = {
    "sigmoid∘…∘sigmoid": lambda depth: "z" if depth == 0 else f"sigmoid({CHAINS['sigmoid∘…∘sigmoid'](depth - 1)})",
    "tanh∘softplus∘…": lambda depth: (
        "z"
        if depth == 0
        else (
            f"tanh({CHAINS['tanh∘softplus∘…'](depth - 1)})"
            if depth % 2
            else f"softplus({CHAINS['tanh∘softplus∘…'](depth - 1)})"
        )
    ),
}


def scaling(repeats: int) -> None:
    print("3. scaling: nested compositions, warm (each line holds the whole chain, so the LaTeX grows as depth²)")
    for label, build in CHAINS.items():
        print(f"   {label}")
        header = ("depth", "steps", "LaTeX", "median", "min", "max", "ms/step", "ms/kchar")
        print("   " + " ".join(f"{h:>{w}}" for h, w in zip(header, (5, 6, 7, 10, 8, 8, 8, 9), strict=True)))
        rows = []
        for depth in (1, 2, 3, 5, 8, 10, 12, 15, 20):
            text = build(depth)
            d = derive(text)
            size = len(d.to_latex())
            samples = timed(lambda text=text: derive(text).to_latex(), repeats)
            med = statistics.median(samples)
            rows.append((depth, len(d.steps), size, med))
            print(
                f"   {depth:>5} {len(d.steps):>6} {size:>7} {med * 1e3:8.1f}ms {min(samples) * 1e3:6.1f}ms "
                f"{max(samples) * 1e3:6.1f}ms {med * 1e3 / len(d.steps):8.2f} {med * 1e6 / size:9.2f}"
            )
        (_, s1, c1, t1), (dn, sn, cn, tn) = rows[0], rows[-1]
        print(
            f"   from depth 1 to {dn}: time {tn / t1:.1f}x, steps {sn / s1:.1f}x, LaTeX {cn / c1:.1f}x; "
            f"time per step grew {(tn / sn) / (t1 / s1):.1f}x (linear in steps is 1.0: "
            f"{verdict((tn / sn) / (t1 / s1), 1.0, 'x')}); depth {dn} in {tn:.3f} s, "
            f"target 1 s: {verdict(tn, 1.0, ' s')}"
        )


def main(repeats: int = 5) -> None:
    whole_process(repeats)
    print()
    in_process(repeats, "warm")
    print()
    in_process(repeats, "sympy-warm")
    print()
    in_process(max(1, repeats // 2), "fresh")
    print()
    scaling(max(1, repeats // 2))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
