"""Change measures between two sides' occurrences of a word, their permutation p-values and bootstrap intervals.

For side A with occurrence vectors a_i (n_a, dim) and side B with b_j (n_b, dim); unit vectors â = a/|a|:

- **APD** (average pairwise distance) = mean over all n_a·n_b pairs of the cosine distance 1 − cos(a_i, b_j)
  (akutuzov/semeval2020 ``distance.py`` and ChangeIsKey/languagechange ``APD``: ``mean(cdist(A, B,
  'cosine'))``). Computed exactly without the pairs: APD = 1 − mean(â_i)·mean(b̂_j).
- **PRT** (prototype distance) = 1 − cos(mean(a_i), mean(b_j)), the means of the raw vectors
  (languagechange ``PRT``; akutuzov's scripts score 1/cos, which ranks words the same while cosines are positive).
- **JSD** = the Jensen–Shannon *divergence*, base 2 (in [0, 1]), between the two sides' shares of senses
  clustered jointly (``scipy.spatial.distance.jensenshannon(p, q, base=2) ** 2``; akutuzov's ``jsd.py``
  computes the divergence in nats, languagechange's the distance, its square root, in nats).
- **excess** (APD excess) = APD − ½(APD_AA + APD_BB), the within-side APDs taken over distinct pairs
  i ≠ j. APD grows with a word's diversity (polysemy, varied contexts) even when nothing changed: two
  halves of one corpus give an APD about equal to the within-side APD. For the cosine distance the
  excess equals the unbiased estimate of ½|E â − E b̂|² (the squared distance of the two sides' mean unit
  vectors, a linear-kernel MMD²): its expectation is 0 when both sides draw from one distribution, however
  polysemous the word, and it grows only with a difference in usage.

Every measure of the mean vectors is a function of the sides' vector sums, so a permutation of the side
labels or a bootstrap resample costs one matrix product for all draws: (draws, n) @ (n, dim).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..results import JSON
from ..sampling import unit_rows
from ._names import MEASURES

EPS = 1e-12


def apd(a: np.ndarray, b: np.ndarray) -> float:
    """Mean cosine distance over all pairs of rows of (n_a, dim) `a` and (n_b, dim) `b`."""
    return float(1.0 - unit_rows(a).mean(axis=0) @ unit_rows(b).mean(axis=0))


def within_apd(a: np.ndarray) -> float:
    """Mean cosine distance over the distinct pairs (i < j) of rows of (n, dim) `a` (n >= 2)."""
    u = unit_rows(a)
    n = len(u)
    s = u.sum(axis=0)
    return float(1.0 - (s @ s - (u * u).sum()) / (n * (n - 1)))


def prt(a: np.ndarray, b: np.ndarray) -> float:
    """1 − cos of the mean raw vectors of `a` (n_a, dim) and `b` (n_b, dim)."""
    ma, mb = a.mean(axis=0), b.mean(axis=0)
    return float(1.0 - ma @ mb / max(np.linalg.norm(ma) * np.linalg.norm(mb), EPS))


def jsd(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen–Shannon divergence, base 2, of two distributions (k,) (normalised here; 0 log 0 = 0)."""
    return float(_jsd_rows(np.asarray(p, dtype=np.float64)[None], np.asarray(q, dtype=np.float64)[None])[0])


def apd_excess(a: np.ndarray, b: np.ndarray) -> float:
    """APD(a, b) − ½(within_apd(a) + within_apd(b)) (module doc)."""
    return apd(a, b) - 0.5 * (within_apd(a) + within_apd(b))


