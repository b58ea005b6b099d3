"""Speed benchmark (issue 6): whole-process time, in-process time per derivation, scaling with depth.

Run with `python bench/speed.py [repeats]`. Prints, each as median with min and max:

1. the whole-process time of `derive steps sigmoid --format latex`, computed and answered from
   the cache (derive.commands.cache), and of `python -c "import sympy"`, run alternately, and the ratios
   (target: 1.15x);
2. in-process time per derivation (steps, output form, LaTeX, every step checked), warm, for
   every library function, beside the naive way (sympy.diff, sympy.simplify, latex) run in the
   same process, and the ratio (target: the lecture's two under 10 ms);
3. scaling: nested compositions of depth 1 to 20, time and number of steps against depth, the
   first time and warm (target: no faster than linear growth in the number of steps, depth 20
   under 1 s).

Not a test: no timing is asserted anywhere. Where a target is missed the output says by how much.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sympy

import derive as derive_package
from derive import derive
from derive.knowledge.activations import LIBRARY
from derive.knowledge.symbols import variable
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


def entry_point() -> str:
    # The console script beside this interpreter: `derive` on PATH may be a shim (pyenv's is a bash
    # script, about 50 ms) that `python -c "import sympy"`, run as sys.executable, does not pay.
    beside = Path(sys.executable).parent / "derive"
    found = str(beside) if beside.exists() else shutil.which("derive")
    return found or sys.exit("the derive command is not installed: pip install .")


def compile_bytecode() -> None:
    """derive's modules compiled once, as an installed package has them.

    An editable install runs from the source tree, and with PYTHONDONTWRITEBYTECODE set (as on these
    machines) Python compiles every module of derive again in every process: about 40 ms that an
    installed derive (pip writes the .pyc files) never pays, while SymPy's are compiled already.
    """
    import compileall

    compileall.compile_dir(str(Path(derive_package.__file__).parent), quiet=1)


def whole_process(repeats: int) -> None:
    print("1. whole process, alternating runs (derive's bytecode compiled, as installed)")
    compile_bytecode()
    command = [entry_point(), "steps", "sigmoid", "--format", "latex"]
    with tempfile.TemporaryDirectory() as folder:
        cached = dict(os.environ, DERIVE_CACHE_DIR=folder)
        computed = dict(os.environ, DERIVE_NO_CACHE="1")
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=cached)  # stores the answer
        runs = {
            "derive steps sigmoid --format latex, computed (DERIVE_NO_CACHE=1)": (command, computed),
            "derive steps sigmoid --format latex, answered from the cache": (command, cached),
            "python -c 'import sympy'": ([sys.executable, "-c", "import sympy"], dict(os.environ)),
            # what any SymPy command line pays before doing its own work: click, and SymPy's imports on
            # first use (the first Add imports sympy.tensor, which builds sympy.combinatorics' polyhedra)
            "floor: import sympy, click; a first Add": ([sys.executable, "-c", FLOOR], dict(os.environ)),
        }
        times: dict[str, list[float]] = {label: [] for label in runs}
        for _ in range(repeats):
            for label, (argv, env) in runs.items():
                start = time.perf_counter()
                subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
                times[label].append(time.perf_counter() - start)
    base = statistics.median(times["python -c 'import sympy'"])
    for label, samples in times.items():
        print(f"   {label:<68} {stats(samples)}")
    for label, samples in list(times.items())[:2]:
        ratio = statistics.median(samples) / base
        what = label.split(", ")[1]
        print(f"   {what:<28} ratio to import sympy {ratio:.2f}x; target 1.15x: {verdict(ratio, 1.15, 'x')}")
    floor = statistics.median(times["floor: import sympy, click; a first Add"])
    computed = statistics.median(next(iter(times.values())))
    print(
        f"   the floor is {floor / base:.2f}x import sympy; the computed command is {computed / floor:.2f}x the floor "
        f"({(computed - floor) * 1e3:.0f} ms of derive's imports and work above it)"
    )


FLOOR = "import sympy, click; x = sympy.Symbol('x'); x + 1 + x**2"


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
    z = variable("z")
    total = 0.0
    for entry in LIBRARY:
        _, body = entry.build(z)
        derive(entry.name).render("latex")  # imports, lambdify's modules, first-use work

        def ours(name=entry.name):
            if mode != "warm":
                clear_caches(sympy_too=mode == "fresh")
            derive(name).render("latex")

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
    print("3. scaling: nested compositions (each line holds the whole chain, so the LaTeX grows as depth²)")
    print("   first: derive's caches cleared before each run (SymPy's kept); warm: caches kept")
    widths = (5, 6, 7, 10, 8, 8, 10, 8, 8, 9)
    header = ("depth", "steps", "LaTeX", "first", "min", "max", "warm", "min", "max", "ms/kchar")
    for label, build in CHAINS.items():
        print(f"   {label}")
        print("   " + " ".join(f"{h:>{w}}" for h, w in zip(header, widths, strict=True)))
        rows = []
        for depth in (1, 2, 3, 5, 8, 10, 12, 15, 20):
            text = build(depth)
            d = derive(text)
            size = len(d.render("latex"))

            def first(text=text):
                clear_caches()
                derive(text).render("latex")

            cold = timed(first, repeats)
            warm = timed(lambda text=text: derive(text).render("latex"), repeats)
            rows.append((depth, len(d.steps), size, statistics.median(cold), statistics.median(warm)))
            print(
                f"   {depth:>5} {len(d.steps):>6} {size:>7} {statistics.median(cold) * 1e3:8.1f}ms "
                f"{min(cold) * 1e3:6.1f}ms {max(cold) * 1e3:6.1f}ms {statistics.median(warm) * 1e3:8.1f}ms "
                f"{min(warm) * 1e3:6.1f}ms {max(warm) * 1e3:6.1f}ms {statistics.median(cold) * 1e6 / size:9.2f}"
            )
        for column, name in ((3, "first"), (4, "warm")):
            growth(rows, column, name)


def growth(rows: list[tuple[int, int, int, float, float]], column: int, name: str) -> None:
    """Time against steps from the first depth to the last, and the last depth's time."""
    first, last = rows[0], rows[-1]
    per_step = (last[column] / last[1]) / (first[column] / first[1])
    slowest = max(rows, key=lambda row: row[column])
    print(
        f"   {name}: from depth {first[0]} to {last[0]}: time {last[column] / first[column]:.1f}x, "
        f"steps {last[1] / first[1]:.1f}x, LaTeX {last[2] / first[2]:.1f}x; time per step {per_step:.1f}x "
        f"depth {first[0]}'s (linear in steps is 1.0: {verdict(per_step, 1.0, 'x')}); depth {last[0]} in "
        f"{last[column]:.3f} s, target 1 s: {verdict(last[column], 1.0, ' s')}; slowest depth {slowest[0]}: "
        f"{slowest[column]:.3f} s"
    )


