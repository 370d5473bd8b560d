"""What the solvers return (`LassoResult`) and how a solution is judged: the primal objective, the
duality gap and the KKT conditions, all in scikit-learn's scaling 1/(2·dim)‖y − Aᵀw‖² + alpha‖w‖₁."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import scipy.sparse as sp
import torch

from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result, jsonable

Alpha: TypeAlias = float | np.ndarray
"""A regularisation: one value for every target, or (k,) values, absolute (scikit-learn's scale)."""

Coef: TypeAlias = "sp.csr_array | np.ndarray"
"""Coefficients (k, n_atoms), sparse or dense."""


@dataclass
class LassoResult(Result):
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

    def to_dict(self) -> JSON:
        """Per target: its non-zero atoms and coefficients, alpha, alpha_max, objective, gap, n_iter, converged."""
        coef = sp.csr_array(self.coef)
        targets = []
        for t in range(coef.shape[0]):
            lo, hi = coef.indptr[t], coef.indptr[t + 1]
            targets.append(
                {
                    "atoms": coef.indices[lo:hi],
                    "coef": coef.data[lo:hi],
                    "alpha": self.alpha[t],
                    "alpha_max": self.alpha_max[t],
                    "objective": self.objective[t],
                    "gap": self.gap[t],
                    "n_iter": self.n_iter[t],
                    "converged": self.converged[t],
                }
            )
        return {"n_atoms": int(coef.shape[1]), "targets": jsonable(targets)}


def as_targets(y: np.ndarray) -> np.ndarray:
    """(k, dim) float64 targets from (k, dim) or (dim,) `y`."""
    arr = np.atleast_2d(np.asarray(y)).astype(np.float64)
    if arr.ndim != 2:
        raise ParameterError("y", f"{{name}} must be (k, dim) targets, got shape {arr.shape}")
    return arr


def as_alphas(alpha: Alpha, k: int) -> np.ndarray:
    """(k,) float64 copy of `alpha`, checked finite and non-negative."""
    a = np.broadcast_to(np.asarray(alpha, dtype=np.float64), (k,)).copy()
    if np.any(~np.isfinite(a)) or np.any(a < 0):
        raise ParameterError("alpha", f"{{name}} must be finite and non-negative, got {alpha}")
    return a


def check_tol(tol: float) -> float:
    """`tol`, checked positive."""
    if not tol > 0:
        raise ParameterError("tol", f"{{name}} must be > 0 (a relative tolerance, e.g. 1e-6), got {tol}")
    return tol


def check_dims(ys: np.ndarray, dim: int) -> None:
    """Targets (k, d) must have the atoms' dimension `dim`."""
    if ys.shape[1] != dim:
        raise CtxvecError(f"targets have dim {ys.shape[1]} but atoms have dim {dim}")


def _dense_coef(coef: Coef) -> np.ndarray:
    return sp.csr_array(coef).toarray() if sp.issparse(coef) else np.atleast_2d(np.asarray(coef, dtype=np.float64))


def _matrix64(atoms: np.ndarray) -> np.ndarray:
    """(n_atoms, dim) float64 of float32 `atoms`, as the solvers see them (values rounded to float32 first)."""
    return np.asarray(np.asarray(atoms).astype(np.float32, copy=False), dtype=np.float64)


def lasso_objective(y: np.ndarray, atoms: np.ndarray, coef: Coef, alpha: Alpha) -> np.ndarray:
    """(k,) primal objective 1/(2·dim)‖y − Aᵀw‖² + alpha‖w‖₁ of `coef` (k, n_atoms) over `atoms`
    (n_atoms, dim, taken as float32 like the solvers), in float64."""
    ys = as_targets(y)
    w = sp.csr_array(coef) if sp.issparse(coef) else sp.csr_array(np.atleast_2d(np.asarray(coef, dtype=np.float64)))
    a = _matrix64(atoms)
    r = ys - w @ a
    objective: np.ndarray = 0.5 * (r**2).sum(1) / ys.shape[1] + as_alphas(alpha, len(ys)) * abs(w).sum(1)
    return objective


def kkt_violation(y: np.ndarray, atoms: np.ndarray, coef: Coef, alpha: Alpha, positive: bool = True) -> np.ndarray:
    """(k,) largest violation of the optimality conditions, relative to alpha (0 at an exact solution).

    With c = A(y − Aᵀw)/dim: w_j > 0 needs c_j = alpha; w_j = 0 needs c_j ≤ alpha (|c_j| ≤ alpha when signed);
    signed w_j ≠ 0 needs c_j = alpha·sign(w_j). `atoms` (n_atoms, dim) are taken as float32, like the solvers.
    """
    ys = as_targets(y)
    a = _matrix64(atoms)
    w = _dense_coef(coef)
    alphas = as_alphas(alpha, len(ys))
    c = (ys - w @ a) @ a.T / ys.shape[1]
    viol = np.where(w != 0, np.abs(c - alphas[:, None] * np.sign(w)), 0.0)
    zero = w == 0
    off = np.maximum(c if positive else np.abs(c), 0.0) - alphas[:, None]
    viol = np.maximum(viol, np.where(zero, np.maximum(off, 0.0), 0.0))
    if positive:
        viol = np.maximum(viol, np.maximum(-w, 0.0) * 1e12)  # a negative coefficient is never allowed
    relative: np.ndarray = viol.max(1) / np.maximum(alphas, 1e-300)
    return relative


def duality_gap(
    r: torch.Tensor, y: torch.Tensor, l1: torch.Tensor, lam: torch.Tensor, dual_norm: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Primal and duality gap in the ×dim scaling: P = ½‖r‖² + λ‖w‖₁, θ = s·r with s = min(1, λ/‖Ar‖∞)."""
    rr = (r * r).sum(-1)
    primal = 0.5 * rr + lam * l1
    s = torch.where(dual_norm > lam, lam / dual_norm.clamp_min(1e-300), torch.ones_like(lam))
    dual = s * (r * y).sum(-1) - 0.5 * s * s * rr
    return primal, (primal - dual).clamp_min(0.0)
