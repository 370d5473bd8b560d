"""`Corpus`: sentences with their document ids (the input of an embedding run)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pyarrow as pa


def hash_sentences(h: Any, texts: Iterable[str], doc_ids: Iterable[int]) -> None:
    """Feed sentences and their document ids to the hash `h` (what `Corpus.fingerprint` hashes)."""
    for text, doc in zip(texts, doc_ids, strict=True):
        h.update(f"{doc}\x00{text}\x01".encode())


@dataclass
class Corpus:
    """Sentences with their document ids: texts (n_sentences,), doc_ids (n_sentences,) int64.

    `texts` is a list, or for a corpus of many files a `FileTexts` that reads them on demand;
    `digest` is the fingerprint when the reader computed it on the way (None: computed when asked);
    `meta` the documents' metadata (one row per document id, see `ctxvec.corpus._meta`) or None."""

    texts: Sequence[str]
    doc_ids: np.ndarray
    name: str = "corpus"
    sources: list[str] = field(default_factory=list)
    digest: str | None = field(default=None, repr=False, compare=False)
    meta: pa.Table | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.texts)

    def head(self, n: int) -> Corpus:
        """The first `n` sentences."""
        ids = self.doc_ids[:n]
        meta = None if self.meta is None else self.meta.slice(0, int(ids.max()) + 1 if len(ids) else 0)
        return Corpus(list(self.texts[:n]), ids, f"{self.name}[:{n}]", self.sources, meta=meta)

    def sentence_meta(self, start: int, stop: int) -> pa.Table | None:
        """The metadata of sentences [start, stop) (their documents' rows), or None without metadata."""
        if self.meta is None:
            return None
        return self.meta.take(np.asarray(self.doc_ids[start:stop], dtype=np.int64))

    def fingerprint(self) -> str:
        """SHA-256 over the sentences and document ids, and the metadata when there is any (identifies a
        corpus for resume)."""
        digest = self.digest
        if digest is None:
            h = hashlib.sha256()
            hash_sentences(h, self.texts, self.doc_ids.tolist())
            digest = h.hexdigest()
        if self.meta is None:
            return digest
        from ._meta import meta_digest

        return hashlib.sha256(f"{digest}\x00{meta_digest(self.meta)}".encode()).hexdigest()
