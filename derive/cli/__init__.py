"""The command line: one click group, each subcommand thin over the library."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from derive import __version__, commands, render
from derive.commands import cache
from derive.errors import DeriveError

CONTEXT = {"help_option_names": ["-h", "--help"]}


class FormatChoice(click.ParamType):
    """A format of derive.render, looked up when it is used: only the module of the one asked for is loaded."""

    name = "format"

    def get_metavar(self, *args: object, **kwargs: object) -> str:
        return "[" + "|".join(sorted(render.formats())) + "]"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return render.get(str(value)).name
        except DeriveError:
            self.fail(f"{value!r} is not one of {', '.join(sorted(render.formats()))}", param, ctx)

    def shell_complete(self, ctx, param, incomplete):  # noqa: ANN001, ANN201 - click's signature
        return [click.shell_completion.CompletionItem(n) for n in sorted(render.formats()) if n.startswith(incomplete)]


class Listed(click.Choice):
    """click's Choice over the names of a registry, read when click needs them (help, a value to check):
    nothing is loaded for a command that does not use them, and the choices are the registry's as it is."""

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        self.names = names
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]  # click's is a fixed tuple
        return tuple(self.names())


# The choices of --input, slides --format, --framework and mark --format: each its registry's names


def notations() -> list[str]:
    from derive.reading import notations

    return list(notations.NOTATIONS)


def decks() -> list[str]:
    return [f.name for f in render.formats().values() if f.deck]


def frameworks() -> list[str]:
    from derive import backward

    return list(backward.frameworks())


def marking_formats() -> list[str]:
    from derive.mark import render as marking  # when used: derive.mark is also the name of derive.mark()

    return list(marking.formats())


class TargetCommand(click.Command):
    """A command whose targets may begin with "-": -log(1 + e^-z) is an expression, not an option."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = [p for p in self.get_params(ctx) if isinstance(p, click.Option)]
        names = {name for p in options for name in (*p.opts, *p.secondary_opts)}
        with_value = {name for p in options if not p.is_flag and not p.count for name in p.opts}
        out, value_next = [], False
        for arg in args:
            name = arg.split("=", 1)[0]
            if not value_next and arg.startswith("-") and arg != "--" and name not in names:
                arg = " " + arg  # the parser skips the space; click no longer takes it for an option
            out.append(arg)
            value_next = not value_next and name in with_value and "=" not in arg
        return super().parse_args(ctx, out)


VAR = click.option(
    "--var", default=None, help="The variable to differentiate in (default: z, or the one the expression uses)."
)
NOTATION = click.option(
    "--input",
    "notation",
    type=Listed(notations),
    default="auto",
    show_default=True,
    help="How TARGET is written: math notation and SymPy syntax, LaTeX, or code (torch., np., F.); auto: LaTeX "
    "with a backslash, code with a module's name or a method.",
)


def fail(message: str) -> None:
    """Bad input: one line on stderr, exit status 2, no traceback."""
    click.echo(f"derive: {message}", err=True)
    sys.exit(2)


class Guarded(click.Group):
    """The command group, with one line for what no command foresaw: an exception that is no DeriveError
    is a bug in derive, said in one line on stderr with exit status 2, never a traceback
    (DERIVE_DEBUG=1 shows it)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, SystemExit, KeyboardInterrupt):
            raise
        except RecursionError:
            fail("the expression is nested too deeply to work on")
        except Exception as exc:
            if os.environ.get("DERIVE_DEBUG", "") not in ("", "0"):
                raise
            said = " ".join(str(exc).split())[:200]
            fail(f"a bug in derive ({type(exc).__name__}: {said}); DERIVE_DEBUG=1 shows where")


@click.group(cls=Guarded, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="derive")
@click.option("--no-cache", is_flag=True, help="Compute every answer again (see `derive cache`).")
@click.pass_context
def main(ctx: click.Context, no_cache: bool) -> None:
    """Differentiate activation functions step by step, as a teacher does at the board."""
    ctx.obj = {"cache": not no_cache}


def cached(key: dict, compute: Callable[[], str]) -> str:
    """compute()'s text, from the on-disk cache when it was computed before (derive.commands.cache); a target
    read from a file (act.py:swish) is keyed by the file's bytes too."""
    use = click.get_current_context().find_root().obj["cache"]
    if "target" in key:
        from derive.files import file_fingerprint

        key = {**key, "file": file_fingerprint(key["target"])}
    try:
        return cache.answer(key, compute, use=use)
    except DeriveError as exc:
        fail(str(exc))


