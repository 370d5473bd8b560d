"""Benchmark `ctxvec shift`: simulated change, false alarms on random halves, and cost on the wiki store.

    python benchmarks/bench_shift.py SIM.store SIM.targets.tsv WIKI.store [--seed 0]

SIM.store is ``ctxvec embed SIM.jsonl -o SIM.store --meta side,target`` of the corpus that
``benchmarks/simulate_change.py SIM.jsonl`` wrote (pseudo-words with planted change, see there).

1. Simulated change: `word_shift` of every pseudo-word, side ``side == 'a'`` vs ``side == 'b'`` (500
   permutations, 200 bootstrap resamples, no WordNet); Spearman ρ between the planted change |p_A − p_B|
   and each measure; and the partial Spearman ρ between each measure and the targets' diversity (the
   mixture's minority share averaged over the sides) with the planted change held fixed (diversity and change
   are tied by construction: a full change leaves each side pure). A measure that sees change only should
   follow the first and not the second.
2. False alarms: the wiki store cut into two random halves (seeded), by sentence and by document; every
   lemma with >= 20 occurrences on both sides ranked (`rank_shift`, 1000 permutations, 200 occurrences a
   side), the permutation moving sentences (the default) or documents as blocks; the share of words with
   p < 0.05 (no change exists between random halves, so about 5 % is the test's size) and with
   Benjamini–Hochberg q < 0.05. Document halves tested with sentence blocks show what goes wrong when
   the block is smaller than the unit the halves were drawn by (documents differ in topic).
3. Cost: ``ctxvec shift WIKI --where 'doc_id < 51' --vs 'doc_id >= 51'`` for one word (with WordNet labels:
   the model loads) and for the full ranking, each in its own process: wall time and peak resident memory
   (``wait4``'s ru_maxrss).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from scipy.stats import rankdata, spearmanr

sys.path.insert(0, str(Path(__file__).parent))

from _results import write_section

from ctxvec.shift import Side, rank_shift, slice_sides, word_shift
from ctxvec.store import Store

MEASURES = ("excess", "apd", "prt", "jsd")


def partial_spearman(x: list[float], y: list[float], z: list[float]) -> float:
    """Spearman ρ of x and y with z held fixed: the correlation of the rank residuals after regressing on z's ranks."""
    rx, ry, rz = (rankdata(v) for v in (x, y, z))
    design = np.c_[np.ones(len(rz)), rz]

    def residual(r: np.ndarray) -> np.ndarray:
        return np.asarray(r - design @ np.linalg.lstsq(design, r, rcond=None)[0])

    return float(np.corrcoef(residual(rx), residual(ry))[0, 1])


def simulated(store_path: Path, targets_tsv: Path) -> str:
    lines = targets_tsv.read_text().splitlines()[1:]
    targets = [line.split("\t") for line in lines]
    store = Store.open(store_path)
    a, b = slice_sides(store, "side == 'a'", "side == 'b'")
    planted, diversity, values, pvals = [], [], {m: [] for m in MEASURES}, {m: [] for m in MEASURES}
    started = time.perf_counter()
    for token, _w1, _w2, p_a, p_b, change in targets:
        r = word_shift(a, b, token, forms=True, permutations=500, bootstrap=200, wordnet=False)
        planted.append(float(change))
        pa, pb = float(p_a), float(p_b)
        diversity.append((min(pa, 1 - pa) + min(pb, 1 - pb)) / 2)
        for m in MEASURES:
            values[m].append(r.measures[m].value)
            pvals[m].append(r.measures[m].p_value)
    seconds = time.perf_counter() - started
    planted_a = np.asarray(planted)
    rows = ["| measure | ρ with planted change | partial ρ with diversity | p < 0.05 where change ≤ 0.1 | p < 0.05 where change ≥ 0.5 |",
            "|---|---|---|---|---|"]  # fmt: skip
    for m in MEASURES:
        rho = spearmanr(planted, values[m]).statistic
        rho_div = partial_spearman(diversity, values[m], planted)
        p = np.asarray(pvals[m])
        low, high = planted_a <= 0.1, planted_a >= 0.5
        rows.append(
            f"| {m} | {rho:.3f} | {rho_div:.3f} | {int((p[low] < 0.05).sum())}/{int(low.sum())} "
            f"| {int((p[high] < 0.05).sum())}/{int(high.sum())} |"
        )
    n_a = len(slice_sides(store, "side == 'a'", "side == 'b'")[0].side_rows)
    return (
        f"Simulated change: {len(targets)} pseudo-words, {store.n_sentences:,} sentences ({n_a:,} word rows on "
        f"side a), planted change evenly spaced over [0, 1]; {seconds:.1f} s for all targets. Spearman ρ of "
        f"diversity with the planted change itself: {spearmanr(diversity, planted).statistic:.3f}.\n\n"
        + "\n".join(rows)
    )


