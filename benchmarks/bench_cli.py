"""Start-up of the command line: each command against a bare `python -c "import numpy"`.

Usage: python benchmarks/bench_cli.py [STORE] [--runs N]

STORE (default /work/stores/wiki.store) needs an HNSW index for the `similar` row
(`ctxvec index STORE --kind hnsw`; the script builds one when missing). Every command runs in a
fresh process, `--runs` times; the table shows the median wall time and its ratio to the numpy
import. Targets (issue 10): `--help` and `info` at most 3x the numpy import; `similar` over the
HNSW index under 2 s end to end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section

BIN = Path(sys.executable).parent


def wall(cmd: list[str], runs: int) -> float:
    """Median wall seconds of `cmd` over `runs` fresh processes (output discarded; must exit 0)."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", nargs="?", default="/work/stores/wiki.store")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    ctxvec = str(BIN / "ctxvec")
    store = args.store
    if not (Path(store) / "index" / "hnsw.faiss").is_file():
        print(f"building an HNSW index in {store} (minutes) ...", flush=True)
        subprocess.run([ctxvec, "index", store, "--kind", "hnsw"], check=True)
    wall([ctxvec, "info", store], 1)  # warm the page cache
    base = wall([sys.executable, "-c", "import numpy"], args.runs)
    rows = [
        ("`ctxvec --help`", [ctxvec, "--help"], 3.0),
        ("`ctxvec similar --help`", [ctxvec, "similar", "--help"], 3.0),
        ("`ctxvec info STORE`", [ctxvec, "info", store], 3.0),
        ("`ctxvec info STORE --json`", [ctxvec, "info", store, "--json"], 3.0),
        ("`ctxvec similar STORE cold -k 5` (HNSW index)", [ctxvec, "similar", store, "cold", "-k", "5"], None),
        (
            "`ctxvec similar STORE cold -k 5 --json` (HNSW index)",
            [ctxvec, "similar", store, "cold", "-k", "5", "--json"],
            None,
        ),
    ]
    lines = [
        f"Store `{store}`; median wall time of {args.runs} fresh processes each; "
        f'baseline `python -c "import numpy"` = {base * 1000:.0f} ms.',
        "",
        "| command | wall (ms) | / numpy import | target | met |",
        "|---|---:|---:|---|---|",
        f'| `python -c "import numpy"` | {base * 1000:.0f} | 1.0 | | |',
    ]
    for label, cmd, ratio in rows:
        t = wall(cmd, args.runs)
        if ratio is not None:
            target, met = f"<= {ratio:.0f}x", t <= ratio * base
        else:
            target, met = "< 2 s", t < 2.0
        lines.append(f"| {label} | {t * 1000:.0f} | {t / base:.1f} | {target} | {'yes' if met else 'NO'} |")
    write_section("bench_cli", "\n".join(lines))


if __name__ == "__main__":
    main()
