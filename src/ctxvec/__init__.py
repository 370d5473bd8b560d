"""ctxvec: operations on contextual word embeddings."""

from .corpus import Corpus, read_corpus
from .embed import embed
from .encode import BatchEncoder, EncodedBatch, EncodeSpec
from .errors import CtxvecError
from .queries import Queries, select_queries
from .store import Occurrence, Store, StoreWriter, write_store
from .wordtypes import WordTypes, word_types

__version__ = "0.1.0"

__all__ = [
    "BatchEncoder",
    "Corpus",
    "CtxvecError",
    "EncodeSpec",
    "EncodedBatch",
    "Occurrence",
    "Queries",
    "Store",
    "StoreWriter",
    "WordTypes",
    "__version__",
    "embed",
    "read_corpus",
    "select_queries",
    "word_types",
    "write_store",
]
