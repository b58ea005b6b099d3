"""Issue 27: derive serve tried as an attacker would, over HTTP against a real server on loopback.

TeX sees only what derive wrote; a generated module is code derive wrote; every output is escaped for its
format and no message names a path of the machine; the pool heals; slow, idle and vanished clients cannot
hold the server; caches are bounded in bytes and skipped when they cannot be written; only the configured
host names are served.  The same attacks through the CLI are in tests/cli/test_security_cli.py.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import pytest
from webserver import HOST, Server

from derive.serve import app as app_module
from derive.serve import jobs

PATHOLOGICAL = "Piecewise((mish(a z), z > -1), (-z, True))"  # about 30 s to derive
PASSWD = Path("/etc/passwd").read_text().splitlines()[0]  # root:x:0:0:...: what a leak would show


def q(**params: str) -> str:
    return urllib.parse.urlencode(params)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    pdf = tmp_path / "answer.pdf"
    pdf.write_bytes(data)
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def tex_processes(folder: str | None = None) -> list[int]:
    """The pids of latexmk and pdflatex processes running now (in ``folder``, when given)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
            cwd = os.readlink(entry / "cwd") if folder else ""
        except OSError:
            continue
        if name in ("latexmk", "pdflatex") and (folder is None or cwd.startswith(folder)):
            found.append(int(entry.name))
    return found


# --- 1. TeX sees only what derive wrote ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["pdf", "beamer"])
def test_the_variable_is_checked_as_a_name_for_library_targets(server, fmt):
    answer = server.get("/api/slides?" + q(f="tanh", format=fmt, var=r"\input{/etc/hostname}"))
    assert answer.status == 400
    assert "the variable must be a name" in answer.json["error"]


@pytest.mark.parametrize("path", ["/api/steps", "/api/read", "/api/plot", "/api/backward"])
def test_the_variable_is_checked_on_every_route(server, path):
    answer = server.get(path + "?" + q(f="sigmoid", var="z}\\input{/etc/passwd"))
    assert answer.status == 400 and "must be a name" in answer.json["error"]


CODE_COMMENT = r"x*torch.sigmoid(x) #}\end{frame}\begin{frame}\input{/etc/passwd}\def\y{\y}\y"


