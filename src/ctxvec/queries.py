"""Choosing query occurrences: every occurrence of a word, one row, the word in one stored
sentence, or the word inside a new sentence embedded on the fly with the store's own model.

Shared by `similar`, `decompose` and occurrence-level `analogy`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass

import numpy as np

from .errors import CtxvecError
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
        raise CtxvecError(f"--limit must be at least 1, got {limit}")
    chosen = sum(x is not None for x in (sentence, row, in_sentence))
    if chosen > 1:
        raise CtxvecError("choose at most one of --sentence, --row and --in")
    if row is not None:
        occ = store.occurrence(row)
        if word is not None and normalize_word(occ.token) != normalize_word(word):
            raise CtxvecError(f"row {row} is {occ.token!r}, not {word!r}; drop the word or pick another row")
        return Queries(np.array([row], dtype=np.int64), store.get_vectors([row]), [occ], occ.token)
    if word is None:
        raise CtxvecError("give a WORD (or --row ID)")
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
        raise CtxvecError("--in needs a non-empty sentence")
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


def add_query_arguments(parser: argparse.ArgumentParser, word_required: bool = False) -> None:
    """Add WORD, --sentence, --row, --in, --limit and --device to a subcommand's parser."""
    parser.add_argument("word", metavar="WORD", nargs=None if word_required else "?", help="the query word")
    parser.add_argument("--sentence", type=int, default=None, metavar="ID", help="only WORD in stored sentence ID")
    parser.add_argument("--row", type=int, default=None, metavar="ID", help="one occurrence: row ID of the store")
    parser.add_argument(
        "--in", dest="in_sentence", default=None, metavar="TEXT", help="WORD inside a new sentence, embedded on the fly"
    )
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="only the first N query occurrences")
    parser.add_argument("--device", default="auto", help="device for embedding --in sentences (auto, cpu, cuda, mps)")


def queries_from_args(store: Store, args: argparse.Namespace) -> Queries:
    """`select_queries` from the arguments `add_query_arguments` defined."""
    return select_queries(
        store,
        args.word,
        sentence=args.sentence,
        row=args.row,
        in_sentence=args.in_sentence,
        limit=args.limit,
        device=args.device,
    )
