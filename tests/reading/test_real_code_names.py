"""Issue 30, point 6: the JSON reads back for every function name, the names derive uses itself included.

A file's ``def sigmoid(input, eps=1e-7)`` is not derive's σ: its JSON's ``function`` is ``sigmoid_`` (said in a
note), so ``sympify(s, locals=json_locals(data["variable"], data["function"]))`` gives derive's own expression for
every string of the JSON, σ staying σ.  Tested over code names that are derive's or SymPy's own and over the
library (whose function is g).
"""

from __future__ import annotations

import json
import textwrap

import pytest
from sympy import Function, expand, sympify

from derive import derive, json_locals
from derive.engine.board import evaluate, strip_groups
from derive.knowledge.activations import LIBRARY
from derive.knowledge.readback import taken
from derive.proof.prover import prove_equal

# each a function of a file, named like something of derive's or SymPy's, whose formula uses σ or tanh too
NAMES = [
    "sigmoid",
    "tanh",
    "exp",
    "log",
    "Max",
    "erf",
    "Abs",
    "sign",
    "Heaviside",
    "Piecewise",
    "E",
    "pi",
    "Symbol",
    "logit",
    "lamda",
    "softplus",
    "S",
    "N",
    "I",
    "g",
    "swish",
    "beta",
]


def same(read, mine, var) -> bool:
    return read == mine or expand(read - mine) == 0 or prove_equal(read.doit(), mine.doit(), var).ok


def reads_back(d) -> dict:
    data = json.loads(d.render("json"))
    names = json_locals(data["variable"], data["function"])
    z = d.variable
    g, own_function = Function("g"), Function(data["function"])
    assert same(sympify(data["definition"], locals=names), d.function.body, z)
    assert same(sympify(data["derivative"], locals=names), d.derivative, z)
    if data["output_form"] is not None:  # in the function's own name, where derive's object writes g
        own = d.output_form_of_g.replace(g, own_function)
        assert same(sympify(data["output_form"], locals=names), own, z)
    for text, step in zip((s["expr"] for s in data["steps"]), d.steps, strict=True):
        mine = evaluate(strip_groups(step.expr)).replace(g, own_function)
        assert same(sympify(text, locals=names), mine, z), text
    return data


@pytest.mark.parametrize("name", NAMES)
def test_a_code_function_named_like_derive_s_own_reads_back(tmp_path, name):
    path = tmp_path / "act.py"
    path.write_text(
        textwrap.dedent(f'''
        import torch


        def {name}(input, eps=1e-7):
            """Named like one of derive's: not derive's."""
            return torch.sigmoid(input) * (1 - eps) + eps * torch.tanh(input)
        ''')
    )
    d = derive(f"{path}:{name}")
    data = reads_back(d)
    assert not taken(data["function"]), data["function"]
    if taken(name):
        assert data["function"] == f"{name}_"
        assert any(f"the file's {name} as {name}_" in c for c in data["conventions"])
    else:
        assert data["function"] == name


def test_the_issue_s_sigmoid_with_eps_is_not_derive_s_sigma(tmp_path):
    path = tmp_path / "act.py"
    path.write_text("import torch\n\n\ndef sigmoid(input, eps=1e-7):\n    return 1 / (1 + torch.exp(-input)) + eps\n")
    d = derive(f"{path}:sigmoid")
    data = reads_back(d)
    names = json_locals(data["variable"], data["function"])
    assert sympify("sigmoid(input)", locals=names) != sympify(f"{data['function']}(input)", locals=names)


@pytest.mark.parametrize("name", [a.name for a in LIBRARY][::3])
def test_the_library_still_reads_back(name):
    assert reads_back(derive(name))["function"] == "g"
