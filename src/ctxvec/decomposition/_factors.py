"""Transformer factors: a non-negative sparse dictionary learned from the store's vectors.

Yun, Chen, Olshausen & LeCun (2021) write every embedding x (dim,) as a sparse non-negative
combination of unit-norm dictionary atoms ("factors") Φ (n_factors, dim) and learn Φ by minimising

    mean_i  1/(2·dim) ‖x_i − Φᵀa_i‖² + alpha·‖a_i‖₁      over a_i ≥ 0 and ‖Φ_j‖ = 1

(their objective, in scikit-learn's LASSO scaling). `FactorLearner` is a scikit-learn style estimator
doing this by mini-batches (Mairal et al. 2010 online dictionary learning): sparse codes of each batch
by the working-set FISTA of `ctxvec.lasso._lasso`, then one block-coordinate pass over the atoms using running
statistics, each atom renormalised to unit norm; atoms that no code uses are re-drawn from the batch.

`learn_factors` streams random mini-batches of rows from a store's memory map, then one pass over the
store records each factor's top-activating occurrences and labels it by their most frequent words;
the result is saved inside the store (``factors/NAME/``: ``components.npy``, ``top_rows.npy``,
``top_codes.npy``, ``factors.json``). `load_factors` reads it back.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
from sklearn.base import BaseEstimator, TransformerMixin

from ..errors import CtxvecError
from ..lasso import _lasso as lasso
from ..store import Occurrence, Store, normalize_word, write_json_atomic

FACTORS_DIR = "factors"
DEFAULT_SAMPLES = 100_000  # rows learned from unless told otherwise (each once, in random mini-batches)


class FactorLearner(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Non-negative sparse dictionary learning by mini-batches.

    n_factors: number of atoms; alpha: sparsity relative to the data's scale — the absolute penalty is
    ``alpha_ = alpha · rms‖x‖ / dim`` (the largest possible alpha_max of a unit-norm dictionary for a
    typical x), so 1 zeroes nearly every code; batch_size, n_epochs: passes of `fit`; tol: relative
    duality gap of each sparse-coding solve; forget: weight of old statistics (None: scikit-learn's
    schedule). Fitted: components_ (n_factors, dim) unit rows, alpha_, n_steps_, objective_history_
    (objective of each batch before its update).
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
    ):
        self.n_factors = n_factors
        self.alpha = alpha
        self.batch_size = batch_size
        self.n_epochs = n_epochs
        self.tol = tol
        self.random_state = random_state
        self.device = device

    # ---- fitting ----------------------------------------------------------------------------
    def _check(self) -> None:
        if self.n_factors < 1:
            raise CtxvecError(f"n_factors must be at least 1, got {self.n_factors}")
        if not self.alpha > 0:
            raise CtxvecError(f"alpha must be > 0 (relative to the data's scale, e.g. 0.3), got {self.alpha}")
        if self.batch_size < 1:
            raise CtxvecError(f"batch_size must be at least 1, got {self.batch_size}")

    def _init(self, x: np.ndarray) -> None:
        """Atoms from random rows of `x` (random directions for any shortfall); alpha_ from its norms."""
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

    def fit(self, X: Any, y: Any = None) -> FactorLearner:
        """Learn from X (n, dim): `n_epochs` passes of shuffled mini-batches."""
        x = np.asarray(X, dtype=np.float32)
        self._init(x)
        for _ in range(self.n_epochs):
            order = self._rng.permutation(len(x))
            for s in range(0, len(x), self.batch_size):
                self.partial_fit(x[order[s : s + self.batch_size]])
        return self

    def partial_fit(self, X: Any, y: Any = None) -> FactorLearner:
        """One mini-batch step on X (b, dim): sparse codes, statistics, dictionary update."""
        x = np.asarray(X, dtype=np.float32)
        if not hasattr(self, "components_"):
            self._init(x)
        codes = self._codes(x)  # (b, n_factors) csr
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
        dev = lasso.resolve_device(self.device)
        d = torch.from_numpy(self.components_.astype(np.float64)).to(dev)
        a = torch.from_numpy(self._a).to(dev)
        b = torch.from_numpy(self._b).to(dev)
        diag = self._a.diagonal()
        dead = diag <= 1e-10 * max(float(diag.max(initial=0.0)), 1e-300)
        worst = np.argsort(-(resid**2).sum(1))  # re-draw unused atoms from the worst-reconstructed rows
        redraw = iter(worst[: int(dead.sum())])
        with lasso._one_thread(dev):  # a thousand small steps: a second thread only adds waiting
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
    def _codes(self, x: np.ndarray) -> sp.csr_array:
        res = lasso.fista(
            x,
            lasso.ArrayAtoms(self.components_, self.device),
            self.alpha_,
            positive=True,
            tol=self.tol,
            ws_size=min(64, self.n_factors),
            device=self.device,
        )
        return res.coef

    def transform(self, X: Any) -> np.ndarray:
        """(n, n_factors) float32 non-negative sparse codes of X (n, dim)."""
        x = np.asarray(X, dtype=np.float32)
        out = np.zeros((len(x), self.n_factors), dtype=np.float32)
        for s in range(0, len(x), 4096):
            out[s : s + 4096] = self._codes(x[s : s + 4096]).toarray()
        return out

    def objective(self, X: Any, codes: np.ndarray | None = None) -> float:
        """Mean objective 1/(2·dim)‖x − Φᵀa‖² + alpha_‖a‖₁ over the rows of X (codes solved if not given)."""
        x = np.asarray(X, dtype=np.float64)
        a = self.transform(X).astype(np.float64) if codes is None else np.asarray(codes, dtype=np.float64)
        r = x - a @ self.components_.astype(np.float64)
        return float(np.mean(0.5 * (r**2).sum(1) / x.shape[1] + self.alpha_ * np.abs(a).sum(1)))


# ---- factors kept in a store ------------------------------------------------------------------------


@dataclass
class Factors:
    """A learned dictionary kept in a store: components (n_factors, dim) unit rows; labels (n_factors,)
    top words of each factor; top_rows / top_codes (n_factors, n_top) its top-activating store rows
    (-1 padded) and their codes; counts (n_factors,) rows using the factor; meta: parameters and history."""

    name: str
    components: np.ndarray
    labels: list[str]
    top_rows: np.ndarray
    top_codes: np.ndarray
    counts: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def n_factors(self) -> int:
        return len(self.components)

    def occurrences(self, store: Store, factor: int, top: int = 10) -> list[tuple[Occurrence, float]]:
        """Factor `factor`'s top-activating occurrences with their codes, strongest first."""
        if not 0 <= factor < self.n_factors:
            raise CtxvecError(f"factor {factor} is out of range; {self.name!r} has factors 0..{self.n_factors - 1}")
        rows = self.top_rows[factor][:top]
        codes = self.top_codes[factor][:top]
        return [(store.occurrence(int(r)), float(c)) for r, c in zip(rows, codes, strict=True) if r >= 0]


