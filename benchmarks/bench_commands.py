"""Every command's answer and time against another source tree (e.g. the previous release), side by side.

Usage: python benchmarks/bench_commands.py --baseline-src OTHER/src [STORE] [--rounds N]

Each command runs as a fresh process with ``--json``, once per tree and round, the trees alternating
(A B, then B A, ...), so a machine whose load changes treats them alike. The table gives each tree's
median wall time, their ratio, and whether the JSON answers are equal (keys whose values are timings
are left out of the comparison). Answers that differ are expected where a change was meant to alter
them; the "meant to change" column says which, and why.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section

BIN = Path(sys.executable).parent
TIMING_KEYS = {"seconds", "elapsed", "elapsed_s", "time", "took", "duration"}

# (name, arguments after the store, why the answer may differ from the previous round, or "")
COMMANDS: list[tuple[str, list[str], str]] = [
    ("info", ["info", "{store}"], ""),
    ("similar by word (index)", ["similar", "{store}", "cold", "-k", "10", "--limit", "2"], ""),
    (
        "similar --exact --words-only",
        ["similar", "{store}", "river", "-k", "10", "--limit", "2", "--exact", "--words-only", "--exclude-word"],
        "look-alikes: reverse rule dropped",
    ),
    (
        "similar --in",
        ["similar", "{store}", "match", "--in", "He struck a match to light the candle.", "-k", "5"],
        "usage warning now with WordNet's evidence",
    ),
    (
        "decompose",
        ["decompose", "{store}", "music", "--limit", "2", "--max-terms", "5"],
        "look-alikes: reverse rule dropped",
    ),
    ("analogy", ["analogy", "{store}", "king", "man", "woman", "-k", "5"], ""),
    ("senses", ["senses", "{store}", "court"], "senses: expressions, synset-vector splits"),
    ("cluster", ["cluster", "{store}", "--k", "20", "--min-count", "50"], ""),
    ("isotropy", ["isotropy", "{store}"], ""),
    ("evaluate ws353", ["evaluate", "{store}", "--task", "ws353"], ""),
]


def _strip(value: Any) -> Any:
    """`value` without timing entries (they differ from run to run)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def run(src: str, argv: list[str]) -> tuple[float, Any, str]:
    """(wall seconds, the JSON answer without timings, the error's last line) of `ctxvec ARGV --json`."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": src}
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "ctxvec"), *argv, "--json"], capture_output=True, text=True, env=env)
    took = time.perf_counter() - start
    if done.returncode != 0:
        return took, None, (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    return took, _strip(json.loads(done.stdout)), ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", nargs="?", default="/work/stores/wiki.store")
    ap.add_argument("--baseline-src", required=True, help="the other tree's src folder")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    here = str(Path(__file__).resolve().parents[1] / "src")
    trees = {"baseline": args.baseline_src, "this tree": here}
    lines = [
        "| command | baseline s | this tree s | ratio (baseline / this) | same answer | meant to change |",
        "|---|---:|---:|---:|---|---|",
    ]
    loads = [os.getloadavg()[0]]
    for name, template, why in COMMANDS:
        argv = [a.replace("{store}", args.store) for a in template]
        times: dict[str, list[float]] = {t: [] for t in trees}
        answers: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for r in range(args.rounds):
            order = list(trees) if r % 2 == 0 else list(reversed(trees))
            for tree in order:
                took, answer, error = run(trees[tree], argv)
                times[tree].append(took)
                answers[tree], errors[tree] = answer, error
        a, b = (statistics.median(times[t]) for t in trees)
        same = (
            "error: " + "; ".join(f"{t}: {e}" for t, e in errors.items() if e)
            if any(errors.values())
            else ("yes" if answers["baseline"] == answers["this tree"] else "no")
        )
        lines.append(
            f"| `{' '.join(template).replace('{store}', 'STORE')}` ({name}) | {a:.1f} | {b:.1f} | {a / b:.2f}× | {same} | {why or '—'} |"
        )
        print(lines[-1], flush=True)
        loads.append(os.getloadavg()[0])
    body = "\n".join(
        [
            f"Store `{args.store}`; baseline `{args.baseline_src}`; {args.rounds} alternating rounds, each command a fresh "
            f"process with `--json` (wall time includes start-up and model loading where the command loads one).",
            "",
            *lines,
            "",
            f"Load average (1 min) before and after each command: {', '.join(f'{x:.1f}' for x in loads)} on "
            f"{os.cpu_count()} cores.",
        ]
    )
    write_section("bench_commands", body)


if __name__ == "__main__":
    main()