@main.command(cls=TargetCommand)
@click.argument("target")
@VAR
@NOTATION
@click.option(
    "--format",
    "fmt",
    type=FormatChoice(),
    default="text",
    show_default=True,
    help="The output format (`derive formats` says what each is).",
)
@click.option("--standalone", is_flag=True, help="With --format latex: a complete LaTeX document, with its notes.")
@click.option("--reasons", is_flag=True, help="With --format latex: each step's rule and reason beside it.")
@click.option("--order", default=1, show_default=True, type=click.IntRange(1, 4), help="The order of the derivative.")
def steps(target: str, var: str | None, notation: str, fmt: str, standalone: bool, reasons: bool, order: int) -> None:
    r"""Derive TARGET step by step: a library name (`derive list`), an expression as you write it
    (1/(1+e^-z), x^2 sin x, f(x) = ..., d/dx tanh x), in SymPy syntax, LaTeX (\tanh z, z \cdot \sigma(z)) or
    code (x * torch.sigmoid(x)), or a function of a Python file, read without running it (act.py:swish)."""

    from derive.commands import steps_key, steps_output

    if reasons and fmt != "latex":
        fail(f"--reasons is for --format latex: {fmt} shows each step's reason already")
    key = steps_key(target, var, notation, fmt, standalone, reasons, order)
    click.echo(cached(key, lambda: steps_output(target, var, notation, fmt, standalone, reasons, order)), nl=False)


def derive_all(targets: tuple[str, ...], var: str | None, order: int, notation: str = "auto") -> list:
    from derive.pipeline import derive

    try:
        return [derive(t, var=var, order=order, notation=notation) for t in targets]
    except DeriveError as exc:
        fail(str(exc))


@main.command(cls=TargetCommand)
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The deck: .tex (Beamer), .pdf (Beamer, compiled; the .tex stays beside it), .html (reveal.js).",
)
@click.option(
    "--format",
    "deck_format",
    type=Listed(decks),
    default=None,
    help="Beamer or reveal.js (default: from the extension; one that does not fit it is refused).",
)
@click.option("--title", default=None, help="The frames' title (default: what the slide computes).")
@VAR
@NOTATION
@click.option("--order", default=1, show_default=True, type=click.IntRange(1, 4), help="The order of the derivative.")
@click.option("--pdf", is_flag=True, help="Also compile it (latexmk or pdflatex); the PDF goes next to the .tex.")
@click.option("--reasons", is_flag=True, help="Each line's rule and reason in small type below it.")
@click.option("--plots", is_flag=True, help="After each frame, a frame with its plots of g and g' (matplotlib).")
@click.option(
    "--aspect", type=click.Choice(["4:3", "16:9"]), default="4:3", show_default=True, help="The frame's shape."
)
def slides(
    targets: tuple[str, ...],
    output: str,
    title: str | None,
    var: str | None,
    notation: str,
    order: int,
    pdf: bool,
    reasons: bool,
    plots: bool,
    aspect: str,
    deck_format: str | None,
) -> None:
    """Slides for TARGETS, one column each, two a frame, building one line at a time: Beamer (.tex, .pdf)
    or a reveal.js deck (.html), the same frames and builds."""
    from derive.files import write_atomic
    from derive.render.tex import compile_pdf

    path = Path(output)
    sources = {f.extension: f.name for f in render.formats().values() if f.deck}
    by_extension = {**sources, ".pdf": "beamer"}.get(path.suffix)  # a .pdf is the Beamer deck, compiled
    if by_extension is None:
        found = path.suffix or "no extension"
        fail(f"{output}: slides are .tex or .pdf (Beamer) or .html (reveal.js), not {found}")
    if deck_format is not None and deck_format != by_extension:
        fail(f"{output}: a {deck_format} deck is not a {path.suffix} file")
    if by_extension == "reveal":
        if pdf or reasons or plots:
            fail("--pdf, --reasons and --plots are for Beamer decks (a reveal deck has the reasons as speaker notes)")
        derivations = derive_all(targets, var, order, notation)
        try:
            deck = render.render(derivations, "reveal", title=title, aspect=aspect)
            click.echo(f"wrote {write_atomic(path, deck)}")
        except DeriveError as exc:
            fail(str(exc))
        return
    derivations = derive_all(targets, var, order, notation)
    try:
        # the .tex and the .pdf side by side, never one written over the other
        figures = _slide_plots(derivations, path) if plots else None
        deck = render.render(derivations, "beamer", title=title, reasons=reasons, plots=figures, aspect=aspect)
        tex = write_atomic(path.with_suffix(".tex"), deck)
        click.echo(f"wrote {tex}")
        if pdf or path.suffix == ".pdf":
            built = compile_pdf(tex, tuple(path.with_name(name) for name in figures or ()))
            click.echo(f"wrote {built.pdf}")
            for warning in built.overfull:
                click.echo(f"derive: warning: {warning}", err=True)
    except DeriveError as exc:
        fail(str(exc))


