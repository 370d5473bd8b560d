"""Morphological families: a word's inflections and derivational relatives in a vocabulary.

The family of a word is

1. its forms: the vocabulary words sharing a WordNet morphy analysis with it (bank, banks, banking);
2. one step along the edges of the kept rules (`KEPT_RULES`, chosen by the precision measured on the
   labelled pairs of ``benchmarks/data/family_pairs.tsv``, see `ctxvec.morphology._rules`: WordNet's
   derivational and pertainym links, and the words whose first wordpiece is the whole word when it has
   5+ letters) from the word or its analyses (music → musical, musician, musicologists; not from its
   other forms, which may be lemmas of their own: better is a form of good, but bet is better's
   relative, not good's), and
   a second step along WordNet pertainym links only (musical → musically);
3. the inflections of every word reached (musicians), as a lemma of its own when it is one.

`store_families(store)` computes the edges once per store and keeps them in ``families.parquet``
(its record: the rows table's checksum, the rules' version and which rules were computed; rows, not
vectors, decide words), like ``lemmas.parquet``.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..results import JSON
from ..store import normalize_word
from ._lemmas import StoreLemmas, lemma_analyses, store_lemmas, wordnet_morphology
from ._pieces import first_pieces, store_tokenizer_folder
from ._rules import Edge, affix_edges, first_piece_edges, wordnet_edges
from ._tables import read_recorded, write_recorded
from ._wordnet import wordnet_links

if TYPE_CHECKING:
    from ..store import Store

#: Version of the family rules (recorded in every family cache; bump when the rules change).
FAMILY_RULES_VERSION = "families/2"
FAMILIES_FILE = "families.parquet"
RECORD_KEY = b"ctxvec.families_record"
#: The rules whose precision on the labelled pairs (benchmarks/data/family_pairs.tsv) reached 0.85: the
#: WordNet links (0.99, 1.00) and the first wordpiece when it is a whole word of 5+ letters (0.875 on a
#: held-out sample); the affix and compound rules (0.51-0.75) are computed but not used.
KEPT_RULES = ("wordnet-derivation", "wordnet-pertainym", "first-wordpiece")
#: The fewest letters of a word whose first-wordpiece relatives are family (3 and 4 letters: 0.71 together).
PIECE_LETTERS = 5
#: The rules a store's cache computes (first-wordpiece only with the store's tokenizer on this machine).
COMPUTED_RULES = ("wordnet-derivation", "wordnet-pertainym", "suffix", "suffix-wordnet", "prefix", "compound",
                  "compound-second", "first-wordpiece")  # fmt: skip
SECOND_STEP = ("wordnet-pertainym",)


def _known(word: str) -> bool:
    """True when `word` or one of its base forms is a WordNet 3.0 entry."""
    entries = wordnet_morphology().entries
    return word in entries or lemma_analyses(word)[0] in entries


def compute_edges(
    words: Iterable[str], analyses: Sequence[tuple[str, ...]], tokenizer: str | None = None
) -> list[Edge]:
    """Every `COMPUTED_RULES` edge among `words` (n,) with their morphy `analyses` (n,); first-wordpiece
    edges only with a `tokenizer` (a local model folder)."""
    words = [str(w) for w in words]
    links = wordnet_links()
    bases = {b for a in analyses for b in a} | set(words)
    edges = wordnet_edges(links, bases) + affix_edges(words, _known, links)
    if tokenizer is not None:
        alpha = [w for w in words if w.isascii() and w.isalpha()]
        pieces, n = first_pieces(tokenizer, alpha)
        edges += first_piece_edges(alpha, pieces, n, PIECE_LETTERS)
    return edges


@dataclass
class Families:
    """Morphological families over a vocabulary: `words` (n,) sorted, `analyses` (n,) each word's morphy
    analyses, `edges` (word, word, rule) found by the rules; `rules` the rules families use."""

    words: np.ndarray
    analyses: list[tuple[str, ...]]
    edges: list[Edge]
    rules: tuple[str, ...] = KEPT_RULES
    record: JSON = field(default_factory=dict)

    @classmethod
    def of(cls, words: Iterable[str], rules: Sequence[str] = KEPT_RULES, tokenizer: str | None = None) -> Families:
        """Families over any list of words (computed now: a few seconds per 100k words); first-wordpiece
        relatives only with `tokenizer` (a local model folder)."""
        arr = np.asarray(sorted({normalize_word(str(w)) for w in words}), dtype=object)
        analyses = [lemma_analyses(str(w)) for w in arr]
        return cls(arr, analyses, compute_edges(arr, analyses, tokenizer), tuple(rules))

    def using(self, rules: Sequence[str]) -> Families:
        """The same edges, families by `rules` (e.g. to measure one rule)."""
        return Families(self.words, self.analyses, self.edges, tuple(rules), self.record)

    @cached_property
    def _by_analysis(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, bases in enumerate(self.analyses):
            for base in bases:
                out.setdefault(base, []).append(i)
        return out

    @cached_property
    def _neighbours(self) -> dict[str, dict[str, list[str]]]:
        """node -> {neighbour: the rules linking them} over the edges of `rules` (in `rules`' order)."""
        out: dict[str, dict[str, list[str]]] = {}
        order = {rule: i for i, rule in enumerate(self.rules)}
        for a, b, rule in sorted((e for e in self.edges if e[2] in order), key=lambda e: order[e[2]]):
            out.setdefault(a, {}).setdefault(b, []).append(rule)
            out.setdefault(b, {}).setdefault(a, []).append(rule)
        return out

    def _find(self, word: str) -> int:
        i = int(np.searchsorted(self.words.astype(str), word))
        return i if i < len(self.words) and self.words[i] == word else -1

    def _bases(self, word: str) -> list[str]:
        """`word`'s WordNet analyses (its lemmas)."""
        i = self._find(word)
        return list(self.analyses[i] if i >= 0 else lemma_analyses(word))

    def _forms(self, word: str) -> set[str]:
        """`word`, its analyses, and the vocabulary words sharing one."""
        bases = self._bases(word)
        out = {word, *bases}
        out.update(str(self.words[j]) for base in bases for j in self._by_analysis.get(base, ()))
        return out

    def _inflections(self, node: str) -> set[str]:
        """The forms of a word reached by a link: the words analysed as `node` when it is a lemma (bet:
        bets, betting -- not better's other lemmas good and well), else `node`'s forms."""
        if node in self._by_analysis:
            return {node, *(str(self.words[j]) for j in self._by_analysis[node])}
        return self._forms(node)

    @cached_property
    def _memo(self) -> dict[str, dict[str, str]]:
        return {}

    def relatives(self, word: str) -> dict[str, str]:
        """Every member of `word`'s family (case-folded) -> how it is related: ``word``, ``form``
        (inflection) or the rule that reached it. Members may lie outside the vocabulary (base forms)."""
        key = normalize_word(word)
        if key not in self._memo:
            self._memo[key] = self._relatives(key)
        return self._memo[key]

    def _relatives(self, key: str) -> dict[str, str]:
        out = dict.fromkeys(sorted(self._forms(key)), "form")
        out[key] = "word"
        nbrs = self._neighbours
        first: dict[str, str] = {}
        for node in sorted({key, *self._bases(key)}):  # not from other forms: better is good's, bet is not
            for other, rules in nbrs.get(node, {}).items():
                first.setdefault(other, rules[0])
        second: dict[str, str] = {}
        for node in first:
            for other, rules in nbrs.get(node, {}).items():
                step = [r for r in rules if r in SECOND_STEP]
                if step:
                    second.setdefault(other, step[0])
        for node, rule in [*first.items(), *second.items()]:
            for member in sorted(self._inflections(node)):
                out.setdefault(member, rule)
        return out

    def family(self, word: str) -> list[str]:
        """The vocabulary words of `word`'s family (the word included when present), sorted."""
        members = self.relatives(word)
        return [m for m in sorted(members) if self._find(m) >= 0]

    def ids(self, word: str) -> np.ndarray:
        """(f,) sorted indices into `words` of `word`'s family."""
        return np.asarray(sorted(self._find(m) for m in self.family(word)), dtype=np.int64)

    def mask(self, vocabulary: np.ndarray, of: Iterable[str]) -> np.ndarray:
        """(n,) bool over `vocabulary` (n,): True for members of the family of any word in `of`."""
        members: set[str] = set()
        for w in of:
            members.update(self.relatives(w))
        return np.fromiter((normalize_word(str(v)) in members for v in vocabulary), dtype=bool, count=len(vocabulary))


# ---- a store's families ------------------------------------------------------------------------
def families_record(store: Store) -> JSON:
    """What a store's family cache is built from: the rows table, the rules and their version."""
    from ..store import ROWS

    return {
        "rows_sha256": (store.manifest.get("checksums") or {}).get(ROWS),
        "n_rows": store.n_rows,
        "version": FAMILY_RULES_VERSION,
        "rules": list(COMPUTED_RULES),
        "tokenizer": store.manifest.get("model", {}).get("weights_sha256")
        if store_tokenizer_folder(store) is not None
        else None,
    }


def _load(path: Path, record: JSON, lemmas: StoreLemmas) -> Families | None:
    table = read_recorded(path, RECORD_KEY, record)
    if table is None:
        return None
    cols = [table.column(c).to_pylist() for c in ("a", "b", "rule")]
    edges = [(str(a), str(b), str(r)) for a, b, r in zip(*cols, strict=True)]
    return Families(lemmas.words, lemmas.analyses, edges, KEPT_RULES, record)


def _save(families: Families, path: Path) -> None:
    import pyarrow as pa

    a, b, rule = zip(*families.edges, strict=True) if families.edges else ((), (), ())
    columns = {"a": pa.array(a, pa.string()), "b": pa.array(b, pa.string()), "rule": pa.array(rule, pa.string())}
    write_recorded(columns, path, RECORD_KEY, families.record)


_KEPT: weakref.WeakKeyDictionary[Store, Families] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def store_families(store: Store, cache: bool = True) -> Families:
    """The families of `store`'s vocabulary: kept with the open store, and in the store folder as
    ``families.parquet`` (rebuilt when its record is not current; not written when `cache` is false or
    the folder is read-only)."""
    lemmas = store_lemmas(store, cache)
    with _LOCK:
        kept = _KEPT.get(store)
        record = families_record(store)
        if kept is not None and kept.record == record:
            return kept
        path = store.path / FAMILIES_FILE
        families = _load(path, record, lemmas)
        if families is None:
            edges = compute_edges(lemmas.words, lemmas.analyses, store_tokenizer_folder(store))
            families = Families(lemmas.words, lemmas.analyses, edges, KEPT_RULES, record)
            if cache and store.writable:  # a read-only store: the families stay in memory
                with contextlib.suppress(OSError):
                    _save(families, path)
        _KEPT[store] = families
        return families


def family_words(store: Store, word: str) -> frozenset[str]:
    """The case-folded members of `word`'s morphological family in `store` (the word, its inflections and
    derivational relatives; base forms outside the vocabulary included): what a neighbour list leaves out."""
    return frozenset(store_families(store).relatives(word))
