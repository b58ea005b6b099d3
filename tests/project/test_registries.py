"""Issue 28, point 4: one source for every list at the edges.  The notations, the output formats, the
backward frameworks, the marking formats and the web's jobs each come from one registry; the CLI's choices,
the server's accepted values and routes, the page's lists and the README's tables are built from them, so
that an entry registered anywhere (here, for the length of a test) is accepted and listed everywhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from helpers import commands_in_a_fresh_process

from derive import backward, render
from derive.backward import Framework
from derive.cli import main
from derive.reading import notations
from derive.reading.notations import Notation
from derive.serve import choices, jobs, tables
from derive.serve.query import Query, RefusedError

runner = CliRunner()


def marking_formats() -> dict:
    from derive.mark import render as marking  # not at the top: derive.mark is also derive.mark()

    return marking.formats()


def derivation_formats() -> list[str]:
    return [f.name for f in render.formats().values() if not f.deck]


def decks() -> list[str]:
    return [f.name for f in render.formats().values() if f.deck]


REGISTRIES = {
    "notations": lambda: list(notations.NOTATIONS),
    "frameworks": lambda: list(backward.frameworks()),
    "marking formats": lambda: list(marking_formats()),
    "formats": lambda: sorted(render.formats()),
    "decks": decks,
}


@pytest.mark.parametrize(
    "command, option, registry",
    [
        ("steps", "--input", "notations"),
        ("slides", "--input", "notations"),
        ("backward", "--framework", "frameworks"),
        ("mark", "--format", "marking formats"),
        ("steps", "--format", "formats"),
        ("prove", "--format", "formats"),
        ("slides", "--format", "decks"),
    ],
)
def test_the_clis_choices_are_the_registrys(command, option, registry):
    help_text = runner.invoke(main, [command, "-h"]).output
    listed = re.search(re.escape(option) + r"(?: \[[^\]]*\])? \[([^\]]+)\]", help_text.replace("\n", " "))
    assert listed is not None, help_text
    assert listed.group(1).split("|") == REGISTRIES[registry]()


def query(**values: str) -> Query:
    from urllib.parse import urlencode

    return Query(urlencode(values).encode(), values)


def refused(job: str, given) -> str:  # noqa: ANN001 - a Query or a JSON body
    with pytest.raises(RefusedError) as caught:
        jobs.JOBS[job].parse(given)
    return str(caught.value)


@pytest.mark.parametrize(
    "job, given, registry",
    [
        ("read", query(f="z", input="nope"), "notations"),
        ("steps", query(f="z", format="nope"), "derivation formats"),
        ("prove", query(lhs="z", rhs="z", format="nope"), "derivation formats"),
        ("backward", query(f="z", framework="nope"), "frameworks"),
        ("slides", query(f="z", format="nope"), "slide formats"),
    ],
)
def test_the_servers_choices_are_the_registrys(job, given, registry):
    expected = {
        "notations": list(notations.NOTATIONS),
        "derivation formats": derivation_formats(),
        "frameworks": list(backward.frameworks()),
        "slide formats": [*decks(), "pdf"],
    }[registry]
    message = refused(job, given)
    assert message.endswith(f"must be one of {', '.join(expected)}, not 'nope'")
    for value in expected:  # and each is accepted
        name = re.match(r"(\w+) must", message).group(1)
        accepted = jobs.JOBS[job].parse(Query(b"", {**given.values, name: value}))
        assert accepted[name] == value


def test_the_marking_route_takes_the_marking_formats():
    names = list(marking_formats())
    body = {"f": "sigmoid", "submission": "g'(z) = g(z)(1 - g(z))"}
    either = f"{', '.join(names[:-1])} or {names[-1]}"
    assert refused("mark", {**body, "format": "nope"}) == f"format must be {either}, not 'nope'"
    assert [jobs.JOBS["mark"].parse({**body, "format": name})["format"] for name in names] == names


class _Lists(HTMLParser):
    """The page's select of notations and its exports, as the server writes them."""

    def __init__(self) -> None:
        super().__init__()
        self.where: list[str] = []
        self.options: list[tuple[str, str]] = []
        self.exports: list[tuple[str, str, str]] = []
        self.link: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        if tag == "select":
            self.where.append(found.get("id", ""))
        elif tag == "option" and self.where == ["input"]:
            self.options.append((found["value"], ""))
        elif tag == "a" and "data-path" in found:
            self.link = found

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.where.pop()
        elif tag == "a":
            self.link = None

    def handle_data(self, data: str) -> None:
        if self.where == ["input"] and self.options and not self.options[-1][1]:
            self.options[-1] = (self.options[-1][0], data)
        elif self.link is not None:
            self.exports.append((data, self.link["data-path"], self.link["data-query"]))


def page_lists() -> _Lists:
    from derive.serve.app import create_app

    parsed = _Lists()
    parsed.feed(create_app().state.page.decode("utf-8"))
    return parsed


