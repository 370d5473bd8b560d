"""Batched (non-negative) LASSO against a small in-memory dictionary: FISTA on its full Gram matrix.

For n_atoms up to a few thousand (learned factors), every target's iteration is one row of a dense
matrix product ``a G`` (k, n_atoms) × (n_atoms, n_atoms): no working sets, no per-target gathers, so a
batch of thousands of targets costs a handful of large BLAS calls per iteration, on CPU or GPU. This is
the sparse coding of Yun et al. (2021) (FISTA over the whole dictionary), with two additions: each
target restarts its momentum when it stops descending (O'Donoghue & Candès 2015), and every few
iterations each target's current support is solved exactly (a batched small linear system, kept when
it lowers the objective: FISTA finds the support long before it converges on it) and its duality gap
checked (float32 products, float64 sums; float64 throughout below tol 1e-5), converged targets leaving
the batch.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch

from .._threads import thread_limits
from ._atoms import ArrayAtoms
from ._result import Alpha, LassoResult, as_alphas, as_targets, check_dims, check_tol

CHECK_EVERY = 10  # iterations between duality-gap checks (each also tries the exact solution on the support)
POLISH_GROUPS = (8, 16, 32)  # support sizes solved exactly at a check, by group (none above the last)
F32_GAP_TOL = 1e-5  # from this tol up, gaps and support solves use the float32 Gram matrix
POLISH_ROUNDS = 3  # solves per check, each dropping the atoms that came out with the wrong sign
PARALLEL_WORK = 1 << 31  # multiply-adds per iteration (k × n_atoms²) from which all threads are used: below
# it one thread is faster, and much faster when the cores are shared (OpenMP threads spin-wait)


def gram_fista(
    y: np.ndarray,
    atoms: ArrayAtoms,
    alpha: Alpha,
    *,
    positive: bool = True,
    tol: float = 1e-4,
    max_iter: int = 1000,
    warm_start: np.ndarray | None = None,
) -> LassoResult:
    """Solve 1/(2·dim)‖y − Aᵀw‖² + alpha‖w‖₁ (w ≥ 0 when `positive`) for every row of y (k, dim).

    atoms (n_atoms, dim) in memory (its Gram matrix is formed: keep n_atoms to a few thousand); alpha
    scalar or (k,), absolute (scikit-learn's scale); stops each target at relative duality gap `tol`
    or after `max_iter` iterations; warm_start: (k, n_atoms) initial coefficients.
    """
    ys = as_targets(y)
    k = len(ys)
    check_dims(ys, atoms.dim)
    tol = check_tol(tol)
    alphas = as_alphas(alpha, k)
    small = k * atoms.n_atoms * atoms.n_atoms < PARALLEL_WORK
    with thread_limits(1 if small and atoms.device.type == "cpu" else None):
        return _solve(ys, atoms, alphas, positive, tol, max_iter, warm_start)


def _solve(
    ys: np.ndarray,
    atoms: ArrayAtoms,
    alphas: np.ndarray,
    positive: bool,
    tol: float,
    max_iter: int,
    warm_start: np.ndarray | None,
) -> LassoResult:
    k, dim = ys.shape
    dev = atoms.device
    g64 = atoms.gram()
    lip = atoms.lipschitz()  # step 1/L, L = ‖G‖₂
    y64 = torch.from_numpy(ys).to(dev)
    c64 = y64 @ atoms.matrix64().T  # (k, n) correlations of the targets with the atoms
    amax = ((c64.clamp_min(0) if positive else c64.abs()).amax(1) / dim).cpu().numpy()
    codes = np.zeros((k, atoms.n_atoms), dtype=np.float64)
    objective = 0.5 * (ys**2).sum(1) / dim
    gap_out = np.zeros(k)
    n_iter = np.zeros(k, dtype=np.int64)
    converged = alphas >= amax  # w = 0 is optimal there
    todo = np.flatnonzero(~converged)
    if len(todo):
        state = _State(ys, c64, alphas * dim, todo, warm_start, positive, dev)
        _iterate(
            state, g64.float(), g64, lip, positive, tol, max_iter, codes, objective, gap_out, n_iter, converged, dim
        )
    return LassoResult(sp.csr_array(codes), alphas, amax, objective, gap_out, n_iter, converged)


class _State:
    """The targets still iterating: their rows, correlations, penalties and FISTA variables."""

    def __init__(
        self,
        ys: np.ndarray,
        c64: torch.Tensor,
        lam: np.ndarray,
        rows: np.ndarray,
        warm: np.ndarray | None,
        positive: bool,
        dev: torch.device,
    ):
        index = torch.from_numpy(rows).to(dev)
        self.rows = rows
        self.c64 = c64[index]
        self.c = self.c64.float()
        self.yy = torch.from_numpy((ys[rows] ** 2).sum(1)).to(dev)  # (m,) ‖y‖² in float64
        self.lam64 = torch.from_numpy(lam[rows]).to(dev)
        self.lam = self.lam64.float()[:, None]
        start = np.zeros((len(rows), c64.shape[1]), np.float32) if warm is None else np.asarray(warm, np.float32)[rows]
        self.a = torch.from_numpy(np.maximum(start, 0) if positive else start).to(dev)
        self.z = self.a.clone()
        self.t = torch.ones(len(rows), 1, dtype=torch.float32, device=dev)

    def keep(self, mask: torch.Tensor) -> None:
        """Drop the targets where `mask` is False."""
        self.rows = self.rows[mask.cpu().numpy()]
        for name in ("c64", "c", "yy", "lam64", "lam", "a", "z", "t"):
            setattr(self, name, getattr(self, name)[mask])


def _iterate(
    s: _State,
    g32: torch.Tensor,
    g64: torch.Tensor,
    lip: float,
    positive: bool,
    tol: float,
    max_iter: int,
    codes: np.ndarray,
    objective: np.ndarray,
    gap_out: np.ndarray,
    n_iter: np.ndarray,
    converged: np.ndarray,
    dim: int,
) -> None:
    step = torch.eye(len(g32), dtype=g32.dtype, device=g32.device) - g32 / lip  # z − ∇f(z)/L = z (I − G/L) + c/L
    shift = s.c / lip - s.lam / lip  # the gradient step's constant and the threshold, in one (m, n) term
    for it in range(1, max_iter + 1):
        v = torch.addmm(shift, s.z, step)
        a_new = v.clamp_min_(0) if positive else v.add_(s.lam / lip).sign() * (v.abs() - s.lam / lip).clamp_min(0)
        diff = a_new - s.a
        restart = torch.linalg.vecdot(s.z - a_new, diff) > 0  # not descending: the momentum is dropped
        t_new = (1 + torch.sqrt(1 + 4 * s.t * s.t)) / 2
        s.z = torch.addcmul(a_new, torch.where(restart[:, None], 0.0, (s.t - 1) / t_new), diff)
        s.t = torch.where(restart[:, None], torch.ones_like(t_new), t_new)
        s.a = a_new
        if it % CHECK_EVERY and it != max_iter:
            continue
        a, primal, gap = _check(s, g32 if tol >= F32_GAP_TOL else g64, positive)
        done = gap <= tol * primal.clamp_min(1e-300)
        finish = done if it != max_iter else torch.ones_like(done)
        rows = s.rows[finish.cpu().numpy()]
        codes[rows] = a[finish].cpu().numpy()
        objective[rows] = primal[finish].cpu().numpy() / dim
        gap_out[rows] = gap[finish].cpu().numpy() / dim
        n_iter[rows] = it
        converged[rows] = done[finish].cpu().numpy()
        s.keep(~finish)
        shift = shift[~finish]
        if not len(s.rows):
            return


def _check(s: _State, g: torch.Tensor, positive: bool) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(m, n) float64 coefficients of each target, their (m,) objective and duality gap. Besides the
    iterate, the exact solution on its support is tried (`_support_solve`); where its objective is lower
    it replaces the iterate and the iteration continues from it, momentum reset: FISTA finds the support
    (or a superset) long before it converges on it."""
    a = s.a.double()
    primal, gap = _gap(s, a, g, positive)
    polished, took = _support_solve(s, a, g)
    if not bool(took.any()):
        return a, primal, gap
    p_primal, p_gap = _gap(s, polished, g, positive)
    better = took & (p_primal < primal)
    s.a = torch.where(better[:, None], polished.float(), s.a)
    s.z = torch.where(better[:, None], s.a, s.z)
    s.t = torch.where(better[:, None], torch.ones_like(s.t), s.t)
    a = torch.where(better[:, None], polished, a)
    return a, torch.where(better, p_primal, primal), torch.where(better, p_gap, gap)


def _support_solve(s: _State, a: torch.Tensor, g: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(m, n) float64 and (m,) bool: for each target with 1 to POLISH_GROUPS[-1] non-zeros, the exact
    minimiser on the support of `a` with its signs (G_SS w = c_S − λ sign_S, in `g`'s precision), atoms
    whose coefficient comes out with the wrong sign dropped and those targets solved again, up to
    POLISH_ROUNDS times (True where that ends with every sign right); `a` itself elsewhere (False).
    Targets are solved in groups of similar support size, so the small systems are padded to their
    group's size, not the largest."""
    nnz = (a != 0).sum(1)
    out = a.clone()
    took = torch.zeros(len(a), dtype=torch.bool, device=a.device)
    c = s.c64 if g.dtype == torch.float64 else s.c
    low = 0
    for high in POLISH_GROUPS:
        rows = torch.nonzero((nnz > low) & (nnz <= high)).flatten()
        low = high
        if not len(rows):
            continue
        sub = a[rows]
        vals, idx = sub.abs().topk(int(nnz[rows].max()), dim=1)
        valid = vals > 0
        sign = sub.gather(1, idx).sign().to(g.dtype)
        g_ss = g[idx[:, :, None], idx[:, None, :]]
        c_s = c[rows].gather(1, idx) - s.lam64[rows, None].to(g.dtype) * sign
        eye = torch.eye(idx.shape[1], dtype=g.dtype, device=g.device)
        sol = torch.zeros_like(c_s)
        ok = torch.ones(len(rows), dtype=torch.bool, device=a.device)
        todo = torch.arange(len(rows), device=a.device)  # the targets still being solved
        for _ in range(POLISH_ROUNDS):
            v = valid[todo]
            gss = torch.where(v[:, :, None] & v[:, None, :], g_ss[todo], eye)
            x, info = torch.linalg.solve_ex(gss, torch.where(v, c_s[todo], 0.0))
            sol[todo], ok[todo] = x, (info == 0) & torch.isfinite(x).all(1)
            wrong = v & (x * sign[todo] <= 0)
            again = wrong.any(1)
            valid[todo] = v & ~wrong
            todo = todo[again]
            if not len(todo):
                break
        keeps = ok & valid.any(1) & ~(valid & (sol * sign <= 0)).any(1)
        keeps[todo] = False  # still a wrong sign after the last round
        solved = torch.zeros_like(sub).scatter(1, idx, torch.where(valid, sol, 0.0).double())
        out[rows[keeps]] = solved[keeps]
        took[rows[keeps]] = True
    return out, took


def _gap(s: _State, a: torch.Tensor, g: torch.Tensor, positive: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """(m,) primal objective and duality gap of each target's coefficients `a` (m, n) float64, in the
    dim-scaled problem ½‖y − Aᵀw‖² + λ‖w‖₁; the dual point is the residual scaled into the feasible set.
    `g` is the Gram matrix in float32 (fast; enough for tol ≥ F32_GAP_TOL) or float64; sums are float64."""
    ag = (a.to(g.dtype) @ g).double()
    yr = s.yy - (a * s.c64).sum(1)  # ⟨y, r⟩
    rr = (yr - (a * (s.c64 - ag)).sum(1)).clamp_min(0)  # ‖r‖² = ‖y‖² − 2⟨a, c⟩ + aGaᵀ
    corr = s.c64 - ag  # A r
    worst = corr.amax(1) if positive else corr.abs().amax(1)
    scale = torch.where(worst > s.lam64, s.lam64 / worst.clamp_min(1e-300), torch.ones_like(worst))
    primal = 0.5 * rr + s.lam64 * a.abs().sum(1)
    dual = scale * yr - 0.5 * scale * scale * rr
    return primal, (primal - dual).clamp_min(0)
