"""derive serve under a class's load, against a real server on loopback (issue 23, point 7).

    python bench/serve.py [--seconds 60] [--baseline-seconds 20] [--clients 50] [--workers 8]

Starts ``derive serve`` on a free 127.0.0.1 port with a fresh disk cache, asks each library name and the
repeated input once, then runs ``--clients`` concurrent clients over a mix: library names (answered from
the cache), a repeated typed input, previews of activations typed for the first time, derivations of
activations typed for the first time (math notation, LaTeX and code), and markings.  A client arrives
within THINK's seconds and waits THINK seconds between its requests, as a student reads the answer and
types again.  The mix runs twice in this process: for ``--baseline-seconds`` alone (the baseline), then
for ``--seconds`` with four more clients that each keep a pathological input in flight (each runs to
the server's 10 s limit and ends in a 503).  Bounded: by time, and by ``--requests`` in all.

Printed: throughput, p50/p95/p99 per kind in both runs and the ratio of their p99s, errors (statuses
other than 200, apart from the pathological inputs' 503s), and the workers' memory (RSS) at the start
and the end of the second run; then each target of the issue, met or missed.  Nothing here asserts:
the figures go into docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

MIX = "library 25%, repeated 20%, preview 40%, typed 8%, mark 7%"
THINK = (0.5, 3.0)
"""Seconds a client waits between its requests: a class of students reading and typing, not a flood."""

LIBRARY = ["sigmoid", "tanh", "softplus", "relu", "gelu", "swish", "elu", "mish", "logsigmoid", "softsign"]
REPEATED = "z*sigmoid(1.702*z)"
"""Asked by many: computed once (before the clients start), answered from the cache after."""
PATHOLOGICAL = "Piecewise((mish(a z), z > -{n}), (-z, True))"
"""Runs past the server's 10 s limit (16.7 s alone at the CLI for n = 1); each request gets its own n, so
the four in flight are four computations, not one shared by the server's single flight."""
MARKED = [  # each with its own function: a derivation of another function is refused (issue 29)
    ("sigmoid", "g(z) = (1+e^{-z})^{-1}\ng'(z) = -(1+e^{-z})^{-2}"),
    ("sigmoid", "g'(z) = \\frac{e^{-z}}{(1+e^{-z})^2}\n= g(z)(1 - g(z))"),
    ("tanh", "g(z) = \\tanh z\ng'(z) = 1 + \\tanh^2 z"),
]


def typed(rng: random.Random) -> str:
    """An activation typed for the first time: a parameter value no one asked for before, in one of the
    notations the readers take."""
    a = rng.randint(2, 999) / 100
    return rng.choice(
        [
            f"z*sigmoid({a}*z)",
            f"\\frac{{z}}{{1 + e^{{-{a} z}}}}",
            f"x * torch.sigmoid({a} * x)",
            f"log(1 + exp({a}*z))/{a}",
            f"\\tanh({a} z) + z",
            f"np.tanh({a} * x) * x",
        ]
    )


class Client:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {len(body)}\r\n"
        if body:
            head += "Content-Type: application/json\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
            if name.lower() == "connection" and value.strip().lower() == "close":
                close = True
        data = await self.reader.readexactly(length)
        if close:
            self.writer.close()
            self.writer = None
        return status, data


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


