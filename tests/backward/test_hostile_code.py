"""Generated code is code derive wrote: no input can break out of a docstring, shadow a name the module
uses, or make writing a module import the framework it is for.

Each hostile input is written as a NumPy, JAX and PyTorch module; each module must compile (with
warnings as errors: an unescaped ``\\s`` warns), say the input's text back verbatim in its
docstrings, have the syntax tree of the same formula written from harmless text, import in a fresh
interpreter without creating a file or printing anything, and compute g and g' (checked against
central differences of the formula at a few points) through its renamed parameters.
"""

from __future__ import annotations

import ast
import builtins
import functools
import importlib.util
import keyword
import math
import re
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
from click.testing import CliRunner

from derive.backward import module_source, plan
from derive.backward.names import MODULES, clashes, function_name_problem
from derive.cli import main
from derive.commands import backward_command

FRAMEWORKS = ("numpy", "jax", "torch")
CANARY = 'open("pwned","w");print("PWNED")'
POINTS = (-2.0, -0.5, 0.3, 1.7)


def _sigmoid(v: float) -> float:
    return 1 / (1 + math.exp(-v))


@dataclass(frozen=True)
class Case:
    """A target as the user gives it; ``harmless`` the same formula without the hostile text (its module
    must have the same syntax tree, docstrings aside); ``g`` the formula at the code's keywords."""

    target: str
    notation: str
    g: Callable[..., float]
    params: dict[str, float] = field(default_factory=dict)  # keyword in the generated code -> a value
    harmless: str = "x*sigmoid(x)"
    renamed: tuple[str, ...] = ()  # "grad as grad_": what the docstring must say was renamed
    name: str = "act"