def _transform_id(store: Store) -> str | None:
    return str(store.manifest.get("transform_id", "transform")) if store.transform is not None else None


def factors_path(store: Store, name: str = "default") -> Path:
    if not name or "/" in name or name.startswith("."):
        raise CtxvecError(f"bad factors name {name!r}; use letters, digits, '-' or '_'")
    return store.path / FACTORS_DIR / name


def list_factors(store: Store) -> list[str]:
    """Names of the dictionaries learned in `store`."""
    root = store.path / FACTORS_DIR
    return sorted(p.name for p in root.iterdir() if (p / "factors.json").is_file()) if root.is_dir() else []


def save_factors(store: Store, factors: Factors) -> Path:
    """Write `factors` into the store (replacing any of the same name); returns its folder."""
    path = factors_path(store, factors.name)
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    np.save(tmp / "components.npy", factors.components.astype(np.float32))
    np.save(tmp / "top_rows.npy", factors.top_rows.astype(np.int64))
    np.save(tmp / "top_codes.npy", factors.top_codes.astype(np.float32))
    meta = dict(
        factors.meta,
        name=factors.name,
        labels=list(factors.labels),
        counts=factors.counts.tolist(),
        n_factors=factors.n_factors,
        dim=int(factors.components.shape[1]),
    )
    write_json_atomic(tmp / "factors.json", meta)
    shutil.rmtree(path, ignore_errors=True)
    os.replace(tmp, path)
    return path


def load_factors(store: Store, name: str = "default") -> Factors:
    """The dictionary `name` learned in `store`; CtxvecError when there is none or it does not fit."""
    path = factors_path(store, name)
    if not (path / "factors.json").is_file():
        have = list_factors(store)
        hint = f" (it has: {', '.join(have)})" if have else ""
        raise CtxvecError(
            f"no factors named {name!r} in {store.path}{hint}; learn them with "
            f"`ctxvec factors learn {store.path} --name {name}`"
        )
    meta = json.loads((path / "factors.json").read_text())
    if meta.get("transform_id") != _transform_id(store) or meta.get("dim") != store.dim:
        raise CtxvecError(
            f"factors {name!r} were learned on other vectors than {store.path} now gives "
            "(its in-place transform changed); learn them again"
        )
    return Factors(
        name,
        np.load(path / "components.npy"),
        list(meta["labels"]),
        np.load(path / "top_rows.npy"),
        np.load(path / "top_codes.npy"),
        np.asarray(meta["counts"], dtype=np.int64),
        meta,
    )


