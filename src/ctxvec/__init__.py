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
    "Corpus": "corpus._read",
    "read_corpus": "corpus._read",
    "embed": "runners._local",
    "BatchEncoder": "encoding._encode",
    "EncodeSpec": "encoding._encode",
    "EncodedBatch": "encoding._encode",
    "CtxvecError": "errors",
    "Occurrence": "store._store",
    "Store": "store._store",
    "StoreWriter": "store._store",
    "write_store": "store._store",
    "Queries": "queries",
    "select_queries": "queries",
    "WordTypes": "lexicon._wordtypes",
    "word_types": "lexicon._wordtypes",
    # nearest occurrences
    "Matches": "neighbours._search",
    "Similar": "neighbours._search",
    "search_vectors": "neighbours._search",
    "similar": "neighbours._search",
    "build_index": "neighbours._index",
    "load_index": "neighbours._index",
    # decomposition
    "Decomposition": "decomposition._decompose",
    "decompose": "decomposition._decompose",
    "FactorLearner": "decomposition._factors",
    "Factors": "decomposition._factors",
    "learn_factors": "decomposition._factors",
    "load_factors": "decomposition._factors",
    # analogies and evaluation
    "AnalogyResult": "lexicon._analogy",
    "analogy": "lexicon._analogy",
    "Evaluation": "lexicon._evaluate",
    "evaluate": "lexicon._evaluate",
    "export": "lexicon._export",
    # isotropy and transforms
    "IsotropyReport": "space._isotropy",
    "isotropy": "space._isotropy",
    "layer_isotropy": "space._isotropy",
    "AllButTheTop": "transforms._transforms",
    "Center": "transforms._transforms",
    "ConceptorNegation": "transforms._transforms",
    "PCA": "transforms._transforms",
    "Whitening": "transforms._transforms",
    "load_transform": "transforms._transforms",
    "save_transform": "transforms._transforms",
    "compare": "space._compare",
    # senses, clusters, projections, plots, dimensions
    "Senses": "structure._senses",
    "word_senses": "structure._senses",
    "Clusters": "structure._cluster",
    "cluster": "structure._cluster",
    "Projection": "structure._project",
    "project": "structure._project",
    "project_words": "structure._project",
    "save_projection": "structure._plot",
    "DimStats": "space._dims",
    "dim_stats": "space._dims",
    "heatmap": "space._dims",
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
    from .corpus._read import Corpus, read_corpus
    from .decomposition._decompose import Decomposition, decompose
    from .decomposition._factors import FactorLearner, Factors, learn_factors, load_factors
    from .encoding._encode import BatchEncoder, EncodedBatch, EncodeSpec
    from .errors import CtxvecError
    from .lexicon._analogy import AnalogyResult, analogy
    from .lexicon._evaluate import Evaluation, evaluate
    from .lexicon._export import export
    from .lexicon._wordtypes import WordTypes, word_types
    from .neighbours._index import build_index, load_index
    from .neighbours._search import Matches, Similar, search_vectors, similar
    from .queries import Queries, select_queries
    from .runners._local import embed
    from .space._compare import compare
    from .space._dims import DimStats, dim_stats, heatmap
    from .space._isotropy import IsotropyReport, isotropy, layer_isotropy
    from .store._store import Occurrence, Store, StoreWriter, write_store
    from .structure._cluster import Clusters, cluster
    from .structure._plot import save_projection
    from .structure._project import Projection, project, project_words
    from .structure._senses import Senses, word_senses
    from .transforms._transforms import (
        PCA,
        AllButTheTop,
        Center,
        ConceptorNegation,
        Whitening,
        load_transform,
        save_transform,
    )
