"""`Corpus`: sentences with their document ids (the input of an embedding run)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np


def hash_sentences(h: Any, texts: Iterable[str], doc_ids: Iterable[int]) -> None:
    """Feed sentences and their document ids to the hash `h` (what `Corpus.fingerprint` hashes)."""
    for text, doc in zip(texts, doc_ids, strict=True):
        h.update(f"{doc}\x00{text}\x01".encode())


@dataclass
class Corpus:
    """Sentences with their document ids: texts (n_sentences,), doc_ids (n_sentences,) int64.

    `texts` is a list, or for a corpus of many files a `FileTexts` that reads them on demand;
    `digest` is the fingerprint when the reader computed it on the way (None: computed when asked)."""

    texts: Sequence[str]
    doc_ids: np.ndarray
    name: str = "corpus"
    sources: list[str] = field(default_factory=list)
    digest: str | None = field(default=None, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.texts)

    def head(self, n: int) -> Corpus:
        """The first `n` sentences."""
        return Corpus(list(self.texts[:n]), self.doc_ids[:n], f"{self.name}[:{n}]", self.sources)

    def fingerprint(self) -> str:
        """SHA-256 over the sentences and document ids (identifies a corpus for resume)."""
        if self.digest is not None:
            return self.digest
        h = hashlib.sha256()
        hash_sentences(h, self.texts, self.doc_ids.tolist())
        return h.hexdigest()
