"""Choosing a solver and a regularisation: `solve` by name, with an absolute `alpha` or at most
`max_terms` terms (`max_terms_search`: the smallest alpha, by halving then bisection, giving at most K)."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import scipy.sparse as sp

from ..errors import CtxvecError, ParameterError
from ._atoms import Atoms, Exclusion
from ._fista import fista
from ._reference import omp, sklearn_lasso
from ._result import Alpha, LassoResult, as_targets, check_tol
from ._scan import alpha_max

SOLVERS = ("fista", "lasso", "omp")
DEFAULT_TOL = {"fista": 1e-6, "lasso": 1e-4}  # fista: relative duality gap; lasso: scikit-learn's tol
MAX_BISECTIONS = 60
TIGHT_TOL = 1e-10


class Solver(Protocol):
    """A LASSO solver at absolute alpha, warm-startable: `fista` or `sklearn_lasso`."""

    def __call__(
        self,
        y: np.ndarray,
        atoms: Atoms,
        alpha: Alpha,
        *,
        positive: bool = ...,
        exclude: Exclusion | None = ...,
        tol: float = ...,
        warm_start: LassoResult | None = ...,
    ) -> LassoResult: ...


_ALPHA_SOLVERS: dict[str, Solver] = {"fista": fista, "lasso": sklearn_lasso}


def _alpha_solver(solver: str) -> Solver:
    fn = _ALPHA_SOLVERS.get(solver)
    if fn is None:
        choices = ", ".join(_ALPHA_SOLVERS) if solver == "omp" else ", ".join(SOLVERS)
        raise ParameterError("solver", f"unknown {{name}} {solver!r} here; choose {choices}")
    return fn


def _check_max_terms(max_terms: int) -> None:
    if max_terms < 1:
        raise ParameterError("max_terms", f"{{name}} must be at least 1, got {max_terms}")


def max_terms_search(
    y: np.ndarray,
    atoms: Atoms,
    max_terms: int,
    *,
    solver: str = "fista",
    positive: bool = True,
    exclude: Exclusion | None = None,
    tol: float | None = None,
    shrink: float = 0.5,
    n_bisect: int = 8,
    min_ratio: float = 1e-4,
) -> LassoResult:
    """Per target, the smallest alpha found whose solution has at most `max_terms` non-zero coefficients.

    y (k, dim) targets; `solver` "fista" or "lasso" at tolerance `tol` (default `DEFAULT_TOL`).
    Starts at alpha_max (no terms), multiplies alpha by `shrink` until a solution has too many terms,
    then bisects (in log scale) `n_bisect` times between the last good and the first bad alpha. A target
    stops early with exactly `max_terms` terms, or when alpha falls below `min_ratio`·alpha_max (fewer
    atoms than that can ever be used). Each solve is warm-started from the best solution so far. Targets
    left with no term are searched again at tolerance `TIGHT_TOL` with up to `MAX_BISECTIONS` bisections.
    """
    _check_max_terms(max_terms)
    fn = _alpha_solver(solver)
    tol = DEFAULT_TOL[solver] if tol is None else check_tol(tol)
    ys = as_targets(y)
    k, dim = ys.shape
    n_atoms = atoms.n_atoms
    excl = None if exclude is None else exclude.check(k, n_atoms)
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
        res = fn(
            ys[act],
            atoms,
            trial,
            positive=positive,
            exclude=None if excl is None else excl.subset(act),
            tol=tol,
            warm_start=best.take(act),
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
    if len(empty) and tol > TIGHT_TOL:
        again = max_terms_search(
            ys[empty],
            atoms,
            max_terms,
            solver=solver,
            positive=positive,
            exclude=None if excl is None else excl.subset(empty),
            tol=TIGHT_TOL,
            shrink=shrink,
            n_bisect=MAX_BISECTIONS,
            min_ratio=min_ratio,
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
    y: np.ndarray,
    atoms: Atoms,
    alpha: Alpha | None = None,
    *,
    max_terms: int | None = None,
    solver: str = "fista",
    positive: bool = True,
    exclude: Exclusion | None = None,
    tol: float | None = None,
) -> LassoResult:
    """`solver` in `SOLVERS` ("fista", "lasso", "omp") on targets y (k, dim): at absolute `alpha` (scalar or
    (k,)), or with at most `max_terms` terms (the only choice for "omp"); `tol` defaults to `DEFAULT_TOL`."""
    if solver not in SOLVERS:
        raise ParameterError("solver", f"unknown {{name}} {solver!r}; choose {', '.join(SOLVERS)}")
    if max_terms is not None:
        _check_max_terms(max_terms)
    if solver == "omp":
        if max_terms is None:
            raise ParameterError("max_terms", "solver 'omp' needs a number of terms: give {name}")
        return omp(y, atoms, max_terms, positive=positive, exclude=exclude)
    tol = DEFAULT_TOL[solver] if tol is None else check_tol(tol)
    if max_terms is not None:
        return max_terms_search(y, atoms, max_terms, solver=solver, positive=positive, exclude=exclude, tol=tol)
    if alpha is None:
        raise CtxvecError("give alpha or max_terms")
    return _alpha_solver(solver)(y, atoms, alpha, positive=positive, exclude=exclude, tol=tol)