def _slide_plots(derivations: list, deck: Path) -> list[str]:
    """A PDF plot per frame of the deck, beside it (deck-plot-1.pdf, ...), by file name for \\includegraphics."""
    from derive.render import plot
    from derive.render.beamer import PER_FRAME

    names = []
    for i in range(0, len(derivations), PER_FRAME):
        path = deck.with_name(f"{deck.stem}-plot-{i // PER_FRAME + 1}.pdf")
        click.echo(f"wrote {plot.write(derivations[i : i + PER_FRAME], path)}")
        names.append(path.name)
    return names


@main.command(cls=TargetCommand)
@click.argument("targets", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The .html file to write.")
@click.option("--title", default="Derivatives of activation functions", show_default=True, help="The page's title.")
@VAR
@NOTATION
@click.option("--order", default=1, show_default=True, type=click.IntRange(1, 4), help="The order of the derivative.")
@click.option("--plots", is_flag=True, help="Each derivation's plot of g and g', inline as SVG (matplotlib).")
def page(
    targets: tuple[str, ...], output: str, title: str, var: str | None, notation: str, order: int, plots: bool
) -> None:
    """A self-contained HTML page for TARGETS, typeset by KaTeX from local files (works offline)."""
    from derive.files import write_atomic

    if not output.endswith((".html", ".htm")):
        fail(f"{output}: the page is an .html file")
    derivations = derive_all(targets, var, order, notation)
    try:
        click.echo(f"wrote {write_atomic(output, render.render(derivations, 'html', title=title, plots=plots))}")
    except DeriveError as exc:
        fail(str(exc))


@main.command(cls=TargetCommand)
@click.argument("targets", nargs=-1, required=True)
@click.option(
    "--framework",
    type=Listed(frameworks),
    required=True,
    help="The library the code is for: torch (autograd.Function), jax (custom_vjp), numpy (forward, backward).",
)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="The .py file (default: stdout).")
@click.option("--name", "names", multiple=True, help="A Python name for each expression target, in order.")
@VAR
@NOTATION
def backward(
    targets: tuple[str, ...], framework: str, output: str | None, names: tuple[str, ...], var: str | None, notation: str
) -> None:
    """Backward passes for TARGETS as one importable module: from the output where an output form exists
    (proved, and valid for the conditions each docstring states), else from the input."""
    from derive.commands import backward_output

    if output is not None and not output.endswith(".py"):
        fail(f"{output}: the module must be a .py file")
    try:
        source = backward_output(targets, framework, names, var, notation)
    except DeriveError as exc:
        fail(str(exc))
    if output is None:
        click.echo(source, nl=False)
        return
    from derive.files import write_atomic

    click.echo(f"wrote {write_atomic(output, source)}")


@main.command(cls=TargetCommand)
@click.argument("targets", nargs=-1, required=True)
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="A .pdf, .svg or .png file.")
@VAR
@NOTATION
def plot(targets: tuple[str, ...], output: str, var: str | None, notation: str) -> None:
    """Plot g and g' for TARGETS, a row each, and g' against g with the output form as a curve."""
    from derive.render import plot as plotting

    derivations = derive_all(targets, var, 1, notation)
    try:
        click.echo(f"wrote {plotting.write(derivations, output)}")
    except DeriveError as exc:
        fail(str(exc))
    except ImportError:
        fail("plots need matplotlib: pip install matplotlib")