def _batches(store: Store, n_samples: int, batch_size: int, rng: np.random.Generator) -> Iterator[np.ndarray]:
    """Random mini-batches of rows (sorted within a batch for the memory map), `n_samples` rows in all."""
    done = 0
    while done < n_samples:
        order = rng.permutation(store.n_rows)
        for s in range(0, store.n_rows, batch_size):
            take = min(batch_size, n_samples - done)
            if take <= 0:
                return
            yield store.get_vectors(np.sort(order[s : s + take]))
            done += take


def top_activations(
    store: Store,
    learner: FactorLearner,
    n_top: int = 50,
    block_rows: int = 4096,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One streamed pass coding every row: (n_factors, n_top) top rows and codes, (n_factors,) usage counts."""
    nf = learner.n_factors
    best_v = torch.full((nf, 0), -1.0)
    best_i = torch.zeros((nf, 0), dtype=torch.int64)
    counts = np.zeros(nf, dtype=np.int64)
    for start, block in store.iter_blocks(block_rows):
        codes = learner._codes(block)
        counts += np.bincount(codes.indices, minlength=nf)
        dense = torch.from_numpy(codes.toarray().T.astype(np.float32))  # (nf, b)
        v, i = dense.topk(min(n_top, dense.shape[1]), dim=1)
        cat_v, cat_i = torch.cat([best_v, v], 1), torch.cat([best_i, i + start], 1)
        best_v, sel = cat_v.topk(min(n_top, cat_v.shape[1]), dim=1)
        best_i = cat_i.gather(1, sel)
        if progress:
            progress(start + len(block), store.n_rows)
    rows, vals = best_i.numpy(), best_v.numpy()
    rows[vals <= 0] = -1
    vals[vals <= 0] = 0
    return rows, vals, counts


def factor_labels(store: Store, top_rows: np.ndarray, top_codes: np.ndarray, n_words: int = 3) -> list[str]:
    """Each factor's label: its `n_words` words with the largest total code among its top occurrences."""
    labels = []
    for rows, codes in zip(top_rows, top_codes, strict=True):
        weight: dict[str, float] = {}
        for r, c in zip(rows.tolist(), codes.tolist(), strict=True):
            if r >= 0:
                key = normalize_word(str(store.tokens[r]))
                weight[key] = weight.get(key, 0.0) + c
        top = sorted(weight, key=lambda w: -weight[w])[:n_words]
        labels.append("/".join(top) or "(unused)")
    return labels


def learn_factors(
    store: Store,
    n_factors: int = 1000,
    *,
    alpha: float = 0.3,
    batch_size: int = 1024,
    n_samples: int | None = None,
    n_top: int = 50,
    name: str = "default",
    random_state: int = 0,
    tol: float = 1e-4,
    device: str = "cpu",
    save: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> Factors:
    """Learn `n_factors` factors from `n_samples` rows (default: up to DEFAULT_SAMPLES, each once) of `store`, streamed in
    random mini-batches; record top activations and labels; save as `name` inside the store."""
    if store.n_rows == 0:
        raise CtxvecError(f"{store.path} has no rows to learn factors from")
    n_samples = min(store.n_rows, DEFAULT_SAMPLES) if n_samples is None else n_samples
    if n_samples < 1:
        raise CtxvecError(f"--samples must be at least 1, got {n_samples}")
    factors_path(store, name)  # validate the name before the long part
    learner = FactorLearner(n_factors, alpha, batch_size, 1, tol, random_state, device)
    rng = np.random.default_rng(random_state)
    t0 = time.perf_counter()
    init = store.get_vectors(np.sort(rng.choice(store.n_rows, size=min(store.n_rows, n_factors), replace=False)))
    learner._init(init)
    seen = 0
    for batch in _batches(store, n_samples, batch_size, rng):
        learner.partial_fit(batch)
        seen += len(batch)
        if progress:
            progress("learn", seen, n_samples)
    learn_s = time.perf_counter() - t0
    top_rows, top_codes, counts = top_activations(
        store, learner, n_top, progress=(lambda a, b: progress("code", a, b)) if progress else None
    )
    meta = {
        "alpha": alpha,
        "alpha_abs": learner.alpha_,
        "batch_size": batch_size,
        "n_samples": n_samples,
        "random_state": random_state,
        "tol": tol,
        "n_steps": learner.n_steps_,
        "objective_history": learner.objective_history_,
        "transform_id": _transform_id(store),
        "learn_seconds": learn_s,
        "total_seconds": time.perf_counter() - t0,
    }
    factors = Factors(
        name, learner.components_, factor_labels(store, top_rows, top_codes), top_rows, top_codes, counts, meta
    )
    if save:
        save_factors(store, factors)
    return factors
