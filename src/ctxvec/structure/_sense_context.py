"""The context of a word's occurrences, as the WordNet evidence reads it: the words around each occurrence
(a window of `WINDOW` tokens each side, inside its sentence) and its part of speech (`guess_pos`).

`store_contexts` reads them for store rows (the rows of one sentence are consecutive in a store);
`sentence_context` for a new sentence's tokens; `items_for` pools them per sense into `Items`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._sense_evidence import WINDOW, Items, content_lemmas, pos_summary
from ._sense_pos import guess_pos

if TYPE_CHECKING:
    from ..store import Store


def sentence_context(tokens: list[str], i: int, own: frozenset[str]) -> tuple[str, set[str]]:
    """(part of speech, content lemmas within `WINDOW` tokens) of ``tokens[i]``."""
    window = tokens[max(0, i - WINDOW) : i] + tokens[i + 1 : i + 1 + WINDOW]
    return guess_pos(tokens, i), content_lemmas(window, own)


def store_contexts(store: Store, rows: np.ndarray, own: frozenset[str]) -> tuple[list[str], list[set[str]]]:
    """Parts of speech (n,) and context lemmas (n,) of the occurrences at store `rows` (n,)."""
    tokens, sids = store.tokens, store.sentence_ids
    n_rows = store.n_rows
    tags: list[str] = []
    bags: list[set[str]] = []
    for r in np.asarray(rows, dtype=np.int64):
        lo, hi = max(0, int(r) - WINDOW - 2), min(n_rows, int(r) + WINDOW + 3)
        same = np.flatnonzero(sids[lo:hi] == sids[r])
        words = [str(t) for t in tokens[lo:hi][same]]
        tag, bag = sentence_context(words, int(r) - lo - int(same[0]), own)
        tags.append(tag)
        bags.append(bag)
    return tags, bags


def items_for(
    residuals: np.ndarray,
    labels: np.ndarray,
    k: int,
    tags: list[str],
    bags: list[set[str]],
    extra: list[list[str]] | None = None,
) -> Items:
    """`Items` for `k` senses: residuals (k, dim) (each sense's mean contextual part), each sense's context
    lemmas weighted by the share of its occurrences (n,) (`labels`) they appear near, plus `extra[s]`
    (the sense's nearest words) at weight 1/2, and its part-of-speech shares."""
    out_bags: list[dict[str, float]] = []
    shares = np.zeros((k, 4))
    decided = np.zeros(k)
    for s in range(k):
        members = np.flatnonzero(labels == s)
        counts: dict[str, float] = {}
        for i in members:
            for w in bags[i]:
                counts[w] = counts.get(w, 0.0) + 1.0
        bag = {w: c / max(len(members), 1) for w, c in counts.items()}
        for w in extra[s] if extra else []:
            bag[w] = max(bag.get(w, 0.0), 0.5)
        out_bags.append(bag)
        shares[s], decided[s] = pos_summary([tags[i] for i in members])
    return Items(np.asarray(residuals, dtype=np.float64), out_bags, shares, decided)