def _jsd_rows(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Row-wise base-2 JS divergence of (m, k) counts or shares."""
    p = p / np.maximum(p.sum(axis=1, keepdims=True), EPS)
    q = q / np.maximum(q.sum(axis=1, keepdims=True), EPS)
    m = 0.5 * (p + q)

    def kl(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(x > 0, x * np.log2(np.where(x > 0, x, 1.0) / np.where(m > 0, m, 1.0)), 0.0)
        return np.asarray(t.sum(axis=1))

    return np.clip(0.5 * kl(p) + 0.5 * kl(q), 0.0, 1.0)


@dataclass(frozen=True)
class Sums:
    """Sufficient statistics of many draws of two sides, each (m, ...): unit-vector sums (m, dim) and
    raw-vector sums (m, dim) of A and B, counts (m,), sums of squared weights (m,), sense counts (m, k)."""

    unit_a: np.ndarray
    unit_b: np.ndarray
    raw_a: np.ndarray
    raw_b: np.ndarray
    n_a: np.ndarray
    n_b: np.ndarray
    sq_a: np.ndarray
    sq_b: np.ndarray
    senses_a: np.ndarray
    senses_b: np.ndarray

    def measures(self) -> dict[str, np.ndarray]:
        """Every measure (m,) of every draw (module doc). Within-side pairs are pairs of distinct
        occurrences: an occurrence drawn w times (a bootstrap) is not paired with its own copies, so with
        unit rows Σ_{i≠j} w_i w_j û_i·û_j = |Σ w û|² − Σ w², over n² − Σ w² pairs."""
        with np.errstate(divide="ignore", invalid="ignore"):  # a draw with an empty side gives NaN
            return self._measures()

    def _measures(self) -> dict[str, np.ndarray]:
        na, nb = self.n_a, self.n_b
        ua, ub = self.unit_a, self.unit_b
        cross = np.einsum("md,md->m", ua, ub) / (na * nb)
        apd_ = 1.0 - cross
        saa = np.einsum("md,md->m", ua, ua)
        sbb = np.einsum("md,md->m", ub, ub)
        within_a = 1.0 - (saa - self.sq_a) / (na * na - self.sq_a)
        within_b = 1.0 - (sbb - self.sq_b) / (nb * nb - self.sq_b)
        ra, rb = self.raw_a, self.raw_b
        norms = np.linalg.norm(ra, axis=1) * np.linalg.norm(rb, axis=1)
        prt_ = 1.0 - np.einsum("md,md->m", ra, rb) / np.maximum(norms, EPS)
        return {
            "excess": apd_ - 0.5 * (within_a + within_b),
            "apd": apd_,
            "prt": prt_,
            "jsd": _jsd_rows(self.senses_a, self.senses_b),
            "within_a": within_a,
            "within_b": within_b,
        }


def side_sums(
    weights_a: np.ndarray, weights_b: np.ndarray, unit: np.ndarray, raw: np.ndarray, onehot: np.ndarray
) -> Sums:
    """`Sums` of draws given as weights over the pooled occurrences: weights_a, weights_b (m, n) (0/1 for a
    permutation, counts for a bootstrap), unit and raw vectors (n, dim), sense one-hot (n, k)."""
    wa = weights_a.astype(np.float64)
    wb = weights_b.astype(np.float64)
    return Sums(
        wa @ unit,
        wb @ unit,
        wa @ raw,
        wb @ raw,
        wa.sum(axis=1),
        wb.sum(axis=1),
        (wa * wa).sum(axis=1),
        (wb * wb).sum(axis=1),
        wa @ onehot,
        wb @ onehot,
    )


@dataclass(frozen=True)
class MeasureValue:
    """One measure: its value, permutation p-value and bootstrap interval [low, high]."""

    value: float
    p_value: float
    low: float
    high: float

    def to_dict(self) -> JSON:
        return {"value": self.value, "p_value": self.p_value, "low": self.low, "high": self.high}


def change_statistics(
    unit: np.ndarray,
    raw: np.ndarray,
    side: np.ndarray,
    senses: np.ndarray,
    *,
    groups: np.ndarray | None = None,
    permutations: int = 1000,
    bootstrap: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[dict[str, MeasureValue], dict[str, float]]:
    """The measures of the pooled occurrences (unit and raw (n, dim), `side` (n,) bool True for B, sense
    labels (n,)), each with a permutation p-value ((1 + #{T_perm ≥ T}) / (1 + permutations), senses kept)
    and a percentile bootstrap interval at `level` (each side resampled with replacement, senses kept).

    `groups` (n,): the block each occurrence belongs to (its sentence or document; None: each occurrence
    its own). Blocks move as a whole: the permutation shuffles the blocks' side labels and the bootstrap
    draws blocks, because occurrences of one sentence or document share their context and are not
    exchangeable one by one. Every block must lie on one side. Also returns the observed within-side APDs."""
    rng = np.random.default_rng(seed)
    side = np.asarray(side, dtype=bool)
    n = len(side)
    _, block = np.unique(np.arange(n) if groups is None else np.asarray(groups), return_inverse=True)
    n_blocks = int(block.max()) + 1 if n else 0
    block_side = np.zeros(n_blocks, dtype=bool)
    block_side[block[side]] = True
    if np.any(block_side[block] != side):
        raise ValueError("every block (group) must lie on one side")
    k = int(senses.max()) + 1 if len(senses) else 1
    onehot = np.zeros((n, k))
    onehot[np.arange(n), senses] = 1.0
    observed = side_sums((~side)[None], side[None], unit, raw, onehot).measures()
    ba, bb = np.flatnonzero(~block_side), np.flatnonzero(block_side)

    def permuted(m: int) -> dict[str, np.ndarray]:
        perm = rng.permuted(np.broadcast_to(block_side, (m, n_blocks)), axis=1)[:, block]
        return side_sums(~perm, perm, unit, raw, onehot).measures()

    def resampled(m: int) -> dict[str, np.ndarray]:
        draws_a = np.zeros((m, n_blocks))
        draws_b = np.zeros((m, n_blocks))
        draws_a[:, ba] = rng.multinomial(len(ba), np.full(len(ba), 1.0 / len(ba)), size=m)
        draws_b[:, bb] = rng.multinomial(len(bb), np.full(len(bb), 1.0 / len(bb)), size=m)
        return side_sums(draws_a[:, block], draws_b[:, block], unit, raw, onehot).measures()

    null = _in_chunks(permuted, permutations)
    boot = _in_chunks(resampled, bootstrap)
    tail = (1.0 - level) / 2
    out = {}
    for name in MEASURES:
        t = float(observed[name][0])
        exceed = int(np.sum(null[name] >= t - 1e-12))
        with np.errstate(all="ignore"):
            low, high = np.nanquantile(boot[name], [tail, 1.0 - tail])
        out[name] = MeasureValue(t, (1 + exceed) / (1 + permutations), float(low), float(high))
    within = {"a": float(observed["within_a"][0]), "b": float(observed["within_b"][0])}
    return out, within


CHUNK = 1000  # draws computed at once: memory (CHUNK, n) whatever the number of draws


def _in_chunks(draw: Callable[[int], dict[str, np.ndarray]], total: int) -> dict[str, np.ndarray]:
    """`draw(m)` for chunks of at most `CHUNK` draws, concatenated per measure (total,)."""
    parts = [draw(min(CHUNK, total - start)) for start in range(0, total, CHUNK)]
    return {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) (m,) of p-values (m,): min over j ≥ i of p_(j)·m/j."""
    p = np.asarray(p, dtype=np.float64)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(scaled[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out
