"""`explain`: does leaving one word out find the word that decides a match, and what does it cost?

    .venv/bin/python benchmarks/bench_explain.py [STORE] [--pairs N]

1. Hand-made pairs (`benchmarks/data/explain_pairs.tsv`: an ambiguous word in the same sense in two
   sentences, sentence A holding exactly one word that settles the sense). The 2 x pairs sentences are
   embedded with STORE's own model into a temporary store; each pair is explained (word in A against
   word in B) under both ablations (mask, delete) and both word sets (content words, all words), side
   by side, and the known word's rank on A's side is counted: first, in the top 2, mean rank.
2. Cost on STORE (default: the built-in wiki store): `--pairs` rows drawn with seed 0 among words of
   letters, each explained against its nearest occurrence (`similar`, k=1; the explorer's "why?"),
   the two ablations alternating on each pair; every pair counts. Beside it, one forward pass of the
   same two sentences (`select_queries(in_sentence=...)` twice): what one explanation costs in
   sentence embeddings; and, on the first 10 pairs, the default with one forward pass per variant (the
   encoder's token budget set to 1) against the one batch it runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _results import write_section

from ctxvec.encoding import EncodeSpec
from ctxvec.explain import explain_pair
from ctxvec.neighbours import similar
from ctxvec.queries import select_queries
from ctxvec.runners import embed
from ctxvec.store import Store, normalize_word

PAIRS = Path(__file__).parent / "data" / "explain_pairs.tsv"
CONFIGS = [("mask", False), ("delete", False), ("mask", True), ("delete", True)]


def read_pairs() -> list[tuple[str, str, str, str]]:
    rows = [
        line.rstrip("\n").split("\t") for line in PAIRS.read_text().splitlines() if line and not line.startswith("#")
    ]
    return [(w, k, a, b) for w, k, a, b in rows]


def row_of(store: Store, sentence: int, word: str) -> int:
    return int(next(r for r in store.rows_of_sentence(sentence) if normalize_word(str(store.tokens[r])) == word))


def accuracy(model: str, folder: Path) -> tuple[str, str]:
    pairs = read_pairs()
    store = embed([s for _, _, a, b in pairs for s in (a, b)], folder / "pairs.store", EncodeSpec(model=model))
    ranks: dict[tuple[str, bool], list[int]] = {c: [] for c in CONFIGS}
    detail = []
    for i, (word, key, _, _) in enumerate(pairs):
        rows = [row_of(store, 2 * i, word), row_of(store, 2 * i + 1, word)]
        for ablation, all_words in CONFIGS:
            e = explain_pair(store, rows, ablation=ablation, all_words=all_words)
            words = [normalize_word(x.word) for x in e.sides[0].effects]
            ranks[ablation, all_words].append(words.index(key) + 1)
            if (ablation, all_words) == CONFIGS[0]:
                top = ", ".join(f"{x.word} {x.drop:+.3f}" for x in e.sides[0].effects[:3])
                detail.append(f"| {word} | {key} | {words.index(key) + 1} | {e.sides[0].marked} | {top} |")
    n = len(pairs)
    table = ["| ablation | words tried | key word first | in the top 2 | mean rank |", "|---|---|---|---|---|"]
    for (ablation, all_words), r in ranks.items():
        first, top2 = sum(x == 1 for x in r), sum(x <= 2 for x in r)
        table.append(
            f"| {ablation} | {'all' if all_words else 'content'} | {first}/{n} ({first / n:.0%}) | "
            f"{top2}/{n} ({top2 / n:.0%}) | {statistics.mean(r):.2f} |"
        )
    head = "| word | key | rank | sentence A, marked | top 3 (drop) |\n|---|---|---|---|---|"
    return "\n".join(table), head + "\n" + "\n".join(detail)


def cost(store: Store, n_pairs: int) -> str:
    rng = np.random.default_rng(0)
    letters = np.flatnonzero([str(t).isalpha() for t in store.vocabulary])
    candidates = np.flatnonzero(np.isin(store.word_ids, letters))
    rows = rng.choice(candidates, n_pairs, replace=False)
    explain_pair(store, [int(rows[0]), int(rows[1])])  # load the model once, outside the timings
    times: dict[str, list[float]] = {"mask": [], "delete": [], "embed": [], "one_by_one": [], "batched": []}
    encoder = store.encoder()
    words, passes, failures = [], [], 0
    for r in rows.tolist():
        hit = similar(store, row=int(r), k=1).hits(0)[0].occurrence.row
        for ablation in ("mask", "delete") if r % 2 else ("delete", "mask"):
            t = time.perf_counter()
            try:
                e = explain_pair(store, [int(r), int(hit)], ablation=ablation)
            except Exception:  # counted, never hidden
                failures += 1
                continue
            times[ablation].append(time.perf_counter() - t)
            if ablation == "mask":
                words.append(sum(len(s.effects) for s in e.sides))
                passes.append(e.n_forward)
        if len(times["batched"]) < 10:  # the same explanation, one forward pass per variant vs one batch
            budget = encoder.batch_tokens
            for name in ("one_by_one", "batched") if r % 2 else ("batched", "one_by_one"):
                encoder.batch_tokens = 1 if name == "one_by_one" else budget
                t = time.perf_counter()
                explain_pair(store, [int(r), int(hit)])
                times[name].append(time.perf_counter() - t)
            encoder.batch_tokens = budget
        t = time.perf_counter()
        for row in (int(r), int(hit)):
            occ = store.occurrence(row)
            select_queries(store, occ.token, in_sentence=occ.sentence, limit=1)
        times["embed"].append(time.perf_counter() - t)
    lines = ["| | median ms | mean ms | p90 ms |", "|---|---|---|---|"]
    for name, label in (
        ("mask", "explain (mask, default)"),
        ("delete", "explain (delete)"),
        ("embed", "embed both sentences once"),
    ):
        ms = np.asarray(times[name]) * 1000
        lines.append(f"| {label} | {np.median(ms):.0f} | {ms.mean():.0f} | {np.percentile(ms, 90):.0f} |")
    ratio = np.median(times["mask"]) / np.median(times["embed"])
    speedup = np.median(np.asarray(times["one_by_one"]) / np.asarray(times["batched"]))
    lines.append("")
    lines.append(
        f"{n_pairs} pairs (row drawn with seed 0, its nearest occurrence), {failures} failures; content words tried "
        f"per pair (both sides): median {statistics.median(words):.0f}, max {max(words)}; forward passes per "
        f"explanation: {sorted(set(passes))}. One explanation costs {ratio:.1f}x embedding its two sentences once. "
        f"On the first {len(times['batched'])} pairs, one forward pass per variant took {speedup:.1f}x as long as the "
        f"one batch (median of per-pair ratios; medians {np.median(times['one_by_one']) * 1000:.0f} vs "
        f"{np.median(times['batched']) * 1000:.0f} ms)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", default="/work/stores/wiki.store")
    parser.add_argument("--pairs", type=int, default=40)
    args = parser.parse_args()
    store = Store.open(args.store)
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        table, detail = accuracy(store.manifest["model"]["path"], Path(tmp))
    costs = cost(store, args.pairs)
    load_after = os.getloadavg()
    body = f"""Hand-made pairs ({PAIRS.relative_to(Path(__file__).parent.parent)}, {len(read_pairs())} pairs; the sentences embedded
with {args.store}'s model, `{store.manifest["model"]["name"]}`): rank of the known deciding word among
sentence A's context words.

{table}

Default (mask, content words), pair by pair:

{detail}

Cost per pair on {args.store} ({store.n_rows:,} rows), torch threads: {_threads()}:

{costs}

Load (1-min average) before / after: {load[0]:.2f} / {load_after[0]:.2f} (2 cores shared with other work).
"""
    write_section("explain", body)


def _threads() -> int:
    import torch

    return int(torch.get_num_threads())


if __name__ == "__main__":
    main()
