"""Batched (non-negative) LASSO by FISTA on growing working sets, the celer / skglm strategy.

A few hundred atoms per target are chosen by their correlation with the residual and solved exactly
(`fista_subproblems`); one scan over all atoms gives the duality gap of the full problem and the next
candidates, until the gap is below ``tol``. The scan is the only cost that grows with ``n_atoms``, so
the atoms can be streamed (`SourceAtoms`). Small in-memory dictionaries cut the working sets' Gram
matrices from their full Gram matrix.
"""

from __future__ import annotations

import math
from contextlib import AbstractContextManager

import numpy as np
import scipy.sparse as sp
import torch

from .._threads import thread_limits
from ._atoms import ArrayAtoms, Atoms, Exclusion
from ._result import Alpha, LassoResult, as_alphas, as_targets, check_dims, check_tol, duality_gap
from ._scan import scan
from ._subproblem import fista_subproblems

WS_ELEMENTS = 1 << 23  # float64 working-set atoms gathered at once (k_chunk × p × dim)
GRAM_MAX_ATOMS = 4096  # dictionaries up to this size keep their full Gram matrix
PARALLEL_WORK = 1 << 31  # multiply-adds per scan (targets × atoms × dim) from which scans use all threads


def fista(
    y: np.ndarray,
    atoms: Atoms,
    alpha: Alpha,
    *,
    positive: bool = True,
    exclude: Exclusion | None = None,
    tol: float = 1e-6,
    max_iter: int = 20000,
    ws_size: int = 32,
    max_outer: int = 50,
    warm_start: LassoResult | None = None,
) -> LassoResult:
    """Batched (non-negative) LASSO by FISTA on growing working sets; stops at relative duality gap `tol`.

    y (k, dim) targets; atoms: `Atoms` (n_atoms, dim), e.g. ``ArrayAtoms(matrix)``; alpha scalar or (k,),
    absolute (sklearn scale); exclude: the atoms each target may not use (``Exclusion.from_mask(mask, k)``).
    warm_start: a result for the same targets and atoms (its supports seed the working sets).
    Converged targets satisfy gap ≤ tol · objective, so their objective is within `tol` of the optimum.
    On CPU, problems below PARALLEL_WORK multiply-adds per scan run on one thread (many small operations,
    which a second thread slows down whenever cores are shared).
    """
    ys = as_targets(y)
    small = len(ys) * atoms.n_atoms * atoms.dim < PARALLEL_WORK
    with thread_limits(1 if small and atoms.device.type == "cpu" else None):
        return _fista(ys, atoms, alpha, positive, exclude, check_tol(tol), max_iter, ws_size, max_outer, warm_start)


def _single_thread(device: torch.device) -> AbstractContextManager[None]:
    """One torch/BLAS thread for the working-set iterations on CPU (many small memory-bound operations, for
    which a second thread gains little and costs a lot whenever the cores are shared); no change when
    torch already runs on one thread (inside `fista`'s own limit)."""
    return thread_limits(1 if device.type == "cpu" and torch.get_num_threads() > 1 else None)


