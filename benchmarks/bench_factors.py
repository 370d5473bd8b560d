"""Transformer factors: time, objective against scikit-learn, and coherence against random factors.

On one store (the built-in wiki store by default), side by side in one run:

1. `learn_factors(store, N, n_samples=S)`, the work of `ctxvec factors learn --n-factors N --samples S`
   (learning, then coding every row of the store for the top contexts), with the default coder (FISTA
   on the dictionary's Gram matrix) against the working-set coder it replaced: the working-set run is
   timed on a few learning steps and a few blocks of the coding pass and extrapolated to the same work.
2. The objective on held-out rows (all dictionaries coded by one exact solver) of: the initial
   dictionary (random rows), ctxvec after 1 and 3 epochs, scikit-learn's
   ``MiniBatchDictionaryLearning(positive_code=True)`` after 1 epoch on the same sample with the same
   alpha (scikit-learn's alpha = ctxvec's alpha_ · dim), batch size and number of atoms.
3. Coherence (`ctxvec.decomposition.factor_coherence`): the mean pairwise cosine of each factor's top 5
   lemmas' centred type vectors, for the learned dictionary, a random dictionary (random rows, coded
   over the same store) and random word sets drawn from the learned factors' words.

Run: .venv/bin/python benchmarks/bench_factors.py [--store COPY_OF_WIKI_STORE] [--n-factors 300] [--samples 40000]
The store gets word-type and lemma caches; no factors are saved in it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from ctxvec.decomposition import FactorLearner, Factors, factor_coherence, learn_factors, random_coherence
from ctxvec.decomposition._factors import factor_labels, top_activations
from ctxvec.lasso import ArrayAtoms, gram_fista
from ctxvec.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section

HELD_OUT = 8192


def heldout_objective(x: np.ndarray, components: np.ndarray, alpha_abs: float) -> tuple[float, float]:
    """Mean objective and mean active atoms of `x` coded against `components` (tol 1e-5)."""
    r = gram_fista(x, ArrayAtoms(components.astype(np.float32)), alpha_abs, tol=1e-5, max_iter=5000)
    return float(r.objective.mean()), float(r.n_terms.mean())


def working_set_estimate(
    store: Store, sample: np.ndarray, args: argparse.Namespace, alpha: float
) -> tuple[float, float]:
    """Wall and CPU seconds the working-set coder would take for the same learning and coding pass,
    extrapolated from 3 learning steps and 2 blocks of 4,096 rows."""
    ws = FactorLearner(args.n_factors, alpha, args.batch_size, 1, 1e-4, 0, coder="working-set")
    ws._init(store.get_vectors(np.sort(sample[: args.n_factors])))
    steps, blocks = 3, 2
    t, c = time.perf_counter(), time.process_time()
    for s in range(steps):
        ws.partial_fit(store.get_vectors(np.sort(sample[s * args.batch_size : (s + 1) * args.batch_size])))
    step_wall, step_cpu = (time.perf_counter() - t) / steps, (time.process_time() - c) / steps
    t, c = time.perf_counter(), time.process_time()
    for b in range(blocks):
        ws.sparse_codes(store.get_vectors(np.arange(b * 4096, (b + 1) * 4096)))
    block_wall, block_cpu = (time.perf_counter() - t) / blocks, (time.process_time() - c) / blocks
    n_steps, n_blocks = -(-args.samples // args.batch_size), store.n_rows / 4096
    return n_steps * step_wall + n_blocks * block_wall, n_steps * step_cpu + n_blocks * block_cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", default="demo/wiki.store")
    ap.add_argument("--n-factors", type=int, default=300)
    ap.add_argument("--samples", type=int, default=40_000)
    ap.add_argument("--alpha", type=float, default=0.1)
    ap.add_argument("--batch-size", type=int, default=1024)
    ap.add_argument("--skip-sklearn", action="store_true")
    args = ap.parse_args()
    store = Store.open(args.store)
    rng = np.random.default_rng(0)
    pick = rng.choice(store.n_rows, size=args.samples + HELD_OUT, replace=False)
    train, held = pick[: args.samples], store.get_vectors(np.sort(pick[args.samples :]))
    lines: list[str] = []

    # 1. the command's work, new coder against the old one
    load = os.getloadavg()[0]
    t, c = time.perf_counter(), time.process_time()
    f = learn_factors(store, args.n_factors, alpha=args.alpha, n_samples=args.samples, save=False)
    total, total_cpu = time.perf_counter() - t, time.process_time() - c
    print(f"learn_factors: {total:.1f} s, cpu {total_cpu:.1f} s", flush=True)
    old, old_cpu = working_set_estimate(store, train, args, args.alpha)
    print(f"working-set estimate: {old:.0f} s, cpu {old_cpu:.0f} s", flush=True)

    lines += [
        f"Store `{args.store}` ({store.n_rows:,} rows, dim {store.dim}); {args.n_factors} factors, alpha "
        f"{args.alpha} (absolute {f.meta['alpha_abs']:.3g}), batches of {args.batch_size}, {args.samples:,} "
        "sampled rows; held-out objectives on "
        f"{HELD_OUT:,} other rows.",
        "",
        f"### `ctxvec factors learn --n-factors {args.n_factors} --samples {args.samples}` "
        "(learn, then code every row)",
        "",
        "| coder | learn s | code the store s | total s | CPU s (all threads) | × gram (wall) | × gram (CPU) |",
        "|---|---:|---:|---:|---:|---:|---:|",
        f"| gram (FISTA on the Gram matrix, default) | {f.meta['learn_seconds']:.1f} | "
        f"{total - f.meta['learn_seconds']:.1f} | {total:.1f} | {total_cpu:.1f} | 1.0 | 1.0 |",
        f"| working-set FISTA (before) | | | ≈ {old:.0f} | ≈ {old_cpu:.0f} | {old / total:.1f} | "
        f"{old_cpu / total_cpu:.1f} |",
        "",
        "The working-set row is extrapolated from 3 learning steps and 2 blocks of 4,096 rows. The default "
        f"codes the store's blocks on {torch.get_num_threads()} threads; load average at the start of the "
        f"timing: {load:.1f} on {os.cpu_count()} cores (CPU seconds, which waiting for a shared core does not "
        "inflate, are the steadier comparison when other jobs run).",
        "",
    ]

    # 2. objective against scikit-learn
    x = store.get_vectors(np.sort(train))
    x = x[rng.permutation(len(x))]
    init = FactorLearner(args.n_factors, args.alpha, args.batch_size, random_state=0)
    init._init(x[: args.n_factors])  # a dictionary of random rows, the learners' starting point kind
    alpha_abs = init.alpha_
    rows = [("initial (random rows)", 0.0, heldout_objective(held, init.components_, alpha_abs))]
    for epochs in (1, 3):
        t = time.perf_counter()
        ours = FactorLearner(args.n_factors, args.alpha, args.batch_size, epochs, 1e-4, 0).fit(x)
        rows.append(
            (
                f"ctxvec, {epochs} epoch(s)",
                time.perf_counter() - t,
                heldout_objective(held, ours.components_, alpha_abs),
            )
        )
        print(rows[-1], flush=True)
    if not args.skip_sklearn:
        from sklearn.decomposition import MiniBatchDictionaryLearning

        sk = MiniBatchDictionaryLearning(
            n_components=args.n_factors,
            alpha=alpha_abs * store.dim,
            batch_size=args.batch_size,
            max_iter=1,
            positive_code=True,
            fit_algorithm="cd",
            transform_algorithm="lasso_cd",
            tol=0,
            max_no_improvement=None,
            random_state=0,
        )
        t = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sk.fit(x)
        rows.append(("scikit-learn MiniBatchDictionaryLearning, 1 epoch", time.perf_counter() - t,
                     heldout_objective(held, sk.components_, alpha_abs)))  # fmt: skip
        print(rows[-1], flush=True)
    lines += [
        "### Objective on held-out rows (lower is better), same sample, alpha and batches",
        "",
        "| dictionary | fit s | held-out objective | active atoms per row |",
        "|---|---:|---:|---:|",
    ]
    lines += [f"| {name} | {s:.1f} | {obj:.5f} | {act:.1f} |" for name, s, (obj, act) in rows]
    lines.append("")

    # 3. coherence against random factors and random word sets
    coh = factor_coherence(store, f)
    t = time.perf_counter()
    top_rows, top_codes, counts = top_activations(store, init, 50)
    rand = Factors("random", init.components_, factor_labels(store, top_rows, top_codes), top_rows, top_codes, counts)
    rand_coh = factor_coherence(store, rand)
    print(f"random dictionary coded in {time.perf_counter() - t:.0f} s", flush=True)
    pool = [w for ws in coh.words for w in ws]
    chance = random_coherence(store, pool, n_sets=2000)
    lines += [
        "### Coherence of the factors' top 5 lemmas (mean pairwise cosine of centred type vectors)",
        "",
        "| factors | word-level (one lemma ≥ 80 % of top code) | coherence of the others, mean | median |",
        "|---|---:|---:|---:|",
    ]
    for name, c in (("learned", coh), ("random dictionary (random rows)", rand_coh)):
        multi = c.coherence[~c.word_level() & ~np.isnan(c.coherence)]
        lines.append(f"| {name} | {c.word_level().mean():.0%} | {np.mean(multi):.3f} | {np.median(multi):.3f} |")
    lines.append(f"| random 5-word sets from the learned factors' words | — | {np.nanmean(chance):.3f} | "
                 f"{np.nanmedian(chance):.3f} |")  # fmt: skip
    multi = coh.coherence[~coh.word_level() & ~np.isnan(coh.coherence)]
    above = float(np.mean(multi > np.nanquantile(chance, 0.95)))
    lines += [
        "",
        f"{above:.0%} of the learned factors that are not word-level are more coherent than 95 % of random word sets.",
        "",
        "<details><summary>12 learned factors at random (seed 0): top lemmas, coherence, top context</summary>",
        "",
        "| # | top lemmas | coherence | top context |",
        "|---:|---|---:|---|",
    ]
    for j in np.sort(np.random.default_rng(0).choice(f.n_factors, size=min(12, f.n_factors), replace=False)):
        hits = f.occurrences(store, int(j), 1)
        ctx = ""
        if hits:
            o = hits[0][0]
            ctx = (o.sentence[max(0, o.start - 50) : o.start] + "**" + o.sentence[o.start : o.end] + "**"
                   + o.sentence[o.end : o.end + 50]).replace("|", "\\|")  # fmt: skip
        c = coh.coherence[j]
        lines.append(f"| {j} | {' / '.join(coh.words[j])} | {'—' if np.isnan(c) else f'{c:.2f}'} | {ctx} |")
    lines += ["", "</details>"]
    write_section("bench_factors", "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
