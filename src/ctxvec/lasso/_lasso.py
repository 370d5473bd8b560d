"""LASSO solvers: write each target vector as a sparse (by default non-negative) combination of atoms.

For each target y (dim,) and atoms A (n_atoms, dim) the problem is scikit-learn's ``Lasso`` with
``fit_intercept=False`` (and ``positive=True`` unless signed), in the same scaling::

    minimise over w   1/(2·dim) · ‖y − Aᵀw‖²  +  alpha · ‖w‖₁        (w ≥ 0 unless signed)

Every coefficient is zero exactly when ``alpha ≥ alpha_max = max_j (A y)_j / dim`` (``|A y|`` when
signed), so alphas are best given as a fraction of ``alpha_max`` (see `alpha_max`).

Solvers, all batched over many targets and returning a `LassoResult`:

- `fista`: FISTA (Beck & Teboulle 2009, with adaptive restart) in torch on a *working set*: a few
  hundred atoms chosen by their correlation with the residual, grown until the duality gap of the full
  problem is below ``tol`` (the celer / skglm strategy). One pass over all atoms per outer round is
  the only cost that grows with ``n_atoms``; the atoms can be streamed from a store (`StoreAtoms`).
  The step is 1/λ_max of each working set's Gram matrix; once the support settles, the exact solution
  on it is computed by a linear solve ("polishing") and kept if it satisfies the KKT conditions.
- `sklearn_lasso`: scikit-learn's coordinate descent, one target at a time (the reference).
- `omp`: orthogonal matching pursuit, K greedy steps (non-negative refits by NNLS when positive).
- `max_terms_search`: the smallest alpha (by halving, then bisection) giving at most K terms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
import torch

from ..errors import CtxvecError

BLOCK_ROWS = 65536
SCAN_ELEMENTS = 1 << 23  # scores computed at once in a scan (k_chunk × block rows)
WS_ELEMENTS = 1 << 23  # float64 working-set atoms gathered at once (k_chunk × p × dim)
GRAM_MAX_ATOMS = 4096
PARALLEL_WORK = (
    1 << 31
)  # multiply-adds per scan (targets × atoms × dim) from which scans use all threads  # dictionaries up to this size keep their full Gram matrix


def resolve_device(device: str | torch.device | None) -> torch.device:
    """'auto' -> cuda when available, else cpu."""
    if device is None or device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


# ---- atoms ------------------------------------------------------------------------------------


class Atoms(Protocol):
    """A dictionary of atoms, (n_atoms, dim), read in blocks (scans) or by index (working sets)."""

    n_atoms: int
    dim: int
    device: torch.device

    def blocks(self) -> Iterator[tuple[int, torch.Tensor]]:
        """Yield (start, (b, dim) float32 tensor on `device`) covering all atoms in order."""
        ...

    def take(self, index: np.ndarray) -> torch.Tensor:
        """(len(index), dim) float64 tensor on `device` of the atoms `index` (int array, any order)."""
        ...


class ArrayAtoms:
    """Atoms held in memory: (n_atoms, dim) float32 on `device`."""

    def __init__(
        self, matrix: np.ndarray | torch.Tensor, device: str | torch.device | None = "cpu", block_rows: int = BLOCK_ROWS
    ):
        self.device = resolve_device(device)
        self.matrix = torch.as_tensor(
            np.asarray(matrix, dtype=np.float32) if isinstance(matrix, np.ndarray) else matrix.float()
        ).to(self.device)
        if self.matrix.ndim != 2:
            raise CtxvecError(f"atoms must be a 2-D (n_atoms, dim) matrix, got shape {tuple(self.matrix.shape)}")
        self.n_atoms, self.dim = (int(s) for s in self.matrix.shape)
        self.block_rows = block_rows

    def blocks(self) -> Iterator[tuple[int, torch.Tensor]]:
        for start in range(0, self.n_atoms, self.block_rows):
            yield start, self.matrix[start : start + self.block_rows]

    def take(self, index: np.ndarray) -> torch.Tensor:
        idx = torch.as_tensor(np.asarray(index, dtype=np.int64), device=self.device)
        return self.matrix[idx].double()

    def numpy(self) -> np.ndarray:
        return self.matrix.cpu().numpy()

    def matrix64(self) -> torch.Tensor:
        """(n_atoms, dim) float64 copy (cached)."""
        if not hasattr(self, "_m64"):
            self._m64 = self.matrix.double()
        return self._m64

    def gram(self) -> torch.Tensor:
        """(n_atoms, n_atoms) float64 Gram matrix A Aᵀ (cached)."""
        if not hasattr(self, "_gram"):
            m = self.matrix64()
            self._gram = m @ m.T
        return self._gram


class StoreAtoms:
    """Atoms streamed from a store's memory map: all rows, or the sorted subset `rows`."""

    def __init__(
        self,
        store: Any,
        rows: np.ndarray | None = None,
        device: str | torch.device | None = "cpu",
        block_rows: int = BLOCK_ROWS,
    ):
        self.store = store
        self.rows = None if rows is None else np.asarray(rows, dtype=np.int64)
        self.n_atoms = int(store.n_rows if self.rows is None else len(self.rows))
        self.dim = store.dim
        self.device = resolve_device(device)
        self.block_rows = block_rows

    def blocks(self) -> Iterator[tuple[int, torch.Tensor]]:
        for start in range(0, self.n_atoms, self.block_rows):
            stop = min(start + self.block_rows, self.n_atoms)
            sel = slice(start, stop) if self.rows is None else self.rows[start:stop]
            yield start, torch.from_numpy(_writable(self.store.get_vectors(sel))).to(self.device)

    def take(self, index: np.ndarray) -> torch.Tensor:
        index = np.asarray(index, dtype=np.int64)
        rows = index if self.rows is None else self.rows[index]
        uniq, inverse = np.unique(rows, return_inverse=True)
        vec = _writable(self.store.get_vectors(uniq)[inverse])
        return torch.from_numpy(vec).to(self.device).double()


