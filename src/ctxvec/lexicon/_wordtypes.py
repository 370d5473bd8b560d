"""Word-type vectors: the mean of each word's occurrences (Bommasani et al. 2020).

Computed by one streaming pass over the store (a sparse word-by-row indicator times each
block of vectors), cached inside the store as ``types.npy`` + ``types.parquet`` (``types.<transform
id>.*`` under an in-place transform); the table's metadata holds the store's `vectors_record`, and
a cache whose record is not current (`Store.is_current`) is rebuilt.

Words the corpus lacks can get *decontextualized* vectors: the word embedded alone, as a
one-word sentence, with the store's own encoder (the mean of its rows when the encoder
splits it). They are kept raw in ``decontextualized.npy`` + ``decontextualized.parquet``
(the store's transform is applied when they are loaded) and carry a count of 0.
"""

from __future__ import annotations

import difflib
import json
import os
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from .._io import atomic_path, save_npy_atomic
from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result
from ..store import Store, normalize_word, writes_store

if TYPE_CHECKING:
    from ..encoding import BatchEncoder

DECONTEXT_VECTORS = "decontextualized.npy"
DECONTEXT_TABLE = "decontextualized.parquet"
#: Key of the parquet schema metadata holding the `Store.vectors_record` a word-type cache was built from.
RECORD_KEY = b"ctxvec.vectors_record"


