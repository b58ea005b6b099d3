"""What the page offers, from the registries: its select of notations and its exports, written into
``page/index.html`` by the server when it starts.  The page keeps no list of its own, and needs no request
and no inline script for them (its CSP allows only its own script file): the options are in the HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from urllib.parse import urlencode

from derive import render
from derive.backward import frameworks
from derive.reading.notations import NOTATIONS
from derive.serve.jobs import JOBS, PDF, derivation_formats, slide_formats

NOTATIONS_HERE = "<!--notations-->"
EXPORTS_HERE = "<!--exports-->"
EXAMPLES_HERE = "<!--examples-->"


@dataclass(frozen=True)
class Export:
    """A download the page offers: the route's answer for the page's input, with these parameters."""

    label: str
    path: str
    params: dict[str, str]
    ordered: bool = False  # of the derivative of the page's order (else of g′ whatever the order)
    named: bool = False  # a Python function: an input that is not a name needs one (the parameter name)


def exports() -> list[Export]:
    """A derivation's formats but the whole documents (the page shows the derivation itself), the slides'
    formats (a deck as its source file, and Beamer's PDF), and a backward module per framework."""
    formats = render.formats()
    found = [
        Export(formats[name].label, JOBS["steps"].path, {"format": name}, ordered=True)
        for name in derivation_formats()
        if not formats[name].document
    ]
    for name in slide_formats():
        label = "Beamer (PDF)" if name == PDF else f"{formats[name].label} ({formats[name].extension})"
        found.append(Export(label, JOBS["slides"].path, {"format": name}))
    for f in frameworks().values():
        found.append(Export(f"{f.label} backward", JOBS["backward"].path, {"framework": f.name}, named=True))
    return found


def notation_options() -> str:
    return "".join(f'<option value="{escape(n.name)}">{escape(n.label)}</option>' for n in NOTATIONS.values())


def export_items() -> str:
    """The exports as list items; the page's script sets each link's address from the input when it derives."""
    return "".join(
        f'<li><a data-path="{escape(e.path)}" data-query="{escape(urlencode(e.params))}" download'
        f"{' data-ordered' if e.ordered else ''}{' data-named' if e.named else ''}>{escape(e.label)}</a></li>"
        for e in exports()
    )


def example_items() -> str:
    """How each notation is written, as the notations' registry describes it: the page's examples."""
    return "".join(
        f"<li><strong>{escape(n.label)}</strong>: {escape(n.description)}</li>"
        for n in NOTATIONS.values()
        if n.name != "auto"
    )


def filled(page: str) -> str:
    """The page with its lists written in."""
    return (
        page.replace(NOTATIONS_HERE, notation_options())
        .replace(EXPORTS_HERE, export_items())
        .replace(EXAMPLES_HERE, example_items())
    )