def _writable(a: np.ndarray) -> np.ndarray:
    """`a`, copied when it is a read-only view of a memory map (torch wants writable arrays)."""
    return a if a.flags.writeable else a.copy()


def as_atoms(atoms: Any, device: str | torch.device | None = "cpu") -> Atoms:
    """Wrap a (n_atoms, dim) array or tensor as `ArrayAtoms`; pass `Atoms` objects through."""
    if isinstance(atoms, (np.ndarray, torch.Tensor)):
        return ArrayAtoms(atoms, device)
    return atoms  # type: ignore[no-any-return]


def atoms_matrix(atoms: Any) -> np.ndarray:
    """(n_atoms, dim) float32 numpy matrix of any atoms (reads a streamed store whole)."""
    if isinstance(atoms, np.ndarray):
        return atoms.astype(np.float32, copy=False)
    if isinstance(atoms, torch.Tensor):
        return atoms.detach().float().cpu().numpy()
    if isinstance(atoms, ArrayAtoms):
        return atoms.numpy()
    return np.concatenate([b.cpu().numpy() for _, b in atoms.blocks()]) if atoms.n_atoms else np.zeros((0, atoms.dim))


@dataclass
class Exclusion:
    """Atoms a target may not use: `masks` (g, n_atoms) bool (True = excluded), `group` (k,) row of `masks`."""

    masks: np.ndarray
    group: np.ndarray

    @classmethod
    def build(cls, exclude: Any, n_targets: int, n_atoms: int) -> Exclusion | None:
        """From None, an (n_atoms,) mask shared by all targets, a (k, n_atoms) mask, or an Exclusion."""
        if exclude is None or isinstance(exclude, Exclusion):
            return exclude
        mask = np.asarray(exclude, dtype=bool)
        if mask.shape == (n_atoms,):
            return cls(mask[None, :], np.zeros(n_targets, dtype=np.int64))
        if mask.shape == (n_targets, n_atoms):
            return cls(mask, np.arange(n_targets, dtype=np.int64))
        raise CtxvecError(f"exclude mask has shape {mask.shape}; expected ({n_atoms},) or ({n_targets}, {n_atoms})")

    def subset(self, targets: np.ndarray) -> Exclusion:
        return Exclusion(self.masks, self.group[targets])

    def target_mask(self, t: int) -> np.ndarray:
        """(n_atoms,) bool mask of target `t`."""
        return self.masks[self.group[t]]


# ---- results -----------------------------------------------------------------------------------


@dataclass
class LassoResult:
    """Solutions for k targets over n_atoms atoms.

    coef (k, n_atoms) sparse float64; alpha, alpha_max, objective (sklearn scaling), gap (duality gap,
    same scaling), n_iter (k,); converged (k,) bool.
    """

    coef: sp.csr_array
    alpha: np.ndarray
    alpha_max: np.ndarray
    objective: np.ndarray
    gap: np.ndarray
    n_iter: np.ndarray
    converged: np.ndarray

    @property
    def n_terms(self) -> np.ndarray:
        """(k,) number of non-zero coefficients of each target."""
        return np.diff(self.coef.indptr)

    @property
    def all_zero(self) -> np.ndarray:
        """(k,) True where alpha ≥ alpha_max, so every coefficient is zero by construction."""
        return self.alpha >= self.alpha_max

    def take(self, targets: np.ndarray) -> LassoResult:
        return LassoResult(
            self.coef[targets],
            self.alpha[targets],
            self.alpha_max[targets],
            self.objective[targets],
            self.gap[targets],
            self.n_iter[targets],
            self.converged[targets],
        )


