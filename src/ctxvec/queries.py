"""Choosing query occurrences: every occurrence of a word, one row, the word in one stored
sentence, or the word inside a new sentence embedded on the fly with the store's own model.

Shared by `similar`, `decompose` and occurrence-level `analogy`.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ._batching import Batcher
from .errors import CtxvecError, ParameterError
from .store import Occurrence, Store, normalize_word

if TYPE_CHECKING:
    from .encoding import BatchEncoder

MAX_SENTENCES_PER_PASS = 32
"""New sentences asked for at the same time (a server's concurrent requests) are embedded together,
at most this many in one call of the encoder (which sorts them by length into batches)."""


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
    enc, new = encode_new_sentence(store, text, device)
    key = normalize_word(word)
    hits = [i for i, t in enumerate(new.tokens) if normalize_word(t) == key]
    if not hits:
        raise CtxvecError(f"{word!r} is not a {enc.spec.unit} of {text!r} (its units: {' '.join(new.tokens)})")
    hits = hits[:limit] if limit is not None else hits
    # into the store's space (and dtype) so the vector equals the one the sentence would get in the store
    vectors = store.map_encoded(new.vectors[hits])
    occs = [
        Occurrence(-1, -1, int(new.positions[i]), new.tokens[i], int(new.spans[i, 0]), int(new.spans[i, 1]), text)
        for i in hits
    ]
    return Queries(np.full(len(hits), -1, dtype=np.int64), vectors, occs, word)


@dataclass(frozen=True)
class NewSentence:
    """One new sentence's rows as the store's encoder gives them: raw vectors (n_rows, dim) float32,
    positions (n_rows,), tokens and character spans (n_rows, 2)."""

    vectors: np.ndarray
    positions: np.ndarray
    tokens: list[str]
    spans: np.ndarray


def encode_new_sentence(store: Store, text: str, device: str = "auto") -> tuple[BatchEncoder, NewSentence]:
    """`text` embedded with `store`'s own encoder on `device` (the store's encoder and its rows).
    Concurrent calls on one store (a server's requests) share forward passes: the sentences that
    arrive while one pass runs are encoded together in the next (`ctxvec._batching.Batcher`). Not to
    be called while holding `store.encoder_lock` (another caller's pass may be waiting for it)."""
    with store.encoder_lock:
        enc = store.encoder(device=device)
    return enc, _batcher(store, device)(text)


_BATCHERS: weakref.WeakKeyDictionary[Store, dict[str, Batcher[str, NewSentence]]] = weakref.WeakKeyDictionary()
_BATCHERS_LOCK = threading.Lock()


def _batcher(store: Store, device: str) -> Batcher[str, NewSentence]:
    with _BATCHERS_LOCK:
        by_device = _BATCHERS.setdefault(store, {})
        if device not in by_device:
            by_device[device] = Batcher(lambda texts: _encode_sentences(store, texts, device), MAX_SENTENCES_PER_PASS)
        return by_device[device]


def sentence_batcher(store: Store, device: str = "auto") -> Batcher[str, NewSentence]:
    """The batcher `encode_new_sentence` uses for `store` on `device` (its `sizes` count the passes)."""
    return _batcher(store, device)


def _encode_sentences(store: Store, texts: list[str], device: str) -> list[NewSentence]:
    with store.encoder_lock:  # one tokenize + forward pass at a time (fast tokenizers are not thread-safe)
        batch = store.encoder(device=device)(texts)
    out = []
    for i in range(len(texts)):
        rows = np.flatnonzero(batch.sentence_index == i)
        out.append(
            NewSentence(batch.vectors[rows], batch.positions[rows], [batch.tokens[r] for r in rows], batch.spans[rows])
        )
    return out
