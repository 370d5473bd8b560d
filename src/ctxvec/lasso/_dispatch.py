"""Choosing a solver and a regularisation: `solve` by name, with an absolute `alpha` or at most
`max_terms` terms (`max_terms_search`: the best point with at most K terms on the LASSO path)."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ..errors import CtxvecError, ParameterError
from ._atoms import Atoms, Exclusion
from ._fista import fista
from ._path import check_max_terms, lars_max_terms, max_terms_path
from ._reference import omp, sklearn_lasso
from ._result import Alpha, LassoResult, check_tol

SOLVERS = ("fista", "lasso", "omp")
DEFAULT_TOL = {"fista": 1e-6, "lasso": 1e-4}  # fista: relative duality gap; lasso: scikit-learn's tol


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


def max_terms_search(
    y: np.ndarray,
    atoms: Atoms,
    max_terms: int,
    *,
    solver: str = "fista",
    positive: bool = True,
    exclude: Exclusion | None = None,
) -> LassoResult:
    """Per target y (k, dim), the best solution with at most `max_terms` terms on its LASSO path: the last
    point of the path (as alpha falls) with at most K non-zeros, typically the knot where the (K+1)-th atom
    enters, with the path's own coefficients there. `solver` "fista" follows the path by ctxvec's batched
    homotopy over screened candidates (`max_terms_path`); "lasso" by scikit-learn's ``lars_path``
    (`lars_max_terms`, the reference)."""
    check_max_terms(max_terms)
    if solver == "lasso":
        return lars_max_terms(y, atoms, max_terms, positive=positive, exclude=exclude)
    _alpha_solver(solver)
    return max_terms_path(y, atoms, max_terms, positive=positive, exclude=exclude)


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
        check_max_terms(max_terms)
    if solver == "omp":
        if max_terms is None:
            raise ParameterError("max_terms", "solver 'omp' needs a number of terms: give {name}")
        return omp(y, atoms, max_terms, positive=positive, exclude=exclude)
    tol = DEFAULT_TOL[solver] if tol is None else check_tol(tol)
    if max_terms is not None:
        return max_terms_search(y, atoms, max_terms, solver=solver, positive=positive, exclude=exclude)
    if alpha is None:
        raise CtxvecError("give alpha or max_terms")
    return _alpha_solver(solver)(y, atoms, alpha, positive=positive, exclude=exclude, tol=tol)
