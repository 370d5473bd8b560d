"""The web explorer under load: concurrent clients on loopback against `ctxvec serve`, every request counted.

Usage: python benchmarks/bench_serve.py [STORE] [--clients 16 32] [--seconds 15] [--max-wait 3]
           [--workers 16] [--scenarios similar-index similar-in] [--baseline-src PATH --baseline-args "--workers 4"]

STORE (default /work/stores/wiki.store) should have an HNSW index (`ctxvec index STORE --kind hnsw`).
The server runs in its own process (`python -m ctxvec serve`, the model and index loaded once), bound to
127.0.0.1. Each client thread keeps one HTTP connection and sends requests back to back for `--seconds`
(then finishes the one it has started). A request answered 503 waits its Retry-After and is sent again,
as the page does, until it is answered (or 60 s have passed: a failure): its latency runs from its first
send to its answer, queueing and retries included. Reported per scenario and client count: goodput
(answers per second), the share of HTTP answers that were 503, p50/p95/p99 latency over all requests,
failures. With --baseline-src, a second server from another source tree (e.g. main before a change, with
its own serve options) runs the same load, alternating with this tree's, for side-by-side figures.
Targets (issue 21): at 16 and 32 clients, `similar` by word over the index and with `in=` have at most
1 % 503s and p95 within the server's --max-wait bound.
"""

from __future__ import annotations

import argparse
import math
import os
import shlex
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section