def _halves(store: Store, by: str, seed: int) -> tuple[Side, Side]:
    rng = np.random.default_rng(seed)
    if by == "sentence":
        pick = rng.random(store.n_sentences) < 0.5
    else:
        docs = store.sentences.column("doc_id").to_numpy()
        ids = np.unique(docs)
        chosen = set(rng.choice(ids, size=len(ids) // 2, replace=False).tolist())
        pick = np.asarray([d in chosen for d in docs])
    rows = pick[store.sentence_ids]
    return Side(store, ~rows, f"random half A by {by}"), Side(store, rows, f"random half B by {by}")


def false_alarms(wiki: Path, seed: int) -> str:
    store = Store.open(wiki)
    out = ["| halves by | block | words tested | p < 0.05 | q < 0.05 (BH) | time |", "|---|---|---|---|---|---|"]
    for by, block in (("sentence", "sentence"), ("document", "sentence"), ("document", "document")):
        a, b = _halves(store, by, seed)
        r = rank_shift(a, b, min_count=20, permutations=1000, max_per_side=200, block=block, seed=seed)
        p = np.array([w.p_value for w in r.words])
        q = np.array([w.q_value for w in r.words])
        out.append(
            f"| {by} | {block} | {len(p):,} | {(p < 0.05).mean():.1%} ({int((p < 0.05).sum())}) "
            f"| {int((q < 0.05).sum())} | {r.seconds:.1f} s |"
        )
    return "\n".join(out)


def _run(cmd: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MiB and exit code of `cmd` in its own process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def cost(wiki: Path) -> str:
    ctxvec = str(Path(sys.executable).with_name("ctxvec"))
    sides = ["--where", "doc_id < 51", "--vs", "doc_id >= 51"]
    runs = [
        ("one word (bank), WordNet labels", [ctxvec, "shift", str(wiki), "bank", *sides, "--json"]),
        ("one word (bank), --no-wordnet", [ctxvec, "shift", str(wiki), "bank", *sides, "--no-wordnet", "--json"]),
        ("full ranking (min-count 20)", [ctxvec, "shift", str(wiki), *sides, "--json", "-q"]),
    ]
    out = ["| run | wall | peak RSS | exit |", "|---|---|---|---|"]
    for name, cmd in runs:
        wall, rss, code = _run(cmd)
        out.append(f"| {name} | {wall:.1f} s | {rss:,.0f} MiB | {code} |")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sim_store", type=Path)
    ap.add_argument("targets", type=Path)
    ap.add_argument("wiki", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--skip", default="", help="comma-separated parts to skip: simulated, alarms, cost")
    args = ap.parse_args()
    skip = set(args.skip.split(","))
    load = os.getloadavg()
    parts = [f"Load average at start: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min) on {os.cpu_count()} cores."]
    if "simulated" not in skip:
        parts.append(simulated(args.sim_store, args.targets))
    if "alarms" not in skip:
        parts.append(
            "False alarms on random halves of the wiki store (no change exists):\n\n"
            + false_alarms(args.wiki, args.seed)
        )
    if "cost" not in skip:
        parts.append("Cost on the wiki store (each run its own process):\n\n" + cost(args.wiki))
    load = os.getloadavg()
    parts.append(f"Load average at end: {load[0]:.2f} (1 min).")
    write_section("bench_shift", "\n\n".join(parts))


if __name__ == "__main__":
    main()