def test_a_code_comment_reaches_the_deck_as_words(server, tmp_path):
    deck = server.get("/api/slides?" + q(f=CODE_COMMENT, input="code", format="beamer"))
    assert deck.status == 200
    # every backslash and brace of the input is escaped: the only \input and \def are none at all
    assert "\\input{" not in deck.text and "\\def\\y" not in deck.text
    assert "\\textbackslash{}input\\{/etc/passwd\\}" in deck.text
    pdf = server.get("/api/slides?" + q(f=CODE_COMMENT, input="code", format="pdf"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = pdf_text(pdf.body, tmp_path)
    assert PASSWD not in text and "/etc/passwd" in text  # shown as the words it is, never read


def test_no_tex_process_or_folder_outlives_the_server(tmp_path):
    """A PDF being built when the server stops: its TeX processes are killed with their group and the build's
    folder removed (each worker is stopped with SIGTERM, which stops its TeX runs, then killed)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    served = Server("--workers", "1", "--timeout", "60", env={"TMPDIR": str(folder)})
    try:
        import threading

        thread = threading.Thread(
            target=lambda: served.get("/api/slides?" + q(f="tanh", format="pdf"), timeout=60), daemon=True
        )
        thread.start()
        for _ in range(600):  # until TeX runs in the server's temporary folder (at most 60 s)
            if tex_processes(str(folder)):
                break
            time.sleep(0.1)
        assert tex_processes(str(folder)), "the PDF build never started TeX"
    finally:
        served.stop()
    for _ in range(100):  # the worker's SIGTERM handler kills the group at once; reaping may take a moment
        if not tex_processes(str(folder)):
            break
        time.sleep(0.05)
    assert tex_processes(str(folder)) == []
    assert [p.name for p in folder.iterdir() if p.name.startswith("derive-")] == []


# --- 2. generated code is code derive wrote ---------------------------------------------------------------------

DOCSTRING_BREAKOUT = 'x*torch.sigmoid(x) # """;open("pwned","w").write("x");"""'


@pytest.mark.parametrize("framework", ["numpy", "jax", "torch"])
def test_a_module_from_a_hostile_comment_runs_nothing_when_imported(server, tmp_path, framework):
    answer = server.get("/api/backward?" + q(f=DOCSTRING_BREAKOUT, input="code", framework=framework, name="act"))
    assert answer.status == 200
    (tmp_path / "act_module.py").write_text(answer.text)
    compile(answer.text, "act_module.py", "exec")
    # import it in a fresh interpreter: a docstring closed by the input would create the file
    run = subprocess.run(
        [sys.executable, "-c", "import act_module"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("name", ["import", "numpy", "class", "FUNCTIONS", "x-y", "grad", "print"])
def test_a_hostile_function_name_is_refused(server, name):
    answer = server.get("/api/backward?" + q(f="sigmoid", framework="numpy", name=name))
    assert answer.status == 400 and "\n" not in answer.json["error"]


# --- 3. outputs escaped for their format; no path of the machine in a message ----------------------------------


def test_markdown_carries_no_html_from_the_input(server):
    answer = server.get(
        "/api/steps?"
        + q(f="x*torch.sigmoid(x) # <script>alert(1)</script> <img src=x>", input="code", format="markdown")
    )
    assert answer.status == 200
    assert "<script" not in answer.text and "<img" not in answer.text
    assert "&lt;script&gt;" in answer.text


def test_no_message_names_a_path_of_the_machine(server):
    machine = [tempfile.gettempdir(), str(Path.home()), sys.prefix, str(Path(__file__).resolve().parents[2])]
    for path in (
        "/api/steps?" + q(f="/tmp/act.py:act"),
        "/api/slides?" + q(f="tanh", format="pdf", var="x" * 40),
        "/api/backward?" + q(f="sigmoid", name="import"),
        "/api/steps?" + q(f="unknown_thing"),
    ):
        answer = server.get(path)
        assert answer.status >= 400
        for folder in machine:
            assert folder not in answer.json["error"]
    # the reply builder itself cuts the machine's folders out of any message it is given
    reply = jobs.error(f"cannot write {tempfile.gettempdir()}/derive-tex-1/deck.pdf and {Path.home()}/.cache")
    assert tempfile.gettempdir() not in reply.body and str(Path.home()) not in reply.body


# --- 4. a pool that heals ---------------------------------------------------------------------------------------


def test_a_worker_killed_while_idle_is_replaced_before_its_next_job():
    served = Server("--workers", "2", "--timeout", "60")
    try:
        before = served.get("/api/health").json["workers"]
        os.kill(before[-1], signal.SIGKILL)  # the derivations' worker
        for _ in range(50):
            if before[-1] not in served.get("/api/health").json["workers"]:
                break
            time.sleep(0.05)
        assert before[-1] not in served.get("/api/health").json["workers"]  # only live workers are listed
        for _ in range(3):  # every request routed to it is answered
            assert served.get("/api/steps?f=tanh&format=json").status == 200
        after = served.get("/api/health").json["workers"]
        assert len(after) == 2 and before[-1] not in after
    finally:
        served.stop()


def test_a_worker_killed_during_a_job_is_a_500_not_a_time_out():
    served = Server("--workers", "1", "--timeout", "120")
    try:
        import threading

        answers = []
        thread = threading.Thread(
            target=lambda: answers.append(served.get("/api/steps?" + q(f=PATHOLOGICAL), timeout=100)), daemon=True
        )
        worker = served.get("/api/health").json["workers"][0]
        thread.start()
        time.sleep(1.0)  # the job is running
        os.kill(worker, signal.SIGKILL)
        thread.join(timeout=100)
        assert answers and answers[0].status == 500
        assert "ended unexpectedly" in answers[0].json["error"] and "gave up" not in answers[0].json["error"]
        assert served.get("/api/steps?f=tanh&format=json").status == 200
    finally:
        served.stop()


def test_an_exception_in_a_job_is_a_500_and_the_worker_lives_on(server):
    workers = server.get("/api/health").json["workers"]
    # a real internal failure (SymPy's mpmath printer, issue 30): whatever the engine answers, the worker stays
    answer = server.get("/api/steps?" + q(f="sign(asin(tanh(z)))", format="json"))
    assert answer.status in (200, 400, 500) and "Traceback" not in answer.text
    assert server.get("/api/health").json["workers"] == workers
    # the job runner answers every exception: a malformed job is a 500, never a dead worker
    reply = jobs.run("steps", {"f": "tanh"})
    assert reply.status == 500 and "internal error" in json.loads(reply.body)["error"]


def test_a_job_whose_client_has_gone_is_killed():
    served = Server("--workers", "1", "--timeout", "120")
    try:
        worker = served.get("/api/health").json["workers"][0]
        with socket.create_connection((HOST, served.port), timeout=10) as raw:
            path = "/api/steps?" + q(f=PATHOLOGICAL)
            raw.sendall(f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
            time.sleep(1.5)  # the derivation is running in the worker
        # the client has gone: its worker is killed and replaced, and the next request does not wait for it
        answer = served.get("/api/steps?f=tanh&format=json", timeout=60)  # the job alone would run to 120 s
        assert answer.status == 200
        assert worker not in served.get("/api/health").json["workers"]
    finally:
        served.stop()


# --- 5. bounded load --------------------------------------------------------------------------------------------


def test_slow_and_idle_connections_cannot_exhaust_the_server():
    """600 connections that send their headers slowly against a server allowed 512 open files: it keeps
    answering, its log stays quiet, and the slow connections are closed within the header time limit."""
    from derive.serve.protocol import HEADER_SECONDS

    served = Server("--workers", "1", files=512)
    slow: list[socket.socket] = []
    try:
        limits = Path(f"/proc/{served.process.pid}/limits").read_text()
        assert [line.split()[3:5] for line in limits.splitlines() if line.startswith("Max open files")] == [
            ["512", "512"]
        ]
        for k in range(600):
            connection = socket.create_connection((HOST, served.port), timeout=10)
            connection.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-" + str(k).encode())
            slow.append(connection)
        for _ in range(3):
            assert served.get("/api/health", timeout=30).status == 200
        time.sleep(HEADER_SECONDS + 2)
        for connection in slow:  # each trickled part of a header: the server has closed them all
            connection.settimeout(5)
            try:
                connection.sendall(b"1")
                closed = connection.recv(1) == b""
            except OSError:  # reset by the server
                closed = True
            assert closed
        assert served.get("/api/health").status == 200
        log = served.log()
        assert "Too many open files" not in log and len(log) < 20_000
    finally:
        for connection in slow:
            connection.close()
        served.stop()


def test_a_slow_body_is_refused_in_time(server):
    with socket.create_connection((HOST, server.port), timeout=30) as raw:
        raw.sendall(
            b"POST /api/mark HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"f": '
        )
        raw.settimeout(30)
        reply = raw.recv(4096).decode("latin-1")
    assert reply.startswith("HTTP/1.1 408")


def test_the_servers_memory_keeps_replies_within_its_bytes():
    engine = app_module.Engine(app_module.Settings(workers=1))
    big = jobs.Reply(200, "text/html", "x" * (app_module.MEMORY_LARGEST // 2))
    for k in range(4 * app_module.MEMORY_BYTES // len(big.body)):
        engine._remember(f"deck {k}", big)
    assert engine.memory_bytes <= app_module.MEMORY_BYTES
    assert engine.memory_bytes == sum(len(r.body) for r in engine.memory.values())
    engine._remember("huge", jobs.Reply(200, "text/html", "x" * (app_module.MEMORY_LARGEST + 1)))
    assert "huge" not in engine.memory


def test_an_unwritable_cache_is_skipped_never_failing_a_request():
    # /proc takes no new file, even from root: as a cache out of inodes or space, every write fails
    served = Server("--workers", "1", env={"DERIVE_NO_CACHE": "0", "DERIVE_CACHE_DIR": "/proc"})
    try:
        for f in ("tanh", "sigmoid(2z)"):
            assert served.get("/api/steps?" + q(f=f, format="json")).status == 200
        assert served.get("/api/read?f=elu").status == 200
    finally:
        served.stop()


# --- 5. host names; smaller ----------------------------------------------------------------------------------


def test_only_the_configured_host_names_are_served(server):
    assert server.get("/api/health", headers={"Host": "evil.example"}).status == 400
    assert server.get("/api/health", headers={"Host": f"localhost:{server.port}"}).status == 200
    named = Server("--workers", "1", "--allowed-host", "class.example")
    try:
        assert named.get("/api/health", headers={"Host": "class.example"}).status == 200
        assert named.get("/api/health", headers={"Host": "evil.example"}).status == 400
        assert named.get("/api/health").status == 200  # 127.0.0.1 still
    finally:
        named.stop()


def test_405_says_which_methods_are_allowed(server):
    answer = server.get("/api/mark")
    assert answer.status == 405
    allowed = {k.lower(): v for k, v in answer.headers.items()}["allow"]
    assert "POST" in allowed


def test_a_backward_pdf_plot_and_deck_still_answer(server):
    """The hardening leaves the ordinary requests as they were."""
    plot = server.get("/api/plot?f=tanh")
    assert plot.status == 200 and plot.text.lstrip().startswith("<?xml")
    pdf = server.get("/api/slides?" + q(f="sigmoid", format="pdf"))
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
