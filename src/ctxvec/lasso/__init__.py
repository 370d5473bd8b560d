"""ctxvec.lasso: non-negative (or signed) LASSO, batched over many targets.

For targets y (k, dim) and atoms A (n_atoms, dim), scikit-learn's ``Lasso`` with ``fit_intercept=False``
(and ``positive=True`` unless signed), in the same scaling::

    minimise over w   1/(2·dim) · ‖y − Aᵀw‖²  +  alpha · ‖w‖₁        (w ≥ 0 unless signed)

Every coefficient is zero exactly when ``alpha ≥ alpha_max = max_j (A y)_j / dim`` (`alpha_max`).
Atoms are `ArrayAtoms` (in memory) or `SourceAtoms` (streamed from any `ctxvec.sources.VectorSource`);
`Exclusion` names the atoms each target may not use. Solvers return a `LassoResult`: `fista` (working-set
FISTA in torch), `gram_fista` (FISTA on the full Gram matrix of a small in-memory dictionary, for
many targets at once), `sklearn_lasso` and `fista_full` (references), `omp`; `solve` dispatches by name, with
an absolute alpha or at most `max_terms` terms (`max_terms_search`: the best point with at most K terms on
the LASSO path, by a batched LARS-lasso homotopy, `max_terms_path`, or scikit-learn's, `lars_max_terms`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "ArrayAtoms": "_atoms",
    "Atoms": "_atoms",
    "BLOCK_ROWS": "_atoms",
    "Exclusion": "_atoms",
    "SourceAtoms": "_atoms",
    "atoms_matrix": "_atoms",
    "resolve_device": "_atoms",
    "unit_rows": "_atoms",
    "Alpha": "_result",
    "LassoResult": "_result",
    "kkt_violation": "_result",
    "lasso_objective": "_result",
    "alpha_max": "_scan",
    "GRAM_MAX_ATOMS": "_fista",
    "PARALLEL_WORK": "_fista",
    "fista": "_fista",
    "gram_fista": "_gram",
    "fista_full": "_reference",
    "omp": "_reference",
    "sklearn_lasso": "_reference",
    "DEFAULT_TOL": "_dispatch",
    "SOLVERS": "_dispatch",
    "max_terms_search": "_dispatch",
    "lars_max_terms": "_path",
    "max_terms_path": "_path",
    "solve": "_dispatch",
}
__all__ = [
    "BLOCK_ROWS",
    "DEFAULT_TOL",
    "GRAM_MAX_ATOMS",
    "PARALLEL_WORK",
    "SOLVERS",
    "Alpha",
    "ArrayAtoms",
    "Atoms",
    "Exclusion",
    "LassoResult",
    "SourceAtoms",
    "alpha_max",
    "atoms_matrix",
    "fista",
    "fista_full",
    "gram_fista",
    "kkt_violation",
    "lars_max_terms",
    "lasso_objective",
    "max_terms_path",
    "max_terms_search",
    "omp",
    "resolve_device",
    "sklearn_lasso",
    "solve",
    "unit_rows",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._atoms import BLOCK_ROWS, ArrayAtoms, Atoms, Exclusion, SourceAtoms, atoms_matrix, resolve_device, unit_rows
    from ._dispatch import DEFAULT_TOL, SOLVERS, max_terms_search, solve
    from ._fista import GRAM_MAX_ATOMS, PARALLEL_WORK, fista
    from ._gram import gram_fista
    from ._path import lars_max_terms, max_terms_path
    from ._reference import fista_full, omp, sklearn_lasso
    from ._result import Alpha, LassoResult, kkt_violation, lasso_objective
    from ._scan import alpha_max
