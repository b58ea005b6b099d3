"""The command line: one click group, each subcommand thin over the library."""

from __future__ import annotations

import json
import sys

import click

from derive import __version__
from derive.errors import DeriveError

CONTEXT = {"help_option_names": ["-h", "--help"]}


def fail(message: str) -> None:
    """Bad input: one line on stderr, exit status 2, no traceback."""
    click.echo(f"derive: {message}", err=True)
    sys.exit(2)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="derive")
def main() -> None:
    """Differentiate activation functions step by step, as a teacher does at the board."""


@main.command()
@click.argument("target")
@click.option("--var", default="z", show_default=True, help="The variable to differentiate in.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "latex", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, latex (align*), json (every step with its expression and proof).",
)
@click.option("--standalone", is_flag=True, help="With --format latex: a complete LaTeX document.")
@click.option("--order", default=1, show_default=True, type=click.IntRange(1, 4), help="The order of the derivative.")
def steps(target: str, var: str, fmt: str, standalone: bool, order: int) -> None:
    """Derive TARGET step by step: a library name (see `derive list`) or an expression in SymPy syntax."""
    from derive.pipeline import derive

    try:
        derivation = derive(target, var=var, order=order)
    except DeriveError as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(derivation.to_dict(), indent=1, ensure_ascii=False))
    elif fmt == "latex":
        click.echo(derivation.to_latex(standalone=standalone))
    else:
        click.echo(derivation.to_text(), nl=False)


@main.command()
@click.argument("lhs")
@click.argument("rhs")
@click.option("--var", default="z", show_default=True, help="The variable.")
@click.option("--format", "fmt", type=click.Choice(["text", "latex", "json"]), default="text", show_default=True)
def prove(lhs: str, rhs: str, var: str, fmt: str) -> None:
    """Prove the identity LHS = RHS step by step; exit status 1 when it does not hold."""
    from derive.prove import prove as prove_identity

    try:
        identity = prove_identity(lhs, rhs, var=var)
    except DeriveError as exc:
        fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(identity.to_dict(), indent=1, ensure_ascii=False))
    elif fmt == "latex":
        click.echo(identity.to_latex())
    else:
        click.echo(identity.to_text(), nl=False)
    sys.exit(0 if identity.holds else 1)


LECTURE = ("sigmoid", "tanh")


def lecture_outputs() -> dict[str, str]:
    """The generated files of outputs/, by name."""
    from derive.pipeline import derive

    out = {}
    for name in LECTURE:
        derivation = derive(name)
        out[f"{name}.json"] = json.dumps(derivation.to_dict(), indent=1, ensure_ascii=False) + "\n"
        out[f"{name}.tex"] = derivation.to_latex() + "\n"
    return out


@main.command()
@click.argument("directory", default="outputs", type=click.Path(file_okay=False))
def outputs(directory: str) -> None:
    """Regenerate the lecture's artifacts in DIRECTORY (default: outputs)."""
    from pathlib import Path

    from derive.files import write_atomic

    try:
        Path(directory).mkdir(parents=True, exist_ok=True)
        for name, text in lecture_outputs().items():
            click.echo(f"wrote {write_atomic(Path(directory) / name, text)}")
    except (DeriveError, OSError) as exc:
        fail(str(exc))


@main.command(name="list")
def list_() -> None:
    """The library of activation functions: definition, and whether g' can be written in g."""
    from derive.activations import LIBRARY
    from derive.board import board_form
    from derive.pipeline import derive
    from derive.printing.text import board_text

    for entry in LIBRARY:
        d = derive(entry.name, check_steps=False)
        aliases = f" (also: {', '.join(entry.aliases)})" if entry.aliases else ""
        status = {"found": "output form", "none exists": "no output form exists", "not found": "none found"}
        click.echo(f"{entry.name:<14} g(z) = {board_text(board_form(d.function.body))}")
        click.echo(f"{'':<14} {entry.title}{aliases}; {status[d.verdict.status]}")


@main.command()
def table() -> None:
    """The library as a Markdown table (the README's), with g' in terms of g."""
    from derive.render.table import library_table

    click.echo(library_table(), nl=False)


if __name__ == "__main__":
    main()