SRC = Path(__file__).resolve().parents[1] / "src"
WORDS = ["city", "music", "war", "river", "king", "water", "film", "game", "church", "school", "bank", "cold"]
SENTENCES = {w: f"the {w} was mentioned again in the news last week" for w in WORDS}
Request = tuple[str, dict[str, str]]
SCENARIOS: dict[str, tuple[str, Callable[[int], Request]]] = {
    "similar-index": (
        "similar (word, index)",
        lambda i: ("/api/similar", {"word": WORDS[i % len(WORDS)], "limit": "1", "k": "10"}),
    ),
    "similar-in": (
        "similar (in= sentence)",
        lambda i: ("/api/similar", {"word": WORDS[i % len(WORDS)], "in": SENTENCES[WORDS[i % len(WORDS)]], "k": "10"}),
    ),
    "decompose": (
        "decompose",
        lambda i: ("/api/decompose", {"word": WORDS[i % len(WORDS)], "limit": "1", "max_terms": "5"}),
    ),
}
GIVE_UP_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def quantile(values: list[float], q: float) -> float:
    """The `q` quantile (nearest rank) of `values`, nan when empty."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def run(url: str, make: Callable[[int], Request], clients: int, seconds: float) -> dict[str, float]:
    """`clients` closed-loop clients for `seconds`; every request retried after 503 until answered."""
    latencies: list[float] = []
    counts = {"answered": 0, "failed": 0, "http": 0, "busy": 0}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(c: int) -> None:
        with httpx.Client(base_url=url, timeout=GIVE_UP_S) as http:
            i = c
            while time.monotonic() < stop:
                path, params = make(i)
                i += clients
                t0 = time.perf_counter()
                ok = False
                http_answers = busy = 0
                while time.perf_counter() - t0 < GIVE_UP_S:
                    try:
                        r = http.get(path, params=params)
                    except httpx.HTTPError:
                        break
                    http_answers += 1
                    if r.status_code == 503:
                        busy += 1
                        time.sleep(float(r.headers.get("retry-after", "1")))
                        continue
                    ok = r.status_code == 200
                    break
                took = time.perf_counter() - t0
                with lock:
                    latencies.append(took)
                    counts["answered" if ok else "failed"] += 1
                    counts["http"] += http_answers
                    counts["busy"] += busy

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    return {
        **counts,
        "requests": len(latencies),
        "goodput": counts["answered"] / wall,
        "busy_share": counts["busy"] / max(counts["http"], 1),
        "p50": quantile(latencies, 0.50) * 1e3,
        "p95": quantile(latencies, 0.95) * 1e3,
        "p99": quantile(latencies, 0.99) * 1e3,
    }


class Server:
    """`python -m ctxvec serve STORE` from source tree `src` with `options`, on a free loopback port."""

    def __init__(self, label: str, src: Path, store: str, options: list[str]):
        self.label, self.options = label, options
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(src)}
        cmd = [sys.executable, "-m", "ctxvec", "serve", store, "--port", str(self.port), *options]
        self.process = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
        t0 = time.monotonic()
        while True:
            try:
                if httpx.get(self.url + "/api/stores", timeout=5.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None or time.monotonic() - t0 > 300:
                self.stop()
                raise SystemExit(f"the {label} server did not start")
            time.sleep(0.5)
        self.start_s = time.monotonic() - t0

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", nargs="?", default="/work/stores/wiki.store")
    ap.add_argument("--clients", type=int, nargs="+", default=[16, 32])
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--max-wait", type=float, default=3.0)
    ap.add_argument("--scenarios", nargs="+", choices=sorted(SCENARIOS), default=["similar-index", "similar-in"])
    ap.add_argument("--baseline-src", type=Path, help="another source tree to serve the same load (e.g. main)")
    ap.add_argument("--baseline-args", default="--workers 4", help="its serve options")
    ap.add_argument("--note", default="", help="a sentence for the section: what the baseline is, what changed")
    args = ap.parse_args()
    if not 1 <= max(args.clients) <= 256 or not 0 < args.seconds <= 120:
        raise SystemExit("keep the load bounded: 1..256 clients, 0..120 s per run")
    servers = [Server("this tree", SRC, args.store, ["--workers", str(args.workers), "--max-wait", str(args.max_wait)])]
    try:
        if args.baseline_src is not None:
            servers.insert(0, Server("baseline", args.baseline_src, args.store, shlex.split(args.baseline_args)))
        reply = httpx.get(servers[-1].url + "/api/similar", params={"word": "city", "limit": "1"}, timeout=60.0)
        method = reply.json()["method"]
        rows = []
        for key in args.scenarios:
            name, make = SCENARIOS[key]
            for server in servers:
                run(server.url, make, 4, 2.0)  # warm up
            for clients in args.clients:
                for server in servers:  # side by side: the servers take turns under the same load
                    r = run(server.url, make, clients, args.seconds)
                    load = os.getloadavg()[0]
                    print(
                        name,
                        clients,
                        server.label,
                        {k: round(v, 3) for k, v in r.items()},
                        f"load {load:.1f}",
                        flush=True,
                    )
                    rows.append((name, clients, server, r, load))
    finally:
        for server in servers:
            server.stop()
    lines = [
        f"Store `{args.store}`; {args.seconds:.0f} s per run, closed-loop clients on 127.0.0.1 (one keep-alive "
        "connection each); a request answered 503 waits its Retry-After and is sent again until answered: its "
        "latency counts from the first send (queueing and retries included). 503 share: of all HTTP answers. "
        f"`similar` method: {method}. Servers:",
        "",
    ]
    for server in servers:
        lines.append(
            f"- {server.label}: `ctxvec serve {' '.join(server.options)}` (ready {server.start_s:.1f} s after start)"
        )
    lines += [
        "",
        "| scenario | clients | server | goodput /s | 503 share | p50 ms | p95 ms | p99 ms | requests | failed | load (1 min) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, clients, server, r, load in rows:
        lines.append(
            f"| {name} | {clients} | {server.label} | {r['goodput']:.1f} | {100 * r['busy_share']:.1f} % | "
            f"{r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {r['requests']} | {r['failed']} | {load:.1f} |"
        )
    lines += ["", f"Targets: at most 1 % 503s and p95 within {args.max_wait:g} s (the bound) for this tree's server."]
    if args.note:
        lines += ["", args.note]
    write_section("bench_serve", "\n".join(lines))


if __name__ == "__main__":
    main()
