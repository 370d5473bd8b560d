"""ctxvec: operations on contextual word embeddings.

Names are re-exported lazily (PEP 562), so `import ctxvec` and the CLI start fast and only
load torch, faiss, scikit-learn or matplotlib when an operation needs them. The capability
packages (`ctxvec.store`, `ctxvec.neighbours`, `ctxvec.lasso`, ...) export more; see
docs/architecture.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    # building and reading stores
    "Corpus": "corpus",
    "read_corpus": "corpus",
    "embed": "runners",
    "BatchEncoder": "encoding",
    "EncodeSpec": "encoding",
    "EncodedBatch": "encoding",
    "Occurrence": "store",
    "Store": "store",
    "StoreSummary": "store",
    "StoreWriter": "store",
    "write_store": "store",
    "VerifyReport": "store",
    "verify_store": "store",
    "Queries": "queries",
    "select_queries": "queries",
    # the shared API: errors, results, vector sources
    "CtxvecError": "errors",
    "ParameterError": "errors",
    "Result": "results",
    "VectorSource": "sources",
    "ArraySource": "sources",
    "TransformedSource": "sources",
    # nearest occurrences
    "Matches": "neighbours",
    "Similar": "neighbours",
    "Backend": "neighbours",
    "ExactScan": "neighbours",
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
    # word types, analogies, evaluation, export
    "WordTypes": "lexicon",
    "word_types": "lexicon",
    "WordTypesSummary": "lexicon",
    "build_word_types": "lexicon",
    "AnalogyResult": "lexicon",
    "analogy": "lexicon",
    "Evaluation": "lexicon",
    "evaluate": "lexicon",
    "Exported": "lexicon",
    "export": "lexicon",
    # isotropy and transforms
    "IsotropyReport": "space",
    "StoreIsotropy": "space",
    "isotropy": "space",
    "layer_isotropy": "space",
    "TransformResult": "space",
    "apply_transform": "space",
    "remove_transform": "space",
    "compare": "space",
    "DimStats": "space",
    "dim_stats": "space",
    "dims_report": "space",
    "heatmap": "space",
    "AllButTheTop": "transforms",
    "Center": "transforms",
    "ConceptorNegation": "transforms",
    "PCA": "transforms",
    "Whitening": "transforms",
    "load_transform": "transforms",
    "save_transform": "transforms",
    # senses, clusters, projections, plots
    "Senses": "structure",
    "word_senses": "structure",
    "Clusters": "structure",
    "cluster": "structure",
    "Projection": "structure",
    "project": "structure",
    "project_words": "structure",
    "save_projection": "figures",
}
__all__ = [
    "PCA",
    "AllButTheTop",
    "AnalogyResult",
    "ArraySource",
    "Backend",
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
    "ExactScan",
    "Exported",
    "FactorLearner",
    "Factors",
    "IsotropyReport",
    "Matches",
    "Occurrence",
    "ParameterError",
    "Projection",
    "Queries",
    "Result",
    "Senses",
    "Similar",
    "Store",
    "StoreIsotropy",
    "StoreSummary",
    "StoreWriter",
    "TransformResult",
    "TransformedSource",
    "VectorSource",
    "VerifyReport",
    "Whitening",
    "WordTypes",
    "WordTypesSummary",
    "__version__",
    "analogy",
    "apply_transform",
    "build_index",
    "build_word_types",
    "cluster",
    "compare",
    "decompose",
    "dim_stats",
    "dims_report",
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
    "remove_transform",
    "save_projection",
    "save_transform",
    "search_vectors",
    "select_queries",
    "similar",
    "verify_store",
    "word_senses",
    "word_types",
    "write_store",
]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # for type checkers and IDEs
    from .corpus import Corpus, read_corpus
    from .decomposition import Decomposition, FactorLearner, Factors, decompose, learn_factors, load_factors
    from .encoding import BatchEncoder, EncodedBatch, EncodeSpec
    from .errors import CtxvecError, ParameterError
    from .figures import save_projection
    from .lexicon import (
        AnalogyResult,
        Evaluation,
        Exported,
        WordTypes,
        WordTypesSummary,
        analogy,
        build_word_types,
        evaluate,
        export,
        word_types,
    )
    from .neighbours import Backend, ExactScan, Matches, Similar, build_index, load_index, search_vectors, similar
    from .queries import Queries, select_queries
    from .results import Result
    from .runners import embed
    from .sources import ArraySource, TransformedSource, VectorSource
    from .space import (
        DimStats,
        IsotropyReport,
        StoreIsotropy,
        TransformResult,
        apply_transform,
        compare,
        dim_stats,
        dims_report,
        heatmap,
        isotropy,
        layer_isotropy,
        remove_transform,
    )
    from .store import Occurrence, Store, StoreSummary, StoreWriter, VerifyReport, verify_store, write_store
    from .structure import (
        Clusters,
        Projection,
        Senses,
        cluster,
        project,
        project_words,
        word_senses,
    )
    from .transforms import PCA, AllButTheTop, Center, ConceptorNegation, Whitening, load_transform, save_transform
