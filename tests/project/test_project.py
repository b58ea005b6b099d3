"""The project as a user meets it: style, the committed outputs, the README's commands (the pages of docs/:
tests/project/test_docs.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from tools import pdf_page_text

from derive.cli import main
from derive.render.pictures import pdf_pages

ROOT = Path(__file__).resolve().parents[2]
FIRST_COMMAND = (
    "bash tests/setup-tools.sh tex && python3 -m venv .venv && .venv/bin/pip install -q . && "
    ".venv/bin/derive slides sigmoid tanh -o lecture.tex --pdf"
)
TEST_COMMAND = (
    'bash tests/setup-tools.sh && python3 -m venv .venv && .venv/bin/pip install -q -e ".[test]" && '
    ".venv/bin/python -m pytest -q"
)


def test_ruff_clean():
    # ruff from this interpreter's environment (the test extra installs it): `.venv/bin/python -m pytest`
    # runs with no venv on PATH, and a missing tool fails the test, never skips it
    for command in (["check"], ["format", "--check"]):
        r = subprocess.run([sys.executable, "-m", "ruff", *command, "derive", "tests", "bench"], cwd=ROOT,
                           capture_output=True, text=True)  # fmt: skip
        assert r.returncode == 0, r.stdout + r.stderr


def test_committed_outputs_are_fresh(tmp_path):
    result = CliRunner().invoke(main, ["outputs", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    # the web page's pictures are the web tests' (tests/web/test_web_page.py), not `derive outputs`'
    assert names == sorted(p.name for p in (ROOT / "outputs").iterdir() if not p.name.startswith("web-"))
    for name in names:
        fresh, committed = tmp_path / name, ROOT / "outputs" / name
        stale = f"outputs/{name} is stale: run `derive outputs`"
        if name.endswith(".pdf"):  # the same pages with the same text (the bytes depend on the TeX build)
            assert pdf_pages(committed) == pdf_pages(fresh), stale
            for page in range(1, pdf_pages(fresh) + 1):
                assert pdf_page_text(committed, page) == pdf_page_text(fresh, page), stale
        elif name.endswith(".png"):  # pictures for the README: a PNG of the same size
            assert committed.read_bytes()[:24] == fresh.read_bytes()[:24], stale
        else:
            assert committed.read_text() == fresh.read_text(), stale
    assert {"lecture.tex", "lecture.pdf", "sigmoid.md", "tanh.md", "lecture.html"} <= set(names)
    assert not list(tmp_path.glob(".*.tmp*")), "no temporary file is left behind"


def test_unwritable_output_is_one_line_exit_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["outputs", str(blocker / "sub")])
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1


def test_readme_opens_with_the_two_commands_and_shows_real_output():
    readme = (ROOT / "README.md").read_text()
    blocks = readme.split("```sh\n")[1:3]
    assert blocks[0].startswith(FIRST_COMMAND)
    assert blocks[1].startswith(TEST_COMMAND)
    assert TEST_COMMAND in (ROOT / ".ci" / "run").read_text()
    shown = CliRunner().invoke(main, ["steps", "sigmoid"]).output
    assert shown in readme


def test_console_script_installed():
    # beside the interpreter that runs the tests (the README's commands use a virtual environment)
    beside = Path(sys.executable).parent / "derive"
    exe = str(beside) if beside.exists() else shutil.which("derive")
    assert exe is not None, "pip install gives a derive command"
    r = subprocess.run([exe, "steps", "sigmoid", "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0 and '"steps"' in r.stdout


def test_backward_page_module_is_the_tools_output():
    # the README's section on backward passes is docs/backward.md
    page = (ROOT / "docs" / "backward.md").read_text()
    command = "derive backward softplus leaky_relu --framework torch"
    shown = page.split(f"This is `{command}`, in full:\n\n```python\n")[1].split("```\n")[0]
    # the rounding figures are measured with NumPy on this machine: its C library's expm1 and log1p
    # differ in the last bit between machines, and the worst error with them; the rest is the same text
    figures = re.compile(r"(float32|float64) worst [0-9.e+-]+")
    fresh = CliRunner().invoke(main, command.split()[1:]).output
    assert figures.sub(r"\1 worst …", shown) == figures.sub(r"\1 worst …", fresh)
    assert len(figures.findall(shown)) == len(figures.findall(fresh)) > 0


def test_library_page_table_is_the_tools_output():
    # the README's section on the library is docs/library.md
    page = (ROOT / "docs" / "library.md").read_text()
    shown = page.split("<!-- table: derive table -->\n")[1].split("<!-- end table -->")[0]
    assert shown == CliRunner().invoke(main, ["table"]).output


@pytest.mark.parametrize("mode, named", [("tex", "texlive-latex-base latexmk"), ("all", "chromium npm")])
def test_setup_tools_without_root_names_what_is_missing(tmp_path, mode, named):
    # as a user who is not root and has no sudo, on a machine without TeX, Chromium or npm
    setpriv = shutil.which("setpriv")
    if setpriv is None or os.geteuid() != 0:
        pytest.skip("needs root to run the script as another user (setpriv, util-linux)")
    tools = Path(tempfile.mkdtemp(prefix="derive-setup-"))  # in /tmp, where that user can read it
    tools.chmod(0o755)
    for name in ("bash", "cmp", "cp", "python3"):
        found = shutil.which(name)
        if found:
            (tools / name).symlink_to(found)
    args = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "bash", "tests/setup-tools.sh"]
    result = subprocess.run(
        [*args, *([mode] if mode == "tex" else [])],
        cwd=ROOT,
        env={"PATH": str(tools), "HOME": str(tools)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "sudo apt-get install -y" in result.stderr
    assert named in result.stderr
    if mode == "tex":
        assert "chromium" not in result.stderr and "npm" not in result.stderr  # the main job needs TeX only
