"""Reference solvers, batched over targets like `fista` and returning a `LassoResult`: plain FISTA on the
whole dictionary (the baseline the working sets beat), scikit-learn's coordinate descent one target at a
time (the blog's solver), and orthogonal matching pursuit (K greedy steps)."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse as sp
import torch

from ..errors import ParameterError
from ._atoms import Atoms, Exclusion, atoms_matrix
from ._result import Alpha, LassoResult, as_alphas, as_targets, check_dims, check_tol, duality_gap, lasso_objective
from ._scan import alpha_max, scan
from ._subproblem import prox


def fista_full(
    y: np.ndarray,
    atoms: Atoms,
    alpha: Alpha,
    *,
    positive: bool = True,
    tol: float = 1e-6,
    max_iter: int = 5000,
    check_every: int = 20,
) -> LassoResult:
    """FISTA on the whole dictionary (two (k, n_atoms, dim) products per iteration), read into memory on
    the atoms' device; y (k, dim), alpha scalar or (k,)."""
    ys = as_targets(y)
    check_dims(ys, atoms.dim)
    check_tol(tol)
    dev = atoms.device
    a = torch.from_numpy(np.asarray(atoms_matrix(atoms), dtype=np.float64)).to(dev)
    k, dim = ys.shape
    alphas = as_alphas(alpha, k)
    y_t = torch.from_numpy(ys).to(dev)
    lam = torch.from_numpy(alphas * dim).to(dev)
    lipschitz = torch.linalg.eigvalsh(a.T @ a)[-1].clamp_min(1e-300)
    ay = y_t @ a.T
    amax = (ay if positive else ay.abs()).max(1).values.clamp_min(0).cpu().numpy() / dim
    w = torch.zeros((k, a.shape[0]), dtype=torch.float64, device=dev)
    z, t = w.clone(), 1.0
    gap = torch.zeros(k, dtype=torch.float64, device=dev)
    primal = 0.5 * (y_t * y_t).sum(1)
    n = 0
    for n in range(1, max_iter + 1):
        grad = -((y_t - z @ a) @ a.T)
        w_new = prox(z - grad / lipschitz, lam[:, None] / lipschitz, positive)
        t_new = 0.5 * (1 + math.sqrt(1 + 4 * t * t))
        z = w_new + ((t - 1) / t_new) * (w_new - w)
        w, t = w_new, t_new
        if n % check_every == 0 or n == max_iter:
            r = y_t - w @ a
            c = r @ a.T
            primal, gap = duality_gap(r, y_t, w.abs().sum(1), lam, (c if positive else c.abs()).max(1).values)
            if bool((gap <= tol * primal).all()):
                break
    prim, gp = primal.cpu().numpy(), gap.cpu().numpy()
    return LassoResult(
        sp.csr_array(w.cpu().numpy()), alphas, amax, prim / dim, gp / dim, np.full(k, n), gp <= tol * prim
    )


