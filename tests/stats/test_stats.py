"""Streaming moments: equal to numpy on the whole array, whatever the blocks; accurate with a large mean."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ctxvec.errors import CtxvecError
from ctxvec.sources import ArraySource
from ctxvec.stats import (
    MomentAccumulator,
    correlation,
    covariance,
    eigh_desc,
    mean,
    moments,
    moments_of_array,
    moments_of_blocks,
)


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(2, 300),
    d=st.integers(1, 9),
    offset=st.floats(-1e3, 1e3),
    block=st.integers(1, 64),
)
def test_moments_equal_numpy_for_any_blocking(seed, n, d, offset, block):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)) * rng.uniform(0.1, 3, size=d) + offset
    m = moments_of_blocks(x[s : s + block] for s in range(0, n, block))
    assert m.n == n
    np.testing.assert_allclose(m.mean, x.mean(axis=0), rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(m.covariance, np.cov(x, rowvar=False).reshape(d, d), rtol=1e-8, atol=1e-8)
    np.testing.assert_allclose(m.correlation, x.T @ x / n, rtol=1e-9, atol=1e-6)


def test_covariance_stays_accurate_with_a_huge_mean():
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(5000, 4))
    x = noise + 1e7  # naive E[xx] - E[x]E[x] in float64 would lose every digit of the variance
    cov = moments_of_array(x, block_rows=777).covariance
    np.testing.assert_allclose(cov, np.cov(noise, rowvar=False), rtol=1e-6, atol=1e-6)


def test_float32_blocks_are_accurate_to_float32_precision_despite_a_large_mean():
    rng = np.random.default_rng(1)
    x = (rng.normal(size=(200_000, 3)) + 1000).astype(np.float32)
    m = moments_of_array(x, block_rows=1000)
    ref = x.astype(np.float64)
    assert m.mean.dtype == np.float64 and m.covariance.dtype == np.float64
    # per-chunk float32 products of shifted data, float64 accumulators: errors stay at float32 rounding of
    # the spread (1e-6), while a float32 sum of raw squares would lose everything to the mean of 1000.
    np.testing.assert_allclose(m.covariance, np.cov(ref, rowvar=False), atol=2e-6)
    np.testing.assert_allclose(m.mean, ref.mean(axis=0), rtol=1e-9)
    np.testing.assert_allclose(m.correlation, ref.T @ ref / len(ref), rtol=1e-9)


def test_store_is_streamed_and_matches_numpy(random_store):
    x = np.asarray(random_store.vectors, dtype=np.float64)
    m = moments(random_store, block_rows=37)  # float32 vectors: float32 products, float64 sums
    np.testing.assert_allclose(m.mean, x.mean(axis=0), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(m.covariance, np.cov(x, rowvar=False), atol=1e-6)
    np.testing.assert_allclose(m.correlation, x.T @ x / len(x), atol=1e-6)
    np.testing.assert_allclose(mean(random_store), m.mean, rtol=1e-12)
    np.testing.assert_allclose(covariance(random_store), m.covariance, atol=1e-6)
    np.testing.assert_allclose(correlation(random_store), m.correlation, atol=1e-6)


def test_accumulator_rejects_too_few_rows_and_bad_shapes():
    with pytest.raises(CtxvecError, match="at least 2"):
        MomentAccumulator().update(np.ones((1, 3))).result()
    acc = MomentAccumulator().update(np.ones((4, 3)))
    with pytest.raises(ValueError, match="expected 3"):
        acc.update(np.ones((2, 4)))
    with pytest.raises(CtxvecError, match="rows, dim"):
        moments_of_array(np.ones(5))


def test_eigh_desc_order_and_sign_convention():
    rng = np.random.default_rng(2)
    a = rng.normal(size=(6, 6))
    s = a @ a.T
    values, comps = eigh_desc(s)
    assert np.all(np.diff(values) <= 0)
    np.testing.assert_allclose(comps @ comps.T, np.eye(6), atol=1e-10)
    np.testing.assert_allclose((comps.T * values) @ comps, s, atol=1e-9)
    assert np.all(comps[np.arange(6), np.abs(comps).argmax(axis=1)] > 0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_moments_of_a_source_equal_moments_of_its_array(dtype):
    x = (np.random.default_rng(3).normal(size=(500, 4)) + 7).astype(dtype)
    a, b = moments(ArraySource(x), block_rows=64), moments_of_array(x, block_rows=64)
    assert a.n == b.n == 500
    for name in ("mean", "covariance", "correlation"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    np.testing.assert_array_equal(covariance(ArraySource(x), block_rows=64), b.covariance)
