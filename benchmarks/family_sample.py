"""Draw the (word, candidate) pairs labelled in benchmarks/data/family_pairs.tsv (see benchmarks/data/README.md).

    .venv/bin/python benchmarks/family_sample.py [STORE] > pairs.tsv   # then label each pair by reading

Words: the wiki store's vocabulary words (case-folded) with at least 5 occurrences, ASCII letters only,
3+ letters, drawn with numpy.random.default_rng(SEED). For each drawn word, every candidate each family
rule proposes (one step from the word or its morphy analyses; `inflection`: a shared analysis; the
tokenizer of the store's model for `first-wordpiece`). Pairs are then drawn per rule (at most PER_RULE,
same seed), so each rule's precision rests on its own sample. Output: word, candidate, the rules that
propose it (comma-separated), and an empty label column.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pyarrow.parquet as pq

from ctxvec.morphology import Families, lemma_analyses
from ctxvec.morphology._rules import first_piece_edges
from ctxvec.store import normalize_word

SEED = 19
VALIDATION_SEED = 20
PIECE_LETTERS = 5  # the refined first-wordpiece rule: the shared piece is a whole word of 5+ letters
LABELLED = Path(__file__).resolve().parent / "data" / "family_pairs.tsv"
N_WORDS = 600
PER_RULE = 40
MIN_COUNT = 5
STORE = Path("/work/stores/wiki.store")


def vocabulary(store: Path) -> Counter[str]:
    tokens = pq.read_table(store / "rows.parquet", columns=["token"]).column("token").to_pylist()
    return Counter(normalize_word(t) for t in tokens)


def first_pieces(words: list[str]) -> tuple[list[str], list[int]]:
    from ctxvec.encoding._models import load_tokenizer, resolve_model

    tok = load_tokenizer(resolve_model(None))
    enc = tok(words, add_special_tokens=False)["input_ids"]
    pieces = [tok.convert_ids_to_tokens(ids[:1])[0] if ids else "" for ids in enc]
    return pieces, [len(ids) for ids in enc]


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    validate = "--validate" in sys.argv  # a fresh sample (seed VALIDATION_SEED) of the refined first-wordpiece rule
    store = Path(args[0]) if args else STORE
    counts = vocabulary(store)
    words = sorted(counts)
    wordlike = [w for w in words if counts[w] >= MIN_COUNT and w.isascii() and w.isalpha() and len(w) >= 3]
    rng = np.random.default_rng(VALIDATION_SEED if validate else SEED)
    drawn = [wordlike[i] for i in rng.choice(len(wordlike), size=N_WORDS, replace=False)]
    fams = Families.of(words)
    alpha = [w for w in words if w.isascii() and w.isalpha()]
    pieces, n = first_pieces(alpha)
    fams.edges += first_piece_edges(alpha, pieces, n, min_letters=PIECE_LETTERS if validate else 3)
    if validate:
        fams.edges = [e for e in fams.edges if e[2] == "first-wordpiece"]
        labelled = {tuple(line.split("\t")[:2]) for line in LABELLED.read_text().splitlines()[1:]}
    by_rule: dict[str, list[tuple[str, str, str]]] = {}
    nbr_index: dict[str, dict[str, set[str]]] = {}
    for a, b, rule in fams.edges:
        nbr_index.setdefault(a, {}).setdefault(b, set()).add(rule)
        nbr_index.setdefault(b, {}).setdefault(a, set()).add(rule)
    by_analysis: dict[str, list[str]] = {}
    for w in words:
        for base in lemma_analyses(w):
            by_analysis.setdefault(base, []).append(w)
    vocab = set(words)
    for w in drawn:
        found: dict[str, set[str]] = {}
        bases = set(lemma_analyses(w))
        for node in {w} | bases:
            for other, rules in nbr_index.get(node, {}).items():
                found.setdefault(other, set()).update(rules)
        for base in bases:
            for v in by_analysis.get(base, []):
                found.setdefault(v, set()).add("inflection")
        for c, rules in sorted(found.items()):
            if c in vocab and c != w and not (validate and ((w, c) in labelled or "inflection" in rules)):
                row = (w, c, ",".join(sorted(rules)))
                for rule in rules:
                    by_rule.setdefault(rule, []).append(row)
    chosen: dict[tuple[str, str], str] = {}
    for rule in sorted(by_rule):
        rows = by_rule[rule]
        take = rng.choice(len(rows), size=min(PER_RULE, len(rows)), replace=False)
        for i in sorted(take):
            chosen[(rows[i][0], rows[i][1])] = rows[i][2]
    print("word\tcandidate\trules\tlabel")
    for (w, c), rules in sorted(chosen.items()):
        print(f"{w}\t{c}\t{rules}\t")
    print(
        f"{len(drawn)} words, {len(chosen)} pairs; per rule: "
        + ", ".join(f"{r} {len(v)}" for r, v in sorted(by_rule.items())),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