@main.command(name="check", cls=TargetCommand)
@click.argument("target")
@VAR
@NOTATION
@click.option("--order", default=1, show_default=True, type=click.IntRange(1, 4), help="The order of the derivative.")
@click.option("--numerics", is_flag=True, help="Also each step in float32 and float64 (NumPy) against mpmath.")
def check_(target: str, var: str | None, notation: str, order: int, numerics: bool) -> None:
    """Prove every step of TARGET and say how; exit status 1 when a step fails."""
    from derive.pipeline import derive
    from derive.render import walk
    from derive.render.printing.text import board_text

    try:
        derivation = derive(target, var=var, order=order, on_failure="record", notation=notation)
    except DeriveError as exc:
        fail(str(exc))
    click.echo(f"{derivation.function.title}: every step proved equal to its quantity (g by definition, g' by diff)")
    for line in walk(derivation):
        lead = f"{line.lhs.text} = " if line.lhs else "  = "
        verdict = "FAILED" if line.proof.startswith("failed") else "ok"
        click.echo(f"{line.index + 1:>2}. {lead}{board_text(line.step.expr)}")
        click.echo(f"      {verdict}: {line.proof}")
    failed = len(derivation.failures)
    click.echo(
        f"{len(derivation.proofs) - failed} of {len(derivation.proofs)} steps proved"
        + (f"; {failed} FAILED" if failed else "")
    )
    if numerics:
        from derive.render.numerics import report
        from derive.verify.numerics import analyse

        click.echo("")
        click.echo(report(derivation, analyse(derivation)), nl=False)
    sys.exit(1 if failed else 0)


@main.command(cls=TargetCommand)
@click.argument("lhs")
@click.argument("rhs")
@click.option("--var", default=None, help="The variable (default: the one a side names, d/dx; else z).")
@click.option("--format", "fmt", type=FormatChoice(), default="text", show_default=True, help="The output format.")
def prove(lhs: str, rhs: str, var: str, fmt: str) -> None:
    """Prove the identity LHS = RHS step by step; exit status 1 when it does not hold."""
    from derive.commands import prove_output

    try:
        text, holds = prove_output(lhs, rhs, var, fmt)
    except DeriveError as exc:
        fail(str(exc))
    click.echo(text, nl=False)
    sys.exit(0 if holds else 1)


@main.command(cls=TargetCommand)
@click.argument("given", nargs=-1, required=True, metavar="[TARGET] SUBMISSION")
@VAR
@click.option(
    "--format",
    "fmt",
    type=Listed(marking_formats),
    default="text",
    show_default=True,
    help="How the marking is written (a folder: the summaries are CSV and JSON).",
)
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False), help="A file for the marking.")
@click.option("--seconds", default=60.0, show_default=True, help="The safety limit for one submission.")
def mark(given: tuple[str, ...], var: str | None, fmt: str, output: str | None, seconds: float) -> None:
    """Mark a derivation of TARGET's first derivative, a line per step: SUBMISSION is a file (- for standard
    input), or a folder of them (then marks.csv and marks.json are written in it). Without TARGET, the function
    is the one the derivation's first definition line defines (g(x) = ...). Exit status 0 when no line is
    wrong, 1 when one is (a line derive cannot judge is not wrong)."""
    from derive.files import write_atomic

    if len(given) > 2:
        fail(f"derive mark takes [TARGET] SUBMISSION, not {len(given)} arguments")
    target = given[0].strip() if len(given) == 2 else None
    submission = given[-1].strip()  # TargetCommand keeps a leading "-" from being an option: "-" is stdin
    folder = Path(submission)
    if submission != "-" and folder.is_dir():
        _mark_folder(target, folder, var, seconds)
        return
    try:
        text = sys.stdin.read() if submission == "-" else folder.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {submission}: {exc}")
    from derive.mark.marking import mark as mark_submission

    try:
        marking = mark_submission(target, text, var=var, seconds=seconds)
        shown = marking.render(fmt)
    except DeriveError as exc:
        fail(str(exc))
    if output is not None:
        click.echo(f"wrote {write_atomic(output, shown)}")
    else:
        click.echo(shown, nl=False)
    sys.exit(0 if marking.first_wrong is None else 1)


def spreadsheet_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: one that starts with = + - @, a tab or a carriage return
    would be read as a formula (CSV injection), so it is quoted with a leading ' as OWASP advises."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


SUMMARY = ("file", "lines", "first_wrong", "mistake", "not_judged", "final_right", "output_form", "error")


