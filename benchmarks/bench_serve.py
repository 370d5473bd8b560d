"""The web explorer under load: 32 concurrent clients on loopback against `ctxvec serve`.

Usage: python benchmarks/bench_serve.py [STORE] [--clients 32] [--seconds 20] [--workers 4] [--queue 4]

STORE (default /work/stores/wiki.store) should have an HNSW index (`ctxvec index STORE --kind hnsw`).
The server runs in its own process (`ctxvec serve`, the model and index loaded once); each client
thread keeps one HTTP connection and sends requests back to back for `--seconds` per scenario:
`similar` by word over the index, `similar` of a word in a new sentence (`in=`, one forward pass),
and `decompose`. A 503 (admission control) is counted apart and the client waits its Retry-After.
Targets (issue 11): no error other than 503, p50 `similar` (index) < 50 ms, `in=` < 150 ms.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section

WORDS = ["city", "music", "war", "river", "king", "water", "film", "game", "church", "school", "bank", "cold"]
SENTENCES = {w: f"the {w} was mentioned again in the news last week" for w in WORDS}
SCENARIOS = {
    "similar (word, index)": lambda i: ("/api/similar", {"word": WORDS[i % len(WORDS)], "limit": "1", "k": "10"}),
    "similar (in= sentence)": lambda i: (
        "/api/similar",
        {"word": WORDS[i % len(WORDS)], "in": SENTENCES[WORDS[i % len(WORDS)]], "k": "10"},
    ),
    "decompose": lambda i: ("/api/decompose", {"word": WORDS[i % len(WORDS)], "limit": "1", "max_terms": "5"}),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(url: str, make, clients: int, seconds: float) -> dict[str, float]:
    lat: list[float] = []
    busy = errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(c: int) -> None:
        nonlocal busy, errors
        with httpx.Client(base_url=url, timeout=30.0) as http:
            i = c
            while time.monotonic() < stop:
                path, params = make(i)
                i += clients
                t0 = time.perf_counter()
                try:
                    r = http.get(path, params=params)
                    status = r.status_code
                except httpx.HTTPError:
                    status = -1
                dt = time.perf_counter() - t0
                with lock:
                    if status == 200:
                        lat.append(dt)
                    elif status == 503:
                        busy += 1
                    else:
                        errors += 1
                if status == 503:
                    time.sleep(float(r.headers.get("retry-after", "1")))

    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [float("nan")] * 99
    return {
        "ok": len(lat),
        "rps": len(lat) / wall,
        "p50": q[49] * 1e3,
        "p95": q[94] * 1e3,
        "busy": busy,
        "errors": errors,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", nargs="?", default="/work/stores/wiki.store")
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--queue", type=int, default=4)
    args = ap.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "ctxvec", "serve", args.store, "--port", str(port)]
    cmd += ["--workers", str(args.workers), "--queue", str(args.queue)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL)
    try:
        t0 = time.monotonic()
        while True:
            try:
                if httpx.get(url + "/api/stores", timeout=5.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() - t0 > 300:
                raise SystemExit("the server did not start")
            time.sleep(0.5)
        start_s = time.monotonic() - t0
        method = httpx.get(url + "/api/similar", params={"word": "city", "limit": "1"}, timeout=30.0).json()["method"]
        rows = []
        for name, make in SCENARIOS.items():
            run(url, make, 4, 2.0)  # warm up
            r = run(url, make, args.clients, args.seconds)
            print(name, r, flush=True)
            rows.append((name, r))
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = [
        f"Store `{args.store}`; server `ctxvec serve` with --workers {args.workers} --queue {args.queue} "
        f"(ready {start_s:.1f} s after start: model and index loaded once); {args.clients} concurrent clients on "
        f"loopback, {args.seconds:.0f} s per scenario, one keep-alive connection each; a client answered 503 "
        f"waits its Retry-After. `similar` method: {method}.",
        "",
        "| scenario | requests/s | p50 ms | p95 ms | answered | 503 (admission) | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows:
        lines.append(
            f"| {name} | {r['rps']:.1f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['ok']} | {r['busy']} | {r['errors']} |"
        )
    lines += ["", "Targets: 0 errors other than 503; p50 similar (index) < 50 ms; in= < 150 ms."]
    write_section("bench_serve", "\n".join(lines))


if __name__ == "__main__":
    main()
