"""Global isotropy measures, exact, from the moments of every row (see `ctxvec.space._report`).

- IsoScore (Rudman et al. 2022) from the covariance eigenvalues λ (d = dim):
  λ̂ = √d λ / ‖λ‖, δ = ‖λ̂ − 1‖ / √(2(d − √d)), score = ((d − δ²(d − √d))² − d) / (d(d − 1)).
  1 for isotropic data, 0 when all variance lies on one line; identical to the ``IsoScore`` package.
- the partition ratio I(W) = min_c Z(c) / max_c Z(c), Z(c) = Σ_w exp(cᵀw) (Arora et al. 2016;
  Mu & Viswanath 2018), c over **both** +u and −u of every eigenvector u of the uncentred XᵀX
  (an eigenvector's sign is arbitrary; this makes the result independent of the eigen-solver);
  computed in log space, so it is in (0, 1] and never overflows.
- the effective rank (Roy & Vetterli 2007): exp of the entropy of σᵢ/Σσ, σᵢ ∝ √λᵢ.
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import CtxvecError
from ..sources import ArraySource, VectorSource
from ..stats import eigh_desc, moments_of_array


def isoscore_from_eigenvalues(values: np.ndarray) -> float:
    """IsoScore (Rudman et al. 2022) from the (dim,) covariance eigenvalues; NaN when they are all zero."""
    pcs = np.clip(np.asarray(values, dtype=np.float64), 0.0, None)
    d = len(pcs)
    if d < 2:
        raise CtxvecError(f"IsoScore needs at least 2 dimensions, got {d}")
    norm = np.linalg.norm(pcs)
    if norm == 0:
        return float("nan")
    pcs_norm = pcs * math.sqrt(d) / norm
    defect = np.linalg.norm(pcs_norm - 1.0) / math.sqrt(2 * (d - math.sqrt(d)))
    return float(((d - defect**2 * (d - math.sqrt(d))) ** 2 - d) / (d * (d - 1)))


def isoscore_from_covariance(cov: np.ndarray) -> float:
    """IsoScore of a (dim, dim) covariance matrix; NaN when it is all zero."""
    cov = np.asarray(cov, dtype=np.float64)
    if cov.shape[0] < 2:
        raise CtxvecError(f"IsoScore needs at least 2 dimensions, got {cov.shape[0]}")
    return isoscore_from_eigenvalues(np.linalg.eigvalsh((cov + cov.T) / 2))


def isoscore(points: np.ndarray) -> float:
    """IsoScore of (n, dim) points (covariance with ddof=1, as the reference package)."""
    return isoscore_from_covariance(np.cov(np.asarray(points, dtype=np.float64), rowvar=False))


def effective_rank_from_eigenvalues(values: np.ndarray) -> float:
    """exp(entropy of σ/Σσ), σ = √(covariance eigenvalues): the centred data's singular values up to a constant."""
    sigma = np.sqrt(np.clip(np.asarray(values, dtype=np.float64), 0.0, None))
    total = sigma.sum()
    if total == 0:
        return 0.0
    p = sigma[sigma > 0] / total
    return float(np.exp(-(p * np.log(p)).sum()))


def effective_rank_from_covariance(cov: np.ndarray) -> float:
    """Effective rank (Roy & Vetterli 2007) of data with covariance `cov`."""
    return effective_rank_from_eigenvalues(np.linalg.eigvalsh(np.asarray(cov, dtype=np.float64)))


def partition_directions(correlation: np.ndarray) -> np.ndarray:
    """(dim, dim) eigenvectors u (rows) of the uncentred correlation XᵀX / n; I(W) uses each as +u and −u."""
    _, comps = eigh_desc(correlation)
    return comps


def log_partition_functions(source: VectorSource, directions: np.ndarray, block_rows: int = 16384) -> np.ndarray:
    """(2k,) log Z(c) = log Σ_rows exp(cᵀx) for c = +u then c = −u, u the k rows of `directions`; streamed."""
    logz = np.full(2 * len(directions), -np.inf)
    for _, block in source.iter_blocks(block_rows):
        x: np.ndarray = block if block.dtype == np.float64 else block.astype(np.float32, copy=False)
        proj: np.ndarray = x @ np.asarray(directions, dtype=x.dtype).T  # (b, k)
        for sign, at in ((1.0, 0), (-1.0, len(directions))):
            p = proj * sign
            top = p.max(axis=0)
            p -= top
            np.exp(p, out=p)
            part = top + np.log(p.sum(axis=0, dtype=np.float64))
            logz[at : at + len(directions)] = np.logaddexp(logz[at : at + len(directions)], part)
    return logz


def partition_ratio(points: np.ndarray) -> float:
    """I(W) of (n, dim) points (see the module docstring); in (0, 1]."""
    x = np.asarray(points)
    m = moments_of_array(x)
    logz = log_partition_functions(ArraySource(x), partition_directions(m.correlation))
    return float(np.exp(logz.min() - logz.max()))
