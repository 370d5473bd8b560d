"""Word-type vectors: the mean of each word's occurrences (Bommasani et al. 2020).

Computed by one streaming pass over the store (a sparse word-by-row indicator times each
block of vectors), cached inside the store as ``types.npy`` + ``types.parquet``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import scipy.sparse as sp

from .errors import CtxvecError
from .store import Store, normalize_word


@dataclass
class WordTypes:
    """Word-type vectors: words (n_words,), counts (n_words,), vectors (n_words, dim) float32."""

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

    def select(self, mask: np.ndarray) -> WordTypes:
        """The subset of types where `mask` (n_words,) is true."""
        return WordTypes(self.words[mask], self.counts[mask], self.vectors[mask])


def _cache_names(store: Store) -> tuple[str, str]:
    tid = store.manifest.get("transform_id") if store.transform is not None else None
    suffix = f".{tid}" if tid else ""
    return f"types{suffix}.npy", f"types{suffix}.parquet"


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


def word_types(store: Store, min_count: int = 1, cache: bool = True) -> WordTypes:
    """Word-type vectors of `store` for words with at least `min_count` occurrences (cached on disk)."""
    if min_count < 1:
        raise CtxvecError(f"min_count must be at least 1, got {min_count}")
    vec_name, tab_name = _cache_names(store)
    vpath, tpath = store.path / vec_name, store.path / tab_name
    if vpath.is_file() and tpath.is_file():
        table = pq.read_table(tpath)
        wt = WordTypes(
            np.asarray(table.column("word").to_pylist(), dtype=object),
            table.column("count").to_numpy(),
            np.load(vpath),
        )
    else:
        wt = compute_word_types(store)
        if cache:
            tmp = vpath.with_name(vpath.name + ".tmp.npy")
            np.save(tmp, wt.vectors)
            os.replace(tmp, vpath)
            ttmp = tpath.with_name(tpath.name + ".tmp")
            pq.write_table(pa.table({"word": list(wt.words), "count": wt.counts}), ttmp)
            os.replace(ttmp, tpath)
    return wt if min_count == 1 else wt.select(wt.counts >= min_count)
