"""Spelling look-alikes: vocabulary words that share a query word's spelling, not (as far as the family
rules can tell) its meaning.

A word t is a look-alike of a query word q (both case-folded, t not in q's family, t ≠ q) when

- t's first wordpiece, by the store's own tokenizer, equals q's first wordpiece and it has 3+ letters
  (bank → bankhead, banknotes; good → goodkind), or
- t starts with q's lemma (3+ letters).

Not the reverse (q starting with t's lemma): that direction mostly names unrelated shorter words (plant
→ plan, planned; bank → ban, banned), and where the shorter word is q's first wordpiece (banknotes →
bank) the wordpiece rule already holds.

This is the definition ``benchmarks/bench_meaning.py`` measures as "lookalike" (it calls `is_lookalike`).
The default model's word vectors keep their first wordpiece's identity, so these words take decomposition
weight and neighbour slots for their spelling; they are left out for that reason, not as a claim that they
are related (the family rules for 3-4 letter words measured 0.71 precision, too low for "family").
`store_lookalikes(store)` computes the first wordpieces of the vocabulary once per open store (about a
second for 30k words with a fast tokenizer; nothing is written to the store).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..store import normalize_word
from ._families import Families, store_families
from ._lemmas import lemmatize, store_lemmas
from ._pieces import first_pieces, store_tokenizer_folder

if TYPE_CHECKING:
    from ..store import Store

#: The fewest letters of a shared first wordpiece or lemma prefix that makes a look-alike.
LOOKALIKE_LETTERS = 3


def is_lookalike(query: str, word: str, query_piece: str, word_piece: str) -> bool:
    """True when `word` looks like `query` by spelling (the module's definition, family not checked):
    same first wordpiece (`query_piece`, `word_piece`) of 3+ letters, or `word` starts with `query`'s lemma."""
    q, t = normalize_word(query), normalize_word(word)
    lq = lemmatize(q)
    stem = len(lq) >= LOOKALIKE_LETTERS and t.startswith(lq)
    return stem or (len(query_piece) >= LOOKALIKE_LETTERS and query_piece == word_piece)


@dataclass
class Lookalikes:
    """Spelling look-alikes over a vocabulary: `words` (n,) case-folded, `lemmas` (n,) their lemmas,
    `pieces` (n,) their first wordpieces (the word itself without a tokenizer), `families` to leave out."""

    words: np.ndarray
    lemmas: np.ndarray
    pieces: np.ndarray
    families: Families
    tokenizer: str | None = None
    _memo: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def piece(self, word: str) -> str:
        """`word`'s first wordpiece (case-folded)."""
        key = normalize_word(word)
        hits = np.flatnonzero(self.words == key)
        if len(hits):
            return str(self.pieces[hits[0]])
        if self.tokenizer is None or not key:
            return key
        return first_pieces(self.tokenizer, [key])[0][0].lower()

    def of(self, word: str) -> frozenset[str]:
        """The vocabulary's look-alikes of `word` (case-folded; its family and the word itself not included)."""
        key = normalize_word(word)
        if key not in self._memo:
            lemma = lemmatize(key)
            hit = np.zeros(len(self.words), dtype=bool)
            piece = self.piece(key)
            if len(piece) >= LOOKALIKE_LETTERS:
                hit |= self.pieces == piece
            if len(lemma) >= LOOKALIKE_LETTERS:
                hit |= np.fromiter((str(w).startswith(lemma) for w in self.words), dtype=bool, count=len(self.words))
            family = self.families.relatives(key)
            self._memo[key] = frozenset(str(w) for w in self.words[hit] if str(w) not in family and str(w) != key)
        return self._memo[key]

    def mask(self, vocabulary: np.ndarray, of: Iterable[str]) -> np.ndarray:
        """(n,) bool over `vocabulary` (n,): True for look-alikes of any word in `of`."""
        members: set[str] = set()
        for w in of:
            members.update(self.of(w))
        return np.fromiter((normalize_word(str(v)) in members for v in vocabulary), dtype=bool, count=len(vocabulary))


_KEPT: weakref.WeakKeyDictionary[Store, Lookalikes] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def store_lookalikes(store: Store) -> Lookalikes:
    """The spelling look-alikes of `store`'s vocabulary (first wordpieces computed once per open store)."""
    families = store_families(store)
    with _LOCK:
        kept = _KEPT.get(store)
        if kept is not None and kept.families is families:
            return kept
        lemmas = store_lemmas(store)
        words = np.asarray([normalize_word(str(w)) for w in lemmas.words], dtype=object)
        folder = store_tokenizer_folder(store)
        pieces = np.asarray(words, dtype=object).copy()
        if folder is not None and len(words):
            found, _ = first_pieces(folder, [str(w) for w in words])
            pieces = np.asarray([p.lower() if p else str(w) for p, w in zip(found, words, strict=True)], dtype=object)
        out = Lookalikes(words, np.asarray(lemmas.lemmas, dtype=object), pieces, families, folder)
        _KEPT[store] = out
        return out


def lookalike_words(store: Store, word: str) -> frozenset[str]:
    """The case-folded spelling look-alikes of `word` in `store`'s vocabulary (not its family)."""
    return store_lookalikes(store).of(word)
