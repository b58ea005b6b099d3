"""The lists at derive's edges as Markdown tables, for the documentation (docs/): the notations, the
output formats, the backward frameworks, the marking formats and the web API's routes, each row an entry of
its registry, so that the documentation lists what the CLI and the server accept.  ``python -m
derive.serve.tables`` prints them.  In the web's stage because the routes are its job table's; nothing here
needs the web extra.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from derive import render
from derive.backward import frameworks, writer
from derive.reading.notations import NOTATIONS
from derive.serve.jobs import JOBS


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table; a | in a cell is escaped."""
    lines = [header, ["---"] * len(header), *rows]
    return "".join("| " + " | ".join(cell.replace("|", "\\|") for cell in line) + " |\n" for line in lines)


def tables() -> dict[str, str]:
    """Each list's table, by name: notations, formats, frameworks, marking formats, routes."""
    from derive.mark.render import formats as marking_formats  # when asked: derive.mark is also derive.mark()

    return {
        "notations": markdown_table(
            ("`--input`, `input`", "on the page", "what it reads"),
            ((f"`{n.name}`", n.label, n.description) for n in NOTATIONS.values()),
        ),
        "formats": markdown_table(
            ("`--format`, `format`", "extension", "media type", "of", "what it is"),
            (
                (f"`{f.name}`", f"`{f.extension}`", f"`{f.media_type}`", _of(f), f.description)
                for f in render.formats().values()
            ),
        ),
        "frameworks": markdown_table(
            ("`--framework`, `framework`", "library", "the module has"),
            ((f"`{f.name}`", f.label, writer(f.name).description) for f in frameworks().values()),
        ),
        "marking formats": markdown_table(
            ("`derive mark --format`, `format`", "media type", "what it is"),
            ((f"`{f.name}`", f"`{f.media_type}`", f.description) for f in marking_formats().values()),
        ),
        "routes": markdown_table(
            ("route", "method", "what it answers"),
            ((f"`{job.path}`", job.method, job.description) for job in JOBS.values()),
        ),
    }


def _of(fmt: render.Format) -> str:
    return "slides" if fmt.deck else "a derivation"


def main() -> None:
    for name, table in tables().items():
        print(f"### {name[0].upper()}{name[1:]}\n\n{table}")


if __name__ == "__main__":
    main()
