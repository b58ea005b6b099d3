"""derive serve under a class's load, against a real server on loopback (issue 23, point 7).

    python bench/serve.py [--seconds 60] [--clients 50] [--workers 6]

Starts ``derive serve`` on a free 127.0.0.1 port with a fresh disk cache, warms it with one request of
each library name, then runs ``--clients`` concurrent clients for ``--seconds`` over a mix: library
names (answered from the cache after the first), a repeated typed input, previews of activations typed
for the first time, derivations of activations typed for the first time (math notation, LaTeX and
code), markings, and four clients that keep a pathological input in flight (each runs to the
server's 10 s limit and ends in a 503).  A client waits THINK seconds between its requests, as a
student reads the answer and types again.  Bounded: by time, and by ``--requests`` in all.

Printed: throughput, p50/p95/p99 per kind, errors (statuses other than 200, apart from the
pathological inputs' 503s), and the workers' memory (RSS) at the start and at the end; then each
target of the issue, met or missed.  Nothing here asserts: the figures go into the README.
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
PATHOLOGICAL = "Piecewise((mish(a z), z > -1), (-z, True))"
MARKED = [
    "g(z) = (1+e^{-z})^{-1}\ng'(z) = -(1+e^{-z})^{-2}",
    "g'(z) = \\frac{e^{-z}}{(1+e^{-z})^2}\n= g(z)(1 - g(z))",
    "g(z) = \\tanh z\ng'(z) = 1 + \\tanh^2 z",
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


async def run(port: int, seconds: float, clients: int, most: int, seed: int) -> dict:
    results: dict[str, list[tuple[float, int]]] = {}
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    sent = 0
    repeated = "z*sigmoid(1.702*z)"

    def choose(c: int) -> tuple[str, str, str, bytes]:
        if c < 4:
            return "pathological", "GET", "/api/steps?" + urllib.parse.urlencode({"f": PATHOLOGICAL}), b""
        r = rng.random()  # the mix: MIX's shares
        if r < 0.25:
            return "library", "GET", "/api/steps?" + urllib.parse.urlencode({"f": rng.choice(LIBRARY)}), b""
        if r < 0.45:
            return "repeated", "GET", "/api/steps?" + urllib.parse.urlencode({"f": repeated}), b""
        if r < 0.85:
            return "preview", "GET", "/api/read?" + urllib.parse.urlencode({"f": typed(rng)}), b""
        if r < 0.93:
            return "typed", "GET", "/api/steps?" + urllib.parse.urlencode({"f": typed(rng)}), b""
        body = json.dumps({"f": rng.choice(["sigmoid", "tanh"]), "submission": rng.choice(MARKED)}).encode()
        return "mark", "POST", "/api/mark", body

    async def client(c: int) -> None:
        nonlocal sent
        connection = Client(port)
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
            if kind != "pathological":
                await asyncio.sleep(rng.uniform(*THINK))  # a student reads the answer, then types again

    began = time.perf_counter()
    await asyncio.gather(*(client(c) for c in range(clients)))
    return {"results": results, "elapsed": time.perf_counter() - began}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
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
        time.sleep(3)  # the workers warm up (each imports SymPy and derives once)
        for name in LIBRARY:
            urllib.request.urlopen(base + "/api/steps?" + urllib.parse.urlencode({"f": name}), timeout=120).read()
        pids = health["workers"]
        memory_start = {pid: rss_kib(pid) for pid in pids}
        server_start = rss_kib(server.pid)
        outcome = asyncio.run(run(port, args.seconds, args.clients, args.requests, args.seed))
        health = json.loads(urllib.request.urlopen(base + "/api/health", timeout=30).read())
        memory_end = {pid: rss_kib(pid) for pid in health["workers"]}
        server_end = rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)

    results, elapsed = outcome["results"], outcome["elapsed"]
    total = sum(len(v) for v in results.values())
    cores = os.cpu_count()
    print(f"derive serve, {args.workers} workers, {args.clients} clients for {elapsed:.0f} s on {cores} cores; {MIX}")
    print(f"throughput: {total / elapsed:.1f} requests/s ({total} requests)")
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
            statuses = sorted({s for _, s in rows if s not in allowed})
            print(f"  ({kind}: statuses {statuses})")
        figures[kind] = (percentile(times, 0.5), percentile(times, 0.95), percentile(times, 0.99), errors)
        p50, p95, p99, _ = figures[kind]
        print(f"{kind:<13}{len(rows):>7}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{max(times):>9.1f}  {errors}")
    others = [t * 1000 for kind, rows in results.items() if kind != "pathological" for t, _ in rows]
    start, end = sum(memory_start.values()), sum(memory_end.values())
    print(f"workers' memory: {start / 1024:.0f} MiB at the start, {end / 1024:.0f} MiB at the end "
          f"({(end - start) / max(start, 1) * 100:+.1f}%); the server itself {server_start / 1024:.0f} -> "
          f"{server_end / 1024:.0f} MiB")  # fmt: skip
    print(f"p99 of all but the pathological, with four of those in flight: {percentile(others, 0.99):.1f} ms")
    print("targets:")
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
    errors = sum(e for kind, (*_, e) in figures.items())
    print(f"  errors apart from the pathological timeouts: {errors}: {'met' if errors == 0 else 'MISSED'}")
    flat = abs(end - start) <= 0.10 * start
    print(f"  memory within 10%: {'met' if flat else 'MISSED'}")
    p99 = percentile(others, 0.99)
    print(f"  p99 of the others <= 100 ms: {p99:.1f}: {'met' if p99 <= 100 else 'MISSED'}")


if __name__ == "__main__":
    main()
