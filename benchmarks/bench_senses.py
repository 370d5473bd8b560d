"""Benchmark ctxvec's senses against WordNet 3.0: clusters vs known synsets (ARI), and the WordNet labels.

    .venv/bin/python benchmarks/bench_senses.py [STORE] [--words 150] [--seed 0]

Words: WordNet lemmas (one part of speech each) with at least two synsets that each have at least two
example sentences containing a form of the lemma (`synset_sentences`), and at least 6 such examples in
all; a seeded sample of `--words` of them. For each word, its example sentences (the synset known) are
embedded with STORE's own encoder (the default model for the wiki store) and mapped into its space, then:
- clustered by `split_senses` (the code path of `ctxvec senses`): with k chosen by the default rule, and
  with k given as the number of synsets; adjusted Rand index (scikit-learn) against the synsets, per
  word and averaged; a one-cluster answer scores 0, as does chance;
- labelled: each cluster (k given) gets the synset of `label_centroids` with synset vectors built from the
  glosses only (the examples are the test data); the share of examples whose cluster's label is their own
  synset, against the chance of a uniform pick among the word's synsets (all parts of speech).
The store is only read.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _results import write_section
from sklearn.metrics import adjusted_rand_score

from ctxvec.lexicon._wic import target_vectors
from ctxvec.sampling import unit_rows
from ctxvec.store import Store
from ctxvec.structure import split_senses
from ctxvec.structure._sense_labels import SynsetVectors, label_centroids, synset_sentences
from ctxvec.structure._synsets import Synset, word_synsets


def candidate_words(n_words: int, seed: int) -> list[tuple[str, str, list[Synset], list[Synset]]]:
    """(lemma, pos, the synsets with >= 2 examples of that pos, all synsets of the lemma) for a seeded sample."""
    from ctxvec.lexicon._wic import lemma_examples, wordnet_synsets

    keys = sorted(
        key
        for key, per in lemma_examples(wordnet_synsets()).items()
        if sum(len(s) >= 2 for s in per) >= 2 and sum(len(s) for s in per if len(s) >= 2) >= 6
    )
    rng = np.random.default_rng(seed)
    out = []
    for i in rng.permutation(len(keys)):
        lemma, pos = keys[int(i)]
        every = [s for s in word_synsets(lemma) if s.name.startswith(f"{lemma}.")]
        mine = [s for s in every if s.name.split(".")[1] == pos]
        _, _, owner = synset_sentences(lemma, mine, gloss=False)
        rich = [mine[j] for j in range(len(mine)) if (owner == j).sum() >= 2]
        if len(rich) >= 2 and sum(int((owner == mine.index(s)).sum()) for s in rich) >= 6:
            out.append((lemma, pos, rich, every))
        if len(out) == n_words:
            break
    return out


def embed(store: Store, sentences: list[str], spans: np.ndarray) -> np.ndarray:
    raw = target_vectors(store.encoder(), sentences, spans)
    return unit_rows(store.map_encoded(raw))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", nargs="?", default="demo/wiki.store")
    ap.add_argument("--words", type=int, default=150)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    store = Store.open(args.store)
    t0 = time.perf_counter()
    words = candidate_words(args.words, args.seed)
    rows = []
    pos_ari: dict[str, list[float]] = defaultdict(list)
    n_right = n_all = 0
    chance = 0.0
    for lemma, pos, rich, every in words:
        sents, spans, owner = synset_sentences(lemma, rich, gloss=False)
        x = embed(store, sents, spans)
        ok = np.isfinite(x).all(axis=1)
        x, owner = x[ok], owner[ok]
        chosen = split_senses(x, seed=0)
        given = split_senses(x, len(rich), seed=0)
        ari_rule = float(adjusted_rand_score(owner, chosen.labels))
        ari_given = float(adjusted_rand_score(owner, given.labels))
        g_sents, g_spans, _ = synset_sentences(lemma, every, gloss=True)
        gloss_only = np.array([s.startswith(f"{lemma}: ") for s in g_sents])
        gv = embed(store, [s for s, g in zip(g_sents, gloss_only, strict=True) if g], g_spans[gloss_only])
        found = SynsetVectors(every, gv, np.ones(len(every), dtype=np.int64))
        centroids = np.stack([x[given.labels == c].mean(axis=0) for c in range(given.k)])
        labels = label_centroids(centroids, found)
        truth = [rich[o].name for o in owner]
        picked = [labels[c].synset for c in given.labels]
        n_right += sum(p == t for p, t in zip(picked, truth, strict=True))
        n_all += len(truth)
        chance += len(truth) / len(every)
        pos_ari[pos].append(ari_given)
        rows.append((lemma, pos, len(rich), len(truth), chosen.k, ari_rule, ari_given))
    elapsed = time.perf_counter() - t0
    rule = np.array([r[5] for r in rows])
    given_ari = np.array([r[6] for r in rows])
    lines = [
        f"Store `{args.store}` ({store.manifest['model']['name']}), {len(rows)} WordNet 3.0 words "
        f"(seed {args.seed}), {sum(r[3] for r in rows)} example sentences; {elapsed:.0f} s in all "
        "(shared machine: 2 cores, other jobs running).",
        "",
        "| clustering (`split_senses`) | mean ARI | median ARI | words with ARI > 0.5 | words split (k > 1) |",
        "|---|---|---|---|---|",
        f"| k chosen by the default rule | {rule.mean():.3f} | {np.median(rule):.3f} | {(rule > 0.5).mean():.0%} "
        f"| {np.mean([r[4] > 1 for r in rows]):.0%} |",
        f"| k = number of synsets | {given_ari.mean():.3f} | {np.median(given_ari):.3f} | "
        f"{(given_ari > 0.5).mean():.0%} | 100% |",
        "",
        "ARI by part of speech (k given): "
        + ", ".join(f"{p} {np.mean(v):.3f} ({len(v)} words)" for p, v in sorted(pos_ari.items())),
        "",
        f"WordNet label (k given, synset vectors from glosses only): the cluster's label is the example's own "
        f"synset for {n_right / n_all:.1%} of {n_all} examples; a uniform pick among each word's synsets: "
        f"{chance / n_all:.1%}.",
        "",
        "Most examples are short and many synsets have 2-3 of them, so the default rule (every sense at least "
        "3 occurrences, silhouette above a Gaussian null, density valley) often keeps one sense (ARI 0).",
        "",
        "<details><summary>per word</summary>",
        "",
        "| word | pos | synsets | examples | k (rule) | ARI (rule) | ARI (k given) |",
        "|---|---|---|---|---|---|---|",
        *(f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]:.2f} | {r[6]:.2f} |" for r in rows),
        "",
        "</details>",
    ]
    write_section("Senses vs WordNet (bench_senses.py)", "\n".join(lines))


if __name__ == "__main__":
    main()
