"""ctxvec: operations on contextual word embeddings."""

from .errors import CtxvecError
from .store import Occurrence, Store, StoreWriter, write_store

__version__ = "0.1.0"

__all__ = ["CtxvecError", "Occurrence", "Store", "StoreWriter", "__version__", "write_store"]
