"""`Corpus`: sentences with their document ids (the input of an embedding run)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Corpus:
    """Sentences with their document ids: texts (n_sentences,), doc_ids (n_sentences,) int64."""

    texts: list[str]
    doc_ids: np.ndarray
    name: str = "corpus"
    sources: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def head(self, n: int) -> Corpus:
        """The first `n` sentences."""
        return Corpus(self.texts[:n], self.doc_ids[:n], f"{self.name}[:{n}]", self.sources)

    def fingerprint(self) -> str:
        """SHA-256 over the sentences and document ids (identifies a corpus for resume)."""
        h = hashlib.sha256()
        for text, doc in zip(self.texts, self.doc_ids.tolist(), strict=True):
            h.update(f"{doc}\x00{text}\x01".encode())
        return h.hexdigest()