def _mark_folder(target: str | None, folder: Path, var: str | None, seconds: float) -> None:
    """Every submission of a folder marked; one CSV and one JSON summary beside them, written atomically."""
    import csv
    import io
    import json

    from derive.files import write_atomic
    from derive.mark.marking import mark as mark_submission

    rows = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        if path.name in ("marks.csv", "marks.json"):
            continue
        row = dict.fromkeys(SUMMARY, "")
        row["file"] = path.name
        try:
            marking = mark_submission(target, path.read_text(encoding="utf-8"), var=var, seconds=seconds)
            first = marking.first_wrong
            wrong = marking.first_wrong_line
            row.update(
                lines=len(marking.lines),
                first_wrong=first or "",
                mistake=wrong.mistake.kind if wrong is not None and wrong.mistake is not None else "",
                not_judged=marking.not_judged,
                final_right=marking.final["right"],
                output_form=marking.final["output_form"],
            )
        except (DeriveError, OSError, UnicodeDecodeError) as exc:  # one submission never stops the rest
            row["error"] = str(exc)
        rows.append(row)
        click.echo(f"{path.name}: " + (row["error"] or f"first wrong line {row['first_wrong'] or 'none'}"))
    table = io.StringIO()
    writer = csv.DictWriter(table, SUMMARY, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: spreadsheet_cell(v) for k, v in row.items()} for row in rows)
    click.echo(f"wrote {write_atomic(folder / 'marks.csv', table.getvalue())}")
    summary = json.dumps({"target": target, "submissions": rows}, indent=1, ensure_ascii=False) + "\n"
    click.echo(f"wrote {write_atomic(folder / 'marks.json', summary)}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on (0.0.0.0: every one).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="The port.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Engine processes.")
@click.option(
    "--timeout", default=10.0, show_default=True, help="Seconds a request may take; then its worker is replaced."
)
@click.option("--queue", default=64, show_default=True, type=click.IntRange(1, 10_000), help="Requests that may wait.")
@click.option(
    "--cors", default=None, metavar="ORIGIN", help="Allow pages of ORIGIN to call the API (no CORS otherwise)."
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="A host name the class reaches the server by (repeatable; '*': any). Default: localhost, 127.0.0.1, "
    "::1 and HOST; other names are refused (DNS rebinding).",
)
def serve(
    host: str, port: int, workers: int, timeout: float, queue: int, cors: str | None, allowed_hosts: tuple[str, ...]
) -> None:
    """The web app: a page and a JSON API over the engine, on HOST:PORT (needs the extra derive[web])."""
    try:
        import uvicorn

        from derive.serve.app import LOCAL_HOSTS, Settings, create_app
        from derive.serve.protocol import BACKLOG, KEEP_ALIVE_SECONDS, GuardedH11Protocol, raise_descriptor_limit
        from derive.serve.query import MAX_QUERY
    except ImportError:
        fail("derive serve needs the web extra: pip install 'derive[web]' (Starlette and uvicorn)")
    everywhere = host in ("0.0.0.0", "::")
    names = tuple(dict.fromkeys((*LOCAL_HOSTS, *(() if everywhere else (host,)), *allowed_hosts)))
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"derive: serving on {host}:{port}: the page and its API are open to every machine that reaches it")
        if "*" not in names:
            click.echo(f"derive: answering requests addressed to {', '.join(names)} (--allowed-host adds a name)")
    click.echo(f"derive: http://{'127.0.0.1' if everywhere else host}:{port}/ (Ctrl-C stops)")
    settings = Settings(workers=workers, timeout=timeout, queue=queue, cors=cors, allowed_hosts=names)
    connections = raise_descriptor_limit()
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        http=GuardedH11Protocol,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        h11_max_incomplete_event_size=MAX_QUERY + 16_384,  # a request line within the API's own limit
        limit_concurrency=connections + 64,
        backlog=BACKLOG,  # the connections are capped by the protocol; this bounds the tasks
    )


LECTURE = ("sigmoid", "tanh")


def lecture_outputs() -> dict[str, str]:
    """The generated text files of outputs/, by name."""
    from derive.pipeline import derive

    out = {}
    derivations = [derive(name) for name in LECTURE]
    for name, derivation in zip(LECTURE, derivations, strict=True):
        for fmt in ("json", "latex", "markdown"):
            out[f"{name}{render.get(fmt).extension}"] = commands.with_newline(derivation.render(fmt))
    out["lecture.tex"] = render.render(derivations, "beamer")
    out["lecture.html"] = render.render(derivations, "html")
    out["lecture-reveal.html"] = render.render(derivations, "reveal")
    return out