def _fista(
    ys: np.ndarray,
    at: Atoms,
    alpha: Alpha,
    positive: bool,
    exclude: Exclusion | None,
    tol: float,
    max_iter: int,
    ws_size: int,
    max_outer: int,
    warm_start: LassoResult | None,
) -> LassoResult:
    k, dim = ys.shape
    check_dims(ys, at.dim)
    alphas = as_alphas(alpha, k)
    excl = None if exclude is None else exclude.check(k, at.n_atoms)
    dev = at.device
    y_t = torch.from_numpy(ys).to(dev)
    lam = torch.from_numpy(alphas * dim).to(dev)

    sup_i, sup_v = _supports(warm_start.coef if warm_start is not None else None, k)
    if warm_start is not None:
        amax = warm_start.alpha_max.copy()
        r = torch.from_numpy(ys - _dense_rows(sup_i, sup_v, at)).to(dev)
        nnz = (sup_v != 0).sum(1)
        n_top = int((_ws_sizes(nnz, ws_size, at.n_atoms) - nnz).max(initial=0))
        _, cand = scan(at, r, excl, sup_i, n_top, positive)
    else:
        n_top = int(_ws_sizes(np.zeros(1, np.int64), ws_size, at.n_atoms)[0])
        best0, cand = scan(at, y_t, excl, None, n_top, positive)  # r = y: this is alpha_max too
        amax = np.maximum(best0.cpu().numpy(), 0.0) / dim
    # small in-memory dictionaries: working-set Gram matrices are cut from the full Gram matrix
    gram = ay = None
    if isinstance(at, ArrayAtoms) and at.n_atoms <= GRAM_MAX_ATOMS:
        gram = at.gram()
        ay = y_t @ at.matrix64().T
    coef_rows: list[tuple[np.ndarray, np.ndarray]] = [(np.zeros(0, np.int64), np.zeros(0))] * k
    objective = 0.5 * (ys**2).sum(1) / dim
    gap_out = np.zeros(k)
    n_iter = np.zeros(k, dtype=np.int64)
    converged = alphas >= amax  # w = 0 is optimal there: ‖Ay‖∞ ≤ λ
    active = np.flatnonzero(~converged)
    cand, sup_i, sup_v = cand[active], sup_i[active], sup_v[active]
    for outer in range(max_outer):
        if not len(active):
            break
        y_a, lam_a = y_t[active], lam[active]
        with _single_thread(dev):
            w_np, ws, r_a, c_sup = _solve_working_sets(
                at, gram, ay, active, sup_i, sup_v, cand, y_a, lam_a, positive, tol, max_iter, ws_size, n_iter
            )
        w = torch.from_numpy(w_np).to(dev)
        # duality gap of the full problem: support atoms exactly (float64), all others by one float32 scan,
        # which also ranks the candidates for the next working set
        sup_i = np.where(w_np != 0, ws, -1)
        nnz = (w_np != 0).sum(1)
        n_top = int((_ws_sizes(nnz, ws_size, at.n_atoms) - nnz).max(initial=0))
        best, cand = scan(at, r_a, None if excl is None else excl.subset(active), sup_i, n_top, positive)
        primal, gap = duality_gap(r_a, y_a, w.abs().sum(1), lam_a, torch.maximum(best, c_sup))
        primal_np, gap_np = primal.cpu().numpy(), gap.cpu().numpy()
        done = gap_np <= tol * np.maximum(primal_np, 1e-300)
        for j in np.flatnonzero(done | (outer == max_outer - 1)).tolist():
            t = int(active[j])
            nz = w_np[j] != 0
            order = np.argsort(ws[j][nz])
            coef_rows[t] = (ws[j][nz][order], w_np[j][nz][order])
            objective[t], gap_out[t], converged[t] = primal_np[j] / dim, gap_np[j] / dim, done[j]
        keep = ~done
        active, cand, sup_i, sup_v = active[keep], cand[keep], sup_i[keep], w_np[keep]
    return LassoResult(_csr(coef_rows, at.n_atoms), alphas, amax, objective, gap_out, n_iter, converged)


