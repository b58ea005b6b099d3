"""Compiling LaTeX with the TeX installation on the machine (latexmk, else pdflatex), confined.

TeX is a programming language that can read and write files: a deck only ever holds what derive
wrote (user text escaped, names checked), and TeX runs besides with no shell escape, reading and
writing only below its working folder (kpathsea's ``openin_any=p``, ``openout_any=p``), in a process
group of its own that is killed whole at its time limit or when the process that started it is
stopped (``stop_running``, called by a server's worker on SIGTERM), its folder removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from derive.errors import DeriveError

TEX_SECONDS = 120.0
"""A build's time limit: the whole library as one deck takes about 15 s on a slow machine; a TeX loop
would run for ever."""

FLAGS = ("-no-shell-escape", "-interaction=nonstopmode", "-halt-on-error")

CONFINED = {"openin_any": "p", "openout_any": "p", "shell_escape": "f"}
"""kpathsea's settings, through the environment of the run: no absolute path, no parent folder and no
dot file is opened for reading or writing (paranoid), and no shell escape whatever the flags say."""


class TexError(DeriveError):
    """No TeX installation, a document that does not compile, or a build past its time limit."""


@dataclass(frozen=True)
class Built:
    pdf: Path
    log: str

    @property
    def overfull(self) -> list[str]:
        """The log's Overfull \\hbox and \\vbox warnings: a line that runs off the side of the slide, a
        frame whose content runs off its foot."""
        return [line for line in self.log.splitlines() if line.startswith(("Overfull \\hbox", "Overfull \\vbox"))]


_groups: dict[int, subprocess.Popen] = {}
"""TeX runs in progress in this process, by the pid of each one's leader (its group's id)."""
_folders: set[str] = set()
"""The working folders of the builds in progress in this process."""


def stop_running() -> None:
    """Kill every TeX run of this process with its whole group and remove every build's folder (a worker
    being stopped: no TeX process and no folder outlives it)."""
    for process in list(_groups.values()):
        _kill_group(process)
    for folder in list(_folders):
        shutil.rmtree(folder, ignore_errors=True)
    _groups.clear()
    _folders.clear()


def _kill_group(process: subprocess.Popen) -> None:
    """SIGKILL to the run's group while its leader is not reaped yet (its pid, the group's id, cannot
    have been given to another process), then reap it."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        process.wait(timeout=5)


def _run(command: list[str], work: str, env: dict[str, str], seconds: float) -> subprocess.CompletedProcess:
    process = subprocess.Popen(
        command,
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,  # a group of its own: latexmk's pdflatex is killed with it
    )
    _groups[process.pid] = process
    try:
        output, _ = process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        raise TexError(f"LaTeX ran past its time limit ({seconds:g} s)") from None
    finally:
        _kill_group(process)  # a no-op once it ended by itself
        _groups.pop(process.pid, None)
    return subprocess.CompletedProcess(command, process.returncode, output, "")


def _build(deck: str | Path, assets: tuple[Path, ...], seconds: float) -> tuple[bytes, str]:
    """The PDF of a deck (its source, or the path of its .tex file) and the log, built in a folder of its
    own with the files it includes (``assets``) copied beside it."""
    latexmk, pdflatex = shutil.which("latexmk"), shutil.which("pdflatex")
    if pdflatex is None:
        raise TexError("cannot build the PDF: no TeX installation (pdflatex not found on PATH)")
    # reproducible PDFs: no build date or random ID in the file
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1", **CONFINED}
    with tempfile.TemporaryDirectory(prefix="derive-tex-") as work:
        _folders.add(work)
        try:
            source = Path(work) / "deck.tex"
            if isinstance(deck, Path):
                shutil.copy(deck, source)
            else:
                source.write_text(deck, encoding="utf-8")
            for asset in assets:
                shutil.copy(asset, Path(work) / Path(asset).name)
            if latexmk:
                command = [latexmk, "-pdf", "-quiet", f"-pdflatex=pdflatex {' '.join(FLAGS)} %O %S", "deck.tex"]
            else:
                command = [pdflatex, *FLAGS, "deck.tex"]
            runs = 1 if latexmk else 2  # latexmk reruns by itself; pdflatex twice for beamer's overlays
            for _ in range(runs):
                result = _run(command, work, env, seconds / runs)
            log_path = Path(work) / "deck.log"
            log = log_path.read_text(errors="replace") if log_path.exists() else result.stdout
            if result.returncode != 0 or not (Path(work) / "deck.pdf").exists():
                errors = [line for line in log.splitlines() if line.startswith("!")]
                name = deck.name if isinstance(deck, Path) else "the deck"
                raise TexError(f"LaTeX failed on {name}: {errors[0] if errors else 'see the log'}")
            return (Path(work) / "deck.pdf").read_bytes(), log
        finally:
            _folders.discard(work)


def compile_pdf(tex: Path, assets: tuple[Path, ...] = (), seconds: float = TEX_SECONDS) -> Built:
    """Compile tex to a PDF beside it, within ``seconds`` in all; the PDF appears only once it is complete
    (written to a temporary file, then renamed)."""
    tex = Path(tex)
    data, log = _build(tex, tuple(assets), seconds)
    pdf = tex.with_suffix(".pdf")
    tmp = pdf.with_name(f".{pdf.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, pdf)
    return Built(pdf, log)


def pdf_bytes(deck: str, seconds: float = TEX_SECONDS) -> bytes:
    """The PDF of a deck's source, built without writing anything outside the build's own folder."""
    return _build(deck, (), seconds)[0]
