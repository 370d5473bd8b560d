"""Where one whole `ctxvec embed` process spends its time, phase by phase, against another tree's code.

    .venv/bin/python benchmarks/profile_embed.py --baseline-src /path/to/other/src [--n 3000] [--rounds 2]

Each round runs `ctxvec embed` (defaults: bfloat16 where the CPU computes it, the CLI's own entry point, so
its process-wide settings apply) on the first `--n` `wiki` sentences once with the baseline's code and once
with this tree's, alternating which goes first. The phases are timed inside the process by wrapping the
functions the command calls (wall seconds, and CPU seconds of the whole process, helper threads included):
interpreter start and ctxvec's imports; `import torch` (device resolution); transformers' import and the
tokenizer; the model (the BERT modelling code's imports and the weights); reading the corpus; pass 1
(tokenize, tables); pass 2 (encoding: the forward passes with packing and writing overlapped); finalize
(norms, checksums, manifest); the interpreter's shutdown (timed from outside). The medians go to the
`embed_profile` section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

PHASES = (
    ("start", "interpreter start, ctxvec's imports, argument parsing"),
    ("torch", "`import torch` (device resolution)"),
    ("tokenizer", "transformers' import, the tokenizer"),
    ("model", "the model: BERT modelling imports, weights"),
    ("corpus", "reading the corpus"),
    ("pass1", "pass 1: tokenize, rows and sentences tables"),
    ("pass2", "pass 2: forward passes (packing, writing overlapped)"),
    ("finalize", "finalize: norms, checksums, manifest"),
    ("other", "the rest (store creation, hashing, output)"),
    ("exit", "the interpreter's shutdown"),
)


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def child(started: float, marks_file: str, argv: list[str]) -> None:
    """Run `ctxvec ARGV` through the command's entry point, timing the phases by wrapping functions."""
    spent: dict[str, list[float]] = {}
    t_imported, c_imported = time.time(), _cpu()

    def timed(owner: object, name: str, phase: str) -> None:
        f = getattr(owner, name)

        def wrapper(*a: object, **k: object) -> object:
            t, c = time.time(), _cpu()
            try:
                return f(*a, **k)
            finally:
                acc = spent.setdefault(phase, [0.0, 0.0])
                acc[0] += time.time() - t
                acc[1] += _cpu() - c

        setattr(owner, name, wrapper)

    from ctxvec.encoding import _encode
    from ctxvec.runners import _job, _local

    timed(_encode, "resolve_device", "torch")
    timed(_encode, "load_tokenizer", "tokenizer")
    timed(_encode, "load_model", "model")
    timed(_local, "read_corpus", "corpus")
    timed(_local, "encode_locally", "pass2")
    timed(_job.EmbedJob, "tokenize", "pass1")
    timed(_job.EmbedJob, "finish", "finalize")
    spent["start"] = [time.time() - started, _cpu()]
    t0, c0 = time.time(), _cpu()
    sys.argv = ["ctxvec", *argv]
    from ctxvec.__main__ import entry

    code = entry()
    t1, c1 = time.time(), _cpu()
    accounted = [sum(v[i] for k, v in spent.items() if k != "start") for i in (0, 1)]
    spent["other"] = [t1 - t0 - accounted[0], c1 - c0 - accounted[1]]
    spent["start"][0] += t0 - t_imported
    spent["start"][1] += c0 - c_imported
    Path(marks_file).write_text(json.dumps({"phases": spent, "end": t1, "end_cpu": c1, "code": code}))


def run(src: str, corpus: str, out: Path, marks: Path) -> dict[str, list[float]]:
    """One whole process with `src` first on the path: each phase's [wall, CPU] seconds, the exit's included."""
    env = {**os.environ, "PYTHONPATH": src}
    argv = ["embed", corpus, "-o", str(out), "--device", "cpu", "--quiet"]
    started = time.time()
    cmd = [sys.executable, __file__, "--child", str(started), str(marks), *argv]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    ended = time.time()
    if status != 0:
        raise SystemExit(proc.stderr.read().decode()[-2000:] if proc.stderr else status)
    got = json.loads(marks.read_text())
    phases = got["phases"]
    phases["exit"] = [ended - got["end"], usage.ru_utime + usage.ru_stime - got["end_cpu"]]
    phases["total"] = [ended - started, usage.ru_utime + usage.ru_stime]
    return dict(phases)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(float(sys.argv[2]), sys.argv[3], sys.argv[4:])
        return
    from _results import write_section

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--baseline-src", required=True, help="the other tree's src folder")
    p.add_argument("--n", type=int, default=3000, help="first N wiki sentences (default 3000)")
    p.add_argument("--rounds", type=int, default=2, help="alternating rounds (default 2)")
    args = p.parse_args()
    here = str(Path(__file__).resolve().parents[1] / "src")
    trees = {"baseline": args.baseline_src, "this tree": here}
    from ctxvec.corpus import read_corpus

    runs: dict[str, list[dict[str, list[float]]]] = {t: [] for t in trees}
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = f"{tmp}/sentences.txt"
        texts = read_corpus("wiki", limit=args.n).texts
        Path(corpus).write_text("\n".join(t.replace("\n", " ") for t in texts) + "\n")
        for r in range(args.rounds):
            for tree in list(trees) if r % 2 == 0 else list(trees)[::-1]:
                out = Path(tmp) / f"{tree.replace(' ', '_')}{r}.store"
                runs[tree].append(run(trees[tree], corpus, out, Path(tmp) / "marks.json"))
                total = runs[tree][-1]["total"]
                print(f"round {r} {tree}: {total[0]:.1f} s, {total[1]:.1f} CPU s", flush=True)
            loads.append(os.getloadavg()[0])

    def med(tree: str, phase: str, i: int) -> float:
        return float(np.median([x.get(phase, [0.0, 0.0])[i] for x in runs[tree]]))

    lines = [
        f"One `ctxvec embed` of the first {args.n:,} `wiki` sentences at the defaults, whole processes, "
        f"{args.rounds} alternating rounds, medians; baseline `{args.baseline_src}`. CPU s are the whole "
        f"process's (helper threads included). Load average (1 min) before and after each round: "
        f"{', '.join(f'{x:.1f}' for x in loads)} on {os.cpu_count()} cores.",
        "",
        "| phase | baseline wall s | baseline CPU s | this tree wall s | this tree CPU s |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, label in (*PHASES, ("total", "**whole process**")):
        cells = [f"{med(t, key, i):.2f}" for t in trees for i in (0, 1)]
        lines.append(f"| {label} | {' | '.join(cells)} |")
    write_section("embed_profile", "\n".join(lines))


if __name__ == "__main__":
    main()