def _solve_working_sets(
    at: Atoms,
    gram: torch.Tensor | None,
    ay: torch.Tensor | None,
    active: np.ndarray,
    sup_i: np.ndarray,
    sup_v: np.ndarray,
    cand: np.ndarray,
    y_a: torch.Tensor,
    lam_a: torch.Tensor,
    positive: bool,
    tol: float,
    max_iter: int,
    ws_size: int,
    n_iter: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, torch.Tensor, torch.Tensor]:
    """One outer round's working-set problems of the `active` targets: solutions (a, p_max) over atoms
    (a, p_max) (-1 padded), residuals (a, dim) and max score over each support (a,); adds to `n_iter`.

    Working sets: current support first, then the atoms most violating the optimality conditions; sizes
    per target (room for its support and as many candidates again), in power-of-two buckets."""
    dev, dim = at.device, at.dim
    size = _ws_sizes((sup_v != 0).sum(1), ws_size, at.n_atoms)
    w_all = np.zeros((len(active), int(size.max())))
    ws_all = np.full((len(active), int(size.max())), -1, dtype=np.int64)
    r_a = torch.zeros((len(active), dim), dtype=torch.float64, device=dev)
    c_sup = torch.full((len(active),), -math.inf, dtype=torch.float64, device=dev)
    for p in np.unique(size).tolist():
        members = np.flatnonzero(size == p)
        ws, w0 = _working_sets(sup_i[members], sup_v[members], cand[members], p)
        per = p * p if gram is not None else p * dim
        step = max(1, WS_ELEMENTS // per)  # targets per chunk: bounds the (chunk, p, dim) atoms / Gram
        for lo in range(0, len(members), step):
            m = members[lo : lo + step]
            w_c, r_c, c_c, its = _solve_chunk(
                at,
                gram,
                ws[lo : lo + step],
                w0[lo : lo + step],
                y_a[m],
                None if ay is None else ay[active[m]],
                lam_a[m],
                positive,
                tol * 0.1,
                max_iter,
            )
            n_iter[active[m]] += its
            w_all[m, :p], ws_all[m, :p] = w_c.cpu().numpy(), ws[lo : lo + step]
            r_a[m], c_sup[m] = r_c, c_c
    return w_all, ws_all, r_a, c_sup


def _ws_sizes(nnz: np.ndarray, ws_size: int, n_atoms: int) -> np.ndarray:
    """(k,) working-set size per target: room for its support and as many candidates again (at least
    `ws_size`), rounded up to a power of two so targets batch together; at most n_atoms."""
    size = np.maximum(ws_size, 2 * np.asarray(nnz, dtype=np.int64))
    return np.minimum(2 ** np.ceil(np.log2(np.maximum(size, 1))).astype(np.int64), n_atoms)


def _working_sets(sup_i: np.ndarray, sup_v: np.ndarray, cand: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray]:
    """(c, p) atom indices (-1 padded) and warm-start values: non-zero support first, then candidates."""
    c = len(sup_i)
    idx = np.concatenate([np.where(sup_v != 0, sup_i, -1), cand], 1)
    val = np.concatenate([np.where(sup_v != 0, sup_v, 0.0), np.zeros(cand.shape)], 1)
    order = np.argsort(idx < 0, axis=1, kind="stable")[:, :p]  # valid entries first, in order
    ws, w0 = np.take_along_axis(idx, order, 1), np.take_along_axis(val, order, 1)
    if ws.shape[1] < p:
        ws = np.concatenate([ws, np.full((c, p - ws.shape[1]), -1, dtype=np.int64)], 1)
        w0 = np.concatenate([w0, np.zeros((c, p - w0.shape[1]))], 1)
    return ws, w0


def _solve_chunk(
    at: Atoms,
    gram: torch.Tensor | None,
    ws: np.ndarray,
    w0: np.ndarray,
    y: torch.Tensor,
    ay: torch.Tensor | None,
    lam: torch.Tensor,
    positive: bool,
    tol: float,
    max_iter: int,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, int]:
    """Working-set problems of a chunk of targets: solution (c, p), residual (c, dim), max score over the
    support (c,), iterations. Gram matrices cut from `gram` (with ay = A y, (c, n_atoms)) or built from atoms."""
    dev = y.device
    c, p = ws.shape
    valid = torch.from_numpy(ws >= 0).to(dev)
    idx = torch.from_numpy(np.where(ws >= 0, ws, 0)).to(dev)
    both = valid[:, :, None] & valid[:, None, :]
    if gram is not None and ay is not None:
        g = gram[idx[:, :, None], idx[:, None, :]] * both
        b = ay.gather(1, idx) * valid
        aw = None
    else:
        aw = at.take(idx.cpu().numpy().ravel()).reshape(c, p, -1) * valid[..., None]
        g = aw @ aw.transpose(1, 2)
        b = (aw @ y[..., None])[..., 0]
    yy = (y * y).sum(1)
    w, its = fista_subproblems(g, b, yy, lam, torch.from_numpy(w0).to(dev), valid, positive, tol, max_iter)
    if aw is not None:
        r = y - (w[:, None, :] @ aw)[:, 0, :]
    else:
        assert isinstance(at, ArrayAtoms)  # `gram` is only cut for in-memory atoms
        rows = torch.arange(c, device=dev).repeat_interleave(p)
        coo = torch.sparse_coo_tensor(
            torch.stack([rows, idx.ravel()]), (w * valid).ravel(), (c, at.n_atoms), check_invariants=False
        )
        r = y - torch.sparse.mm(coo, at.matrix64())
    score = b - (g @ w[..., None])[..., 0]
    score = score if positive else score.abs()
    return w, r, score.masked_fill(w == 0, -math.inf).max(1).values, its


def _supports(coef: sp.csr_array | None, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(k, s) indices (-1 padded) and values of each row's non-zeros."""
    if coef is None:
        return np.full((k, 0), -1, dtype=np.int64), np.zeros((k, 0))
    c = sp.csr_array(coef)
    width = int(np.diff(c.indptr).max(initial=0))
    idx, val = np.full((k, width), -1, dtype=np.int64), np.zeros((k, width))
    for t in range(k):
        lo, hi = c.indptr[t], c.indptr[t + 1]
        idx[t, : hi - lo], val[t, : hi - lo] = c.indices[lo:hi], c.data[lo:hi]
    return idx, val


def _csr(rows: list[tuple[np.ndarray, np.ndarray]], n_atoms: int) -> sp.csr_array:
    """Sparse (k, n_atoms) matrix from per-row (indices, values)."""
    indptr = np.concatenate([[0], np.cumsum([len(i) for i, _ in rows])]).astype(np.int64)
    idx = np.concatenate([i for i, _ in rows]).astype(np.int64) if rows else np.zeros(0, np.int64)
    val = np.concatenate([v for _, v in rows]).astype(np.float64) if rows else np.zeros(0)
    return sp.csr_array((val, idx, indptr), shape=(len(rows), n_atoms))


def _dense_rows(idx: np.ndarray, val: np.ndarray, atoms: Atoms) -> np.ndarray:
    """(k, dim) float64 reconstructions Σ_j val[t, j] · atom[idx[t, j]] (idx -1 = none)."""
    k, s = idx.shape
    if s == 0:
        return np.zeros((k, atoms.dim))
    a = atoms.take(np.where(idx >= 0, idx, 0).ravel()).cpu().numpy().reshape(k, s, atoms.dim)
    recon: np.ndarray = np.einsum("ks,ksd->kd", np.where(idx >= 0, val, 0.0), a)
    return recon
