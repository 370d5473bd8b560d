"""At most K terms, exactly: the best point with at most K terms on the LASSO path (LARS-lasso homotopy).

As alpha falls from alpha_max, the LASSO solution w(alpha) is piecewise linear; atoms enter (and
sometimes leave) its support at knots, and the residual ‖y − Aᵀw(alpha)‖ never grows. So the best
reconstruction with at most K terms on the path is its last point with at most K terms: typically the
knot where the (K+1)-th atom enters. `max_terms_path` follows the path exactly (Efron et al. 2004's
LARS with the lasso modification; Efron's positive variant when ``positive``) for a batch of targets:

1. candidates: each target's atoms most correlated with it (one scan, `n_candidates` of them);
2. the homotopy on the candidates' Gram matrix, down to where the support first has more than
   `horizon` = 2K + `LOOKAHEAD` atoms (so later drops back to ≤ K terms are still seen: on anisotropic
   vectors like contextual embeddings the support can climb to K + 5 and fall back to K), keeping the
   last point with ≤ K terms;
3. the optimality conditions over *all* atoms (one scan, then the top scores exactly in float64) at that
   point and where the path was left: an atom outside the candidates correlating more than alpha would
   have entered the path, so the candidates grow by the violators and the target is solved again. (Along
   a segment of the path an outside atom's correlation minus alpha is linear, so a knot where the
   conditions hold on both sides of it is a point of the full path.)

The coefficients are the path's own at that alpha (LASSO semantics, shrunk; no least-squares refit),
so `fista` at the returned alpha gives the same solution. `lars_max_terms` is the same through
scikit-learn's ``lars_path`` (the reference).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import torch

from .._threads import thread_limits
from ..errors import ParameterError
from ._atoms import Atoms, Exclusion, atoms_matrix
from ._fista import PARALLEL_WORK
from ._result import LassoResult, as_targets, check_dims, lasso_objective
from ._scan import scan

LOOKAHEAD = 4
"""The path is followed until its support exceeds 2K + LOOKAHEAD atoms (drops there can bring it back to ≤ K)."""
MAX_ROUNDS = 8
"""Candidate enlargements per target before its last point is kept as it is (not converged)."""
KKT_RTOL = 1e-9
"""An outside atom violates the optimality conditions when its correlation exceeds alpha·(1 + KKT_RTOL)."""


def check_max_terms(max_terms: int) -> None:
    if max_terms < 1:
        raise ParameterError("max_terms", f"{{name}} must be at least 1, got {max_terms}")


@dataclass
class PathPoint:
    """A point on one target's path over its candidates: support (s,) candidate positions, coefficients
    (s,), lam (alpha·dim), and the number of path steps taken."""

    support: np.ndarray
    coef: np.ndarray
    lam: float
    steps: int


def horizon(max_terms: int) -> int:
    """Support size past which the path is no longer followed: 2·max_terms + LOOKAHEAD."""
    return 2 * max_terms + LOOKAHEAD


def homotopy(gram: np.ndarray, corr0: np.ndarray, max_terms: int, positive: bool = True) -> tuple[PathPoint, PathPoint]:
    """The last point with at most `max_terms` non-zeros on the LASSO path of one target, and the point
    where following the path stopped.

    gram (p, p) = X Xᵀ of the candidate atoms X (p, dim), corr0 (p,) = X y. Path in the ×dim scaling
    ½‖y − Xᵀw‖² + lam‖w‖₁: lam starts at max corr0 (|corr0| when signed) and falls; followed until the
    support exceeds `horizon(max_terms)` atoms, lam reaches 0, or no atom can enter.
    """
    p = len(corr0)
    score = corr0 if positive else np.abs(corr0)
    if p == 0 or score.max() <= 0:
        none = PathPoint(np.zeros(0, np.int64), np.zeros(0), max(float(score.max(initial=0.0)), 0.0), 0)
        return none, none
    j0 = int(np.argmax(score))
    lam = float(score[j0])
    tiny = 1e-13 * lam
    active = [j0]
    signs = [1.0 if positive else float(np.sign(corr0[j0]))]
    w = np.zeros(p)
    inactive = np.ones(p, dtype=bool)
    inactive[j0] = False
    best = PathPoint(np.zeros(0, np.int64), np.zeros(0), lam, 0)
    steps, stop = 0, horizon(max_terms)
    for steps in range(1, 4 * p + 8 * stop + 1):
        s_idx = np.asarray(active)
        g_s = gram[:, s_idx]
        g_ss = g_s[s_idx]
        try:
            d = np.linalg.solve(g_ss, np.asarray(signs))
        except np.linalg.LinAlgError:
            d = np.linalg.lstsq(g_ss, np.asarray(signs), rcond=None)[0]
        corr = corr0 - g_s @ w[s_idx]
        rate = g_s @ d  # correlations fall by rate·γ while lam falls by γ
        gamma, event, enter_sign = lam, -1, 0.0  # γ = lam: the path reaches lam = 0
        # an inactive atom enters when its correlation meets lam (or −lam when signed)
        up = _first_meeting(lam - corr, 1 - rate, inactive, tiny)
        j = int(np.argmin(up))
        if up[j] < gamma:
            gamma, event, enter_sign = float(up[j]), j, 1.0
        if not positive:
            down = _first_meeting(lam + corr, 1 + rate, inactive, tiny)
            j = int(np.argmin(down))
            if down[j] < gamma:
                gamma, event, enter_sign = float(down[j]), j, -1.0
        # an active coefficient reaches zero and leaves
        w_s = w[s_idx]
        cross = np.full(len(d), np.inf)
        moving = w_s * d < 0
        cross[moving] = -w_s[moving] / d[moving]
        cross[cross <= tiny] = np.inf
        drop = -1
        if cross.min() < gamma:
            drop = int(np.argmin(cross))
            gamma = float(cross[drop])
        w[s_idx] = w_s + gamma * d
        lam = lam - gamma if lam - gamma > tiny else 0.0
        if drop >= 0:
            w[s_idx[drop]] = 0.0
            inactive[s_idx[drop]] = True
            del active[drop], signs[drop]
        support = np.flatnonzero(w)
        if len(support) <= max_terms:  # this knot closes a segment with at most K terms: the best so far
            best = PathPoint(support, w[support].copy(), max(lam, 0.0), steps)
        if drop < 0:
            if event < 0:
                break  # lam reached 0 (or nothing can enter)
            active.append(event)
            signs.append(enter_sign)
            inactive[event] = False
        if lam <= tiny or len(active) > stop:
            break
    best.steps = steps
    support = np.flatnonzero(w)
    return best, PathPoint(support, w[support].copy(), max(lam, 0.0), steps)


def _first_meeting(gap: np.ndarray, closing: np.ndarray, inactive: np.ndarray, tiny: float) -> np.ndarray:
    """(p,) step γ at which each inactive atom's correlation meets the boundary: gap / closing where the gap
    closes (closing > 0) and γ > tiny, else inf."""
    out = np.full(len(gap), np.inf)
    ok = inactive & (closing > 1e-12)
    out[ok] = gap[ok] / closing[ok]
    out[out <= tiny] = np.inf
    return out


def max_terms_path(
    y: np.ndarray,
    atoms: Atoms,
    max_terms: int,
    *,
    positive: bool = True,
    exclude: Exclusion | None = None,
    n_candidates: int | None = None,
) -> LassoResult:
    """Per target y (k, dim), the best solution with at most `max_terms` terms on its LASSO path (module doc).

    `n_candidates` atoms per target to start from (default max(64, 4·horizon)); more are
    added while some atom outside them violates the optimality conditions. alpha is the path's alpha at
    that point (the knot before the next atom enters); converged: the conditions hold over all atoms.
    On CPU, problems below PARALLEL_WORK multiply-adds per scan run on one thread (many small gathers
    and products, which a second thread only slows down, the more so when the cores are shared).
    """
    check_max_terms(max_terms)
    ys = as_targets(y)
    check_dims(ys, atoms.dim)
    small = len(ys) * atoms.n_atoms * atoms.dim < PARALLEL_WORK
    with thread_limits(1 if small and atoms.device.type == "cpu" else None):
        return _max_terms_path(ys, atoms, max_terms, positive, exclude, n_candidates)


def _max_terms_path(
    ys: np.ndarray,
    atoms: Atoms,
    max_terms: int,
    positive: bool,
    exclude: Exclusion | None,
    n_candidates: int | None,
) -> LassoResult:
    k, dim = ys.shape
    excl = None if exclude is None else exclude.check(k, atoms.n_atoms)
    p0 = n_candidates or max(64, 4 * horizon(max_terms))
    y_t = torch.from_numpy(ys).to(atoms.device)
    best0, cand = scan(atoms, y_t, excl, None, min(p0, atoms.n_atoms), positive)
    amax = np.maximum(best0.cpu().numpy(), 0.0) / dim
    cands = [c[c >= 0] for c in cand]
    points: list[PathPoint | None] = [None] * k
    ends: list[PathPoint | None] = [None] * k
    converged = np.zeros(k, dtype=bool)
    steps = np.zeros(k, dtype=np.int64)
    todo = np.flatnonzero(amax > 0)
    converged[amax <= 0] = True
    for _round in range(MAX_ROUNDS):
        if not len(todo):
            break
        x_all = atoms.take(np.concatenate([cands[t] for t in todo])).cpu().numpy()  # one gather per round
        offset = 0
        for t in todo.tolist():
            x = x_all[offset : offset + len(cands[t])]
            offset += len(cands[t])
            pt, end = homotopy(x @ x.T, x @ ys[t], max_terms, positive)
            steps[t] += pt.steps
            points[t] = PathPoint(cands[t][pt.support], pt.coef, pt.lam, pt.steps)
            ends[t] = PathPoint(cands[t][end.support], end.coef, end.lam, end.steps)
        both = np.concatenate([todo, todo])
        violators = _violators(
            ys[both], atoms, [points[t] for t in todo] + [ends[t] for t in todo], excl, both, positive
        )
        still = []
        for j, t in enumerate(todo.tolist()):
            extra = np.setdiff1d(np.concatenate([violators[j], violators[j + len(todo)]]), cands[t])
            if len(extra):
                cands[t] = np.concatenate([cands[t], extra])
                still.append(t)
            else:
                converged[t] = True
        todo = np.asarray(still, dtype=np.int64)
    return _result(ys, atoms, points, amax, steps, converged)


def _violators(
    ys: np.ndarray,
    atoms: Atoms,
    points: list[PathPoint | None],
    excl: Exclusion | None,
    targets: np.ndarray,
    positive: bool,
    n_check: int = 32,
) -> list[np.ndarray]:
    """Per target, the atoms whose correlation with its residual exceeds its lam (checked exactly in float64)."""
    k = len(ys)
    width = max((len(p.support) for p in points if p is not None), default=0)
    skip = np.full((k, max(width, 1)), -1, dtype=np.int64)
    recon = np.zeros_like(ys)
    for j, pt in enumerate(points):
        if pt is not None and len(pt.support):
            skip[j, : len(pt.support)] = pt.support
            recon[j] = pt.coef @ atoms.take(pt.support).cpu().numpy()
    r = ys - recon
    _, top = scan(
        atoms,
        torch.from_numpy(r).to(atoms.device),
        None if excl is None else excl.subset(targets),
        skip,
        min(n_check, atoms.n_atoms),
        positive,
    )
    out = []
    for j, pt in enumerate(points):
        idx = top[j][top[j] >= 0]
        if pt is None or not len(idx):
            out.append(np.zeros(0, np.int64))
            continue
        c = atoms.take(idx).cpu().numpy() @ r[j]
        c = c if positive else np.abs(c)
        out.append(idx[c > pt.lam * (1 + KKT_RTOL) + 1e-12 * np.linalg.norm(ys[j]) ** 2])
    return out


def _result(
    ys: np.ndarray,
    atoms: Atoms,
    points: list[PathPoint | None],
    amax: np.ndarray,
    steps: np.ndarray,
    converged: np.ndarray,
) -> LassoResult:
    k, dim = ys.shape
    rows, cols, vals = [], [], []
    alpha = amax.copy()
    for t, pt in enumerate(points):
        if pt is None:
            continue
        order = np.argsort(pt.support)
        rows += [t] * len(order)
        cols += pt.support[order].tolist()
        vals += pt.coef[order].tolist()
        alpha[t] = pt.lam / dim
    coef = sp.csr_array((np.asarray(vals, dtype=np.float64), (rows, cols)), shape=(k, atoms.n_atoms))
    recon = np.zeros_like(ys)  # in float64 over the supports only (the atoms may be streamed)
    if coef.nnz:
        x = atoms.take(coef.indices).cpu().numpy() * coef.data[:, None]
        np.add.at(recon, np.repeat(np.arange(k), np.diff(coef.indptr)), x)
    objective = 0.5 * ((ys - recon) ** 2).sum(1) / dim + alpha * abs(coef).sum(1)
    return LassoResult(coef, alpha, amax, objective, np.zeros(k), steps, converged)


def lars_max_terms(
    y: np.ndarray,
    atoms: Atoms,
    max_terms: int,
    *,
    positive: bool = True,
    exclude: Exclusion | None = None,
) -> LassoResult:
    """The reference: scikit-learn's ``lars_path(method="lasso")`` per target on all its allowed atoms
    (read whole into memory, float64): the last knot with at most `max_terms` non-zeros before the
    support first exceeds `horizon(max_terms)` atoms, as `max_terms_path` follows it."""
    from sklearn.linear_model import lars_path

    check_max_terms(max_terms)
    ys = as_targets(y)
    check_dims(ys, atoms.dim)
    k, dim = ys.shape
    a = atoms_matrix(atoms).astype(np.float64)
    excl = None if exclude is None else exclude.check(k, len(a))
    coef = np.zeros((k, len(a)))
    alpha, amax = np.zeros(k), np.zeros(k)
    steps = np.zeros(k, dtype=np.int64)
    for t in range(k):
        keep = np.ones(len(a), dtype=bool) if excl is None else ~excl.target_mask(t)
        x = a[keep]
        xy = x @ ys[t]
        amax[t] = max(float((xy if positive else np.abs(xy)).max(initial=0.0)), 0.0) / dim
        if amax[t] <= 0:
            alpha[t] = amax[t]
            continue
        alphas, _, path, n_iter = lars_path(
            x.T, ys[t], method="lasso", positive=positive, max_iter=8 * horizon(max_terms), return_n_iter=True
        )
        nnz = (path != 0).sum(0)
        beyond = np.flatnonzero(nnz > horizon(max_terms))
        nnz = nnz[: beyond[0]] if len(beyond) else nnz
        last = int(np.flatnonzero(nnz <= max_terms)[-1])
        coef[t, keep] = path[:, last]
        alpha[t] = alphas[last]
        steps[t] = n_iter
    res = sp.csr_array(coef)
    obj = lasso_objective(ys, a, res, alpha)
    return LassoResult(res, alpha, amax, obj, np.full(k, np.nan), steps, np.ones(k, dtype=bool))
