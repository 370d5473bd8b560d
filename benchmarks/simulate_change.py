"""Simulated semantic change: two corpora in which pseudo-words change their usage by a planted amount.

    python benchmarks/simulate_change.py OUT.jsonl [--targets 40] [--per-side 30] [--seed 0]

Pseudo-words (Schlechtweg & Schulte im Walde 2020; Shoemark et al. 2019): two real words w1, w2 are
merged into one new token ``w1xw2``. Side A draws its sentences of the pseudo-word from w1's sentences with
probability p_A and from w2's with 1 - p_A; side B with p_B. The planted change of the target is
|p_A - p_B|; the baseline mixture p_A is drawn at random, so a word's diversity (how mixed it is) varies
independently of its change. Every sentence is used once (no sentence on both sides, none for two targets),
and each word's sentences are split in halves, one for each side, before drawing.

Library-independent: `simulate(sentences, ...)` takes plain strings and uses the standard library only;
`main` reads the sentences from a text file (one a line) or, by default, from ctxvec's built-in wiki and
Lee corpora. Output: one JSON line per sentence {"text", "side" ("a"/"b"), "target", "source" (the real
word replaced)}, and beside it
``OUT.targets.tsv`` (pseudo-word, w1, w2, p_A, p_B, planted change).
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

WORD = re.compile(r"[a-z]+")
STOP = set(
    [
        "that",
        "with",
        "from",
        "this",
        "were",
        "have",
        "which",
        "their",
        "there",
        "been",
        "also",
        "they",
        "when",
        "other",
        "after",
        "into",
        "more",
        "than",
        "only",
        "most",
        "such",
        "some",
        "these",
        "first",
        "many",
        "would",
        "about",
        "between",
        "where",
        "while",
        "during",
        "over",
        "then",
        "those",
        "them",
        "being",
        "each",
        "could",
        "made",
        "under",
        "well",
        "both",
        "used",
        "time",
        "year",
        "years",
        "known",
        "later",
        "until",
        "like",
        "part",
        "since",
        "through",
        "before",
        "including",
    ]
)


@dataclass(frozen=True)
class Target:
    """One pseudo-word: the token, its two source words, the share of w1 on each side, the planted change."""

    token: str
    w1: str
    w2: str
    p_a: float
    p_b: float

    @property
    def change(self) -> float:
        return abs(self.p_a - self.p_b)


def word_sentences(sentences: list[str]) -> dict[str, list[int]]:
    """Lower-case alphabetic word -> indices of the sentences containing it (each sentence once)."""
    out: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sentences):
        for w in set(WORD.findall(s.lower())):
            out[w].append(i)
    return out


def pick_words(index: dict[str, list[int]], n: int, need: int, rng: random.Random) -> list[str]:
    """`n` distinct content words (>= 4 letters, no stop word) with at least `need` and at most 20·`need`
    sentences, none a prefix of another (no inflections of one stem), drawn with `rng`."""
    pool = sorted(w for w, s in index.items() if len(w) >= 4 and w not in STOP and need <= len(s) <= 20 * need)
    rng.shuffle(pool)
    chosen: list[str] = []
    for w in pool:
        if all(not (w.startswith(c[:4]) or c.startswith(w[:4])) for c in chosen):
            chosen.append(w)
            if len(chosen) == n:
                return chosen
    raise ValueError(f"only {len(chosen)} usable words with at least {need} sentences; lower per_side")


def simulate(
    sentences: list[str], n_targets: int = 40, per_side: int = 30, seed: int = 0
) -> tuple[list[dict[str, str]], list[Target]]:
    """The two sides' sentences (records with text, side, target) and the targets (module doc). Planted
    changes are evenly spaced over [0, 1], shuffled over the pairs."""
    rng = random.Random(seed)
    index = word_sentences(sentences)
    words = pick_words(index, 2 * n_targets, 2 * per_side, rng)
    changes = [i / (n_targets - 1) for i in range(n_targets)]
    rng.shuffle(changes)
    used: set[int] = set()
    records: list[dict[str, str]] = []
    targets: list[Target] = []
    for i in range(n_targets):
        w1, w2 = words[2 * i], words[2 * i + 1]
        delta = changes[i]
        p_a = rng.uniform(0.0, 1.0 - delta)
        p_a, p_b = (p_a, p_a + delta) if rng.random() < 0.5 else (p_a + delta, p_a)
        token = f"{w1}x{w2}"
        halves = {}
        for w in (w1, w2):
            free = [s for s in index[w] if s not in used]
            rng.shuffle(free)
            halves[w] = (free[: len(free) // 2], free[len(free) // 2 :])
        for side, p, k in (("a", p_a, 0), ("b", p_b, 1)):
            n1 = round(p * per_side)
            picks = [(w1, s) for s in halves[w1][k][:n1]] + [(w2, s) for s in halves[w2][k][: per_side - n1]]
            for w, s in picks:
                used.add(s)
                text = re.sub(rf"\b{w}\b", token, sentences[s], flags=re.IGNORECASE)
                records.append({"text": text, "side": side, "target": token, "source": w})
        targets.append(Target(token, w1, w2, p_a, p_b))
    rng.shuffle(records)
    return records, targets


def write(records: list[dict[str, str]], targets: list[Target], out: Path) -> Path:
    """The corpus as JSON lines at `out` and the targets at ``OUT.targets.tsv`` (returned)."""
    out.write_text("".join(json.dumps(r) + "\n" for r in records))
    tsv = out.with_suffix(".targets.tsv")
    lines = ["token\tw1\tw2\tp_a\tp_b\tchange"]
    lines += [f"{t.token}\t{t.w1}\t{t.w2}\t{t.p_a:.4f}\t{t.p_b:.4f}\t{t.change:.4f}" for t in targets]
    tsv.write_text("\n".join(lines) + "\n")
    return tsv


def builtin_sentences() -> list[str]:
    """The sentences of ctxvec's built-in wiki and Lee corpora (the only use of ctxvec here)."""
    from ctxvec.corpus import read_corpus

    return [*read_corpus("wiki").texts, *read_corpus("lee").texts]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--sentences", type=Path, default=None, help="text file, one sentence a line (default wiki+lee)")
    ap.add_argument("--targets", type=int, default=40)
    ap.add_argument("--per-side", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    sentences = args.sentences.read_text().splitlines() if args.sentences else builtin_sentences()
    records, targets = simulate(sentences, args.targets, args.per_side, args.seed)
    tsv = write(records, targets, args.out)
    print(f"{len(records)} sentences, {len(targets)} targets -> {args.out}, {tsv}")


if __name__ == "__main__":
    main()
