"""Issue 28, point 5: an activation's framework spellings are fields of its library entry, and the code
reader's tables are built from them.  Every spelling of every entry is read as that activation with the
entry's defaults; each keyword sets what the entry says; and what the entries claim of PyTorch, JAX and
SciPy (names, keywords, defaults, torch.nn's classes) is what those libraries have."""

from __future__ import annotations

import ast
import importlib
import inspect

import pytest
from sympy import Expr, Rational, Symbol, nsimplify, simplify

from derive import ParseError
from derive.knowledge import registry
from derive.knowledge.activations import LIBRARY, Activation, Default, Keyword, Spelling, require
from derive.knowledge.symbols import parameter
from derive.reading import code
from derive.reading.code import read_code

x = Symbol("x", real=True)

SPELLINGS = [(a, s) for a in LIBRARY for s in a.code if s.reads]
NAMES = [(a, s, name) for a, s in SPELLINGS for name in s.names]
SETTING = [(a, s, k) for a, s in SPELLINGS for k in s.keywords if k.sets is not None]
PICKING = [(a, s, k, value, picked) for a, s in SPELLINGS for k in s.keywords for value, picked in k.picks]


def _id(*parts: object) -> str:
    return "-".join(p.name if isinstance(p, Activation) else str(p) for p in parts)


MODULES = [(a, s) for a, s in SPELLINGS if s.module]
MODULE_IDS = [s.module for _, s in MODULES]


def _exact(value: object) -> Expr:
    return value if isinstance(value, Expr) else Rational(repr(value))


def formula(entry: Activation, **values: object) -> Expr:
    """The entry at x, what ``values`` name (parameters, constants) set, independently of the reader: σ and
    tanh as the registry's functions, every other entry written out."""
    constants = {k: _exact(v) for k, v in values.items() if k in dict(entry.constants)}
    named, body = entry.build(x, **constants)
    chosen = named if registry.entry(type(named)) is not None else body
    return chosen.subs({parameter(k): _exact(v) for k, v in values.items() if k not in constants})


def same(read: Expr, expected: Expr) -> bool:
    return read == expected or simplify(read - expected) == 0


def defaults(entry: Activation, spelling: Spelling) -> dict[str, object]:
    """What the spelling's keywords set when not given (the entry's own values unless the framework has its own
    default: TensorFlow's leaky_relu slope 0.2), and what it fixes (tf.nn.elu's α = 1)."""
    given = {
        k.sets: entry.value(k.sets) if k.default is Default.REQUIRED else _framework_default(entry, k)
        for k in spelling.keywords
        if k.sets is not None
    }
    return dict(spelling.fixed) | given


def required(entry: Activation, spelling: Spelling, but: Keyword | None = None) -> str:
    """The arguments a spelling cannot do without (F.prelu's weight), at the entry's values."""
    needed = [k for k in spelling.keywords if k.default is Default.REQUIRED and k is not but]
    return "".join(f", {k.name}={entry.value(k.sets)!r}" for k in needed)


def case_values(entry: Activation) -> dict[str, object]:
    return dict(entry.case.at) if entry.case is not None else {}


@pytest.mark.parametrize("entry, spelling, name", NAMES, ids=[_id(a, n) for a, _, n in NAMES])
def test_every_spelling_of_an_entry_reads_as_it_with_its_defaults(entry, spelling, name):
    reading = read_code(f"{name}(x{required(entry, spelling)})", "x")
    own = {k: v for k, v in defaults(entry, spelling).items() if k not in case_values(entry)}
    assert same(reading.expr, formula(entry, **own)), (name, reading.expr)
    # the reader's table for the name is this entry's spelling
    assert name in code.FRAMEWORK


@pytest.mark.parametrize("entry, spelling", MODULES, ids=MODULE_IDS)
def test_torch_nn_classes_call_their_functions(entry, spelling):
    assert code.NN_MODULES[spelling.module] == spelling.names[0]
    if required(entry, spelling):
        return
    module = read_code(f"torch.nn.{spelling.module}()(x)", "x").expr
    function = read_code(f"{spelling.names[0]}(x)", "x").expr
    assert module == function


@pytest.mark.parametrize("entry, spelling, keyword", SETTING, ids=[_id(a, s.names[0], k.name) for a, s, k in SETTING])
def test_each_keyword_sets_what_the_entry_says(entry, spelling, keyword):
    """A value other than the default (0.3) sets the parameter or constant; a parameter of the entry this one
    is a case of reads as that entry (F.softplus(x, beta=0.3) is softplus with β)."""
    values = defaults(entry, spelling) | {keyword.sets: 0.3}
    read = read_code(f"{spelling.names[0]}(x{required(entry, spelling, but=keyword)}, {keyword.name}=0.3)", "x").expr
    if keyword.sets in case_values(entry):
        expected = formula(require(entry.case.of), **values)
    else:
        expected = formula(entry, **values)
    assert same(read, expected), read


