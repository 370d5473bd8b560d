"""ctxvec.corpus: reading corpora (text, JSONL, CSV/TSV, Parquet, folders, stdin) and the built-in ones.

`read_corpus` returns a `Corpus` (sentences, document ids); `split_sentences` is the rule-based
splitter; the built-in `wiki` and `lee` corpora come from gensim's bundled test data, offline.
"""

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
