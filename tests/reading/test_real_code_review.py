"""A reviewer's real-code shapes: type guards that only cast, masked assignments with the mask's own index on the
right, a module-level lambda, a module-level flag, np.piecewise with lambdas, and the refusals of what is not
applied, of vector functions and of random ones.

Each snippet is ours, written in the style of a repository; derive reads it by its syntax tree (never runs it), and
the test runs the same snippet with PyTorch or NumPy itself and compares the values at points.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from click.testing import CliRunner
from helpers import load_snippet as load
from helpers import value_at as value

from derive import ParseError
from derive.cli import main
from derive.knowledge.spellings import VECTOR_REFUSAL
from derive.reading.code import read_code, read_file

POINTS = [-6.5, -3.0, -1.25, -0.5, -0.001, 0.0, 0.001, 0.75, 2.0, 4.5]


def agrees(path, module, name: str, kind: str = "torch") -> tuple[str, ...]:
    """derive's reading of ``name`` equals what the snippet computes with PyTorch (or NumPy) at every point."""
    reading = read_file(str(path), name)
    for at in POINTS:
        given = torch.tensor([at], dtype=torch.float64) if kind == "torch" else np.array([at], dtype=np.float64)
        theirs = getattr(module, name)(given)
        theirs = float(theirs[0]) if hasattr(theirs, "shape") and theirs.shape else float(theirs)
        assert value(reading.expr, reading.variable, at) == pytest.approx(theirs, rel=1e-12, abs=1e-12), (name, at)
    return reading.conventions


GUARDS = """
import numpy as np
import torch


def tanh_act(x):
    if not torch.is_tensor(x):
        x = torch.tensor(x)
    if x.dtype != torch.float64:
        x = x.double()
    return torch.tanh(x)


def softsign_as_tensor(x):
    if not isinstance(x, torch.Tensor):
        x = torch.as_tensor(x)
    return x / (1 + torch.abs(x))


def sigmoid_np(x):
    if not isinstance(x, np.ndarray):
        x = np.asarray(x)
    return 1 / (1 + np.exp(-x))
"""


@pytest.mark.parametrize("name, kind", [("tanh_act", "torch"), ("softsign_as_tensor", "torch"), ("sigmoid_np", "np")])
def test_a_guard_that_only_casts_keeps_the_value(tmp_path, name, kind):
    path, module = load(tmp_path, GUARDS)
    conventions = agrees(path, module, name, kind)
    assert any("only casts" in c for c in conventions), conventions


def test_a_guard_whose_branch_changes_the_value_is_not_left_out(tmp_path):
    path, _ = load(
        tmp_path,
        """
        import torch

        def halved(x):
            if not torch.is_tensor(x):
                x = torch.tensor(x) / 2
            return x
        """,
    )
    with pytest.raises(ParseError, match="is_tensor"):
        read_file(str(path), "halved")


def test_a_guard_whose_test_changes_a_tensor_is_not_left_out(tmp_path):
    path, _ = load(
        tmp_path,
        """
        import torch

        def doubled(x):
            if x.mul_(2).sum() > 0:
                x = x.float()
            return x
        """,
    )
    with pytest.raises(ParseError, match="at line 5, column"):
        read_file(str(path), "doubled")


MASKED = """
import torch


def leaky_masked(x):
    out = x.clone()
    out[x < 0] = 0.2 * x[x < 0]
    return out


def relu_by_mask(x):
    mask = x < 0
    out = x.clone()
    out[mask] = 0
    return out


def two_masks(x):
    neg = x < 0
    out = x.clone()
    out[neg] = torch.expm1(x[neg])
    out[~neg] = out[~neg] * 1.5
    return out
"""


@pytest.mark.parametrize("name", ["leaky_masked", "relu_by_mask", "two_masks"])
def test_a_masked_assignment_with_its_own_mask_on_the_right_is_piecewise(tmp_path, name):
    path, module = load(tmp_path, MASKED)
    agrees(path, module, name)


def test_a_masked_assignment_with_another_index_on_the_right_is_refused(tmp_path):
    path, _ = load(
        tmp_path,
        """
        import torch

        def shifted(x):
            out = x.clone()
            out[x < 0] = 0.2 * x[x > 0]
            return out
        """,
    )
    with pytest.raises(ParseError, match=r"at line 6, column 24: .*only when it is the mask m of the left") as info:
        read_file(str(path), "shifted")
    assert "\n" not in str(info.value)


LAMBDAS = """
import numpy as np
import torch

mish = lambda x: x * np.tanh(np.log1p(np.exp(x)))
SLOPE = 0.3


def pw(x):
    return np.piecewise(x, [x < 0, x >= 0], [lambda v: SLOPE * v, lambda v: v])


def pw_default(x):
    return np.piecewise(x, [x < -1, x > 1], [lambda v: -1.0 + 0 * v, lambda v: 1.0 + 0 * v, lambda v: v])


def pw_overlap(x):
    return np.piecewise(x, [x < 1, x < 0], [lambda v: 2 * v, lambda v: -v])


def uses_mish(x):
    return mish(x) + 1
"""


