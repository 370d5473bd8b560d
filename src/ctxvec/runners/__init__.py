"""ctxvec.runners: running the embedding of a corpus into a store.

`embed` cuts the corpus into shards of consecutive sentences, tokenizes them into the store's
tables (pass 1), allocates the vectors, and encodes the shards (pass 2) in this process (the local
runner) or on a Ray cluster (``runner="ray"``); both write the same store, and a killed run resumes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "RUNNERS": "_options",
    "SHARD_SENTENCES": "_options",
    "embed": "_local",
}
__all__ = ["RUNNERS", "SHARD_SENTENCES", "embed"]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._local import embed
    from ._options import RUNNERS, SHARD_SENTENCES
