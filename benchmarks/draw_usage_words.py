"""Draw the words of the usage report set (benchmarks/data/usage_report2.tsv) with a stated seed.

    PYTHONPATH=src .venv/bin/python benchmarks/draw_usage_words.py STORE [--seed 2026] [--n 30] [--exclude TSV ...]

usage_report2.tsv: `--seed 2026` (the default exclusions). usage_report3.tsv: `--seed 7031 --exclude
usage_calibration.tsv usage_sentences.tsv usage_report2.tsv`.

Candidates: WordNet 3.0 nouns (index.noun) that are one alphabetic word, have >= 3 noun synsets and >= 20
SemCor tags over their noun senses (cntlist.rev: common words), and occur 20-600 times in the store; the
words of the `--exclude` sets (default usage_calibration.tsv, usage_sentences.tsv) and issue 20's 15 words are left out. Sorted, shuffled
with random.Random(seed), printed in order; the report set takes them in this order, skipping a word only
when no sense it lacks can be found and checked (benchmarks/data/README.md says which were skipped).
"""

from __future__ import annotations

import argparse
import random
from collections import Counter

from _senses_judged import DATA, ISSUE_WORDS, read_usages

from ctxvec.morphology._wordnet import read_index, read_tag_counts, wordnet_folder
from ctxvec.store import Store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--exclude", nargs="+", default=["usage_calibration.tsv", "usage_sentences.tsv"])
    args = ap.parse_args()
    folder = wordnet_folder()
    nouns = read_index(folder, "noun")
    tags: Counter[str] = Counter()
    for lemma, pos, count in read_tag_counts(folder):
        if pos == "1":
            tags[lemma] += count
    seen = {u.word for f in args.exclude for u in read_usages(DATA / f)}
    seen |= set(ISSUE_WORDS)
    store = Store.open(args.store)
    counts = store.word_counts
    vocabulary = {str(w): int(counts[i]) for i, w in enumerate(store.vocabulary)}
    words = sorted(
        w
        for w, offsets in nouns.items()
        if w.isalpha() and len(offsets) >= 3 and tags[w] >= 20 and w not in seen and 20 <= vocabulary.get(w, 0) <= 600
    )
    random.Random(args.seed).shuffle(words)
    print(f"{len(words)} candidates; seed {args.seed}; first {args.n}:")
    for w in words[: args.n]:
        print(w, vocabulary[w], len(nouns[w]), tags[w])


if __name__ == "__main__":
    main()