@pytest.mark.parametrize(
    "entry, spelling, keyword, value, picked",
    PICKING,
    ids=[_id(a, s.names[0], k.name, v) for a, s, k, v, _ in PICKING],
)
def test_a_keyword_that_picks_reads_the_entry_it_picks(entry, spelling, keyword, value, picked):
    read = read_code(f"{spelling.names[0]}(x, {keyword.name}={value!r})", "x")
    assert same(read.expr, formula(require(picked)))
    said = dict(spelling.says).get(picked)
    assert said is None or said.format(**{keyword.name: value}) in read.conventions


def test_a_value_no_keyword_picks_is_refused_in_one_line():
    with pytest.raises(ParseError, match="gelu's approximate is 'none' or 'tanh', not 'erf'"):
        read_code('F.gelu(x, approximate="erf")', "x")


def test_selu_says_the_values_it_fixes_from_its_entry():
    selu = require("selu")
    alpha, lam = dict(selu.defaults)["alpha"], dict(selu.defaults)["lambda"]
    said = read_code("F.selu(x)", "x").conventions
    assert any(f"α = {alpha:.6f}, λ = {lam:.6f}" in line for line in said), said


def test_a_name_has_one_home():
    """A spelled name belongs to one entry, is no registry function's code name (torch.sigmoid is σ's
    there), and is not written again among the reader's own functions."""
    names = [n for _, s in SPELLINGS for n in s.names]
    assert len(names) == len(set(names))
    assert not set(names) & set(registry.by_code_name())
    modules = [s.module for _, s in SPELLINGS if s.module]
    assert len(modules) == len(set(modules))
    spelled = {n: (a, s) for a, s in SPELLINGS for n in s.names}
    for name, (_, spelling) in spelled.items():
        assert code.FRAMEWORK[name].params[0] == (spelling.input, code.REQUIRED), name


def test_the_reader_writes_no_activation_of_the_library():
    """reading/code.py builds no library activation itself: no string of its code (docstrings aside) names one."""
    tree = ast.parse(inspect.getsource(code))
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    strings = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in docstrings}
    assert not strings & {name for entry in LIBRARY for name in (entry.name, *entry.aliases)}


# --- what the entries claim of the frameworks --------------------------------------------------------------


INSTALLED = ("torch", "jax", "scipy")
"""The frameworks the tests install; TensorFlow and Keras are not (issue 30: they need not be), so their
spellings are checked by their readings only."""


def _resolve(qualified: str) -> object:
    module, _, name = qualified.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _signature(function: object) -> inspect.Signature | None:
    try:
        return inspect.signature(function)
    except (TypeError, ValueError):  # a builtin: torch.relu, scipy's ufuncs
        return None


def _framework_default(entry: Activation, keyword: Keyword) -> object:
    return entry.value(keyword.sets) if keyword.default is Default.ENTRY else keyword.default


def _equal(theirs: object, ours: object) -> bool:
    """A default as the framework has it and as the entry says: numbers by value (-1.0 and -1), others as they are."""
    if isinstance(theirs, bool) or isinstance(ours, bool) or isinstance(theirs, str) or isinstance(ours, str):
        return theirs == ours
    return nsimplify(theirs) == nsimplify(ours)


INSTALLED_NAMES = [(a, s, n) for a, s, n in NAMES if n.split(".")[0] in INSTALLED]


@pytest.mark.parametrize("entry, spelling, name", INSTALLED_NAMES, ids=[_id(a, n) for a, _, n in INSTALLED_NAMES])
def test_the_framework_has_the_function_with_those_keywords_and_defaults(entry, spelling, name):
    function = _resolve(name)
    assert callable(function)
    signature = _signature(function)
    if signature is None:
        return
    params = list(signature.parameters.values())
    assert params[0].name == spelling.input
    for keyword, param in zip(spelling.keywords, params[1:], strict=False):
        assert keyword.name == param.name, name
        if keyword.default is Default.REQUIRED:
            assert param.default is inspect.Parameter.empty
        else:
            assert _equal(param.default, _framework_default(entry, keyword)), (name, keyword.name)


@pytest.mark.parametrize("entry, spelling", MODULES, ids=MODULE_IDS)
def test_torch_nn_classes_take_the_keywords_in_order_with_their_defaults(entry, spelling):
    cls = _resolve(f"torch.nn.{spelling.module}")
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name not in ("self", "inplace")]
    for keyword, param in zip(spelling.keywords, params, strict=False):
        assert keyword.name == param.name
        assert _equal(param.default, _framework_default(entry, keyword)), keyword.name
