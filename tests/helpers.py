"""Shared test helpers: the library's names, test expressions, and an independent proof that a step equals
its quantity (imported by name, `from helpers import ...`: a conftest module's name is shared by every
folder's conftest)."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import mpmath
from sympy import Expr, Symbol, diff, lambdify, simplify
from sympy.core.function import AppliedUndef

from derive.engine.board import evaluate, strip_groups
from derive.knowledge.symbols import g_function

LIBRARY_NAMES = [a.name for a in __import__("derive.knowledge.activations", fromlist=["LIBRARY"]).LIBRARY]

EXPRESSIONS = [
    "1/(1+exp(-a*z))",
    "exp(z)/(1+exp(z))",
    "1/(1+exp(-(z-c)))",
    "2/(1+exp(-2*z)) - 1",
    "(exp(2*z)-1)/(exp(2*z)+1)",
    "z*tanh(log(1+exp(z)))",
    "log(1+exp(z))",
    "sqrt(z**2+1)",
    "z*erf(z/sqrt(2))",
    "sin(z)*cos(z)",
    "atan(z)**2",
    "sinh(z)/cosh(z)",
    "1/(1+exp(-1/(1+exp(-z))))",
]


def normalise_latex(s: str) -> str:
    """The lecture's rule for two LaTeX lines being the same (tests/data/README of shared/lecture)."""
    s = re.sub(r"\s+", "", s).replace(r"\left", "").replace(r"\right", "")
    return re.sub(r"([\^_])\{(\\?[A-Za-z0-9])\}", lambda m: m.group(1) + m.group(2), s)


def reference_value(derivation, quantity: str) -> Expr:
    """What a step's quantity is, from SymPy's own diff: independent of the engine."""
    body, z = derivation.function.body, derivation.variable
    order = quantity.count("'")
    return diff(body, z, order) if order else body


def step_value(derivation, step) -> Expr:
    """A step's expression with g(z) (and a library name) replaced by the definition, derivatives done."""
    f = derivation.function
    subs = {g_function(f.variable): f.body}
    if isinstance(f.head, AppliedUndef):
        subs[f.head] = f.body
    return evaluate(strip_groups(step.expr)).xreplace(subs).doit()


def assert_equal_functions(lhs: Expr, rhs: Expr, var: Symbol, points: int = 24, digits: int = 30) -> str:
    """Symbolically when SymPy decides; otherwise at `points` random points with mpmath at `digits` digits."""
    difference = lhs - rhs
    if simplify(difference) == 0:
        return "symbolic"
    params = sorted(difference.free_symbols - {var}, key=str)
    f = lambdify([var, *params], difference, modules="mpmath")
    g = lambdify([var, *params], rhs, modules="mpmath")
    rng = random.Random(7)
    checked = 0
    with mpmath.workdps(digits):
        for _ in range(points * 5):
            if checked == points:
                break
            z0 = mpmath.mpf(rng.uniform(-5, 5))
            ps = [mpmath.mpf(rng.uniform(0.5, 2)) for _ in params]
            if abs(z0) < 1e-3:
                continue
            try:
                err, scale = abs(f(z0, *ps)), abs(g(z0, *ps))
            except (ZeroDivisionError, ValueError):
                continue
            assert err <= mpmath.mpf(10) ** (-(digits - 8)) * (1 + scale), f"differs by {err} at {var} = {z0}"
            checked += 1
    assert checked == points, f"only {checked} points could be evaluated"
    return "numeric"


# --- the library's backward passes (tests/backward), generated once per session for each framework ---
def keywords(plan) -> dict[str, float]:
    """A plan's parameters at their defaults, by the names derive.testing reads (lambda, not lambda_)."""
    return {p.symbol.name: p.default for p in plan.parameters}


def commands_in_a_fresh_process(commands: list[list[str]], then: str = "") -> subprocess.CompletedProcess:
    """derive's CLI run on each of ``commands`` in one new interpreter, then the code ``then``; its stderr's
    last line says whether SymPy was imported (the commands that must stay lean)."""
    code = (
        "import sys\n"
        "from derive.cli import main\n"
        f"for args in {commands!r}:\n"
        "    try:\n"
        "        main(args, prog_name='derive')\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"{then}"
        "print('sympy' in sys.modules, file=sys.stderr)\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)


def value_at(expr: Expr, var: str, at: float, **params: float) -> float:
    """A reading's value at a point (30 digits in, 20 out), its parameters at the values given."""
    import sympy

    values = {sympy.Symbol(k, positive=True): v for k, v in params.items()}
    return float(sympy.N(expr.subs(values).subs(sympy.Symbol(var, real=True), sympy.Float(at, 30)), 20))


def load_snippet(tmp_path, source: str, name: str = "acts"):  # noqa: ANN001, ANN201 - a test's own module
    """A test's own snippet written to a file and imported by the test, to run it with the framework
    (derive itself never imports it): the file's path and the module."""
    import importlib.util
    import textwrap

    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return path, module
