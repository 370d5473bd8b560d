"""Seeded sampling and normalisation helpers shared by the operations that work on samples."""

from __future__ import annotations

import numpy as np


def unit_rows(x: np.ndarray) -> np.ndarray:
    """(n, dim) rows scaled to unit L2 norm (zero rows stay zero), float64."""
    x = np.asarray(x, dtype=np.float64)
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1.0)


def sample_rows(rows: np.ndarray, limit: int | None, seed: int) -> np.ndarray:
    """At most `limit` of `rows`, drawn without replacement with `seed`, in row order."""
    if limit is None or len(rows) <= limit:
        return np.asarray(rows, dtype=np.int64)
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(np.asarray(rows, dtype=np.int64), size=limit, replace=False))
