#!/usr/bin/env bash
# What the tests need beyond Python: TeX Live (Beamer), poppler, Chromium (Debian), KaTeX (npm, pinned by
# tests/katex/package-lock.json). Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in pdflatex:texlive-latex-base latexmk:latexmk pdftotext:poppler-utils chromium:chromium; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
# Beamer and pgf (texlive-latex-recommended, texlive-pictures)
if command -v kpsewhich >/dev/null 2>&1; then
  [ -n "$(kpsewhich beamer.cls)" ] || missing+=(texlive-latex-recommended)
  [ -n "$(kpsewhich pgfcore.sty)" ] || missing+=(texlive-pictures)
else
  missing+=(texlive-latex-recommended texlive-pictures)
fi
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -q >/dev/null
  $sudo apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci again only when the lockfile changed since the last install (a copy of it marks the install)
if ! cmp -s tests/katex/package-lock.json tests/katex/node_modules/.installed-lock.json 2>/dev/null; then
  (cd tests/katex && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.installed-lock.json)
fi
