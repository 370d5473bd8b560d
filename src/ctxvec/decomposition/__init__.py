"""ctxvec.decomposition."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "ATOMS": "_decompose",
    "DEFAULT_ALPHA": "_decompose",
    "DEFAULT_SAMPLES": "_factors",
    "Decomposition": "_decompose",
    "FactorLearner": "_factors",
    "Factors": "_factors",
    "SOLVERS": "_decompose",
    "decompose": "_decompose",
    "learn_factors": "_factors",
    "list_factors": "_factors",
    "load_factors": "_factors",
    "other_forms": "_decompose",
    "stem": "_decompose",
}
__all__ = [
    "ATOMS",
    "DEFAULT_ALPHA",
    "DEFAULT_SAMPLES",
    "SOLVERS",
    "Decomposition",
    "FactorLearner",
    "Factors",
    "decompose",
    "learn_factors",
    "list_factors",
    "load_factors",
    "other_forms",
    "stem",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._decompose import ATOMS, DEFAULT_ALPHA, SOLVERS, Decomposition, decompose, other_forms, stem
    from ._factors import DEFAULT_SAMPLES, FactorLearner, Factors, learn_factors, list_factors, load_factors