TITLES = {
    "triple-double-quotes": Case(f'x*torch.sigmoid(x) # """;{CANARY};"""', "code", lambda x: x * _sigmoid(x)),
    "triple-single-quotes": Case(
        "x*torch.sigmoid(x) # ''';open('pwned','w');print('PWNED');'''", "code", lambda x: x * _sigmoid(x)
    ),
    "ends-in-a-backslash": Case("x*torch.sigmoid(x) # a title that ends in \\", "code", lambda x: x * _sigmoid(x)),
    "escapes": Case(
        'x*torch.sigmoid(x) # \\N{DIGIT ONE} \\x41 \\u0041 \\t \\\\" \\"""' + f";{CANARY};#",
        "code",
        lambda x: x * _sigmoid(x),
    ),
    "newlines": Case(f'(x*torch.sigmoid(x)\n) # one\n# """;{CANARY};"""\n', "code", lambda x: x * _sigmoid(x)),
    "separators": Case(
        f'x*torch.sigmoid(x) # \u202e \u2066 \u2028 \x85 \x0c \x0b \x1b[31m """;{CANARY};"""',
        "code",
        lambda x: x * _sigmoid(x),
    ),
    "latex-backslashes": Case(
        "x\\cdot\\sigma(\\nu x)",
        "latex",
        lambda x, nu: x * _sigmoid(nu * x),
        {"nu": 1.5},
        harmless="x*sigmoid(nu*x)",
    ),
}
PARAMETERS = {
    "keyword": Case("z*sigmoid(class_*z)", "math", lambda x, c: x * _sigmoid(c * x), {"class_": 1.5}),
    "grad-and-saved": Case(
        "z*sigmoid(grad*z) + saved*z",
        "math",
        lambda x, g, s: x * _sigmoid(g * x) + s * x,
        {"grad_": 1.5, "saved_": 0.5},
        renamed=("grad as grad_", "saved as saved_"),
    ),
    "x-y-and-x_": Case(
        "z*sigmoid(x*z) + y*z + x_*z",
        "math",
        lambda v, x, y, x_: v * _sigmoid(x * v) + y * v + x_ * v,
        {"x__": 1.5, "y_": 0.5, "x_": 2.0},
        renamed=("x as x__", "y as y_"),
    ),
    "modules": Case(
        "z*sigmoid(torch*z) + (numpy + jax + jnp + math + functools)*z",
        "math",
        lambda x, t, n, j, jn, m, f: x * _sigmoid(t * x) + (n + j + jn + m + f) * x,
        {"torch_": 1.5, "numpy_": 0.5, "jax_": 0.25, "jnp_": 0.125, "math_": 2.0, "functools_": 0.75},
        renamed=("torch as torch_", "numpy as numpy_", "jax as jax_", "jnp as jnp_", "math as math_"),
    ),
    "torch-kernel-names": Case(
        "z*sigmoid(t0*z) + (out + ctx)*z*sigmoid(saved_tensors*z)",
        "math",
        lambda x, t0, out, ctx, st: x * _sigmoid(t0 * x) + (out + ctx) * x * _sigmoid(st * x),
        {"t0_": 1.5, "out_": 0.5, "ctx_": 2.0, "saved_tensors_": 0.75},
        renamed=("t0 as t0_", "out as out_", "ctx as ctx_", "saved_tensors as saved_tensors_"),
    ),
    "module-names": Case(
        "z*sigmoid(in_blocks*z) + (FUNCTIONS + SAVES + BLOCK)*z",
        "math",
        lambda x, i, f, s, b: x * _sigmoid(i * x) + (f + s + b) * x,
        {"in_blocks_": 1.5, "FUNCTIONS_": 0.5, "SAVES_": 0.25, "BLOCK_": 2.0},
        renamed=("in_blocks as in_blocks_", "FUNCTIONS as FUNCTIONS_", "BLOCK as BLOCK_"),
    ),
    "builtins": Case(
        "z*sigmoid(print*z) + (len + input + ValueError)*z",
        "math",
        lambda x, p, n, i, v: x * _sigmoid(p * x) + (n + i + v) * x,
        {"print_": 1.5, "len_": 0.5, "input_": 0.25, "ValueError_": 2.0},
        renamed=("print as print_", "ValueError as ValueError_"),
    ),
    "the-functions-own-names": Case(
        "z*sigmoid(act*z) + act_backward*z",
        "math",
        lambda x, a, b: x * _sigmoid(a * x) + b * x,
        {"act_": 1.5, "act_backward_": 0.5},
        renamed=("act as act_", "act_backward as act_backward_"),
    ),
    "from-the-output": Case(
        "1/(1+exp(-grad*z))", "math", lambda x, g: _sigmoid(g * x), {"grad_": 1.5}, renamed=("grad as grad_",)
    ),
    "non-ascii": Case(
        "x*torch.sigmoid(é*x) + ﬁ*x",  # Python reads ﬁ as fi (NFKC)
        "code",
        lambda x, e, fi: x * _sigmoid(e * x) + fi * x,
        {"u00e9": 1.5, "fi": 0.5},
        renamed=("é as u00e9",),
    ),
    "a-file": Case(
        "hostile.py:act",
        "auto",
        lambda x, g, c, s, e: x * _sigmoid(g * x) + c * s * x + e * x,
        {"grad_": 1.5, "class_": 0.5, "saved_": 2.0, "u00e9": 0.25},
        renamed=("grad as grad_", "saved as saved_", "é as u00e9"),
    ),
}

HOSTILE_FILE = """\
import torch


def act(x, grad=1.0, class_=1.0, saved=1.0, é=1.0):
    return x * torch.sigmoid(grad * x) + class_ * saved * x + é * x
"""

CASES = {**TITLES, **PARAMETERS}


class _Written(dict):
    """(case, framework) -> what derive writes for it, each written when first asked for: a case that
    fails to be written fails its own tests only."""

    def __init__(self, write: Callable[[str, str], str]) -> None:
        super().__init__()
        self.write = write

    def __missing__(self, key: tuple[str, str]) -> str:
        self[key] = self.write(*key)
        return self[key]


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> _Written:
    """(case, framework) -> the module's source, with the command line the CLI would put in it."""
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "hostile.py").write_text(HOSTILE_FILE, encoding="utf-8")

    @functools.cache
    def planned(key: str) -> tuple:
        case = CASES[key]
        target = str(folder / case.target) if case.target.endswith(":act") else case.target
        return plan(target, case.name, notation=case.notation), target

    def write(key: str, framework: str) -> str:
        p, target = planned(key)
        return module_source([p], framework, backward_command([target], framework))

    return _Written(write)