def test_the_pages_lists_are_the_registrys():
    lists = page_lists()
    assert lists.options == [(n.name, n.label) for n in notations.NOTATIONS.values()]
    exports = lists.exports
    steps = [f for f in render.formats().values() if not f.deck and not f.document]
    assert [e[2] for e in exports if e[1] == "/api/steps"] == [f"format={f.name}" for f in steps]
    assert [e[2] for e in exports if e[1] == "/api/slides"] == [f"format={name}" for name in (*decks(), "pdf")]
    assert [(e[0], e[2]) for e in exports if e[1] == "/api/backward"] == [
        (f"{f.label} backward", f"framework={f.name}") for f in backward.frameworks().values()
    ]
    assert {e[1] for e in exports} <= {job.path for job in jobs.JOBS.values()}


@pytest.fixture
def one_more(monkeypatch):
    """A notation, a format, a framework and a marking format registered for the length of a test."""
    from derive.mark import render as marking

    monkeypatch.setitem(notations.NOTATIONS, "ascii", Notation("ascii", "ASCII math", "AsciiMath: sqrt(x)"))
    monkeypatch.setitem(backward.FRAMEWORKS, "mlx", Framework("mlx", "MLX", "mlx_code"))
    render.formats()  # every format module loaded: only the new one is registered below
    monkeypatch.setattr(render, "_FORMATS", dict(render._FORMATS))
    render.register("rst", ".rst", "reStructuredText", media_type="text/x-rst", label="reST", rank=8)(lambda items: "")
    monkeypatch.setattr(marking, "_FORMATS", dict(marking._FORMATS))
    marking.register("csv", "text/csv", "a row per line")(lambda m: "")


def test_an_entry_registered_is_accepted_and_listed_everywhere(one_more):
    help_text = {command: runner.invoke(main, [command, "-h"]).output for command in ("steps", "backward", "mark")}
    from derive.mark import render as marking

    # each list as the registry holds it now, the new entry among them (none spelled out: an entry a
    # newcomer adds for good is then no edit here)
    assert "[" + "|".join(notations.NOTATIONS) + "]" in help_text["steps"]
    assert "[" + "|".join(sorted(render.formats())) + "]" in help_text["steps"]  # --format's metavar, sorted
    assert "[" + "|".join(backward.frameworks()) + "]" in help_text["backward"]
    assert "[" + "|".join(marking.formats()) + "]" in help_text["mark"]
    assert jobs.JOBS["read"].parse(query(f="z", input="ascii"))["input"] == "ascii"
    assert jobs.JOBS["steps"].parse(query(f="z", format="rst"))["format"] == "rst"
    assert jobs.JOBS["backward"].parse(query(f="z", framework="mlx"))["framework"] == "mlx"
    body = {"f": "sigmoid", "submission": "g'(z) = g(z)(1 - g(z))", "format": "csv"}
    assert jobs.JOBS["mark"].parse(body)["format"] == "csv"
    lists = page_lists()
    assert ("ascii", "ASCII math") in lists.options
    assert ("reST", "/api/steps", "format=rst") in lists.exports
    assert ("MLX backward", "/api/backward", "framework=mlx") in lists.exports
    assert '<option value="ascii">ASCII math</option>' in choices.filled("<!--notations-->")


def first_column(table: str) -> list[str]:
    rows = table.strip().splitlines()[2:]
    return [row.split(" | ")[0].removeprefix("| ").strip("`") for row in rows]


@pytest.mark.parametrize(
    "table, registry",
    [
        ("notations", lambda: list(notations.NOTATIONS)),
        ("formats", lambda: list(render.formats())),
        ("frameworks", lambda: list(backward.frameworks())),
        ("marking formats", lambda: list(marking_formats())),
        ("routes", lambda: [job.path for job in jobs.JOBS.values()]),
    ],
)
def test_the_readmes_tables_list_exactly_the_registries(table, registry):
    assert first_column(tables.tables()[table]) == registry()


def test_the_formats_table_says_each_formats_extension_and_media_type():
    rows = [row.split(" | ") for row in tables.tables()["formats"].strip().splitlines()[2:]]
    assert [(r[1], r[2]) for r in rows] == [
        (f"`{f.extension}`", f"`{f.media_type}`") for f in render.formats().values()
    ]


def test_the_servers_routes_are_the_job_tables():
    from starlette.routing import Route

    from derive.serve.app import create_app

    routes = {r.path: r.methods for r in create_app().routes if isinstance(r, Route) and r.path.startswith("/api/")}
    expected = {job.path: {job.method, *(("HEAD",) if job.method == "GET" else ())} for job in jobs.JOBS.values()}
    assert routes == {**expected, "/api/health": {"GET", "HEAD"}}


def test_a_worker_answers_each_kind_through_the_table_and_no_other():
    assert {kind for kind, _ in jobs.WARM_UP} <= set(jobs.JOBS)
    assert [job.kind for job in jobs.JOBS.values() if job.fast] == ["read"]  # the previews' lane
    reply = jobs.run("nope", {})
    assert reply.status == 404 and "no such job 'nope'" in reply.body


def test_the_lists_are_listed_without_sympy():
    # the CLI lists its choices, and the server its page, before either knows whether it will compute
    result = commands_in_a_fresh_process(
        [["steps", "-h"], ["backward", "-h"], ["mark", "-h"], ["slides", "-h"]],
        then="from derive.serve.app import create_app\ncreate_app()\n",
    )
    assert result.stderr.strip() == "False"
