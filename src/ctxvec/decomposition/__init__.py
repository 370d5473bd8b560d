"""ctxvec.decomposition: word occurrences as sparse combinations of atoms, and learned factors.

`decompose` writes query occurrences of a store as sparse non-negative combinations of word types,
occurrences or learned factors (`Decomposition`). `FactorLearner` learns a non-negative sparse
dictionary (transformer factors); `learn_factors` / `load_factors` keep one inside a store (`Factors`),
`factor_occurrences` shows one factor's top occurrences, `factors_overview` every factor with its top
contexts, `factors_list` the dictionaries there; `factor_coherence` how alike each factor's words are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "ATOMS": "_names",
    "CODERS": "_names",
    "DEFAULT_ALPHA": "_names",
    "DEFAULT_EPOCHS": "_names",
    "DEFAULT_NORMALIZE": "_names",
    "DEFAULT_CONTEXTUAL": "_names",
    "DEFAULT_SAMPLES": "_names",
    "SOLVERS": "_names",
    "SPARSITIES": "_sparsity",
    "AbsoluteAlpha": "_sparsity",
    "AtomFilter": "_atom_filter",
    "Alpha": "_sparsity",
    "MaxTerms": "_sparsity",
    "Sparsity": "_sparsity",
    "family_mask": "_forms",
    "contextual_part": "_decompose",
    "Excluded": "_atomset",
    "MEMORY_LIMIT": "_atomset",
    "Decomposition": "_result",
    "Term": "_result",
    "decompose": "_decompose",
    "solver_device": "_decompose",
    "FactorLearner": "_learner",
    "FactorCoherence": "_coherence",
    "factor_coherence": "_coherence",
    "factor_words": "_coherence",
    "random_coherence": "_coherence",
    "FactorOccurrences": "_factors",
    "Factors": "_factors",
    "FactorsList": "_factors",
    "FactorsOverview": "_factors",
    "factor_occurrences": "_factors",
    "factors_list": "_factors",
    "factors_overview": "_factors",
    "learn_factors": "_factors",
    "list_factors": "_factors",
    "load_factors": "_factors",
    "save_factors": "_factors",
}
__all__ = [
    "ATOMS",
    "CODERS",
    "DEFAULT_ALPHA",
    "DEFAULT_CONTEXTUAL",
    "DEFAULT_EPOCHS",
    "DEFAULT_NORMALIZE",
    "DEFAULT_SAMPLES",
    "MEMORY_LIMIT",
    "SOLVERS",
    "SPARSITIES",
    "AbsoluteAlpha",
    "Alpha",
    "AtomFilter",
    "Decomposition",
    "Excluded",
    "FactorCoherence",
    "FactorLearner",
    "FactorOccurrences",
    "Factors",
    "FactorsList",
    "FactorsOverview",
    "MaxTerms",
    "Sparsity",
    "Term",
    "contextual_part",
    "decompose",
    "factor_coherence",
    "factor_occurrences",
    "factor_words",
    "factors_list",
    "factors_overview",
    "family_mask",
    "learn_factors",
    "list_factors",
    "load_factors",
    "random_coherence",
    "save_factors",
    "solver_device",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._atom_filter import AtomFilter
    from ._atomset import MEMORY_LIMIT, Excluded
    from ._coherence import FactorCoherence, factor_coherence, factor_words, random_coherence
    from ._decompose import contextual_part, decompose, solver_device
    from ._factors import (
        FactorOccurrences,
        Factors,
        FactorsList,
        FactorsOverview,
        factor_occurrences,
        factors_list,
        factors_overview,
        learn_factors,
        list_factors,
        load_factors,
        save_factors,
    )
    from ._forms import family_mask
    from ._learner import FactorLearner
    from ._names import (
        ATOMS,
        CODERS,
        DEFAULT_ALPHA,
        DEFAULT_CONTEXTUAL,
        DEFAULT_EPOCHS,
        DEFAULT_NORMALIZE,
        DEFAULT_SAMPLES,
        SOLVERS,
    )
    from ._result import Decomposition, Term
    from ._sparsity import SPARSITIES, AbsoluteAlpha, Alpha, MaxTerms, Sparsity
