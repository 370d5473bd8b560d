"""ctxvec.runners: running the embedding of a corpus into a store.

`embed` is the local runner: read and validate everything, tokenize, allocate the store, encode in
length-sorted batches written straight into ``vectors.npy``, finalize; a killed run resumes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "embed": "_local",
}
__all__ = ["embed"]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._local import embed
