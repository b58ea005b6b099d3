"""Issue 27 through the CLI and the library: what reaches TeX is what derive wrote, TeX itself is confined
and bounded, and every output is escaped for its format (the same attacks over HTTP: tests/web/test_security.py)."""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from derive.cli import main, spreadsheet_cell
from derive.errors import DeriveError
from derive.render.latex import title_latex
from derive.render.tex import TexError, compile_pdf

PASSWD = Path("/etc/passwd").read_text().splitlines()[0]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def tex_processes(folder: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and (entry / "comm").read_text().strip() in ("latexmk", "pdflatex"):
                if os.readlink(entry / "cwd").startswith(folder):
                    found.append(int(entry.name))
        except OSError:
            continue
    return found


def document(body: str) -> str:
    return f"\\documentclass{{article}}\n\\begin{{document}}\n{body}\n\\end{{document}}\n"


# --- the variable, the title, the input's words ------------------------------------------------------------------


@pytest.mark.parametrize(
    "command, output",
    [
        (["slides", "tanh", "--pdf"], "out.tex"),
        (["steps", "tanh", "--format", "latex"], None),
        (["page", "tanh"], "out.html"),
        (["backward", "tanh", "--framework", "numpy"], None),
        (["prove", "tanh(z)", "2*sigmoid(2*z) - 1"], None),
        (["plot", "tanh"], "out.svg"),
    ],
)
def test_the_variable_is_a_name_on_every_command(tmp_path, command, output):
    out = ["-o", str(tmp_path / output)] if output else []
    code, _, err = run(*command, "--var", r"\input{/etc/hostname}", *out)
    assert code == 2 and err.count("\n") == 1 and "the variable must be a name" in err
    assert "Traceback" not in err and list(tmp_path.iterdir()) == []


def test_a_pdf_from_a_hostile_code_comment_shows_the_words_and_reads_no_file(tmp_path):
    hostile = r"x*torch.sigmoid(x) #}\end{frame}\begin{frame}\input{/etc/passwd}\def\y{\y}\y"
    deck = tmp_path / "deck.tex"
    code, _, err = run("slides", hostile, "--input", "code", "-o", str(deck), "--pdf")
    assert code == 0, err
    source = deck.read_text()
    assert "\\input{" not in source and "\\def\\y" not in source
    text = pdf_text(deck.with_suffix(".pdf"))
    assert PASSWD not in text and "/etc/passwd" in text


@pytest.mark.parametrize(
    "title, written",
    [
        ("Softmax & friends: $g'$", r"Softmax \& friends: $g'$"),
        (r"$\frac{dg}{dz}$ for 100% of $\sigma$", r"$\frac{dg}{dz}$ for 100\% of $\sigma$"),
        ("An unpaired $ sign", r"An unpaired \$ sign"),
        ("two\n\nparagraphs", "two  paragraphs"),
    ],
)  # fmt: skip
def test_a_title_is_words_with_mathematics_that_only_typesets(title, written):
    assert title_latex(title) == written


@pytest.mark.parametrize(
    "title",
    [
        r"$\input{/etc/passwd}$",
        r"$\def\y{\y}\y$",
        "$^^5cinput{/etc/passwd}$",
        r"$\csname input\endcsname$",
        "$g}$ \\begin{frame}",
        r"$x % comment$",
        r"$\immediate\write18{id}$",
    ],
)
def test_a_title_whose_mathematics_does_more_than_typeset_is_refused(tmp_path, title):
    with pytest.raises(DeriveError):
        title_latex(title)
    code, _, err = run("slides", "tanh", "--title", title, "-o", str(tmp_path / "deck.tex"))
    assert code == 2 and err.count("\n") == 1 and not (tmp_path / "deck.tex").exists()


def test_a_title_with_words_and_mathematics_compiles(tmp_path):
    deck = tmp_path / "deck.tex"
    code, _, err = run("slides", "sigmoid", "--title", "Logistic & co: $g' = g(1-g)$ #1", "-o", str(deck), "--pdf")
    assert code == 0, err
    assert "Logistic & co" in pdf_text(deck.with_suffix(".pdf"))


def test_markdown_carries_no_html_from_the_input():
    code, out, _ = run("steps", "x*torch.sigmoid(x) # <b onclick=x>[link](javascript:1)</b>", "--input", "code",
                       "--format", "markdown")  # fmt: skip
    assert code == 0
    heading = out.splitlines()[0]
    assert "<" not in heading and "&lt;b onclick=x&gt;" in heading
    assert re.search(r"(?<!\\)\]\(", heading) is None  # no link: its brackets are escaped


# --- TeX confined and bounded -----------------------------------------------------------------------------------


def test_tex_reads_no_file_outside_its_folder_and_runs_no_shell(tmp_path):
    reader = tmp_path / "reader.tex"
    reader.write_text(document(r"\input{/etc/passwd}"))
    with pytest.raises(TexError):
        compile_pdf(reader)
    shell = tmp_path / "shell.tex"
    shell.write_text(document(r"\immediate\write18{touch " + str(tmp_path / "pwned") + r"}Hello"))
    compile_pdf(shell)
    assert not (tmp_path / "pwned").exists()
    writer = tmp_path / "writer.tex"
    writer.write_text(document(r"\newwrite\out\immediate\openout\out=../escaped.txt\immediate\write\out{x}Hello"))
    try:
        compile_pdf(writer)
    except TexError:
        pass  # pdflatex may stop on the refused file, or write nothing
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()


def test_a_tex_loop_is_killed_with_its_group_at_the_time_limit(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir reads TMPDIR again
    loop = tmp_path / "loop.tex"
    loop.write_text(document(r"\def\y{\y}\y"))
    with pytest.raises(TexError, match="time limit"):
        compile_pdf(loop, seconds=3)
    for _ in range(100):  # killed at once; a process may take a moment to go
        if not tex_processes(str(tmp_path)):
            break
        time.sleep(0.05)
    assert tex_processes(str(tmp_path)) == []
    assert [p for p in tmp_path.iterdir() if p.name.startswith("derive-tex-")] == []


def test_a_worker_stopped_during_a_build_leaves_no_tex_process_and_no_folder(tmp_path):
    """What the server's pool does to a worker past its time limit or at shutdown: SIGTERM, whose handler
    (derive.serve.pool.stop_worker) kills the TeX runs with their groups and removes their folders."""
    (tmp_path / "loop.tex").write_text(document(r"\def\y{\y}\y"))
    script = textwrap.dedent(
        """
        import signal, sys
        from derive.serve.pool import stop_worker
        from derive.render.tex import compile_pdf
        signal.signal(signal.SIGTERM, stop_worker)
        compile_pdf(sys.argv[1], seconds=600)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(tmp_path / "loop.tex")], env={**os.environ, "TMPDIR": str(tmp_path)}
    )
    try:
        for _ in range(300):
            if tex_processes(str(tmp_path)):
                break
            time.sleep(0.1)
        assert tex_processes(str(tmp_path)), "TeX never started"
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
    finally:
        child.kill()
    for _ in range(100):
        if not tex_processes(str(tmp_path)):
            break
        time.sleep(0.05)
    assert tex_processes(str(tmp_path)) == []
    assert [p for p in tmp_path.iterdir() if p.name.startswith("derive-tex-")] == []


# --- spreadsheets ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_quoted(cell):
    assert spreadsheet_cell(cell) == "'" + cell
    assert spreadsheet_cell("sigmoid.tex") == "sigmoid.tex" and spreadsheet_cell(3) == 3


def test_marks_csv_has_no_formula_cell(tmp_path):
    (tmp_path / "=cmd.tex").write_text("g'(z) = g(z)(1 - g(z))\n")
    (tmp_path / "@sum.txt").write_text("=1+1\n")
    (tmp_path / "right.txt").write_text("g'(z) = g(z)(1 - g(z))\n")
    code, _, err = run("mark", "sigmoid", str(tmp_path))
    assert code in (0, 1), err
    with open(tmp_path / "marks.csv", newline="") as table:
        cells = [cell for row in csv.reader(table) for cell in row]
    assert "'=cmd.tex" in cells and "'@sum.txt" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


# --- one line, always -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["torch.add(x, other=True)", "numpy.logical_and(x, 0.3)", "numpy.logical_and.reduce(x)"]
)
def test_code_that_builds_no_number_is_refused_in_one_line(code):
    exit_code, _, err = run("steps", code, "--input", "code")
    assert exit_code == 2 and err.count("\n") == 1 and "cannot read the code" in err and "column" in err


def test_a_file_refused_is_named_by_its_line_on_one_line(tmp_path):
    act = tmp_path / "act.py"
    act.write_text("import torch\n\n\ndef act(x):\n    y = torch.add(x, other=True)\n    return y\n")
    exit_code, _, err = run("steps", f"{act}:act")
    assert exit_code == 2 and err.count("\n") == 1 and "line 5" in err and "torch.add" in err


def test_a_bug_in_derive_is_one_line_not_a_traceback(monkeypatch):
    """What no command foresaw (here a prover that breaks) is said in one line, exit 2; DERIVE_DEBUG shows it."""
    from derive import verify

    def broken(*args, **kwargs):
        raise ZeroDivisionError("an engine fault")

    monkeypatch.setattr(verify, "prove_equal", broken)
    exit_code, _, err = run("--no-cache", "steps", "sigmoid")
    assert exit_code == 2 and err.count("\n") == 1
    assert "a bug in derive (ZeroDivisionError: an engine fault)" in err and "Traceback" not in err
    monkeypatch.setenv("DERIVE_DEBUG", "1")
    result = CliRunner().invoke(main, ["--no-cache", "steps", "sigmoid"])
    assert isinstance(result.exception, ZeroDivisionError)