def _targets(y: Any) -> np.ndarray:
    arr = y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
    arr = np.atleast_2d(arr).astype(np.float64)
    if arr.ndim != 2:
        raise CtxvecError(f"targets must be (k, dim), got shape {arr.shape}")
    return arr


def _alphas(alpha: Any, k: int) -> np.ndarray:
    a = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (k,)).copy()
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise CtxvecError(f"alpha must be finite and non-negative, got {alpha}")
    return a


# ---- objective, dual, KKT ----------------------------------------------------------------------


def lasso_objective(y: Any, atoms: Any, coef: Any, alpha: Any) -> np.ndarray:
    """(k,) primal objective 1/(2·dim)‖y − Aᵀw‖² + alpha‖w‖₁ of `coef` (k, n_atoms), in float64."""
    y = _targets(y)
    w = sp.csr_array(coef) if sp.issparse(coef) else sp.csr_array(np.atleast_2d(np.asarray(coef, dtype=np.float64)))
    a = np.asarray(atoms_matrix(atoms), dtype=np.float64)
    r = y - w @ a
    return 0.5 * (r**2).sum(1) / y.shape[1] + _alphas(alpha, len(y)) * abs(w).sum(1)


def kkt_violation(y: Any, atoms: Any, coef: Any, alpha: Any, positive: bool = True) -> np.ndarray:
    """(k,) largest violation of the optimality conditions, relative to alpha (0 at an exact solution).

    With c = A(y − Aᵀw)/dim: w_j > 0 needs c_j = alpha; w_j = 0 needs c_j ≤ alpha (|c_j| ≤ alpha when signed);
    signed w_j ≠ 0 needs c_j = alpha·sign(w_j).
    """
    y = _targets(y)
    a = np.asarray(atoms_matrix(atoms), dtype=np.float64)
    w = sp.csr_array(coef).toarray() if sp.issparse(coef) else np.atleast_2d(np.asarray(coef, dtype=np.float64))
    alpha = _alphas(alpha, len(y))
    c = (y - w @ a) @ a.T / y.shape[1]
    viol = np.where(w != 0, np.abs(c - alpha[:, None] * np.sign(w)), 0.0)
    zero = w == 0
    off = np.maximum(c if positive else np.abs(c), 0.0) - alpha[:, None]
    viol = np.maximum(viol, np.where(zero, np.maximum(off, 0.0), 0.0))
    if positive:
        viol = np.maximum(viol, np.maximum(-w, 0.0) * 1e12)  # a negative coefficient is never allowed
    return viol.max(1) / np.maximum(alpha, 1e-300)


