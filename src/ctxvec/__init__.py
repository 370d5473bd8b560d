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
    "embed": "embed",
    "BatchEncoder": "encode",
    "EncodeSpec": "encode",
    "EncodedBatch": "encode",
    "CtxvecError": "errors",
    "Occurrence": "store",
    "Store": "store",
    "StoreWriter": "store",
    "write_store": "store",
    "Queries": "queries",
    "select_queries": "queries",
    "WordTypes": "wordtypes",
    "word_types": "wordtypes",
    # nearest occurrences
    "Matches": "search",
    "Similar": "search",
    "search_vectors": "search",
    "similar": "search",
    "build_index": "index",
    "load_index": "index",
    # decomposition
    "Decomposition": "decompose",
    "decompose": "decompose",
    "FactorLearner": "factors",
    "Factors": "factors",
    "learn_factors": "factors",
    "load_factors": "factors",
    # analogies and evaluation
    "AnalogyResult": "analogy",
    "analogy": "analogy",
    "Evaluation": "evaluate",
    "evaluate": "evaluate",
    "export": "export",
    # isotropy and transforms
    "IsotropyReport": "isotropy",
    "isotropy": "isotropy",
    "layer_isotropy": "isotropy",
    "AllButTheTop": "transforms",
    "Center": "transforms",
    "ConceptorNegation": "transforms",
    "PCA": "transforms",
    "Whitening": "transforms",
    "load_transform": "transforms",
    "save_transform": "transforms",
    "compare": "compare",
    # senses, clusters, projections, plots, dimensions
    "Senses": "senses",
    "word_senses": "senses",
    "Clusters": "cluster",
    "cluster": "cluster",
    "Projection": "project",
    "project": "project",
    "project_words": "project",
    "save_projection": "plot",
    "DimStats": "dims",
    "dim_stats": "dims",
    "heatmap": "dims",
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
    from .analogy import AnalogyResult, analogy
    from .cluster import Clusters, cluster
    from .compare import compare
    from .corpus import Corpus, read_corpus
    from .decompose import Decomposition, decompose
    from .dims import DimStats, dim_stats, heatmap
    from .embed import embed
    from .encode import BatchEncoder, EncodedBatch, EncodeSpec
    from .errors import CtxvecError
    from .evaluate import Evaluation, evaluate
    from .export import export
    from .factors import FactorLearner, Factors, learn_factors, load_factors
    from .index import build_index, load_index
    from .isotropy import IsotropyReport, isotropy, layer_isotropy
    from .plot import save_projection
    from .project import Projection, project, project_words
    from .queries import Queries, select_queries
    from .search import Matches, Similar, search_vectors, similar
    from .senses import Senses, word_senses
    from .store import Occurrence, Store, StoreWriter, write_store
    from .transforms import PCA, AllButTheTop, Center, ConceptorNegation, Whitening, load_transform, save_transform
    from .wordtypes import WordTypes, word_types