@dataclass
class WordTypes:
    """Word-type vectors: words (n_words,) sorted, counts (n_words,), vectors (n_words, dim) float32.

    A count of 0 marks a decontextualized vector (the word embedded alone, absent from the corpus).
    """

    words: np.ndarray
    counts: np.ndarray
    vectors: np.ndarray

    def __len__(self) -> int:
        return len(self.words)

    def index(self, word: str) -> int:
        """Position of `word` (normalised) in `words`; CtxvecError when absent."""
        key = normalize_word(word)
        i = int(np.searchsorted(self.words, key))
        if i < len(self.words) and self.words[i] == key:
            return i
        raise CtxvecError(f"no word-type vector for {word!r}; it is not in the store or below the minimum count")

    def find(self, words: Iterable[str]) -> np.ndarray:
        """(k,) positions of `words`; one CtxvecError naming every unknown word with close matches."""
        words = list(words)
        out, unknown = [], []
        for w in words:
            key = normalize_word(w)
            i = int(np.searchsorted(self.words, key))
            if i < len(self.words) and self.words[i] == key:
                out.append(i)
            else:
                unknown.append(w)
        if unknown:
            raise CtxvecError(unknown_words_message(unknown, self.words))
        return np.asarray(out, dtype=np.int64)

    def select(self, mask: np.ndarray) -> WordTypes:
        """The subset of types where `mask` (n_words,) is true."""
        return WordTypes(self.words[mask], self.counts[mask], self.vectors[mask])

    def frequency_order(self) -> np.ndarray:
        """(n_words,) positions sorted by descending count, ties alphabetical (decontextualized last)."""
        return np.lexsort((np.arange(len(self.words)), -np.asarray(self.counts, dtype=np.int64)))

    def unit_vectors(self) -> np.ndarray:
        """(n_words, dim) float32 L2-normalised vectors (a zero vector stays zero)."""
        norms = np.linalg.norm(self.vectors, axis=1, keepdims=True)
        return (self.vectors / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def unknown_words_message(unknown: list[str], vocabulary: np.ndarray, n_close: int = 3) -> str:
    """One line naming each unknown word with up to `n_close` close words from `vocabulary`."""
    vocab = list(vocabulary)
    parts = []
    for w in unknown:
        close = difflib.get_close_matches(normalize_word(w), vocab, n=n_close, cutoff=0.6)
        parts.append(f"{w!r} (closest: {', '.join(close)})" if close else f"{w!r} (no close word)")
    noun = "word" if len(unknown) == 1 else "words"
    return (
        f"unknown {noun} {'; '.join(parts)}; check the spelling, lower min_count, or add decontextualized "
        "vectors for words the corpus lacks (`add_decontextualized`)"
    )


def vocabulary_ids(store: Store, words: Iterable[str]) -> np.ndarray:
    """(k,) vocabulary ids of those `words` (normalised) that are in `store`'s vocabulary; others are skipped."""
    ids = [store.find_word(w) for w in words]
    return np.asarray([i for i in ids if i >= 0], dtype=np.int64)


def _cache_names(store: Store) -> tuple[str, str]:
    tid = store.transform_id
    suffix = f".{tid}" if tid else ""
    return f"types{suffix}.npy", f"types{suffix}.parquet"


def _load_cache(store: Store, vpath: Path, tpath: Path) -> WordTypes | None:
    """The cached word types when both files exist and were built from the store's current vectors."""
    if not (vpath.is_file() and tpath.is_file()):
        return None
    table = pq.read_table(tpath)
    raw = (table.schema.metadata or {}).get(RECORD_KEY)
    if raw is None or not store.is_current(json.loads(raw)):
        return None
    vectors = np.load(vpath)
    if len(vectors) != table.num_rows:
        return None
    words = np.asarray(table.column("word").to_pylist(), dtype=object)
    return WordTypes(words, table.column("count").to_numpy(), vectors)


def compute_word_types(store: Store, block_rows: int = 65536) -> WordTypes:
    """Mean vector of every word type in `store` (all counts), streamed over the memory map."""
    n_words = len(store.vocabulary)
    indicator = sp.csr_matrix(
        (np.ones(store.n_rows, dtype=np.float64), (store.word_ids, np.arange(store.n_rows))),
        shape=(n_words, store.n_rows),
    )
    sums = np.zeros((n_words, store.dim), dtype=np.float64)
    for start, block in store.iter_blocks(block_rows):
        sums += indicator[:, start : start + len(block)] @ block.astype(np.float64)
    counts = store.word_counts
    vectors = (sums / counts[:, None]).astype(np.float32)
    return WordTypes(store.vocabulary.copy(), counts.copy(), vectors)


_IN_MEMORY: weakref.WeakKeyDictionary[Store, tuple[str, WordTypes]] = weakref.WeakKeyDictionary()


def word_types(store: Store, min_count: int = 1, cache: bool = True, decontextualized: bool = False) -> WordTypes:
    """Word-type vectors of `store` for words with at least `min_count` occurrences (cached on disk, or in
    memory with the open store when ctxvec may not write into it: `Store.writable`).

    With `decontextualized`, the store's decontextualized vectors (count 0, see
    `add_decontextualized`) are merged in whatever `min_count` is.
    """
    if min_count < 1:
        raise ParameterError("min_count", f"{{name}} must be at least 1, got {min_count}")
    vec_name, tab_name = _cache_names(store)
    vpath, tpath = store.path / vec_name, store.path / tab_name
    cached = _load_cache(store, vpath, tpath)
    if cached is not None:
        wt = cached
    elif (kept := _IN_MEMORY.get(store)) is not None and kept[0] == vec_name:
        wt = kept[1]
    else:
        wt = compute_word_types(store)
        if cache and store.writable:
            _save(wt.vectors, wt.words, vpath, tpath, counts=wt.counts, record=store.vectors_record())
        elif cache:  # a store ctxvec may not write into (read-only): kept with the open store instead
            _IN_MEMORY[store] = (vec_name, wt)
    if min_count > 1:
        wt = wt.select(wt.counts >= min_count)
    if decontextualized:
        extra = decontextualized_types(store)
        if len(extra):
            wt = merge_types(wt, extra)
    return wt


def merge_types(a: WordTypes, b: WordTypes) -> WordTypes:
    """Union of two WordTypes, sorted by word; `a` wins where both have a word."""
    keep = ~np.isin(b.words.astype(str), a.words.astype(str))
    words = np.concatenate([a.words, b.words[keep]])
    order = np.argsort(words.astype(str), kind="stable")
    return WordTypes(
        words[order].astype(object),
        np.concatenate([a.counts, b.counts[keep]])[order],
        np.concatenate([a.vectors, b.vectors[keep].astype(np.float32)])[order],
    )


def _save(
    vectors: np.ndarray,
    words: np.ndarray,
    vpath: Path,
    tpath: Path,
    counts: np.ndarray | None = None,
    record: JSON | None = None,
) -> None:
    """Vectors to `vpath`, then the word table (with `record` as its provenance) to `tpath`, each atomically.

    The table goes last: a crash in between leaves a table whose record or length no longer matches."""
    save_npy_atomic(vpath, vectors)
    columns: dict[str, object] = {"word": [str(w) for w in words]}
    if counts is not None:
        columns["count"] = np.asarray(counts, dtype=np.int64)
    table = pa.table(columns)
    if record is not None:
        table = table.replace_schema_metadata({RECORD_KEY: json.dumps(record, sort_keys=True).encode()})
    with atomic_path(tpath) as tmp:
        pq.write_table(table, tmp)


# ---- decontextualized vectors ------------------------------------------------------------------
def _raw_decontextualized(store: Store) -> tuple[np.ndarray, np.ndarray]:
    vpath, tpath = store.path / DECONTEXT_VECTORS, store.path / DECONTEXT_TABLE
    if not (vpath.is_file() and tpath.is_file()):
        return np.empty(0, dtype=object), np.empty((0, store.dim), dtype=np.float32)
    words = np.asarray(pq.read_table(tpath).column("word").to_pylist(), dtype=object)
    return words, np.load(vpath).astype(np.float32)


def decontextualized_types(store: Store) -> WordTypes:
    """The store's decontextualized vectors (count 0), sorted by word, transform applied."""
    words, vectors = _raw_decontextualized(store)
    if len(words):
        vectors = store.map_encoded(vectors)
    order = np.argsort(words.astype(str), kind="stable")
    return WordTypes(words[order], np.zeros(len(words), dtype=np.int64), vectors[order])


def embed_words(encoder: BatchEncoder, words: list[str], batch: int = 512) -> tuple[np.ndarray, np.ndarray]:
    """Embed each word alone with `encoder` (a BatchEncoder).

    Returns (vectors (n, dim) float32, ok (n,) bool): the mean of the rows of each one-word
    sentence; `ok` is false where the encoder made no row (the vector is then zero).
    """
    out: np.ndarray | None = None
    ok = np.zeros(len(words), dtype=bool)
    for s in range(0, len(words), batch):
        part = words[s : s + batch]
        enc = encoder(part)
        if enc.vectors.ndim != 2:
            raise CtxvecError("decontextualized vectors need a store built from one layer, not layers='all'")
        if out is None:
            out = np.zeros((len(words), enc.vectors.shape[1]), dtype=np.float32)
        idx = np.asarray(enc.sentence_index, dtype=np.int64)
        counts = np.bincount(idx, minlength=len(part))
        sums = np.zeros((len(part), enc.vectors.shape[1]), dtype=np.float64)
        np.add.at(sums, idx, enc.vectors.astype(np.float64))
        has = counts > 0
        out[s : s + len(part)][has] = (sums[has] / counts[has, None]).astype(np.float32)
        ok[s : s + len(part)] = has
    if out is None:
        out = np.zeros((0, 0), dtype=np.float32)
    return out, ok


@dataclass
class DecontextualizedResult(Result):
    """What `add_decontextualized` did: words added, words already known, words the encoder could not
    embed, and how many decontextualized vectors the store now holds."""

    added: list[str]
    known: list[str]
    failed: list[str]
    total: int

    def to_dict(self) -> JSON:
        return {"added": self.added, "already_known": len(self.known), "failed": self.failed, "total": self.total}


@writes_store("store")
def add_decontextualized(store: Store, words: Iterable[str], device: str = "auto") -> DecontextualizedResult:
    """Embed each of `words` that the corpus lacks alone, and keep the vectors in the store.

    Words already in the store's vocabulary (or already added) are left alone. Needs a store
    built by `ctxvec embed` (its model embeds the words).
    """
    known_words, vectors = _raw_decontextualized(store)
    have = set(store.vocabulary.tolist()) | set(known_words.tolist())
    todo: dict[str, str] = {}
    known: list[str] = []
    for w in words:
        w = w.strip()
        key = normalize_word(w)
        if not key:
            continue
        if key in have:
            known.append(w)
        elif key not in todo:
            todo[key] = w
    added: list[str] = []
    failed: list[str] = []
    if todo:
        with store.encoder_lock:  # one tokenize + forward pass at a time (a server shares the store)
            new, ok = embed_words(store.encoder(device), list(todo.values()))
        new = new.astype(store.vectors.dtype).astype(np.float32)  # as the store would have kept them
        keys = np.asarray(list(todo), dtype=object)
        added = [str(k) for k in keys[ok]]
        failed = [str(k) for k in keys[~ok]]
        if ok.any():
            known_words = np.concatenate([known_words, keys[ok]])
            vectors = np.concatenate([vectors.reshape(-1, new.shape[1]), new[ok]])
            _save(vectors.astype(np.float32), known_words, store.path / DECONTEXT_VECTORS, store.path / DECONTEXT_TABLE)
    return DecontextualizedResult(added, known, failed, len(known_words))


def read_words_file(path: str | os.PathLike[str]) -> list[str]:
    """Words from a text file: one or more per line, whitespace-separated; `#` starts a comment."""
    p = Path(path)
    if not p.is_file():
        raise CtxvecError(f"words file {p} does not exist; pass a text file with one word per line")
    words: list[str] = []
    try:
        text = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as e:
        raise CtxvecError(f"words file {p} is not UTF-8 text (byte {e.start}); convert it (iconv -t utf-8)") from None
    for line in text.splitlines():
        words += line.split("#", 1)[0].split()
    return words
