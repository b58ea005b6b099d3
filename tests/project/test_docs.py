"""The README is a front door and docs/ holds the rest (issue 28): the README stays short, its map of the
documentation names every page and only pages that exist, every link and every file a page names is there,
and what the pages show as a command's output is that command's output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from derive.cli import main
from derive.mark.mistakes import CATALOGUE
from derive.serve.tables import tables

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
MAX_README_LINES = 200

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
"""A Markdown link or picture: [text](target), ![alt](target)."""

FILE_NAMED = re.compile(r"(?<![\w./-])((?:derive|tests|bench|outputs|docs|\.ci)/[\w./-]*[\w/])")
"""A file or folder of the repository named in the text: derive/engine/rules.py, tests/backward, outputs/."""


def _map() -> list[str]:
    """The pages the README's last section, its map of the documentation, links."""
    readme = README.read_text()
    assert "\n## Documentation\n" in readme, "the README ends with a map of the documentation"
    section = readme.split("\n## Documentation\n")[1]
    assert "\n## " not in section, "the map is the README's last section"
    return LINK.findall(section)


def _prose(text: str) -> str:
    """The text without its fenced blocks (code, commands and outputs name files of their own)."""
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def test_readme_is_at_most_200_lines():
    lines = README.read_text().count("\n")
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines: move a section to docs/"


def test_the_readme_maps_every_page_and_only_pages_that_exist():
    linked = _map()
    assert linked, "the map links the pages"
    for target in linked:
        assert target.startswith("docs/") and target.endswith(".md"), target
        assert (ROOT / target).is_file(), f"the README's map links {target}, which does not exist"
    assert len(linked) == len(set(linked)), "one line a page"
    pages = {f"docs/{p.name}" for p in PAGES}
    assert pages - set(linked) == set(), "every page of docs/ is on the README's map"


def test_the_map_gives_each_page_one_line_that_says_what_is_there():
    section = README.read_text().split("\n## Documentation\n")[1]
    rows = [row for row in section.splitlines() if row.strip()]
    assert len(rows) == len(_map())
    for row in rows:
        assert re.fullmatch(r"- \[docs/[\w-]+\.md\]\(docs/[\w-]+\.md\): \S.*", row), row


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: p.name)
def test_every_link_and_picture_is_there(page):
    for target in LINK.findall(page.read_text()):
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            continue
        path = (page.parent / target.split("#")[0]).resolve()
        assert path.exists(), f"{page.name} links {target}, which does not exist"


@pytest.mark.parametrize("page", [README, *PAGES], ids=lambda p: p.name)
def test_every_file_a_page_names_is_there(page):
    # the code moved into stage packages (issue 28): a page that names a module names where it is now
    for named in FILE_NAMED.findall(_prose(page.read_text())):
        assert (ROOT / named).exists(), f"{page.name} names {named}, which does not exist"


def test_every_page_has_one_title():
    for page in PAGES:
        text = _prose(page.read_text())
        assert text.startswith("# "), f"{page.name} starts with its title"
        assert len(re.findall(r"^# ", text, flags=re.M)) == 1, f"{page.name} has one title"


def test_the_steps_page_shows_the_tools_output():
    page = (DOCS / "steps.md").read_text()
    for target in ("sigmoid(3z)", "z*sigmoid(beta*z)"):
        shown = CliRunner().invoke(main, ["steps", target]).output
        assert shown in page, f"docs/steps.md shows `derive steps {target}` as it is no longer"


def test_the_input_page_shows_the_readers_errors():
    page = (DOCS / "input.md").read_text()
    shown = [line for line in page.splitlines() if line.startswith("derive: ")]
    targets = ["1/(1+e^-", "sigmod(z)", "zeta(z)", "d/dx x^2 + 1", "x^2 + y^2"]
    assert len(shown) == len(targets)
    for target, line in zip(targets, shown, strict=True):
        result = CliRunner().invoke(main, ["steps", target])
        assert result.exit_code == 2 and result.stderr.strip() == line


def test_the_marking_page_shows_the_tools_marking(tmp_path, monkeypatch):
    page = (DOCS / "marking.md").read_text()
    (tmp_path / "student.tex").write_text(page.split("```latex\n")[1].split("```\n")[0])
    shown = page.split("$ derive mark sigmoid student.tex\n")[1].split("```\n")[0]
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["mark", "sigmoid", "student.tex"])
    assert result.exit_code == 1 and result.output == shown


def test_the_marking_page_names_every_mistake():
    page = (DOCS / "marking.md").read_text()
    table = page.split("| kind | the mistake |\n")[1].split("\n\n")[0]
    named = re.findall(r"^\| `([a-z-]+)` \|", table, flags=re.M)
    assert sorted(named) == sorted(CATALOGUE), "docs/marking.md's table names each mistake derive names, once"


@pytest.mark.parametrize(
    "page, table",
    [
        ("input.md", "notations"),
        ("outputs.md", "formats"),
        ("backward.md", "frameworks"),
        ("marking.md", "marking formats"),
        ("web.md", "routes"),
    ],
)
def test_the_pages_lists_are_the_registries_tables(page, table):
    # each list at derive's edges is a registry (derive/serve/tables.py prints their tables): a page shows it
    text = (DOCS / page).read_text()
    marker = f"<!-- table: python -m derive.serve.tables: {table} -->\n"
    assert text.count(marker) == 1, f"docs/{page} shows the table of {table}"
    shown = text.split(marker)[1].split("<!-- end table -->")[0]
    assert shown == tables()[table], f"docs/{page}: paste `python -m derive.serve.tables`'s table of {table}"