@pytest.fixture(scope="module")
def harmless() -> _Written:
    """(case, framework) -> the module of the same formula from harmless text, for the title cases."""
    planned = functools.cache(lambda key: plan(TITLES[key].harmless, TITLES[key].name, notation="math"))
    return _Written(lambda key, framework: module_source([planned(key)], framework, "derive backward"))


def _compiled(source: str) -> ast.Module:
    """The module compiled with warnings as errors (an unknown escape like \\s warns), and its tree."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compile(source, "generated.py", "exec")
    return ast.parse(source)


def _without_docstrings(source: str) -> str:
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef) and ast.get_docstring(node) is not None:
            node.body[0] = ast.Pass()
    return ast.dump(tree)


def _words(text: str) -> str:
    """Text with its whitespace runs as one space: the docstrings wrap lines, and turn newlines into spaces."""
    return " ".join(text.split())


def _public(tree: ast.Module, name: str) -> ast.FunctionDef:
    (function,) = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name]
    return function


ALL = [pytest.param(key, framework, id=f"{key}-{framework}") for key in CASES for framework in FRAMEWORKS]
TITLE_CASES = [pytest.param(key, framework, id=f"{key}-{framework}") for key in TITLES for framework in FRAMEWORKS]
PARAMETER_CASES = [
    pytest.param(key, framework, id=f"{key}-{framework}") for key in PARAMETERS for framework in FRAMEWORKS
]


@pytest.mark.parametrize("key, framework", TITLE_CASES)
def test_the_input_text_stays_inside_the_docstrings(sources, harmless, key, framework):
    tree = _compiled(sources[key, framework])
    # the same syntax tree as the harmless formula's module, docstrings aside: nothing got out of one
    assert _without_docstrings(sources[key, framework]) == _without_docstrings(harmless[key, framework])
    # and the docstrings' values say the text as it was given (whitespace aside), escapes and all
    doc = ast.get_docstring(_public(tree, "act"), clean=False)
    target = TITLES[key].target.strip()  # the title: what was given, without its surrounding whitespace
    assert _words(doc).startswith(_words(target) + ": g(x) = "), doc
    assert _words(backward_command([TITLES[key].target], framework)) in _words(ast.get_docstring(tree, clean=False))


@pytest.mark.parametrize("key, framework", PARAMETER_CASES)
def test_parameters_are_renamed_to_free_names_and_the_docstring_says_so(sources, key, framework):
    case = PARAMETERS[key]
    tree = _compiled(sources[key, framework])
    function = _public(tree, case.name)
    arguments = [a.arg for a in function.args.args]
    assert arguments[0] == "x" and sorted(arguments[1:]) == sorted(case.params)
    defined = {n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    defined |= {t.id for n in tree.body if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    for name in arguments[1:]:
        assert name.isascii() and name.isidentifier() and not keyword.iskeyword(name), name
        assert name not in dir(builtins) and name not in MODULES and name not in defined, name
        assert name not in {"x", "y", "grad", "saved", "out", "ctx"} and not re.fullmatch(r"t[0-9]+", name), name
    said = _words(ast.get_docstring(function, clean=False))
    for renamed in case.renamed:
        assert renamed in said, said
    if not case.renamed:
        assert "Renamed" not in said


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_importing_a_hostile_module_runs_nothing(sources, tmp_path, framework):
    # each module in a folder of its own, imported there by a fresh interpreter: a payload that got out of
    # a docstring would create the canary file in that folder, or print
    folders = []
    for i, key in enumerate(CASES):
        folder = tmp_path / f"case{i}"
        folder.mkdir()
        (folder / f"hostile_{i}.py").write_text(sources[key, framework], encoding="utf-8")
        folders.append(folder)
    r = _import_each(folders)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
    for i, folder in enumerate(folders):
        assert sorted(p.name for p in folder.iterdir()) == [f"hostile_{i}.py"], list(CASES)[i]


def _import_each(folders) -> subprocess.CompletedProcess:
    script = textwrap.dedent(
        """
        import importlib, os, sys
        for folder in sys.argv[1:]:
            os.chdir(folder)
            sys.path.insert(0, folder)
            (name,) = [f[:-3] for f in os.listdir(folder) if f.endswith(".py")]
            importlib.import_module(name)
        """
    )
    return subprocess.run(
        [sys.executable, "-B", "-c", script, *map(str, folders)], capture_output=True, text=True, timeout=300
    )


def test_the_canary_fires_when_a_docstring_is_not_escaped(tmp_path):
    # the import test can fail: the same text in a docstring written as before escaping runs its payload
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "unescaped.py").write_text(f'"""{TITLES["triple-double-quotes"].target}"""\n')
    r = _import_each([tmp_path / "case"])
    assert r.stdout == "PWNED\n"
    assert (tmp_path / "case" / "pwned").exists()


def _load(source: str, folder, stem: str):
    path = folder / f"{stem}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _expected(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """g and g' at POINTS, from the formula itself: g' by central differences."""
    values = list(case.params.values())
    h = 1e-6
    g = [case.g(x, *values) for x in POINTS]
    slope = [(case.g(x + h, *values) - case.g(x - h, *values)) / (2 * h) for x in POINTS]
    return np.array(g), np.array(slope)


def _run(module, framework: str, case: Case) -> list[tuple[np.ndarray, np.ndarray]]:
    """(g, g') at POINTS as the module computes them: its forward and backward (torch: both the in-place
    backward and the one autograd can differentiate again)."""
    forward = getattr(module, case.name)
    if framework == "numpy":
        x = np.array(POINTS)
        y, saved = forward(x, **case.params)
        return [(y, getattr(module, f"{case.name}_backward")(np.ones_like(x), saved, **case.params))]
    if framework == "jax":
        import jax

        jax.config.update("jax_enable_x64", True)  # as the other backward tests: g' compared in float64
        x = jax.numpy.asarray(POINTS, dtype=jax.numpy.float64)
        y, pullback = jax.vjp(lambda v: forward(v, **case.params), x)
        (dx,) = pullback(jax.numpy.ones_like(y))
        return [(np.asarray(y), np.asarray(dx))]
    import torch

    out = []
    for create_graph in (False, True):
        x = torch.tensor(POINTS, dtype=torch.float64, requires_grad=True)
        y = forward(x, **case.params)
        (dx,) = torch.autograd.grad(y, x, torch.ones_like(y), create_graph=create_graph)
        out.append((y.detach().numpy(), dx.detach().numpy()))
    return out


@pytest.mark.parametrize("key, framework", ALL)
def test_the_function_and_its_backward_compute_g_and_its_derivative(sources, tmp_path, monkeypatch, key, framework):
    monkeypatch.chdir(tmp_path)  # a payload run by a call would create its canary here
    case = CASES[key]
    module = _load(sources[key, framework], tmp_path, f"hostile_{framework}_{key.replace('-', '_')}")
    g, slope = _expected(case)
    for y, dx in _run(module, framework, case):
        np.testing.assert_allclose(y, g, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(dx, slope, rtol=1e-7, atol=1e-9)
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix != ".py" and p.name != "__pycache__") == []


@pytest.mark.parametrize(
    "name, says",
    [
        ("import", "is a Python keyword"),
        ("class", "is a Python keyword"),
        ("numpy", "is a module the generated code uses"),
        ("torch", "is a module the generated code uses"),
        ("jax", "is a module the generated code uses"),
        ("FUNCTIONS", "is a name the generated module uses"),
        ("SAVES", "is a name the generated module uses"),
        ("in_blocks", "is a name the generated module uses"),
        ("grad", "is a name the generated module uses"),
        ("x", "is a name the generated module uses"),
        ("t0", "is a name the generated module uses"),
        ("print", "is a Python builtin"),
        ("max", "is a Python builtin"),
        ("__getattr__", "is a __special__ name"),
        ("é", "is not ASCII"),
        ("ｘ", "is not ASCII"),  # a fullwidth x: Python itself would read it as x
        ("1act", "is not a Python name"),
        ("act-2", "is not a Python name"),
        ("act\nfoo", "is not a Python name"),
        (f'a"""; {CANARY}; """', "is not a Python name"),
    ],
)
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_name_the_module_cannot_use_is_refused_in_one_line(tmp_path, name, says, framework):
    out = tmp_path / "act.py"
    r = CliRunner().invoke(main, ["backward", "x*tanh(x)", "--name", name, "--framework", framework, "-o", str(out)])
    assert r.exit_code == 2
    assert says in r.output and "a function name is an ASCII letter" in r.output, r.output
    assert r.output.count("\n") == 1, r.output
    assert not out.exists()


@pytest.mark.parametrize(
    "args, says",
    [
        (["x*tanh(x)", "x*sigmoid(x)", "--name", "act", "--name", "act"], "two targets are named act"),
        (
            ["x*tanh(x)", "x*sigmoid(x)", "--name", "act", "--name", "act_backward"],
            "act and act_backward would both define act_backward",
        ),
        (["x*tanh(x)", "x*sigmoid(x)", "--name", "act", "--name", "_act"], "act and _act would both define _act"),
        (["x*tanh(x)", "x*sigmoid(x)", "--name", "a_b", "--name", "A_b"], "a_b and A_b would both define ABFunction"),
        (["sigmoid", "x*tanh(x)", "--name", "sigmoid_backward"], "would both define sigmoid_backward"),
        (["grad(x) = x*tanh(x)"], "'grad(x) = x*tanh(x)' is named 'grad', which is a name the generated module uses"),
    ],
)
def test_names_that_would_overwrite_each_other_are_refused(args, says):
    r = CliRunner().invoke(main, ["backward", *args, "--framework", "numpy"])
    assert r.exit_code == 2
    assert says in r.output and r.output.count("\n") == 1, r.output


def test_the_cli_writes_what_the_library_writes(sources):
    key = "triple-double-quotes"
    r = CliRunner().invoke(
        main, ["backward", CASES[key].target, "--input", "code", "--name", "act", "--framework", "jax"]
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == sources[key, "jax"]


def test_the_librarys_names_are_kept(plans):
    # the library's functions are named as before, none clashing with another, their parameters as
    # the library has them (lambda as lambda_, as PEP 8 writes a keyword)
    assert all(function_name_problem(name) is None for name in plans)
    assert clashes(list(plans)) is None
    for p in plans.values():
        for parameter in p.parameters:
            symbol = parameter.symbol.name
            assert parameter.name == (f"{symbol}_" if keyword.iskeyword(symbol) else symbol)


BLOCKER = textwrap.dedent(
    """
    import sys

    BLOCKED = ("torch", "jax", "jaxlib")

    class Blocker:
        def find_spec(self, name, path=None, target=None):
            if name.partition(".")[0] in BLOCKED:
                raise ImportError(f"{name} is blocked")
            return None

    sys.meta_path.insert(0, Blocker())
    try:
        import torch  # noqa: F401
    except ImportError:
        pass
    else:
        raise SystemExit("the blocker let torch through")
    from derive.cli import main

    main(sys.argv[1:], prog_name="derive")
    """
)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_module_is_written_without_the_framework_installed(tmp_path, framework):
    args = ["backward", "sigmoid", "swish", "--framework", framework]
    r = subprocess.run(
        [sys.executable, "-B", "-c", BLOCKER, *args], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    normal = CliRunner().invoke(main, args)
    assert normal.exit_code == 0
    assert r.stdout == normal.stdout
    assert "def sigmoid(x):" in r.stdout


def test_without_the_framework_the_blocker_does_block(tmp_path):
    # the test above can fail: under the same blocker, importing the module's helper file fails
    script = BLOCKER.replace('main(sys.argv[1:], prog_name="derive")', "import derive.backward.blocks")
    r = subprocess.run([sys.executable, "-B", "-c", script], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode != 0 and "torch is blocked" in r.stderr


def test_the_torch_module_carries_in_blocks_as_blocks_py_has_it(sources):
    import inspect

    from derive.backward import blocks

    source = sources["keyword", "torch"]
    assert inspect.getsource(blocks.in_blocks) in source
    assert "\nBLOCK = 1 << 17  # elements:" in source
