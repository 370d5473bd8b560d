"""Choosing query occurrences: every occurrence of a word, one row, the word in one stored
sentence, or the word inside a new sentence embedded on the fly with the store's own model.

Shared by `similar`, `decompose` and occurrence-level `analogy`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import CtxvecError, ParameterError
from .store import Occurrence, Store, normalize_word


@dataclass
class Queries:
    """Query occurrences: rows (k,) int64 (-1 for a new sentence), vectors (k, dim) float32
    (the store's in-place transform applied), their occurrences, and the word asked for."""

    rows: np.ndarray
    vectors: np.ndarray
    occurrences: list[Occurrence]
    word: str | None = None

    def __len__(self) -> int:
        return len(self.rows)


def select_queries(
    store: Store,
    word: str | None = None,
    *,
    sentence: int | None = None,
    row: int | None = None,
    in_sentence: str | None = None,
    limit: int | None = None,
    device: str = "auto",
) -> Queries:
    """The query occurrences described by the arguments (see module docstring)."""
    if limit is not None and limit < 1:
        raise ParameterError("limit", f"{{name}} must be at least 1, got {limit}")
    chosen = sum(x is not None for x in (sentence, row, in_sentence))
    if chosen > 1:
        raise CtxvecError("choose at most one of sentence, row and in_sentence")
    if row is not None:
        occ = store.occurrence(row)
        if word is not None and normalize_word(occ.token) != normalize_word(word):
            raise CtxvecError(f"row {row} is {occ.token!r}, not {word!r}; drop the word or pick another row")
        return Queries(np.array([row], dtype=np.int64), store.get_vectors([row]), [occ], occ.token)
    if word is None:
        raise ParameterError("word", "{name} is missing: give a word (or a row)")
    if in_sentence is not None:
        return _in_new_sentence(store, word, in_sentence, limit, device)
    if sentence is not None:
        rows = store.rows_of_sentence(sentence)
        key = normalize_word(word)
        rows = rows[[normalize_word(t) == key for t in store.tokens[rows]]] if len(rows) else rows
        if len(rows) == 0:
            words = " ".join(str(t) for t in store.tokens[store.rows_of_sentence(sentence)][:30])
            raise CtxvecError(f"{word!r} does not occur in sentence {sentence} ({words!r}); pick another sentence")
    else:
        rows = store.occurrences(word)
    rows = rows[:limit] if limit is not None else rows
    return Queries(rows.astype(np.int64), store.get_vectors(rows), [store.occurrence(int(r)) for r in rows], word)


def _in_new_sentence(store: Store, word: str, text: str, limit: int | None, device: str) -> Queries:
    if not text.strip():
        raise ParameterError("in_sentence", "{name} needs a non-empty sentence")
    with store.encoder_lock:  # one tokenize + forward pass at a time (fast tokenizers are not thread-safe)
        enc = store.encoder(device=device)
        batch = enc([text])
    key = normalize_word(word)
    hits = [i for i, t in enumerate(batch.tokens) if normalize_word(t) == key]
    if not hits:
        raise CtxvecError(f"{word!r} is not a {enc.spec.unit} of {text!r} (its units: {' '.join(batch.tokens)})")
    hits = hits[:limit] if limit is not None else hits
    # into the store's space (and dtype) so the vector equals the one the sentence would get in the store
    vectors = store.map_encoded(batch.vectors[hits])
    occs = [
        Occurrence(
            -1, -1, int(batch.positions[i]), batch.tokens[i], int(batch.spans[i, 0]), int(batch.spans[i, 1]), text
        )
        for i in hits
    ]
    return Queries(np.full(len(hits), -1, dtype=np.int64), vectors, occs, word)