@main.command()
@click.argument("directory", default="outputs", type=click.Path(file_okay=False))
def outputs(directory: str) -> None:
    """Regenerate the lecture's artifacts in DIRECTORY (default: outputs): text, slides, PDF, page, pictures,
    the plot of σ and tanh."""
    from pathlib import Path

    from derive.files import write_atomic
    from derive.render import pictures
    from derive.render.tex import compile_pdf

    folder = Path(directory)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in lecture_outputs().items():
            click.echo(f"wrote {write_atomic(folder / name, text)}")
        built = compile_pdf(folder / "lecture.tex")
        click.echo(f"wrote {built.pdf}")
        click.echo(f"wrote {pictures.pdf_page_png(built.pdf, folder / 'lecture-last-build.png')}")
        click.echo(f"wrote {pictures.page_png(folder / 'lecture.html', folder / 'lecture-html.png')}")
        from derive.pipeline import derive
        from derive.render import plot

        click.echo(f"wrote {plot.write([derive(name) for name in LECTURE], folder / 'lecture-plot.png')}")
        from derive.render.beamer import builds

        lecture = [derive(name) for name in LECTURE]  # one frame: its last build is fragment n - 1
        last = f"#/0/0/{sum(builds(d)[-1] for d in lecture) - 1}"  # slide 0, vertical 0, fragment
        shot = pictures.page_png(folder / "lecture-reveal.html", folder / "lecture-reveal.png", "1024,768", last)
        click.echo(f"wrote {shot}")
    except (DeriveError, OSError) as exc:
        fail(str(exc))


@main.command()
def formats() -> None:
    """The output formats: name, file extension, what it is."""
    for f in sorted(render.formats().values(), key=lambda f: (f.document, f.name)):
        click.echo(f"{f.name:<10} {f.extension:<6} {f.description}")


@main.command(name="list")
def list_() -> None:
    """The library of activation functions: definition, and whether g' can be written in g."""

    def compute() -> str:
        from derive.engine.board import board_form
        from derive.knowledge.activations import LIBRARY
        from derive.pipeline import derive
        from derive.render.printing.text import board_text

        status = {"found": "output form", "none exists": "no output form exists", "not found": "none found"}
        lines = []
        for entry in LIBRARY:
            d = derive(entry.name)
            aliases = f" (also: {', '.join(entry.aliases)})" if entry.aliases else ""
            lines.append(f"{entry.name:<14} g(z) = {board_text(board_form(d.function.body))}\n")
            lines.append(f"{'':<14} {entry.title}{aliases}; {status[d.verdict.status]}\n")
        return "".join(lines)

    click.echo(cached({"command": "list"}, compute), nl=False)


@main.command()
def table() -> None:
    """The library as a Markdown table (docs/library.md's), with g' in terms of g."""

    def compute() -> str:
        from derive.knowledge.activations import LIBRARY
        from derive.pipeline import derive
        from derive.render.table import library_table

        return library_table([derive(entry.name) for entry in LIBRARY])

    click.echo(cached({"command": "table"}, compute), nl=False)


@main.command(name="cache")
@click.option("--clear", is_flag=True, help="Remove every stored answer.")
def cache_(clear: bool) -> None:
    """Where answers are kept so that a command asked again answers without loading SymPy.

    Keyed by the arguments and a fingerprint of derive's code and of SymPy's and mpmath's
    versions. DERIVE_CACHE_DIR sets the place, DERIVE_NO_CACHE=1 or --no-cache turns it off.
    """
    if clear:
        click.echo(f"removed {cache.clear()} entries from {cache.directory()}")
        return
    paths = cache.entries()
    size = sum(p.stat().st_size for p in paths if p.exists())
    state = "on" if cache.enabled() else "off (DERIVE_NO_CACHE)"
    click.echo(f"{cache.directory()}: {len(paths)} entries, {size / 1024:.0f} KiB; {state}")


if __name__ == "__main__":
    main()

from derive.cli import check_backward as _check_backward  # noqa: E402, F401 - registers `derive check-backward`