def sklearn_lasso(
    y: np.ndarray,
    atoms: Atoms,
    alpha: Alpha,
    *,
    positive: bool = True,
    exclude: Exclusion | None = None,
    tol: float = 1e-4,
    max_iter: int = 10000,
    warm_start: LassoResult | None = None,
) -> LassoResult:
    """scikit-learn's ``Lasso(alpha, positive, fit_intercept=False)`` fitted once per target (float64);
    y (k, dim), alpha scalar or (k,), the atoms read whole into memory."""
    from sklearn.linear_model import Lasso

    ys = as_targets(y)
    check_dims(ys, atoms.dim)
    check_tol(tol)
    a = atoms_matrix(atoms)
    k, dim = ys.shape
    alphas = as_alphas(alpha, k)
    excl = None if exclude is None else exclude.check(k, len(a))
    groups = np.zeros(k, dtype=np.int64) if excl is None else excl.group
    coef = np.zeros((k, len(a)))
    n_iter = np.zeros(k, dtype=np.int64)
    amax = np.zeros(k)
    for g in np.unique(groups):
        keep = np.ones(len(a), dtype=bool) if excl is None else ~excl.masks[g]
        x = np.asfortranarray(a[keep].T, dtype=np.float64)  # (dim, n_kept): one copy per exclusion group
        for t in np.flatnonzero(groups == g):
            xy = x.T @ ys[t]
            amax[t] = max(float((xy if positive else np.abs(xy)).max(initial=0.0)), 0.0) / dim
            model = Lasso(
                alpha=max(alphas[t], 1e-300),
                positive=positive,
                fit_intercept=False,
                tol=tol,
                max_iter=max_iter,
                warm_start=warm_start is not None,
            )
            if warm_start is not None:
                model.coef_ = np.asarray(warm_start.coef[[t]].toarray()[0][keep], dtype=np.float64)
            model.fit(x, ys[t])
            coef[t, keep] = model.coef_
            n_iter[t] = model.n_iter_
    res = sp.csr_array(coef)
    obj = lasso_objective(ys, a, res, alphas)
    return LassoResult(res, alphas, amax, obj, np.full(k, np.nan), n_iter, np.ones(k, dtype=bool))


def omp(
    y: np.ndarray,
    atoms: Atoms,
    n_terms: int,
    *,
    positive: bool = True,
    exclude: Exclusion | None = None,
) -> LassoResult:
    """Orthogonal matching pursuit: up to `n_terms` greedy steps per target, least-squares refit each step.

    Positive: picks the atom most positively correlated with the residual and refits by NNLS; stops early
    when no atom correlates positively. Signed: largest |correlation|, ordinary least squares.
    """
    from scipy.optimize import nnls

    if n_terms < 1:
        raise ParameterError("n_terms", f"omp needs at least 1 term: {{name}} must be at least 1, got {n_terms}")
    ys = as_targets(y)
    at = atoms
    check_dims(ys, at.dim)
    k, dim = ys.shape
    excl = None if exclude is None else exclude.check(k, at.n_atoms)
    chosen = np.full((k, 0), -1, dtype=np.int64)
    values = np.zeros((k, 0))
    r = ys.copy()
    live = np.ones(k, dtype=bool)
    amax = alpha_max(ys, at, positive, excl)
    for _step in range(min(n_terms, at.n_atoms)):
        best, top = scan(at, torch.from_numpy(r), excl, chosen, 1, positive)
        best_np = best.cpu().numpy()
        pick = np.where(live & (best_np > 1e-12 * np.linalg.norm(ys, axis=1)) & (top[:, 0] >= 0), top[:, 0], -1)
        live &= pick >= 0
        if not live.any():
            break
        chosen = np.concatenate([chosen, pick[:, None]], 1)
        values = np.concatenate([values, np.zeros((k, 1))], 1)
        a_sel = at.take(np.where(chosen >= 0, chosen, 0).ravel()).cpu().numpy().reshape(k, -1, dim)
        for t in np.flatnonzero(live).tolist():
            m = chosen[t] >= 0
            basis = a_sel[t][m].T
            sol = nnls(basis, ys[t])[0] if positive else np.linalg.lstsq(basis, ys[t], rcond=None)[0]
            values[t, m] = sol
            r[t] = ys[t] - basis @ sol
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for t in range(k):
        m = (chosen[t] >= 0) & (values[t] != 0)
        rows += [t] * int(m.sum())
        cols += chosen[t][m].tolist()
        data += values[t][m].tolist()
    coef = sp.csr_array((data, (rows, cols)), shape=(k, at.n_atoms))
    coef.sum_duplicates()
    obj = 0.5 * (r**2).sum(1) / dim
    return LassoResult(
        coef, np.zeros(k), amax, obj, np.full(k, np.nan), np.full(k, chosen.shape[1]), np.ones(k, dtype=bool)
    )
