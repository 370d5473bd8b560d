"""Non-negative sparse dictionary learning by mini-batches (transformer factors, Yun et al. 2021).

Every embedding x (dim,) is a sparse non-negative combination of unit-norm atoms Φ (n_factors, dim);
Φ minimises

    mean_i  1/(2·dim) ‖x_i − Φᵀa_i‖² + alpha·‖a_i‖₁      over a_i ≥ 0 and ‖Φ_j‖ = 1

(their objective, in scikit-learn's LASSO scaling). `FactorLearner` does this as Mairal et al. (2010)
online dictionary learning: sparse codes of each batch by FISTA over the whole dictionary on its Gram
matrix (`ctxvec.lasso.gram_fista`; the working-set FISTA for dictionaries over GRAM_MAX_ATOMS atoms),
then one block-coordinate pass over the atoms using running statistics, each atom renormalised to
unit norm; atoms that no code uses are re-drawn from the batch. scikit-learn's
``MiniBatchDictionaryLearning(positive_code=True)`` solves the same problem (its alpha is
``alpha_ · dim``); benchmarks/bench_factors.py compares the two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator, TransformerMixin

from .._threads import thread_limits
from ..errors import CtxvecError, ParameterError
from ..lasso import GRAM_MAX_ATOMS, PARALLEL_WORK, ArrayAtoms, fista, gram_fista, resolve_device
from ..sources import VectorSource
from ._names import CODERS


class FactorLearner(TransformerMixin, BaseEstimator):  # type: ignore[misc,unused-ignore]
    """Non-negative sparse dictionary learning by mini-batches.

    n_factors: number of atoms; alpha: sparsity relative to the data's scale — the absolute penalty is
    ``alpha_ = alpha · rms‖x‖ / dim`` (the largest possible alpha_max of a unit-norm dictionary for a
    typical x), so 1 zeroes nearly every code; batch_size, n_epochs: passes of `fit`; tol: relative
    duality gap of each sparse-coding solve; device: torch device of the sparse coding ("auto": cuda
    when available); coder: the sparse-coding solver, "gram" (FISTA over the whole dictionary on its
    Gram matrix: fast for up to a few thousand factors), "working-set" (ctxvec.lasso.fista, for larger
    dictionaries) or "auto" (gram up to GRAM_MAX_ATOMS factors). Fitted: components_ (n_factors, dim)
    unit rows, alpha_, n_steps_, objective_history_ (objective of each batch before its update).
    """

    def __init__(
        self,
        n_factors: int = 1000,
        alpha: float = 0.3,
        batch_size: int = 1024,
        n_epochs: int = 1,
        tol: float = 1e-4,
        random_state: int | None = 0,
        device: str = "cpu",
        coder: str = "auto",
    ):
        self.n_factors = n_factors
        self.alpha = alpha
        self.batch_size = batch_size
        self.n_epochs = n_epochs
        self.tol = tol
        self.random_state = random_state
        self.device = device
        self.coder = coder

    # ---- fitting ----------------------------------------------------------------------------
    def _check(self) -> None:
        if self.n_factors < 1:
            raise ParameterError("n_factors", f"{{name}} must be at least 1, got {self.n_factors}")
        if not self.alpha > 0:
            raise ParameterError(
                "alpha", f"{{name}} must be > 0 (relative to the data's scale, e.g. 0.3), got {self.alpha}"
            )
        if self.batch_size < 1:
            raise ParameterError("batch_size", f"{{name}} must be at least 1, got {self.batch_size}")
        if self.coder not in CODERS:
            raise ParameterError("coder", f"{{name}} must be one of {', '.join(CODERS)}, got {self.coder!r}")

    def _init(self, x: np.ndarray) -> None:
        """Atoms from random rows of `x` (n, dim) (random directions for any shortfall); alpha_ from its norms."""
        self._check()
        self._rng = np.random.default_rng(self.random_state)
        n, dim = x.shape
        pick = self._rng.choice(n, size=min(n, self.n_factors), replace=False)
        d = np.concatenate([x[pick], self._rng.normal(size=(self.n_factors - len(pick), dim))]).astype(np.float64)
        d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-12)
        self.components_ = d.astype(np.float32)
        rms = float(np.sqrt(np.mean(np.sum(x.astype(np.float64) ** 2, axis=1))))
        self.alpha_ = self.alpha * rms / dim
        self.n_features_in_ = dim
        self.n_steps_ = 0
        self.objective_history_: list[float] = []
        self._a = np.zeros((self.n_factors, self.n_factors))
        self._b = np.zeros((self.n_factors, dim))

    def fit(self, X: np.ndarray, y: None = None) -> FactorLearner:
        """Learn from X (n, dim): `n_epochs` passes of shuffled mini-batches."""
        x = np.asarray(X, dtype=np.float32)
        self._init(x)
        for _ in range(self.n_epochs):
            order = self._rng.permutation(len(x))
            for s in range(0, len(x), self.batch_size):
                self.partial_fit(x[order[s : s + self.batch_size]])
        return self

    def fit_source(
        self, source: VectorSource, n_samples: int, progress: Callable[[int, int], None] | None = None
    ) -> FactorLearner:
        """Learn from a random sample of `n_samples` rows of `source` (each row once while possible),
        `n_epochs` passes over it in shuffled mini-batches streamed from the source (sorted within a batch
        for memory maps), starting from random rows of it; `progress(done, n_epochs · n_samples)` after
        each batch."""
        if n_samples < 1:
            raise ParameterError("n_samples", f"{{name}} must be at least 1, got {n_samples}")
        n = source.n_rows
        if n == 0:
            raise CtxvecError("the source has no rows to learn factors from")
        rng = np.random.default_rng(self.random_state)
        self._init(source.get_vectors(np.sort(rng.choice(n, size=min(n, self.n_factors), replace=False))))
        sample = _sample(n, n_samples, rng)
        done, total = 0, self.n_epochs * len(sample)
        for _ in range(self.n_epochs):
            order = rng.permutation(sample)
            for s in range(0, len(order), self.batch_size):
                batch = order[s : s + self.batch_size]
                self.partial_fit(source.get_vectors(np.sort(batch)))
                done += len(batch)
                if progress:
                    progress(done, total)
        return self

    def partial_fit(self, X: np.ndarray, y: None = None) -> FactorLearner:
        """One mini-batch step on X (b, dim): sparse codes, statistics, dictionary update. On CPU, a step
        whose products are small (b · n_factors² < PARALLEL_WORK) runs on one thread: a second one only
        adds waiting, and much of it when the cores are shared."""
        x = np.asarray(X, dtype=np.float32)
        if not hasattr(self, "components_"):
            self._init(x)
        small = len(x) * self.n_factors**2 < PARALLEL_WORK and resolve_device(self.device).type == "cpu"
        with thread_limits(1 if small else None):
            return self._step(x)

    def _step(self, x: np.ndarray) -> FactorLearner:
        codes = self.sparse_codes(x)  # (b, n_factors) csr
        dense = codes.toarray()
        xd = x.astype(np.float64)
        resid = xd - dense @ self.components_.astype(np.float64)
        obj = 0.5 * (resid**2).sum(1) / x.shape[1] + self.alpha_ * dense.sum(1)
        self.objective_history_.append(float(obj.mean()))
        # running statistics with scikit-learn's forgetting schedule (MiniBatchDictionaryLearning)
        b = len(x)
        step = self.n_steps_
        theta = (step + 1) * b if step < b - 1 else b**2 + step + 1 - b
        beta = (theta + 1 - b) / (theta + 1)
        self._a = beta * self._a + dense.T @ dense / b
        self._b = beta * self._b + dense.T @ xd / b
        self._update_atoms(xd, resid)
        self.n_steps_ += 1
        return self

    def _update_atoms(self, x: np.ndarray, resid: np.ndarray) -> None:
        """One block-coordinate pass: Φ_j ← normalise(Φ_j + (B_j − A_j Φ) / A_jj); unused atoms re-drawn."""
        dev = resolve_device(self.device)
        d = torch.from_numpy(self.components_.astype(np.float64)).to(dev)
        a = torch.from_numpy(self._a).to(dev)
        b = torch.from_numpy(self._b).to(dev)
        diag = self._a.diagonal()
        dead = diag <= 1e-10 * max(float(diag.max(initial=0.0)), 1e-300)
        worst = np.argsort(-(resid**2).sum(1))  # re-draw unused atoms from the worst-reconstructed rows
        redraw = iter(worst[: int(dead.sum())])
        # a thousand small steps: a second thread only adds waiting (no change when torch has one already)
        with thread_limits(1 if dev.type == "cpu" and torch.get_num_threads() > 1 else None):
            self._bcd(d, a, b, dead, redraw, x, dev)
        self.components_ = d.cpu().numpy().astype(np.float32)

    def _bcd(
        self,
        d: torch.Tensor,
        a: torch.Tensor,
        b: torch.Tensor,
        dead: np.ndarray,
        redraw: Iterator[int],
        x: np.ndarray,
        dev: torch.device,
    ) -> None:
        for j in range(self.n_factors):
            u = torch.from_numpy(x[next(redraw)]).to(dev) if dead[j] else d[j] + (b[j] - a[j] @ d) / a[j, j]
            norm = u.norm()
            if norm > 0:
                d[j] = u / norm

    # ---- using ---------------------------------------------------------------------------------
    def sparse_codes(self, X: np.ndarray) -> sp.csr_array:
        """(n, n_factors) sparse non-negative codes of X (n, dim), float64."""
        atoms = self._atoms()
        if self.coder == "gram" or (self.coder == "auto" and self.n_factors <= GRAM_MAX_ATOMS):
            return gram_fista(X, atoms, self.alpha_, tol=self.tol).coef
        return fista(X, atoms, self.alpha_, positive=True, tol=self.tol, ws_size=64).coef

    def _atoms(self) -> ArrayAtoms:
        """The current components as `ArrayAtoms`, kept (with their Gram matrix) until they change."""
        cached = getattr(self, "_atoms_cache", None)
        if cached is None or cached[0] is not self.components_:
            atoms = ArrayAtoms(self.components_, self.device)
            self._atoms_cache = (self.components_, atoms)
            return atoms
        return cached[1]

    def transform(self, X: np.ndarray) -> np.ndarray:
        """(n, n_factors) float32 non-negative sparse codes of X (n, dim)."""
        x = np.asarray(X, dtype=np.float32)
        out = np.zeros((len(x), self.n_factors), dtype=np.float32)
        for s in range(0, len(x), 4096):
            out[s : s + 4096] = self.sparse_codes(x[s : s + 4096]).toarray()
        return out

    def objective(self, X: np.ndarray, codes: np.ndarray | None = None) -> float:
        """Mean objective 1/(2·dim)‖x − Φᵀa‖² + alpha_‖a‖₁ over the rows of X (codes solved if not given)."""
        x = np.asarray(X, dtype=np.float64)
        a = self.transform(X).astype(np.float64) if codes is None else np.asarray(codes, dtype=np.float64)
        r = x - a @ self.components_.astype(np.float64)
        return float(np.mean(0.5 * (r**2).sum(1) / x.shape[1] + self.alpha_ * np.abs(a).sum(1)))


def _sample(n_rows: int, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """(n_samples,) random row numbers of 0..n_rows-1, without repeats until every row is drawn."""
    parts, left = [], n_samples
    while left > 0:
        take = min(left, n_rows)
        parts.append(rng.permutation(n_rows)[:take])
        left -= take
    return np.concatenate(parts)