async def run(port: int, seconds: float, clients: int, most: int, seed: int, pathological_clients: int) -> dict:
    results: dict[str, list[tuple[float, int]]] = {}
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    began = time.perf_counter()
    sent = 0

    pathological = iter(range(1, 10**9))

    def choose(c: int) -> tuple[str, str, str, bytes]:
        if c < pathological_clients:
            f = PATHOLOGICAL.format(n=next(pathological))
            return "pathological", "GET", "/api/steps?" + urllib.parse.urlencode({"f": f}), b""
        r = rng.random()  # the mix: MIX's shares
        if r < 0.25:
            return "library", "GET", "/api/steps?" + urllib.parse.urlencode({"f": rng.choice(LIBRARY)}), b""
        if r < 0.45:
            return "repeated", "GET", "/api/steps?" + urllib.parse.urlencode({"f": REPEATED}), b""
        if r < 0.85:
            return "preview", "GET", "/api/read?" + urllib.parse.urlencode({"f": typed(rng)}), b""
        if r < 0.93:
            return "typed", "GET", "/api/steps?" + urllib.parse.urlencode({"f": typed(rng)}), b""
        target, submission = rng.choice(MARKED)
        body = json.dumps({"f": target, "submission": submission}).encode()
        return "mark", "POST", "/api/mark", body

    async def client(c: int) -> None:
        nonlocal sent
        connection = Client(port)
        if c >= pathological_clients:
            await asyncio.sleep(rng.uniform(*THINK))  # students arrive over seconds, not all in one millisecond
        while time.monotonic() < deadline and sent < most:
            sent += 1
            kind, method, path, body = choose(c)
            start = time.perf_counter()
            try:
                status, _ = await asyncio.wait_for(connection.request(method, path, body), timeout=30)
            except (TimeoutError, OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                status = 0
                connection = Client(port)
            results.setdefault(kind, []).append((time.perf_counter() - start, status))
            if status != 200 and kind != "pathological":
                took, into = time.perf_counter() - start, time.perf_counter() - began
                print(f"  {method} {urllib.parse.unquote(path)[:90]}: {status} after {took:.1f} s, at {into:.0f} s")
            if kind != "pathological":
                await asyncio.sleep(rng.uniform(*THINK))  # a student reads the answer, then types again

    await asyncio.gather(*(client(c) for c in range(clients)))
    return {"results": results, "elapsed": time.perf_counter() - began}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


FAST_KINDS = ("library", "repeated", "preview")
"""Answered from a cache or in milliseconds: the kinds a pathological input must not slow (a derivation or
a marking computed for the first time takes 0.05 to 0.7 s of a processor on its own)."""


def table(title: str, outcome: dict) -> dict[str, tuple[float, float, float, int]]:
    """Print one phase's figures; return each kind's (p50, p95, p99, errors) in ms."""
    results, elapsed = outcome["results"], outcome["elapsed"]
    total = sum(len(v) for v in results.values())
    print(f"{title}: {total / elapsed:.1f} requests/s ({total} requests in {elapsed:.0f} s)")
    print(f"{'kind':<13}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}  errors")
    figures = {}
    for kind in ("library", "repeated", "preview", "typed", "mark", "pathological"):
        rows = results.get(kind, [])
        if not rows:
            continue
        times = [t * 1000 for t, _ in rows]
        allowed = (200, 503) if kind == "pathological" else (200,)
        errors = sum(1 for _, s in rows if s not in allowed)
        if errors:
            print(f"  ({kind}: statuses {sorted({s for _, s in rows if s not in allowed})})")
        figures[kind] = (percentile(times, 0.5), percentile(times, 0.95), percentile(times, 0.99), errors)
        p50, p95, p99, _ = figures[kind]
        print(f"{kind:<13}{len(rows):>7}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{max(times):>9.1f}  {errors}")
    fast = [t * 1000 for kind in FAST_KINDS for t, _ in results.get(kind, [])]
    others = [t * 1000 for kind, rows in results.items() if kind != "pathological" for t, _ in rows]
    figures["fast"] = (percentile(fast, 0.5), 0.0, percentile(fast, 0.99), 0)
    figures["others"] = (percentile(others, 0.5), 0.0, percentile(others, 0.99), 0)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--baseline-seconds", type=float, default=20, help="the same mix first, nothing pathological")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pathological", type=int, default=4, help="clients that keep a pathological input in flight")
    args = parser.parse_args()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cache = tempfile.mkdtemp(prefix="derive-bench-cache-")
    env = {**os.environ, "DERIVE_CACHE_DIR": cache, "DERIVE_NO_CACHE": "0"}
    server = subprocess.Popen(
        [sys.executable, "-m", "derive", "serve", "--port", str(port), "--workers", str(args.workers)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                health = json.loads(urllib.request.urlopen(base + "/api/health", timeout=2).read())
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(3)  # the workers warm up
        for name in [*LIBRARY, REPEATED]:  # asked once before: what the cache answers from now on
            urllib.request.urlopen(base + "/api/steps?" + urllib.parse.urlencode({"f": name}), timeout=120).read()
        baseline = asyncio.run(run(port, args.baseline_seconds, args.clients, args.requests, args.seed + 1, 0))
        pids = json.loads(urllib.request.urlopen(base + "/api/health", timeout=30).read())["workers"]
        memory_start = {pid: rss_kib(pid) for pid in pids}
        server_start = rss_kib(server.pid)
        outcome = asyncio.run(run(port, args.seconds, args.clients, args.requests, args.seed, args.pathological))
        health = json.loads(urllib.request.urlopen(base + "/api/health", timeout=30).read())
        memory_end = {pid: rss_kib(pid) for pid in health["workers"]}
        server_end = rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    cores = os.cpu_count()
    print(f"derive serve, {args.workers} workers, {args.clients} clients on {cores} cores; {MIX}")
    before = table(f"baseline, nothing pathological, {args.baseline_seconds:.0f} s", baseline)
    figures = table(f"with {args.pathological} clients keeping a pathological input in flight", outcome)
    print("ratio of p99, with the pathological inputs over the baseline: " + ", ".join(
        f"{kind} {figures[kind][2] / max(before[kind][2], 1e-9):.2f}x"
        for kind in (*FAST_KINDS, "typed", "mark") if kind in figures and kind in before
    ))  # fmt: skip
    start, end = sum(memory_start.values()), sum(memory_end.values())
    print(f"workers' memory: {start / 1024:.0f} MiB at the start, {end / 1024:.0f} MiB at the end "
          f"({(end - start) / max(start, 1) * 100:+.1f}%); the server itself {server_start / 1024:.0f} -> "
          f"{server_end / 1024:.0f} MiB")  # fmt: skip
    print("targets (the run with the pathological inputs):")
    for kind, limit50, limit99 in (
        ("library", 10, 50),
        ("repeated", 10, 50),
        ("preview", 15, None),
        ("typed", 300, None),
    ):
        if kind in figures:
            p50, _, p99, _ = figures[kind]
            ok = p50 <= limit50 and (limit99 is None or p99 <= limit99)
            extra = f", p99 {p99:.1f} <= {limit99}" if limit99 else ""
            print(f"  {kind}: p50 {p50:.1f} <= {limit50} ms{extra}: {'met' if ok else 'MISSED'}")
    errors = sum(e for kind, (*_, e) in figures.items()) + sum(e for kind, (*_, e) in before.items())
    print(f"  errors apart from the pathological timeouts: {errors}: {'met' if errors == 0 else 'MISSED'}")
    flat = abs(end - start) <= 0.10 * start
    print(f"  memory within 10%: {'met' if flat else 'MISSED'}")
    p99 = figures["fast"][2]
    print(f"  p99 of the others ({', '.join(FAST_KINDS)}) <= 100 ms: {p99:.1f}: {'met' if p99 <= 100 else 'MISSED'}")
    print(f"  (p99 of all the others, first-time derivations and markings included: {figures['others'][2]:.1f} ms)")


if __name__ == "__main__":
    main()
