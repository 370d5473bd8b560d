"""Streaming first and second moments of a `VectorSource` or an array: mean, covariance, uncentred correlation.

One pass over the vectors in blocks; every block is shifted by a fixed reference point
(the mean of the first block) and its sums and cross-products, computed per chunk of rows
(in float64 for float64 input, in float32 for float32/float16 store vectors), are added to
float64 accumulators; memory is (dim, dim) whatever the number of rows. The shift keeps the
covariance accurate when the mean is large compared with the spread (the "rogue dimensions"
of transformer embeddings).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import CtxvecError
from .sources import VectorSource


@dataclass
class Moments:
    """Moments of n vectors: mean (dim,), covariance (dim, dim) with ddof=1, correlation (dim, dim) = XᵀX / n."""

    n: int
    mean: np.ndarray
    covariance: np.ndarray
    correlation: np.ndarray

    @property
    def dim(self) -> int:
        return len(self.mean)


class MomentAccumulator:
    """Add blocks with `update(block)`; read the result with `result()`.

    Accumulates, in float64, the count, the sum of (x - shift) and the sum of
    (x - shift)ᵀ(x - shift), where `shift` is the mean of the first block.
    """

    def __init__(self, dim: int | None = None, chunk_rows: int = 8192):
        self.dim = dim
        self.chunk_rows = chunk_rows
        self.n = 0
        self.shift: np.ndarray | None = None
        self.sum: np.ndarray | None = None
        self.raw_sum = np.zeros(0)
        self.cross: np.ndarray | None = None

    def update(self, block: np.ndarray) -> MomentAccumulator:
        """Add a (b, dim) block of vectors (any float dtype)."""
        block = np.asarray(block)
        if block.ndim != 2:
            raise ValueError(f"expected a (rows, dim) block, got shape {block.shape}")
        if len(block) == 0:
            return self
        if self.shift is None:
            self.dim = self.dim or block.shape[1]
            # any reference point works; rounding it to float32 makes it exact in both compute dtypes
            self.shift = block.mean(axis=0, dtype=np.float64).astype(np.float32).astype(np.float64)
            self.sum = np.zeros(self.dim, dtype=np.float64)
            self.raw_sum = np.zeros(self.dim, dtype=np.float64)
            self.cross = np.zeros((self.dim, self.dim), dtype=np.float64)
        assert self.sum is not None and self.cross is not None
        if block.shape[1] != self.dim:
            raise ValueError(f"block has {block.shape[1]} columns, expected {self.dim}")
        # float64 input is multiplied in float64; float32/float16 input (a store) in float32, which is
        # exact enough for data of that precision and twice as fast; every chunk's sums go into float64.
        dtype: type[np.floating[Any]] = np.float64 if block.dtype == np.float64 else np.float32
        shift = self.shift.astype(dtype)
        for s in range(0, len(block), self.chunk_rows):
            y: np.ndarray = block[s : s + self.chunk_rows].astype(dtype) - shift
            self.sum += y.sum(axis=0, dtype=np.float64)
            self.raw_sum += block[s : s + self.chunk_rows].sum(axis=0, dtype=np.float64)
            self.cross += y.T @ y
        self.n += len(block)
        return self

    def result(self) -> Moments:
        """The moments of everything added so far (needs at least 2 rows)."""
        if self.n < 2 or self.shift is None or self.sum is None or self.cross is None:
            raise CtxvecError(f"need at least 2 vectors to estimate a covariance, got {self.n}")
        n, k = self.n, self.shift
        d = self.sum / n  # mean of the shifted vectors
        cov = (self.cross - n * np.outer(d, d)) / (n - 1)
        # Σ xxᵀ = Σ yyᵀ + s kᵀ + k sᵀ + n k kᵀ  with x = y + k, s = Σ y
        corr = (self.cross + np.outer(self.sum, k) + np.outer(k, self.sum)) / n + np.outer(k, k)
        return Moments(n=n, mean=self.raw_sum / n, covariance=_symmetric(cov), correlation=_symmetric(corr))


def _symmetric(a: np.ndarray) -> np.ndarray:
    out: np.ndarray = (a + a.T) / 2
    return out


def moments_of_blocks(blocks: Iterable[np.ndarray], dim: int | None = None) -> Moments:
    """Moments of the rows of all `blocks` (each (b, dim)), in one streaming pass."""
    acc = MomentAccumulator(dim)
    for block in blocks:
        acc.update(block)
    return acc.result()


def moments(source: VectorSource, block_rows: int = 16384) -> Moments:
    """Moments of every (n_rows, dim) vector of `source` (a `Store`: streamed with `iter_blocks`,
    in-place transform applied)."""
    return moments_of_blocks((block for _, block in source.iter_blocks(block_rows)), dim=source.dim)


def moments_of_array(x: np.ndarray, block_rows: int = 16384) -> Moments:
    """Moments of the rows of the (n, dim) array `x`, in blocks of `block_rows`."""
    x = np.asarray(x)
    if x.ndim != 2:
        raise CtxvecError(f"expected a (rows, dim) array, got an array of shape {x.shape}")
    return moments_of_blocks((x[s : s + block_rows] for s in range(0, len(x), block_rows)), dim=x.shape[1])


def mean(source: VectorSource, block_rows: int = 16384) -> np.ndarray:
    """(dim,) float64 mean vector of `source` (streamed)."""
    return moments(source, block_rows).mean


def covariance(source: VectorSource, block_rows: int = 16384) -> np.ndarray:
    """(dim, dim) float64 covariance (ddof=1) of `source` (streamed)."""
    return moments(source, block_rows).covariance


def correlation(source: VectorSource, block_rows: int = 16384) -> np.ndarray:
    """(dim, dim) float64 uncentred correlation XᵀX / n of `source` (streamed)."""
    return moments(source, block_rows).correlation


def eigh_desc(matrix: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (k,) in decreasing order, clipped at 0, and eigenvectors as rows (k, dim).

    Sign convention: each eigenvector is flipped so that its largest-magnitude entry is
    positive (as scikit-learn's `svd_flip`), which makes the result deterministic.
    """
    values, vectors = np.linalg.eigh(matrix)
    order = np.argsort(values)[::-1]
    values = np.clip(values[order], 0.0, None)
    comps = vectors[:, order].T.copy()
    signs = np.sign(comps[np.arange(len(comps)), np.abs(comps).argmax(axis=1)])
    signs[signs == 0] = 1.0
    return values, comps * signs[:, None]
