"""ctxvec: operations on contextual word embeddings.

Names are re-exported lazily (PEP 562), so `import ctxvec` and the CLI start fast and only
load torch, faiss, scikit-learn or matplotlib when an operation needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    # building and reading stores
    "Corpus": "corpus",
    "read_corpus": "corpus",
    "embed": "runners",
    "BatchEncoder": "encoding",
    "EncodeSpec": "encoding",
    "EncodedBatch": "encoding",
    "CtxvecError": "errors",
    "Occurrence": "store",
    "Store": "store",
    "StoreWriter": "store",
    "write_store": "store",
    "Queries": "queries",
    "select_queries": "queries",
    "WordTypes": "lexicon",
    "word_types": "lexicon",
    # nearest occurrences
    "Matches": "neighbours",
    "Similar": "neighbours",
    "search_vectors": "neighbours",
    "similar": "neighbours",
    "build_index": "neighbours",
    "load_index": "neighbours",
    # decomposition
    "Decomposition": "decomposition",
    "decompose": "decomposition",
    "FactorLearner": "decomposition",
    "Factors": "decomposition",
    "learn_factors": "decomposition",
    "load_factors": "decomposition",
    # analogies and evaluation
    "AnalogyResult": "lexicon",
    "analogy": "lexicon",
    "Evaluation": "lexicon",
    "evaluate": "lexicon",
    "export": "lexicon",
    # isotropy and transforms
    "IsotropyReport": "space",
    "isotropy": "space",
    "layer_isotropy": "space",
    "AllButTheTop": "transforms",
    "Center": "transforms",
    "ConceptorNegation": "transforms",
    "PCA": "transforms",
    "Whitening": "transforms",
    "load_transform": "transforms",
    "save_transform": "transforms",
    "compare": "space",
    # senses, clusters, projections, plots, dimensions
    "Senses": "structure",
    "word_senses": "structure",
    "Clusters": "structure",
    "cluster": "structure",
    "Projection": "structure",
    "project": "structure",
    "project_words": "structure",
    "save_projection": "structure",
    "DimStats": "space",
    "dim_stats": "space",
    "heatmap": "space",
}

__all__ = [
    "PCA",
    "AllButTheTop",
    "AnalogyResult",
    "BatchEncoder",
    "Center",
    "Clusters",
    "ConceptorNegation",
    "Corpus",
    "CtxvecError",
    "Decomposition",
    "DimStats",
    "EncodeSpec",
    "EncodedBatch",
    "Evaluation",
    "FactorLearner",
    "Factors",
    "IsotropyReport",
    "Matches",
    "Occurrence",
    "Projection",
    "Queries",
    "Senses",
    "Similar",
    "Store",
    "StoreWriter",
    "Whitening",
    "WordTypes",
    "__version__",
    "analogy",
    "build_index",
    "cluster",
    "compare",
    "decompose",
    "dim_stats",
    "embed",
    "evaluate",
    "export",
    "heatmap",
    "isotropy",
    "layer_isotropy",
    "learn_factors",
    "load_factors",
    "load_index",
    "load_transform",
    "project",
    "project_words",
    "read_corpus",
    "save_projection",
    "save_transform",
    "search_vectors",
    "select_queries",
    "similar",
    "word_senses",
    "word_types",
    "write_store",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'ctxvec' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:  # for type checkers and IDEs
    from .corpus import Corpus, read_corpus
    from .decomposition import Decomposition, FactorLearner, Factors, decompose, learn_factors, load_factors
    from .encoding import BatchEncoder, EncodedBatch, EncodeSpec
    from .errors import CtxvecError
    from .lexicon import AnalogyResult, Evaluation, WordTypes, analogy, evaluate, export, word_types
    from .neighbours import Matches, Similar, build_index, load_index, search_vectors, similar
    from .queries import Queries, select_queries
    from .runners import embed
    from .space import DimStats, IsotropyReport, compare, dim_stats, heatmap, isotropy, layer_isotropy
    from .store import Occurrence, Store, StoreWriter, write_store
    from .structure import Clusters, Projection, Senses, cluster, project, project_words, save_projection, word_senses
    from .transforms import (
        PCA,
        AllButTheTop,
        Center,
        ConceptorNegation,
        Whitening,
        load_transform,
        save_transform,
    )
