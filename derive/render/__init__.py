"""Renderers: one module per format, each registering itself, all over the same walk of the steps.

A format module calls ``register`` with its name (the module's own name), its file extension, its
media type and its ``render`` function; ``formats()`` finds every module of this package (so a new
format is one new module), and ``Derivation.render(fmt)``, ``Identity.render(fmt)``, the CLI's
``--format`` choices, the web API's formats, extensions and media types, the page's exports and the
docs/outputs.md's table read it.  A derivation's formats answer ``derive steps`` and ``/api/steps``; the slide
decks (``deck``) answer ``derive slides`` and ``/api/slides``.  ``get(name)`` imports only the module
of that name: a command that renders one format loads one.  A format module keeps its imports light at
module level (no SymPy): the CLI lists the formats before it knows whether it will compute anything.

What is rendered is a derivation or an identity: steps, each with its reason (a
``derive.engine.reasons.Reason``, filled by the format's own printer), its proof, and the notes under it
(the verdict, the kinks), written once by the engine and printed by every format alike.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from derive.errors import DeriveError

if TYPE_CHECKING:
    from derive.engine.reasons import Reason
    from derive.engine.steps import Step


@dataclass(frozen=True)
class Format:
    """A format: its name, the extension of its files, and how it renders derivations (or identities)."""

    name: str
    extension: str
    render: Callable[..., str]  # render(items: Sequence[Derivation | Identity], **options) -> str
    description: str
    options: tuple[str, ...] = ()  # the keyword options it takes (latex: standalone)
    document: bool = False  # a whole document for several items (slides, a page), not a fragment
    media_type: str = "text/plain"  # what the server sends it as
    label: str = ""  # its name for people (the page's exports)
    rank: int = 0  # its place in the lists people read (the server's choices, the page, docs/)
    deck: bool = False  # a slide deck (derive slides), not one of a derivation's formats (derive steps)


_FORMATS: dict[str, Format] = {}


def register(
    name: str,
    extension: str,
    description: str,
    options: tuple[str, ...] = (),
    document: bool = False,
    *,
    media_type: str,
    label: str,
    rank: int,
    deck: bool = False,
) -> Callable[[Callable[..., str]], Callable[..., str]]:
    """Decorate a format module's render function to make the format known by ``name``."""

    def decorate(render: Callable[..., str]) -> Callable[..., str]:
        _FORMATS[name] = Format(name, extension, render, description, options, document, media_type, label, rank, deck)
        return render

    return decorate


HELPERS = frozenset({"numerics", "pictures", "plot", "table", "tex"})
"""The modules of this package that are no format: what the formats and the commands use to make a PDF,
a picture, a plot, the library's table and the numerics report (the printers are the subpackage printing)."""


def _modules() -> list[str]:
    """The format modules of this package (a format module is named as its format)."""
    found = os.scandir(os.path.dirname(__file__))
    names = (e.name[:-3] for e in found if e.name.endswith(".py") and not e.name.startswith("_"))
    return sorted(name for name in names if name not in HELPERS)


def formats() -> dict[str, Format]:
    """Every format, by name, in the order people read them (``rank``): each module of this package registers
    its own."""
    for module in _modules():
        importlib.import_module(f"{__name__}.{module}")
    return {f.name: f for f in sorted(_FORMATS.values(), key=lambda f: (f.rank, f.name))}


def get(name: str) -> Format:
    """The format called ``name``, loading only its module."""
    if name not in _FORMATS and name in _modules():
        importlib.import_module(f"{__name__}.{name}")
    if name not in _FORMATS:
        raise DeriveError(f"unknown format {name!r}; known: {', '.join(sorted(formats()))}")
    return _FORMATS[name]


def render(items: Sequence[Any], fmt: str, **options: Any) -> str:
    """Derivations (or identities) in the format ``fmt``."""
    found = get(fmt)
    unknown = set(options) - set(found.options)
    if unknown:
        raise DeriveError(f"the {fmt} format takes no option {', '.join(sorted(unknown))}")
    return found.render(list(items), **options)


@dataclass(frozen=True)
class Label:
    """The left side of a line: g(z), g'(z), or the function's own name, f''(x), σ'(z).

    ``str()`` and ``latex`` give LaTeX (g'(z), \\sigma'(z)); ``text`` the terminal's (σ′(z))."""

    symbol: str
    primes: int
    var: str

    @property
    def latex(self) -> str:
        from sympy import Symbol

        from derive.render.printing.latex import BoardLatexPrinter

        printer = BoardLatexPrinter()
        name = printer._hprint_Function(self.symbol)
        return f"{name}{chr(39) * self.primes}({printer._print(Symbol(self.var))})"

    @property
    def text(self) -> str:
        from derive.render.printing.text import symbol_text

        return f"{symbol_text(self.symbol)}{'′' * self.primes}({symbol_text(self.var)})"

    def __str__(self) -> str:
        return self.latex

    def __len__(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Line:
    """A step as it is shown.

    ``lhs`` is set on the first line of each quantity (g(z), g'(z)); ``relation`` is '=' except on
    the first line of an identity's chain, which is the left side itself.  A function with a name
    of its own (f(x) = ...) is shown by it: its lines are f(x), f'(x), its expressions say f.
    """

    index: int
    step: Step
    lhs: Label | None
    proof: str | None
    relation: str = "="

    @property
    def why(self) -> Reason:
        return self.step.why


def walk(item: Any) -> Iterator[Line]:
    """The steps in order: for a derivation with the left-hand side on the line that starts a quantity,
    for an identity as a chain (left side = ... = right side)."""
    var = item.variable.name
    previous = None
    proofs = item.proofs or [None] * len(item.steps)
    chain = getattr(item, "is_chain", False)
    symbol = "g" if chain else item.function.symbol
    mapping = names_of(item)
    for i, (step, proof) in enumerate(zip(item.steps, proofs, strict=True)):
        shown_proof = str(proof) if proof is not None else None
        if chain:
            yield Line(i, step, None, shown_proof, "=" if i else "")
            continue
        lhs = Label(symbol, len(step.quantity) - 1, var) if step.quantity != previous else None
        previous = step.quantity
        yield Line(i, shown(step, mapping), lhs, shown_proof)


def names_of(item: Any) -> dict:
    """What the outputs write for g: the function's own name, when it has one (f(x) = ...)."""
    if getattr(item, "is_chain", False) or item.function.symbol == "g":
        return {}
    from derive.knowledge.symbols import renaming

    return renaming(item.function.symbol, item.variable)


def shown(step: Step, mapping: dict) -> Step:
    """A step with g written as the function's own name."""
    if not mapping:
        return step
    import dataclasses

    from derive.engine.board import substitute
    from derive.knowledge.symbols import renamed_quantity

    symbol = next(iter(mapping.values())).name
    return dataclasses.replace(
        step,
        quantity=renamed_quantity(step.quantity, symbol),
        expr=substitute(step.expr, mapping),
        why=step.why.substitute(mapping),
    )
