"""Draw the occurrences of the judged senses set (benchmarks/data/senses_judged.tsv) from a store.

    .venv/bin/python benchmarks/draw_senses_sample.py STORE [--per-word 12] [--seed 20] > draft.tsv

For each word of WORDS, `--per-word` occurrences drawn uniformly without replacement (numpy
`default_rng(seed + index of the word)`) from all its occurrences in STORE (case-folded word, not its
other forms). Prints TSV: word, row, sentence_id, the sentence with the word in [brackets], and an empty
`synsets` column that a reader fills with the acceptable WordNet 3.0 synsets (or `none`).
"""

from __future__ import annotations

import argparse

import numpy as np
from _senses_judged import ISSUE_WORDS as WORDS

from ctxvec.store import Store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("store")
    ap.add_argument("--per-word", type=int, default=12)
    ap.add_argument("--seed", type=int, default=20)
    args = ap.parse_args()
    store = Store.open(args.store)
    print("word\trow\tsentence_id\tsentence\tsynsets\tnote")
    for i, word in enumerate(WORDS):
        rows = store.occurrences(word)
        rng = np.random.default_rng(args.seed + i)
        picked = np.sort(rng.choice(rows, size=min(args.per_word, len(rows)), replace=False))
        for r in picked:
            occ = store.occurrence(int(r))
            text = occ.highlighted().replace("\t", " ").replace("\n", " ")
            print(f"{word}\t{int(r)}\t{occ.sentence_id}\t{text}\t\t")


if __name__ == "__main__":
    main()