@pytest.mark.parametrize("name", ["mish", "pw", "pw_default", "pw_overlap", "uses_mish"])
def test_a_module_lambda_and_np_piecewise_are_read(tmp_path, name):
    path, module = load(tmp_path, LAMBDAS)
    agrees(path, module, name, "np")


@pytest.mark.parametrize(
    "body",
    [
        "np.piecewise(x, [x < 0, x >= 0], [0.0, lambda v: v])",
        "np.piecewise(x, [x < 0, x >= 0], [lambda v, k: v, lambda v: v])",
        "np.piecewise(x, [x < 0], [lambda v: v, lambda v: v, lambda v: v])",
    ],
)
def test_np_piecewise_other_than_lambdas_of_one_argument_is_refused(tmp_path, body):
    path, _ = load(tmp_path, f"import numpy as np\n\ndef pw(x):\n    return {body}\n")
    with pytest.raises(ParseError, match="at line 4, column 12: .*np.piecewise") as info:
        read_file(str(path), "pw")
    assert "\n" not in str(info.value)


def test_a_lambda_whose_names_change_after_it_is_written_is_refused(tmp_path):
    """Python reads a lambda's names when it is called: a = 2.0 after the lambda would be misread as 0.5."""
    path, module = load(
        tmp_path,
        """
        import numpy as np

        def late(x):
            a = 0.5
            f = lambda v: a * v
            a = 2.0
            return np.piecewise(x, [x < 0], [f, lambda v: v])
        """,
    )
    assert float(module.late(np.array([-1.0]))[0]) == -2.0  # the late value, as Python reads it
    with pytest.raises(ParseError, match="at line 8, column 12: the lambda uses a, which is not the value"):
        read_file(str(path), "late")


FLAGS = """
import torch
import torch.nn.functional as F

FUSED = False
APPROX = "tanh"


def gelu_maybe_fused(x):
    if FUSED:
        return F.gelu(x)
    return 0.5 * x * (1 + torch.erf(x * 0.7071067811865476))


def gelu_by_name(x):
    if APPROX == "tanh":
        return F.gelu(x, approximate="tanh")
    return F.gelu(x)
"""


@pytest.mark.parametrize("name, flag", [("gelu_maybe_fused", "FUSED = False"), ("gelu_by_name", "== 'tanh'")])
def test_a_module_flag_picks_its_branch_and_says_so(tmp_path, name, flag):
    path, module = load(tmp_path, FLAGS)
    conventions = agrees(path, module, name)
    assert any("the value the code gives it" in c for c in conventions), conventions
    if name == "gelu_maybe_fused":
        assert any(flag in c for c in conventions), conventions


def test_a_flag_set_twice_is_no_constant(tmp_path):
    path, _ = load(
        tmp_path,
        """
        import torch

        FUSED = False
        try:
            import fused_kernels
            FUSED = True
        except ImportError:
            pass

        def act(x):
            if FUSED:
                return torch.tanh(x)
            return torch.sigmoid(x)
        """,
    )
    with pytest.raises(ParseError, match="FUSED"):
        read_file(str(path), "act")


@pytest.mark.parametrize(
    "text, message",
    [
        ("F.silu", "F.silu is a function not applied to a value"),
        (
            "torch.nn.functional.silu",
            "torch.nn.functional.silu is a function not applied to a value: torch.nn.functional.silu(x)",
        ),
        ("nn.SiLU()", "nn.SiLU() is a function not applied to a value"),
        ("F.softmax", f"softmax {VECTOR_REFUSAL}"),
        ("F.softmax(x, dim=-1)", f"softmax {VECTOR_REFUSAL}"),
        ("nn.Softmax(dim=-1)(x)", f"Softmax {VECTOR_REFUSAL}"),
        ("nn.LogSoftmax(1)(x)", f"LogSoftmax {VECTOR_REFUSAL}"),
        ("x.softmax(-1)", f"softmax {VECTOR_REFUSAL}"),
        ("F.dropout(x)", "dropout is random"),
        ("nn.Dropout(0.1)(x)", "Dropout is random"),
        ("F.rrelu(x)", "rrelu is random"),
    ],
)
def test_what_is_not_applied_vector_or_random_is_refused_in_one_line(text, message):
    with pytest.raises(ParseError, match="at column 1: " + __import__("re").escape(message)) as info:
        read_code(text)
    assert "\n" not in str(info.value)


def test_the_math_reader_and_the_code_reader_refuse_softmax_alike():
    runner = CliRunner()
    said = [runner.invoke(main, ["steps", text]) for text in ("softmax", "F.softmax(x, dim=-1)")]
    for result in said:
        assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
        assert f"softmax {VECTOR_REFUSAL}" in result.output, result.output


def test_a_file_without_its_name_lists_what_it_defines(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acts.py").write_text(LAMBDAS)
    result = CliRunner().invoke(main, ["steps", "acts.py"])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "acts.py is a file: name its function, acts.py:NAME (it defines: mish, pw, pw_default," in result.output