def _gap(
    r: torch.Tensor, y: torch.Tensor, l1: torch.Tensor, lam: torch.Tensor, dual_norm: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Primal and duality gap in the ×dim scaling: P = ½‖r‖² + λ‖w‖₁, θ = s·r with s = min(1, λ/‖Ar‖∞)."""
    rr = (r * r).sum(-1)
    primal = 0.5 * rr + lam * l1
    s = torch.where(dual_norm > lam, lam / dual_norm.clamp_min(1e-300), torch.ones_like(lam))
    dual = s * (r * y).sum(-1) - 0.5 * s * s * rr
    return primal, (primal - dual).clamp_min(0.0)


# ---- scans over all atoms ----------------------------------------------------------------------


def _scan(
    atoms: Atoms, r: torch.Tensor, exclusion: Exclusion | None, skip: np.ndarray | None, n_top: int, positive: bool
) -> tuple[torch.Tensor, np.ndarray]:
    """One pass over all atoms with residuals r (k, dim).

    Returns the largest score over allowed atoms not in `skip` (k,) — score = A r (|A r| when signed) —
    and the indices (k, n_top) of the highest-scoring such atoms (-1 where fewer exist).
    `skip` (k, s) int, -1 padded: atoms handled exactly elsewhere (the current support).
    """
    k = r.shape[0]
    dev = atoms.device
    r32 = r.to(dev, torch.float32)
    best = torch.full((k,), -math.inf, device=dev)
    top_v = torch.full((k, n_top), -math.inf, device=dev)
    top_i = torch.full((k, n_top), -1, dtype=torch.int64, device=dev)
    skip_t = None if skip is None else torch.as_tensor(skip, device=dev)
    masks = None if exclusion is None else torch.as_tensor(exclusion.masks, device=dev)
    group = None if exclusion is None else torch.as_tensor(exclusion.group, device=dev)
    for start, block in atoms.blocks():
        b = block.shape[0]
        step = max(1, SCAN_ELEMENTS // b)  # targets at a time: bounds the (targets, b) score matrix
        for lo in range(0, k, step):
            hi = min(k, lo + step)
            c = r32[lo:hi] @ block.T
            if not positive:
                c = c.abs()
            if masks is not None and group is not None:
                c.masked_fill_(masks[:, start : start + b][group[lo:hi]], -math.inf)
            if skip_t is not None and skip_t.numel():
                sk = skip_t[lo:hi]
                inside = (sk >= start) & (sk < start + b)
                rows = torch.arange(hi - lo, device=dev)[:, None].expand_as(sk)
                c[rows[inside], sk[inside] - start] = -math.inf
            best[lo:hi] = torch.maximum(best[lo:hi], c.max(1).values)
            if n_top:
                v, i = c.topk(min(n_top, b), dim=1)
                v, sel = torch.cat([top_v[lo:hi], v], 1).topk(n_top, dim=1)
                top_i[lo:hi] = torch.cat([top_i[lo:hi], i + start], 1).gather(1, sel)
                top_v[lo:hi] = v
    top = top_i.cpu().numpy()
    top[~np.isfinite(top_v.cpu().numpy())] = -1
    return best.double(), top


def alpha_max(
    y: Any, atoms: Any, positive: bool = True, exclude: Any = None, device: str | torch.device | None = "cpu"
) -> np.ndarray:
    """(k,) smallest alpha giving all-zero coefficients: max_j (A y)_j / dim (|A y| when signed), ≥ 0."""
    ys = _targets(y)
    at = as_atoms(atoms, device)
    excl = Exclusion.build(exclude, len(ys), at.n_atoms)
    best, _ = _scan(at, torch.from_numpy(ys), excl, None, 0, positive)
    return np.maximum(best.cpu().numpy(), 0.0) / ys.shape[1]


# ---- FISTA on a working set --------------------------------------------------------------------


def _lipschitz(g: torch.Tensor) -> torch.Tensor:
    """(k,) largest eigenvalue of each Gram matrix g (k, p, p): exact for p ≤ 32, else power iteration."""
    if g.shape[-1] <= 32:
        return torch.linalg.eigvalsh(g)[..., -1].clamp_min(1e-300)
    v = torch.linspace(1.0, 1.5, g.shape[-1], dtype=g.dtype, device=g.device).expand(g.shape[:-1])[..., None]
    for _ in range(40):
        v = g @ v
        v = v / v.norm(dim=1, keepdim=True).clamp_min(1e-300)
    rayleigh = (v * (g @ v)).sum((1, 2))
    return (1.05 * rayleigh).clamp_min(1e-300)


def _prox(z: torch.Tensor, thresh: torch.Tensor, positive: bool) -> torch.Tensor:
    if positive:
        return (z - thresh).clamp_min(0.0)
    return torch.sign(z) * (z.abs() - thresh).clamp_min(0.0)


def _sub_gap(
    aw: torch.Tensor, y: torch.Tensor, w: torch.Tensor, lam: torch.Tensor, valid: torch.Tensor, positive: bool
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Residual (k, dim), primal and gap of the working-set problem, from the atoms themselves."""
    r = y - (w[:, None, :] @ aw)[:, 0, :]
    c = (aw @ r[..., None])[..., 0]
    c = c if positive else c.abs()
    dual_norm = c.masked_fill(~valid, -math.inf).max(1).values
    primal, gap = _gap(r, y, w.abs().sum(1), lam, dual_norm)
    return r, primal, gap


def _gram_gap(
    g: torch.Tensor,
    b: torch.Tensor,
    yy: torch.Tensor,
    w: torch.Tensor,
    lam: torch.Tensor,
    valid: torch.Tensor,
    positive: bool,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Primal and gap of the working-set problem from its Gram matrix g (k, p, p), b = A y, yy = ‖y‖² (float64)."""
    gw = (g @ w[..., None])[..., 0]
    c = b - gw  # A r
    rr = (yy - 2 * (b * w).sum(1) + (w * gw).sum(1)).clamp_min(0.0)
    ry = yy - (b * w).sum(1)
    dual_norm = (c if positive else c.abs()).masked_fill(~valid, -math.inf).max(1).values
    primal = 0.5 * rr + lam * w.abs().sum(1)
    s = torch.where(dual_norm > lam, lam / dual_norm.clamp_min(1e-300), torch.ones_like(lam))
    gap = (primal - (s * ry - 0.5 * s * s * rr)).clamp_min(0.0)
    return primal, gap


def _polish(
    g: torch.Tensor, b: torch.Tensor, lam: torch.Tensor, w: torch.Tensor, valid: torch.Tensor, positive: bool
) -> torch.Tensor:
    """Exact working-set solution on the current support (linear solve), where it satisfies the KKT conditions."""
    s = w != 0
    sgn = torch.sign(w)
    eye = torch.diag_embed((~s).to(g.dtype))
    m = g * (s[:, :, None] & s[:, None, :]) + eye
    rhs = (b - lam[:, None] * sgn) * s
    sol, info = torch.linalg.solve_ex(m, rhs[..., None])
    sol = sol[..., 0] * s
    ok = (info == 0) & torch.isfinite(sol).all(1)
    ok &= ((sol * sgn > 0) | ~s).all(1)
    c = b - (g @ sol[..., None])[..., 0]
    c = c if positive else c.abs()
    ok &= ((c <= lam[:, None] * (1 + 1e-9)) | s | ~valid).all(1)
    return torch.where(ok[:, None], sol, w)


def _fista_ws(
    g: torch.Tensor,
    b: torch.Tensor,
    yy: torch.Tensor,
    lam: torch.Tensor,
    w: torch.Tensor,
    valid: torch.Tensor,
    positive: bool,
    tol: float,
    max_iter: int,
    check_every: int = 10,
) -> tuple[torch.Tensor, int]:
    """Solve the working-set problems (batched) given their Gram matrices g (k, p, p) float64, b = A y (k, p),
    yy = ‖y‖² (k,) (rows/columns of g and b zero where not `valid`), and a warm start w (k, p).
    Returns the best iterates and the iterations run.

    Every `check_every` iterations: duality gap; where the support has not changed since the last check,
    the exact solution on that support (`_polish`), kept when it satisfies the KKT conditions. Targets
    that reach `tol` leave the batch, so a few hard ones do not slow down the rest.
    """
    lipschitz = _lipschitz(g)
    w = _polish(g, b, lam, w * valid, valid, positive)
    out = w.clone()
    best_p, gap = _gram_gap(g, b, yy, w, lam, valid, positive)
    live = torch.nonzero(gap > tol * best_p.clamp_min(1e-300))[:, 0]
    g, b, yy, lam, valid, w, best_p, lipschitz = (x[live] for x in (g, b, yy, lam, valid, w, best_p, lipschitz))
    best_w, last_support = w, w != 0
    z, t = w.clone(), torch.ones_like(lam)
    n = 0
    for n in range(1, max_iter + 1):
        if not len(live):
            break
        grad = (g @ z[..., None])[..., 0] - b
        step = 1.0 / lipschitz
        w_new = _prox(z - step[:, None] * grad, (lam * step)[:, None], positive)
        restart = ((z - w_new) * (w_new - w)).sum(1) > 0  # adaptive restart (O'Donoghue & Candès 2015)
        t_new = 0.5 * (1 + torch.sqrt(1 + 4 * t * t))
        beta = torch.where(restart, torch.zeros_like(t), (t - 1) / t_new)
        t = torch.where(restart, torch.ones_like(t), t_new)
        z = w_new + beta[:, None] * (w_new - w)
        w = w_new
        if n % check_every == 0 or n == max_iter:
            support = w != 0
            if bool((support == last_support).all(1).any()):
                w = _polish(g, b, lam, w, valid, positive)
            last_support = support
            primal, gap = _gram_gap(g, b, yy, w, lam, valid, positive)
            better = primal < best_p
            best_w = torch.where(better[:, None], w, best_w)
            diverging = primal > best_p * (1 + 1e-6)  # step too long: halve it, restart from the best point
            lipschitz = torch.where(diverging, 2 * lipschitz, lipschitz)
            w = torch.where(diverging[:, None], best_w, w)
            z = torch.where(diverging[:, None], best_w, z)
            best_p = torch.where(better, primal, best_p)
            done = better & (gap <= tol * primal.clamp_min(1e-300))
            if bool(done.any()):
                out[live[done]] = best_w[done]
                keep = ~done
                live = live[keep]
                g, b, yy, lam, valid, w, z, t, best_p, best_w, lipschitz, last_support = (
                    x[keep] for x in (g, b, yy, lam, valid, w, z, t, best_p, best_w, lipschitz, last_support)
                )
    if len(live):
        out[live] = best_w
    return out, n


def fista(
    y: Any,
    atoms: Any,
    alpha: Any,
    *,
    positive: bool = True,
    exclude: Any = None,
    tol: float = 1e-6,
    max_iter: int = 20000,
    ws_size: int = 32,
    max_outer: int = 50,
    warm_start: LassoResult | None = None,
    device: str | torch.device | None = "cpu",
) -> LassoResult:
    """Batched (non-negative) LASSO by FISTA on growing working sets; stops at relative duality gap `tol`.

    y (k, dim) targets; atoms (n_atoms, dim) array or `Atoms`; alpha scalar or (k,), absolute (sklearn scale);
    exclude: (n_atoms,) or (k, n_atoms) bool mask or `Exclusion` of atoms each target may not use.
    warm_start: a result for the same targets and atoms (its supports seed the working sets).
    Converged targets satisfy gap ≤ tol · objective, so their objective is within `tol` of the optimum.
    On CPU, problems below PARALLEL_WORK multiply-adds per scan run on one thread (many small operations,
    which a second thread slows down whenever cores are shared).
    """
    at = as_atoms(atoms, device)
    k = len(_targets(y))
    small = k * at.n_atoms * at.dim < PARALLEL_WORK
    with _one_thread(at.device) if small else nullcontext():
        return _fista(y, at, alpha, positive, exclude, tol, max_iter, ws_size, max_outer, warm_start)


def _fista(
    y: Any,
    at: Atoms,
    alpha: Any,
    positive: bool,
    exclude: Any,
    tol: float,
    max_iter: int,
    ws_size: int,
    max_outer: int,
    warm_start: LassoResult | None,
) -> LassoResult:
    ys = _targets(y)
    k, dim = ys.shape
    if dim != at.dim:
        raise CtxvecError(f"targets have dim {dim} but atoms have dim {at.dim}")
    alpha = _alphas(alpha, k)
    excl = Exclusion.build(exclude, k, at.n_atoms)
    dev = at.device
    y_t = torch.from_numpy(ys).to(dev)
    lam = torch.from_numpy(alpha * dim).to(dev)

    sup_i, sup_v = _supports(warm_start.coef if warm_start is not None else None, k)
    if warm_start is not None:
        amax = warm_start.alpha_max.copy()
        r = torch.from_numpy(ys - _dense_rows(sup_i, sup_v, at)).to(dev)
        nnz = (sup_v != 0).sum(1)
        n_top = int((_ws_sizes(nnz, ws_size, at.n_atoms) - nnz).max(initial=0))
        _, cand = _scan(at, r, excl, sup_i, n_top, positive)
    else:
        n_top = int(_ws_sizes(np.zeros(1, np.int64), ws_size, at.n_atoms)[0])
        best0, cand = _scan(at, y_t, excl, None, n_top, positive)  # r = y: this is alpha_max too
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
    converged = alpha >= amax  # w = 0 is optimal there: ‖Ay‖∞ ≤ λ
    active = np.flatnonzero(~converged)
    cand, sup_i, sup_v = cand[active], sup_i[active], sup_v[active]
    for outer in range(max_outer):
        if not len(active):
            break
        # working sets: current support first, then the atoms most violating the optimality conditions;
        # sizes per target (room for its support and as many candidates again), in power-of-two buckets
        size = _ws_sizes((sup_v != 0).sum(1), ws_size, at.n_atoms)
        y_a, lam_a = y_t[active], lam[active]
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
                with _one_thread(dev):
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
        w_np, ws = w_all, ws_all
        w = torch.from_numpy(w_np).to(dev)
        # duality gap of the full problem: support atoms exactly (float64), all others by one float32 scan,
        # which also ranks the candidates for the next working set
        sup_i = np.where(w_np != 0, ws, -1)
        nnz = (w_np != 0).sum(1)
        n_top = int((_ws_sizes(nnz, ws_size, at.n_atoms) - nnz).max(initial=0))
        best, cand = _scan(at, r_a, None if excl is None else excl.subset(active), sup_i, n_top, positive)
        primal, gap = _gap(r_a, y_a, w.abs().sum(1), lam_a, torch.maximum(best, c_sup))
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
    return LassoResult(_csr(coef_rows, at.n_atoms), alpha, amax, objective, gap_out, n_iter, converged)


@contextmanager
def _one_thread(device: torch.device) -> Iterator[None]:
    """Run torch on one CPU thread: the working-set iterations are many small memory-bound operations,
    for which a second OpenMP thread gains little and costs a lot whenever the cores are shared."""
    n = torch.get_num_threads()
    if device.type == "cpu":
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(n)


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
    w, its = _fista_ws(g, b, yy, lam, torch.from_numpy(w0).to(dev), valid, positive, tol, max_iter)
    if aw is not None:
        r = y - (w[:, None, :] @ aw)[:, 0, :]
    else:
        rows = torch.arange(c, device=dev).repeat_interleave(p)
        coo = torch.sparse_coo_tensor(
            torch.stack([rows, idx.ravel()]), (w * valid).ravel(), (c, at.n_atoms), check_invariants=False
        )
        r = y - torch.sparse.mm(coo, at.matrix64())  # type: ignore[attr-defined]
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
    return np.einsum("ks,ksd->kd", np.where(idx >= 0, val, 0.0), a)


# ---- plain FISTA over all atoms (no working set): the baseline ---------------------------------------


def fista_full(
    y: Any,
    atoms: Any,
    alpha: Any,
    *,
    positive: bool = True,
    tol: float = 1e-6,
    max_iter: int = 5000,
    check_every: int = 20,
    device: str | torch.device | None = "cpu",
) -> LassoResult:
    """FISTA on the whole dictionary (two (k, n_atoms, dim) products per iteration); atoms in memory."""
    ys = _targets(y)
    dev = resolve_device(device)
    a = torch.from_numpy(np.asarray(atoms_matrix(atoms), dtype=np.float64)).to(dev)
    k, dim = ys.shape
    alpha = _alphas(alpha, k)
    y_t = torch.from_numpy(ys).to(dev)
    lam = torch.from_numpy(alpha * dim).to(dev)
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
        w_new = _prox(z - grad / lipschitz, lam[:, None] / lipschitz, positive)
        t_new = 0.5 * (1 + math.sqrt(1 + 4 * t * t))
        z = w_new + ((t - 1) / t_new) * (w_new - w)
        w, t = w_new, t_new
        if n % check_every == 0 or n == max_iter:
            r = y_t - w @ a
            c = r @ a.T
            primal, gap = _gap(r, y_t, w.abs().sum(1), lam, (c if positive else c.abs()).max(1).values)
            if bool((gap <= tol * primal).all()):
                break
    prim, gp = primal.cpu().numpy(), gap.cpu().numpy()
    return LassoResult(
        sp.csr_array(w.cpu().numpy()), alpha, amax, prim / dim, gp / dim, np.full(k, n), gp <= tol * prim
    )


# ---- scikit-learn coordinate descent -----------------------------------------------------------------


def sklearn_lasso(
    y: Any,
    atoms: Any,
    alpha: Any,
    *,
    positive: bool = True,
    exclude: Any = None,
    tol: float = 1e-4,
    max_iter: int = 10000,
    warm_start: LassoResult | None = None,
) -> LassoResult:
    """scikit-learn's ``Lasso(alpha, positive, fit_intercept=False)`` fitted once per target (float64)."""
    from sklearn.linear_model import Lasso

    ys = _targets(y)
    a = atoms_matrix(atoms)
    k, dim = ys.shape
    alpha = _alphas(alpha, k)
    excl = Exclusion.build(exclude, k, len(a))
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
                alpha=max(alpha[t], 1e-300),
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
    obj = lasso_objective(ys, a, res, alpha)
    return LassoResult(res, alpha, amax, obj, np.full(k, np.nan), n_iter, np.ones(k, dtype=bool))


# ---- orthogonal matching pursuit ----------------------------------------------------------------------


def omp(
    y: Any,
    atoms: Any,
    n_terms: int,
    *,
    positive: bool = True,
    exclude: Any = None,
    device: str | torch.device | None = "cpu",
) -> LassoResult:
    """Orthogonal matching pursuit: up to `n_terms` greedy steps per target, least-squares refit each step.

    Positive: picks the atom most positively correlated with the residual and refits by NNLS; stops early
    when no atom correlates positively. Signed: largest |correlation|, ordinary least squares.
    """
    from scipy.optimize import nnls

    if n_terms < 1:
        raise CtxvecError(f"omp needs at least 1 term, got {n_terms}")
    ys = _targets(y)
    at = as_atoms(atoms, device)
    k, dim = ys.shape
    excl = Exclusion.build(exclude, k, at.n_atoms)
    chosen = np.full((k, 0), -1, dtype=np.int64)
    values = np.zeros((k, 0))
    r = ys.copy()
    live = np.ones(k, dtype=bool)
    amax = alpha_max(ys, at, positive, excl)
    for _step in range(min(n_terms, at.n_atoms)):
        best, top = _scan(at, torch.from_numpy(r), excl, chosen, 1, positive)
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


# ---- regularisation giving at most K terms ---------------------------------------------------------------


Solver = Callable[..., LassoResult]


MAX_BISECTIONS = 60
TIGHT_TOL = 1e-10


def max_terms_search(
    y: Any,
    atoms: Any,
    max_terms: int,
    *,
    solver: Solver = fista,
    positive: bool = True,
    exclude: Any = None,
    shrink: float = 0.5,
    n_bisect: int = 8,
    min_ratio: float = 1e-4,
    **solver_kw: Any,
) -> LassoResult:
    """Per target, the smallest alpha found whose solution has at most `max_terms` non-zero coefficients.

    Starts at alpha_max (no terms), multiplies alpha by `shrink` until a solution has too many terms,
    then bisects (in log scale) `n_bisect` times between the last good and the first bad alpha. A target
    stops early with exactly `max_terms` terms, or when alpha falls below `min_ratio`·alpha_max (fewer
    atoms than that can ever be used). Each solve is warm-started from the best solution so far. Targets
    left with no term are searched again at tolerance `TIGHT_TOL` with up to `MAX_BISECTIONS` bisections.
    """
    if max_terms < 1:
        raise CtxvecError(f"max_terms must be at least 1, got {max_terms}")
    ys = _targets(y)
    k, dim = ys.shape
    if solver is not sklearn_lasso:
        atoms = as_atoms(atoms, solver_kw.pop("device", "cpu"))
    n_atoms = len(atoms) if isinstance(atoms, np.ndarray) else atoms.n_atoms
    excl = Exclusion.build(exclude, k, n_atoms)
    amax = alpha_max(ys, atoms, positive, excl)
    lo, hi = amax.copy(), np.full(k, np.nan)  # lo gives <= max_terms terms (alpha_max gives none), hi too many
    best = LassoResult(
        sp.csr_array((k, n_atoms)),
        amax.copy(),
        amax,
        0.5 * (ys**2).sum(1) / dim,
        np.zeros(k),
        np.zeros(k, dtype=np.int64),
        np.ones(k, dtype=bool),
    )
    rows = [best.coef[[t]] for t in range(k)]
    bisections = np.zeros(k, dtype=np.int64)
    active = amax > 0
    while active.any():
        act = np.flatnonzero(active)
        trial = np.where(np.isnan(hi[act]), lo[act] * shrink, np.sqrt(lo[act] * np.nan_to_num(hi[act], nan=1.0)))
        res = solver(
            ys[act],
            atoms,
            trial,
            positive=positive,
            exclude=None if excl is None else excl.subset(act),
            warm_start=best.take(act),
            **solver_kw,
        )
        ok = res.n_terms <= max_terms
        for j, t in enumerate(act):
            if ok[j]:
                lo[t] = trial[j]
                rows[t] = res.coef[[j]]
                best.alpha[t], best.objective[t], best.gap[t] = trial[j], res.objective[j], res.gap[j]
                best.converged[t] = res.converged[j]
            else:
                hi[t] = trial[j]
            best.n_iter[t] += res.n_iter[j]
        best.coef = sp.csr_array(sp.vstack(rows, format="csr"))
        bisections[act[~np.isnan(hi[act])]] += 1
        finished = (best.n_terms[act] == max_terms) | (bisections[act] >= n_bisect) | (lo[act] < min_ratio * amax[act])
        active[act[finished]] = False
    # When the first atoms enter within a hair of each other below alpha_max, the 1..max_terms window is
    # so narrow that its tiny coefficients sit inside the solver's tolerance and every solution there
    # looks empty: search again for those targets with a much tighter tolerance.
    empty = np.flatnonzero((best.n_terms == 0) & ~np.isnan(hi))
    if len(empty) and solver_kw.get("tol", np.inf) > TIGHT_TOL:
        again = max_terms_search(
            ys[empty],
            atoms,
            max_terms,
            solver=solver,
            positive=positive,
            exclude=None if excl is None else excl.subset(empty),
            shrink=shrink,
            n_bisect=MAX_BISECTIONS,
            min_ratio=min_ratio,
            **{**solver_kw, "tol": TIGHT_TOL},
        )
        coef = best.coef.tolil()
        for j, t in enumerate(empty):
            coef[t] = again.coef[[j]].toarray()
            best.alpha[t], best.objective[t], best.gap[t] = again.alpha[j], again.objective[j], again.gap[j]
            best.converged[t] = again.converged[j]
            best.n_iter[t] += again.n_iter[j]
        best.coef = sp.csr_array(coef.tocsr())
    return best


def solve(
    y: Any,
    atoms: Any,
    alpha: Any = None,
    *,
    max_terms: int | None = None,
    solver: str = "fista",
    positive: bool = True,
    exclude: Any = None,
    tol: float | None = None,
    device: str | torch.device | None = "cpu",
) -> LassoResult:
    """Dispatch: `solver` in {"fista", "lasso", "omp"}; absolute `alpha` or `max_terms` (at most K terms)."""
    if solver == "omp":
        if max_terms is None:
            raise CtxvecError("solver 'omp' needs a number of terms: give max_terms (CLI: --max-terms K)")
        return omp(y, atoms, max_terms, positive=positive, exclude=exclude, device=device)
    fn: Solver
    kw: dict[str, Any] = {}
    if solver == "fista":
        fn, kw = fista, {"device": device, "tol": 1e-6 if tol is None else tol}
    elif solver == "lasso":
        fn, kw = sklearn_lasso, {"tol": 1e-4 if tol is None else tol}
    else:
        raise CtxvecError(f"unknown solver {solver!r}; choose fista, lasso or omp")
    if max_terms is not None:
        return max_terms_search(y, atoms, max_terms, solver=fn, positive=positive, exclude=exclude, **kw)
    if alpha is None:
        raise CtxvecError("give alpha or max_terms")
    return fn(y, atoms, alpha, positive=positive, exclude=exclude, **kw)
