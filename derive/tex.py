"""Compiling LaTeX with the TeX installation on the machine (latexmk, else pdflatex)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from derive.errors import DeriveError


class TexError(DeriveError):
    """No TeX installation, or a document that does not compile."""


@dataclass(frozen=True)
class Built:
    pdf: Path
    log: str

    @property
    def overfull(self) -> list[str]:
        """The log's Overfull \\hbox and \\vbox warnings: a line that runs off the side of the slide, a
        frame whose content runs off its foot."""
        return [line for line in self.log.splitlines() if line.startswith(("Overfull \\hbox", "Overfull \\vbox"))]


def compile_pdf(tex: Path, assets: tuple[Path, ...] = ()) -> Built:
    """Compile tex to a PDF beside it; the PDF appears only once it is complete (built in a temporary folder,
    with the files it includes, ``assets``, copied beside it)."""
    tex = Path(tex)
    latexmk, pdflatex = shutil.which("latexmk"), shutil.which("pdflatex")
    if pdflatex is None:
        raise TexError("cannot build the PDF: no TeX installation (pdflatex not found on PATH)")
    flags = ["-interaction=nonstopmode", "-halt-on-error"]
    # reproducible PDFs: no build date or random ID in the file
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0", "FORCE_SOURCE_DATE": "1"}
    with tempfile.TemporaryDirectory(prefix="derive-tex-") as work:
        shutil.copy(tex, Path(work) / "deck.tex")
        for asset in assets:
            shutil.copy(asset, Path(work) / Path(asset).name)
        if latexmk:
            command = [latexmk, "-pdf", "-quiet", f"-pdflatex=pdflatex {' '.join(flags)} %O %S", "deck.tex"]
        else:
            command = [pdflatex, *flags, "deck.tex"]
        for _ in range(1 if latexmk else 2):  # latexmk reruns by itself; pdflatex twice for beamer's overlays
            result = subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, errors="replace")
        log_path = Path(work) / "deck.log"
        log = log_path.read_text(errors="replace") if log_path.exists() else result.stdout
        if result.returncode != 0 or not (Path(work) / "deck.pdf").exists():
            errors = [line for line in log.splitlines() if line.startswith("!")]
            raise TexError(f"LaTeX failed on {tex}: {errors[0] if errors else 'see the log'}")
        pdf = tex.with_suffix(".pdf")
        tmp = pdf.with_name(f".{pdf.name}.tmp")
        shutil.copy(Path(work) / "deck.pdf", tmp)
        os.replace(tmp, pdf)
    return Built(pdf, log)