TYPED = [
    ("GELU, sigmoid approximation", "x*sigmoid(1.702x)"),
    ("shifted softplus (SchNet)", "log(1+e^x) - log(2)"),
    ("TanhExp", "x tanh(e^x)"),
    ("log-cosh", "log(cosh x)"),
    ("SiLU written out", "x/(1+e^-x)"),
    ("scaled arctan", "2/pi atan(pi x/2)"),
    ("algebraic sigmoid", "x/sqrt(1+x^2)"),
    ("exp minus one", "e^x - 1"),
    ("cubic", "x^3 + x"),
    ("logistic of 2x", "1/(1+e^(-2x))"),
    ("tanh as a probability", "tanh(x)/2 + 1/2"),
    ("Gaussian's derivative", "x e^(-x^2/2)"),
    ("inverted Gaussian", "1 - e^(-x^2)"),
    ("squared ReLU (Primer)", "max(0, x)^2"),
    ("ReLU6", "min(max(0, x), 6)"),
    ("hard swish", "x min(max(0, x + 3), 6)/6"),
    ("leaky ReLU as a max", "max(x, 0.01x)"),
    ("Snake, a = 1", "x + sin(x)^2"),
    ("softsign written out", "x/(1 + |x|)"),
    ("ELU from a slide", r"\begin{cases} x & x > 0 \\ \alpha(e^x - 1) & \text{otherwise} \end{cases}"),
]
"""Twenty activations from papers and frameworks that are not in the library, as people type them."""


def typed(repeats: int) -> None:
    print("4. what people type: whole commands (computed), functions from papers and frameworks, not in the library")
    compile_bytecode()
    command = entry_point()
    env = dict(os.environ, DERIVE_NO_CACHE="1")
    imports = timed(lambda: subprocess.run([sys.executable, "-c", "import sympy"], check=True), repeats)
    base = statistics.median(imports)
    medians = []
    for label, text in TYPED:
        argv = [command, "steps", text]
        samples = timed(lambda argv=argv: subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL), repeats)
        medians.append(statistics.median(samples))
        ratio = medians[-1] / base
        print(f"   {label:<30} {stats(samples)}  {ratio:5.2f}x import sympy{'' if ratio <= 2 else '  MISSED'}")
    worst, middle = max(medians), statistics.median(medians)
    print(
        f"   median {middle * 1e3:.0f} ms, max {worst * 1e3:.0f} ms; import sympy {base * 1e3:.0f} ms: "
        f"median {middle / base:.2f}x, max {worst / base:.2f}x; target 2x: "
        f"{verdict(worst / base, 2.0, 'x')}; {sum(m / base > 2 for m in medians)} of {len(medians)} above it"
    )


def main(repeats: int = 5) -> None:
    whole_process(repeats)
    print()
    typed(max(1, repeats // 2))
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
