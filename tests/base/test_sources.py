"""ctxvec.sources: arrays and transformed views behave as the store does."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ctxvec.sources import ArraySource, TransformedSource, VectorSource, as_source


class Shift:
    def __init__(self, by: float):
        self.by = by

    def transform(self, X: np.ndarray) -> np.ndarray:
        return np.asarray(X) + self.by


@given(n=st.integers(1, 50), dim=st.integers(1, 8), block=st.integers(1, 20))
def test_blocks_cover_every_row_once_in_order(n: int, dim: int, block: int) -> None:
    x = np.arange(n * dim, dtype=np.float16).reshape(n, dim)
    src = ArraySource(x)
    starts, blocks = zip(*src.iter_blocks(block), strict=True)
    assert list(starts) == list(range(0, n, block))
    np.testing.assert_array_equal(np.concatenate(blocks), x.astype(np.float32))
    assert all(b.dtype == np.float32 for b in blocks)


def test_get_vectors_shapes_and_dtypes() -> None:
    x = np.random.default_rng(0).normal(size=(6, 3))
    src = ArraySource(x)
    assert isinstance(src, VectorSource)
    assert src.get_vectors(2).shape == (1, 3)
    assert src.get_vectors([0, 5]).dtype == np.float64  # float64 stays float64
    assert ArraySource(x.astype(np.float16)).get_vectors(slice(0, 2)).dtype == np.float32


def test_transformed_source_applies_the_map_everywhere() -> None:
    x = np.ones((5, 2), dtype=np.float32)
    t = TransformedSource(ArraySource(x), Shift(2.0))
    assert (t.n_rows, t.dim) == (5, 2)
    np.testing.assert_array_equal(t.get_vectors([1]), [[3.0, 3.0]])
    assert all(np.all(b == 3.0) for _, b in t.iter_blocks(2))


def test_as_source_wraps_arrays_and_passes_sources_through() -> None:
    src = ArraySource(np.zeros((2, 2)))
    assert as_source(src) is src
    assert as_source(np.zeros((3, 4))).dim == 4
