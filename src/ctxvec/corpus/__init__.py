"""ctxvec.corpus."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "Corpus": "_types",
    "read_corpus": "_read",
    "split_sentences": "_sentences",
}
__all__ = ["Corpus", "read_corpus", "split_sentences"]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._read import read_corpus
    from ._sentences import split_sentences
    from ._types import Corpus
