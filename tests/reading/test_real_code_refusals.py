"""Issue 30, point 3: one line, always.  Every refusal of a file's function (by `derive steps` and by `derive
check-backward`) is one line on stderr with exit status 2, with the file's line and column and the construct
refused where there is one; never a traceback, never "a bug in derive".  Each file here was found refused or
crashing while reading real code's shapes; each is a test now."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from derive.cli import main

REFUSED = {
    "syntax": ("def f(x):\n    return x +\n", "line 2, column 15: invalid syntax"),
    "no_return": ("def f(x):\n    y = x\n", "line 1, column 1: f must end with a return"),
    "loop": ("def f(x):\n    while True:\n        pass\n    return x\n", "line 2, column 5: f's body must be"),
    "no_forward": ("import torch.nn as nn\n\nclass f(nn.Module):\n    pass\n", "has no forward, __call__ or call"),
    "unknown": ("import torch\n\ndef f(x):\n    return torch.frobnicate(x)\n", "line 4, column 12: derive does not"),
    "submodule_unknown": (
        "import torch.nn as nn\n\nclass f(nn.Module):\n    def __init__(self, act):\n        super().__init__()\n"
        "        self.act = act\n\n    def forward(self, x):\n        return self.act(x)\n",
        "line 9, column 16: cannot call this",
    ),
    "recursion": ("def f(x):\n    return f(x)\n", "line 2, column 12: functions call each other more than 8"),
    "index": ("def f(x):\n    return x * x.shape[0]\n", "line 2, column 16: an index of a tensor"),
    "returns_nothing": ("def f(x):\n    return\n", "line 2, column 5: f returns nothing"),
    "returns_text": ("def f(x):\n    return 'relu'\n", "line 1, column 1: f must return a number or a tensor"),
    "unpack_tensor": ("def f(x):\n    a, b = x\n    return a\n", "line 2, column 5: a tensor is not unpacked"),
    "if_on_a_parameter": (
        "def f(x, a):\n    if a > 1:\n        return x\n    return -x\n",
        "line 2, column 5: the test a > 1 depends on parameters",
    ),
    "if_on_a_number": ("def f(x):\n    if x + 1:\n        return x\n    return -x\n", "the test x + 1 is a number"),
    "many_paths": (
        "def f(x):\n" + "".join(f"    if x > {i}:\n        x = x + 1\n" for i in range(10)) + "    return x\n",
        "more than 64 paths",
    ),
    "changed_on_one_side": (
        "def g(t):\n    if t > 0:\n        t.mul_(2)\n        return t\n    return t\n\n"
        "def f(x):\n    y = g(x)\n    return x + y\n",
        "line 9, column 12: t is changed in place on one side of `if t > 0`",
    ),
    "nul_bytes": ("def f(x):\n    return x\x00\n", "NUL bytes"),
    "walrus": ("def f(x):\n    return (y := x)\n", "line 2, column 13: Python's NamedExpr"),
    "detach": (
        "import torch\n\ndef f(x):\n    return torch.sigmoid(x).detach() * x\n",
        "line 4, column 12: detach() stops the gradient",
    ),
    "inplace_branches_differ": (
        "import torch\n\ndef f(x, inplace=False):\n    if inplace:\n        return x.sigmoid_()\n    return x.tanh()\n",
        "line 4, column 5: the branches of `if inplace` compute different functions",
    ),
    "keras2_or_3": (
        "import tensorflow as tf\n\ndef f(x):\n    return tf.keras.activations.hard_sigmoid(x)\n",
        "line 4, column 12: tf.keras.activations.hard_sigmoid is Keras 2's",
    ),
}


@pytest.mark.parametrize("command", ["steps", "check-backward"])
@pytest.mark.parametrize("name", list(REFUSED))
def test_a_file_derive_cannot_read_is_refused_in_one_line(tmp_path, name, command):
    source, message = REFUSED[name]
    path = tmp_path / "act.py"
    path.write_bytes(source.encode())
    result = CliRunner().invoke(main, [command, f"{path}:f"])
    assert result.exit_code == 2, result.output
    assert result.output.count("\n") == 1, result.output
    assert result.output.startswith("derive: ") and "a bug in derive" not in result.output
    assert message in result.output, result.output
