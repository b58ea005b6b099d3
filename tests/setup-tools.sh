#!/usr/bin/env bash
# What derive needs beyond Python, installed only if missing (idempotent):
#   bash tests/setup-tools.sh tex   the main job: TeX Live with Beamer (the PDF), and python3-venv
#   bash tests/setup-tools.sh       the tests: that, poppler, Chromium (Debian) and KaTeX (npm, pinned by
#                                   tests/katex/package-lock.json)
# Debian packages are installed as root, or through sudo; without either this prints one line naming
# what is missing and the command that installs it, and exits with status 2.
set -euo pipefail
cd "${BASH_SOURCE[0]%/*}/.."
what="${1:-all}"

missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$2"); }
need pdflatex texlive-latex-base
need latexmk latexmk
# Beamer and pgf (texlive-latex-recommended, texlive-pictures)
if command -v kpsewhich >/dev/null 2>&1; then
  [ -n "$(kpsewhich beamer.cls)" ] || missing+=(texlive-latex-recommended)
  [ -n "$(kpsewhich pgfcore.sty)" ] || missing+=(texlive-pictures)
else
  missing+=(texlive-latex-recommended texlive-pictures)
fi
# the README's commands make a virtual environment (PEP 668): Debian ships venv's pip separately
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || missing+=(python3-venv)
if [ "$what" != tex ]; then
  need pdftotext poppler-utils
  need chromium chromium
  need npm npm
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$EUID" -eq 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "setup-tools: missing ${missing[*]}: install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$what" != tex ]; then
  # npm ci again only when the lockfile changed since the last install (a copy of it marks the install)
  if ! cmp -s tests/katex/package-lock.json tests/katex/node_modules/.installed-lock.json 2>/dev/null; then
    (cd tests/katex && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.installed-lock.json)
  fi
fi
