"""Every command's answer and time against other source trees (e.g. the previous release), side by side.

Usage: python benchmarks/bench_commands.py --baseline-src OTHER/src [--baseline-src THIRD/src] [STORE]
       [--rounds N] [--only NAME ...] [--section NAME]

Each command runs as a fresh process with ``--json``, once per tree and round, the trees rotating
(A B C, then C B A, ...), so a machine whose load changes treats them alike. The table gives each tree's
median wall time, each baseline's ratio to this tree, and whether the JSON answers are equal (keys whose
values are timings are left out of the comparison). Answers that differ are expected where a change was
meant to alter them; the "meant to change" column says which, and why.

Commands run on a scratch copy of STORE (hard links, `_scratch.py`), so that the word caches ctxvec keeps
in a store (``words/``: a word's synset vectors and usage profile) can be cleared: a "cold" command runs
with none (removed before each run of every tree), a "warm" one after an untimed run has written them;
the others run as they come (warm after the first).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section
from _scratch import clear_word_caches, scratch_store

BIN = Path(sys.executable).parent
TIMING_KEYS = {"seconds", "elapsed", "elapsed_s", "time", "took", "duration"}

# (name, arguments after the store, why the answer may differ from the previous round, or "", word caches)
SIMILAR_IN = ["similar", "{store}", "match", "--in", "He struck a match to light the candle.", "-k", "5"]
SENSES_IN = ["senses", "{store}", "charge", "--in", "He was arrested on a charge of theft."]
COMMANDS: list[tuple[str, list[str], str, str]] = [
    ("info", ["info", "{store}"], "", ""),
    ("similar by word (index)", ["similar", "{store}", "cold", "-k", "10", "--limit", "2"], "", ""),
    (
        "similar --exact --words-only",
        ["similar", "{store}", "river", "-k", "10", "--limit", "2", "--exact", "--words-only", "--exclude-word"],
        "look-alikes: reverse rule dropped",
        "",
    ),
    ("similar --in", SIMILAR_IN, "usage warning now with WordNet's evidence", "cold"),
    ("similar --in, warm", SIMILAR_IN, "usage warning now with WordNet's evidence", "warm"),
    (
        "decompose",
        ["decompose", "{store}", "music", "--limit", "2", "--max-terms", "5"],
        "look-alikes: reverse rule dropped",
        "",
    ),
    ("analogy", ["analogy", "{store}", "king", "man", "woman", "-k", "5"], "", ""),
    ("senses", ["senses", "{store}", "court"], "senses: expressions, synset-vector splits", "cold"),
    ("senses, warm", ["senses", "{store}", "court"], "senses: expressions, synset-vector splits", "warm"),
    ("senses --in", SENSES_IN, "senses: expressions, synset-vector splits", "cold"),
    ("senses --in, warm", SENSES_IN, "senses: expressions, synset-vector splits", "warm"),
    ("cluster", ["cluster", "{store}", "--k", "20", "--min-count", "50"], "", ""),
    ("isotropy", ["isotropy", "{store}"], "", ""),
    ("evaluate ws353", ["evaluate", "{store}", "--task", "ws353"], "", ""),
]


def _strip(value: Any) -> Any:
    """`value` without timing entries (they differ from run to run)."""
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def run(src: str, argv: list[str]) -> tuple[float, float, Any, str]:
    """(wall seconds, CPU seconds (user + system), the JSON answer without timings, the error's last line)
    of `ctxvec ARGV --json`."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": src}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([str(BIN / "ctxvec"), *argv, "--json"], capture_output=True, text=True, env=env)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    if done.returncode != 0:
        return took, cpu, None, (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
    return took, cpu, _strip(json.loads(done.stdout)), ""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("store", nargs="?", default="/work/stores/wiki.store")
    ap.add_argument("--baseline-src", required=True, action="append", help="another tree's src folder (repeatable)")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--only", nargs="*", default=None, help="run only the commands with these names")
    ap.add_argument("--section", default="bench_commands", help="the RESULTS.md section to write")
    args = ap.parse_args()
    here = str(Path(__file__).resolve().parents[1] / "src")
    trees = {
        f"baseline {i + 1}" if len(args.baseline_src) > 1 else "baseline": b for i, b in enumerate(args.baseline_src)
    }
    trees["this tree"] = here
    bases = [t for t in trees if t != "this tree"]
    commands = [c for c in COMMANDS if args.only is None or c[0] in args.only]
    if args.only is not None and len(commands) != len(args.only):
        ap.error(f"--only: unknown command name(s); the names are: {', '.join(c[0] for c in COMMANDS)}")
    lines = [
        "| command | "
        + " | ".join(f"{t}: wall s (CPU s)" for t in trees)
        + " | "
        + " | ".join(f"ratio {t} / this: wall (CPU)" for t in bases)
        + " | same answer | meant to change |",
        "|---|" + "---:|" * (len(trees) + len(bases)) + "---|---|",
    ]
    loads = [os.getloadavg()[0]]
    with scratch_store(args.store) as store:
        for name, template, why, cache in commands:
            argv = [a.replace("{store}", str(store)) for a in template]
            times: dict[str, list[float]] = {t: [] for t in trees}
            cpus: dict[str, list[float]] = {t: [] for t in trees}
            answers: dict[str, Any] = {}
            errors: dict[str, str] = {}
            if cache == "warm":
                run(here, argv)  # untimed: the word caches written
            for r in range(args.rounds):
                for tree in list(trees) if r % 2 == 0 else list(reversed(trees)):
                    if cache == "cold":
                        clear_word_caches(store)
                    took, cpu, answer, error = run(trees[tree], argv)
                    times[tree].append(took)
                    cpus[tree].append(cpu)
                    answers[tree], errors[tree] = _strip_store(answer, store), error
            med = {t: statistics.median(times[t]) for t in trees}
            cpu_med = {t: statistics.median(cpus[t]) for t in trees}
            same = (
                "error: " + "; ".join(f"{t}: {e}" for t, e in errors.items() if e)
                if any(errors.values())
                else ", ".join(f"{t}: {'yes' if answers[t] == answers['this tree'] else 'no'}" for t in bases)
            )
            shown = " ".join(template).replace("{store}", "STORE")
            cells = [f"{med[t]:.1f} ({cpu_med[t]:.1f})" for t in trees]
            cells += [f"{med[t] / med['this tree']:.2f}× ({cpu_med[t] / cpu_med['this tree']:.2f}×)" for t in bases]
            lines.append(f"| `{shown}` ({name}) | " + " | ".join(cells) + f" | {same} | {why or '—'} |")
            print(lines[-1], flush=True)
            loads.append(os.getloadavg()[0])
    baselines = "; ".join(f"{t}: `{trees[t]}`" for t in bases)
    body = "\n".join(
        [
            f'Store `{args.store}` (a hard-linked scratch copy, so its word caches can be cleared: "cold" rows '
            'run with none for every tree, "warm" rows after an untimed run wrote them); '
            f"{baselines}; {args.rounds} alternating rounds, each command a fresh process with `--json` (wall "
            "time includes start-up and model loading where the command loads one; CPU: user + system time of the "
            "process, less sensitive to a loaded machine).",
            "",
            *lines,
            "",
            f"Load average (1 min) before and after each command: {', '.join(f'{x:.1f}' for x in loads)} on "
            f"{os.cpu_count()} cores.",
        ]
    )
    write_section(args.section, body)


def _strip_store(answer: Any, store: Path) -> Any:
    """`answer` with the scratch copy's path written as STORE (the trees are compared with each other)."""
    if answer is None:
        return None
    return json.loads(json.dumps(answer).replace(json.dumps(str(store))[1:-1], "STORE"))


if __name__ == "__main__":
    main()
