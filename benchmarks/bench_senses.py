"""Benchmark ctxvec's senses against WordNet 3.0: clusters vs known synsets (ARI), WordNet labels, and
the senses of `bank` and `charge` in a real store.

    .venv/bin/python benchmarks/bench_senses.py [STORE] [--words 150] [--seed 0] [--held-out 100]

Word sets, each word's example sentences embedded with STORE's own encoder and mapped into its space:
- random: WordNet lemmas (one part of speech each) with at least two synsets that each have at least two
  example sentences containing a form of the lemma, and at least 6 such examples in all; a seeded sample
  of `--words` (mostly adjectives with 2-3 near-synonymous synsets). The gold senses are those synsets.
- held out: a second seeded sample (`--held-out` words, seed + 1, none of the first): the rule's defaults
  were chosen while looking at the first sample, so this one tells whether they carry over.
- homonyms: a stated list of homonyms / polysemous nouns and verbs (HOMONYMS), evaluated the same way but
  over every part of speech: the synsets with at least two examples containing a form of the lemma, at
  least two such synsets and 6 examples (WordNet gives most of these words one example per synset or
  none, so only some qualify; the table lists those).
For each word the examples are clustered by `split_senses` (the code path of `ctxvec senses`) with k
chosen by the rule (several rules: the one before this change, the default now, variants) and with k given
as the number of gold synsets; adjusted Rand index (scikit-learn) against the synsets, per word and
averaged (a one-cluster answer scores 0, as does chance).
Labels (k given, default rule's geometry): each example gets its cluster's WordNet label
(`label_centroids`), with synset vectors from the glosses only, or from the glosses and the other
examples (the evaluated example left out of its own synset's vector); and, per example, the nearest
synset vector (the comparison behind `minority_synsets`). Accuracy = the example's own synset; chance = a
uniform pick among the word's synsets (all parts of speech).
The store is only read.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from _results import write_section
from sklearn.metrics import adjusted_rand_score

from ctxvec.lexicon._wic import target_vectors
from ctxvec.sampling import unit_rows
from ctxvec.store import Store
from ctxvec.structure import SenseRule, split_senses, word_senses
from ctxvec.structure._sense_labels import SynsetVectors, label_centroids, synset_sentences
from ctxvec.structure._synsets import Synset, word_synsets

HOMONYMS = [
    "bank",
    "bass",
    "crane",
    "plant",
    "spring",
    "bat",
    "match",
    "charge",
    "cell",
    "seal",
    "pitch",
    "club",
    "interest",
    "post",
    "scale",
    "suit",
    "date",
    "rock",
    "fire",
    "key",
    "case",
    "court",
    "race",
    "board",
    "bill",
    "stick",
    "strike",
    "train",
    "wave",
    "sign",
    "note",
    "lead",
    "check",
    "fly",
    "light",
    "run",
    "park",
    "present",
    "right",
    "space",
    "object",
    "fair",
]
RULES = {
    "before: no centering, PCA 10, margin 0.04": SenseRule(center=False, points_per_component=1, margin=0.04),
    "default now": SenseRule(),
    "default now, margin 0.04": SenseRule(margin=0.04),
    "default now, min_size 2": SenseRule(min_size=2),
}
DEFAULT = "default now"
WIKI_WORDS = ("bank", "charge")
MONOSEMOUS = ("oxygen", "hydrogen", "december", "telescope", "village", "the", "of")


@dataclass
class Word:
    """One evaluated word: its synsets, every embedded sentence (examples and glosses) with its synset
    (owner) and kind, and the mask of the evaluated examples."""

    lemma: str
    pos: str
    synsets: list[Synset]
    vectors: np.ndarray
    owner: np.ndarray
    gloss: np.ndarray
    evaluated: np.ndarray


def sample_words(n_words: int, seed: int, exclude: set[str]) -> list[tuple[str, str, list[str]]]:
    """(lemma, pos, names of the synsets with >= 2 examples of that pos) for a seeded sample."""
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
        if lemma in exclude:
            continue
        mine = [s for s in word_synsets(lemma) if s.name.startswith(f"{lemma}.{pos}.")]
        _, _, owner = synset_sentences(lemma, mine, gloss=False)
        rich = [mine[j].name for j in range(len(mine)) if (owner == j).sum() >= 2]
        if len(rich) >= 2 and sum(int((owner == j).sum()) for j in range(len(mine)) if mine[j].name in rich) >= 6:
            out.append((lemma, pos, rich))
        if len(out) == n_words:
            break
    return out


def embed_word(store: Store, lemma: str, pos: str, gold: list[str] | None) -> Word | None:
    """Examples and glosses of every synset of `lemma` embedded; evaluated: the examples of `gold` synsets
    (None: of every synset with 2 examples, needing 2 such synsets and 6 examples)."""
    every = [s for s in word_synsets(lemma) if s.name.startswith(f"{lemma}.")]
    sents, spans, owner = synset_sentences(lemma, every, gloss=True)
    if gold is None:
        counts = np.bincount(owner[[not s.startswith(f"{lemma}: ") for s in sents]], minlength=len(every))
        gold = [every[j].name for j in np.flatnonzero(counts >= 2)]
        if len(gold) < 2 or counts[counts >= 2].sum() < 6:
            return None
    raw = target_vectors(store.encoder(), sents, spans)
    ok = np.isfinite(raw).all(axis=1)
    vec = np.zeros_like(raw)
    vec[ok] = unit_rows(store.map_encoded(raw[ok]))
    gloss = np.array([s.startswith(f"{lemma}: ") for s in sents])
    names = [s.name for s in every]
    evaluated = ok & ~gloss & np.isin(owner, [names.index(g) for g in gold])
    return Word(lemma, pos, every, vec, owner, gloss, evaluated)


def synset_vectors(w: Word, leave_out: int | None, use_examples: bool) -> SynsetVectors:
    """Mean unit vectors per synset of the glosses (and the examples but `leave_out`)."""
    use = w.gloss | (use_examples & ~w.gloss)
    use &= np.linalg.norm(w.vectors, axis=1) > 0
    if leave_out is not None:
        use[leave_out] = False
    sums = np.zeros((len(w.synsets), w.vectors.shape[1]))
    np.add.at(sums, w.owner[use], w.vectors[use])
    return SynsetVectors(
        w.synsets, unit_rows(sums).astype(np.float32), np.bincount(w.owner[use], minlength=len(w.synsets))
    )


def evaluate(w: Word) -> dict[str, float]:
    """ARI per rule (chosen and given k), label accuracies and chance for one word."""
    idx = np.flatnonzero(w.evaluated)
    x, truth = w.vectors[idx], w.owner[idx]
    k = len(np.unique(truth))
    out: dict[str, float] = {"n": len(idx), "synsets": k}
    for name, rule in RULES.items():
        chosen = split_senses(x, rule=rule, seed=0)
        out[f"{name}|rule"] = float(adjusted_rand_score(truth, chosen.labels))
        out[f"{name}|k"] = chosen.k
        out[f"{name}|given"] = float(adjusted_rand_score(truth, split_senses(x, k, rule=rule, seed=0).labels))
    given = split_senses(x, k, seed=0).labels
    cents = np.stack([x[given == c].mean(axis=0) for c in range(k)])
    gloss_labels = label_centroids(cents, synset_vectors(w, None, False), min_score=0.0)
    names = [s.name for s in w.synsets]
    right = {"gloss": 0, "loo": 0, "nearest": 0}
    for j, i in enumerate(idx):
        right["gloss"] += names.index(gloss_labels[given[j]].synset) == truth[j]
        found = synset_vectors(w, int(i), True)
        label = label_centroids(cents[given[j] : given[j] + 1], found, min_score=0.0)[0]
        right["loo"] += names.index(label.synset) == truth[j]
        sims = found.vectors @ x[j]
        sims[found.n_sentences == 0] = -np.inf
        right["nearest"] += int(np.argmax(sims)) == truth[j]
    out.update({f"acc|{key}": v for key, v in right.items()})
    out["acc|chance"] = len(idx) / len(w.synsets)
    return out


def table(name: str, rows: list[dict[str, float]]) -> list[str]:
    """The ARI and label rows of one word set."""
    n_ex = sum(r["n"] for r in rows)
    lines = [
        f"**{name}**: {len(rows)} words, {int(n_ex)} example sentences, "
        f"{np.mean([r['synsets'] for r in rows]):.1f} gold synsets per word.",
        "",
        "| rule (`split_senses`) | ARI, k by the rule: mean | median | words split (k > 1) | ARI, k given: mean | median |",
        "|---|---|---|---|---|---|",
    ]
    for rule in RULES:
        chosen = np.array([r[f"{rule}|rule"] for r in rows])
        given = np.array([r[f"{rule}|given"] for r in rows])
        split = np.mean([r[f"{rule}|k"] > 1 for r in rows])
        lines.append(
            f"| {rule} | {chosen.mean():.3f} | {np.median(chosen):.3f} | {split:.0%} | "
            f"{given.mean():.3f} | {np.median(given):.3f} |"
        )
    acc = {key: sum(r[f"acc|{key}"] for r in rows) / n_ex for key in ("gloss", "loo", "nearest", "chance")}
    lines += [
        "",
        f"Examples whose WordNet label is their own synset (k given): cluster label from glosses only "
        f"{acc['gloss']:.1%}; from glosses + the other examples {acc['loo']:.1%}; nearest synset per example "
        f"(glosses + other examples) {acc['nearest']:.1%}; uniform pick among the word's synsets {acc['chance']:.1%}.",
        "",
    ]
    return lines


def wiki_lines(path: str) -> list[str]:
    """`ctxvec senses` on `path` (default settings) for WIKI_WORDS, and k for MONOSEMOUS words."""
    store = Store.open(path)
    lines = [f"`ctxvec senses {path} WORD` (default settings):", ""]
    for word in WIKI_WORDS:
        s = word_senses(store, word)
        lines.append(f"- `{word}`: {s.n_total} occurrences, k = {s.k} ({s.split.reason}).")
        for sense in s.senses:
            label = sense.wordnet.synset if sense.wordnet else "-"
            small = ", small" if sense.small else ""
            lines.append(
                f"  - sense {sense.label + 1}: {sense.size} ({sense.share:.0%}{small}), WordNet {label}, "
                f"keywords {', '.join(sense.keywords) or '-'}"
            )
        if s.minorities:
            lines.append(
                "  - other WordNet senses matched by a few occurrences: "
                + "; ".join(f"{m.synset} ({len(m.rows)}: {m.gloss[:50]})" for m in s.minorities[:6])
            )
    ks = []
    for word in MONOSEMOUS:
        try:
            ks.append(f"{word} {word_senses(store, word, wordnet=False).k}")
        except Exception as e:  # a word the store lacks
            ks.append(f"{word} ({type(e).__name__})")
    lines += [
        "",
        "k of words with one sense in this corpus (should be 1): " + ", ".join(ks),
        "",
        "Senses that all match one synset are split by topic (the CLI says so); a use too rare for a sense "
        "(fewer than 3 sentences) is not a cluster but is still named when a synset matches it by a margin "
        "of 0.05 over its sense's label (`minority_synsets`).",
        "",
    ]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store", nargs="?", default="demo/wiki.store")
    ap.add_argument("--words", type=int, default=150)
    ap.add_argument("--held-out", type=int, default=100)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    store = Store.open(args.store)
    t0 = time.perf_counter()
    first = sample_words(args.words, args.seed, set())
    held = sample_words(args.held_out, args.seed + 1, {w for w, _, _ in first}) if args.held_out else []
    sets: dict[str, list[dict[str, float]]] = {}
    per_word: list[str] = []
    for set_name, words in (
        (f"random (seed {args.seed})", [(w, p, g) for w, p, g in first]),
        (f"held out (seed {args.seed + 1})", [(w, p, g) for w, p, g in held]),
        ("homonyms", [(w, "*", None) for w in HOMONYMS]),
    ):
        rows = []
        for lemma, pos, gold in words:
            w = embed_word(store, lemma, pos, gold)
            if w is None:
                continue
            r = evaluate(w)
            rows.append(r)
            if not set_name.startswith("held"):
                per_word.append(
                    f"| {set_name.split()[0]} | {lemma} | {pos} | {int(r['synsets'])} | {int(r['n'])} | "
                    f"{int(r[f'{DEFAULT}|k'])} | {r[f'{DEFAULT}|rule']:.2f} | {r[f'{DEFAULT}|given']:.2f} |"
                )
        if rows:
            sets[set_name] = rows
    elapsed = time.perf_counter() - t0
    lines = [
        f"Store `{args.store}` ({store.manifest['model']['name']}); {elapsed:.0f} s for the WordNet sets "
        "(shared machine: 2 cores, other jobs running).",
        "",
    ]
    for set_name, rows in sets.items():
        lines += table(set_name, rows)
    lines += [
        "Reading. `before` is the rule as it was before centering (it reproduces the earlier figures). Clustering "
        "what distinguishes the occurrences (the word's mean vector subtracted; with k given, residuals rescaled "
        "to unit length) is what raises the k-given ARI. The rule's defaults (soft rescale 1.5, PCA to at most "
        "n/4 dimensions, margin 0.02) were chosen while looking at the first sample and at one-sense words of "
        "the wiki store; the held-out sample is the check. With k chosen by the rule the ARI stays low: a word "
        "here has 6-15 short examples over 2-4 synsets with 2-3 examples each, and a sense must span 3 distinct "
        "sentences (the `min_size 2` row shows what that floor costs on such small sets; on a corpus, 3 "
        "sentences is the least evidence ctxvec calls a sense). The synset vectors of `ctxvec senses` use "
        "glosses and examples; glosses alone (the earlier measure) do little better than chance.",
        "",
    ]
    lines += wiki_lines(args.store)
    lines += [
        "<details><summary>per word (default rule)</summary>",
        "",
        "| set | word | pos | gold synsets | examples | k (rule) | ARI (rule) | ARI (k given) |",
        "|---|---|---|---|---|---|---|---|",
        *per_word,
        "",
        "</details>",
    ]
    write_section("Senses vs WordNet (bench_senses.py)", "\n".join(lines))


if __name__ == "__main__":
    main()
