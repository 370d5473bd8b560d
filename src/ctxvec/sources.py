"""Where operations read vectors from: one interface for a store, in-memory arrays, or either
seen through a fitted transform.

Every operation reads through `VectorSource`: ``n_rows``, ``dim``, ``get_vectors(rows)`` and
``iter_blocks(block_rows)``, both returning float32 (float64 arrays stay float64). `Store`
satisfies it; `ArraySource` wraps arrays; `TransformedSource` applies a transform on the fly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

import numpy as np

Rows = np.ndarray | list[int] | slice
"""Row selector: an index array, a list of ints, or a slice."""


@runtime_checkable
class VectorSource(Protocol):
    """Anything operations can read (n_rows, dim) vectors from."""

    @property
    def n_rows(self) -> int: ...

    @property
    def dim(self) -> int: ...

    def get_vectors(self, rows: Rows) -> np.ndarray:
        """(k, dim) float32 (or float64) vectors of `rows`."""
        ...

    def iter_blocks(self, block_rows: int = 65536) -> Iterator[tuple[int, np.ndarray]]:
        """Yield (start_row, (b, dim) block) over all rows, in order."""
        ...


class VectorMap(Protocol):
    """A fitted map of vectors: ``transform((k, dim_in)) -> (k, dim_out)`` (scikit-learn transformers)."""

    def transform(self, X: np.ndarray) -> np.ndarray: ...


class ArraySource:
    """In-memory (n_rows, dim) vectors as a `VectorSource`."""

    def __init__(self, vectors: np.ndarray):
        v = np.asarray(vectors)
        if v.ndim != 2:
            raise ValueError(f"vectors must be 2-D (n_rows, dim), got shape {v.shape}")
        self.vectors = v

    @property
    def n_rows(self) -> int:
        return int(self.vectors.shape[0])

    @property
    def dim(self) -> int:
        return int(self.vectors.shape[1])

    def get_vectors(self, rows: Rows) -> np.ndarray:
        """(k, dim) vectors of `rows`: float64 when the arrays are float64, float32 otherwise."""
        v = np.asarray(self.vectors[rows])
        if v.ndim == 1:
            v = v[None, :]
        return v if v.dtype == np.float64 else v.astype(np.float32)

    def iter_blocks(self, block_rows: int = 65536) -> Iterator[tuple[int, np.ndarray]]:
        for start in range(0, self.n_rows, block_rows):
            yield start, self.get_vectors(slice(start, start + block_rows))


class TransformedSource:
    """`source` seen through fitted `transform`, applied block by block on the fly."""

    def __init__(self, source: VectorSource, transform: VectorMap):
        self.source = source
        self.transform = transform
        self._dim = int(np.asarray(transform.transform(np.zeros((1, source.dim), np.float32))).shape[1])

    @property
    def n_rows(self) -> int:
        return self.source.n_rows

    @property
    def dim(self) -> int:
        return self._dim

    def get_vectors(self, rows: Rows) -> np.ndarray:
        return np.asarray(self.transform.transform(self.source.get_vectors(rows)), dtype=np.float32)

    def iter_blocks(self, block_rows: int = 65536) -> Iterator[tuple[int, np.ndarray]]:
        for start, block in self.source.iter_blocks(block_rows):
            yield start, np.asarray(self.transform.transform(block), dtype=np.float32)


def as_source(data: VectorSource | np.ndarray) -> VectorSource:
    """`data` itself when it is a `VectorSource`, else an `ArraySource` over the (n_rows, dim) array."""
    return data if isinstance(data, VectorSource) else ArraySource(np.asarray(data))
