"""`StoreSummary`: plain facts about a store (what `ctxvec info` prints), from its manifest alone."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..results import JSON, Result
from ._format import TRANSFORM_DIR


@dataclass(frozen=True)
class StoreSummary(Result):
    """Model, encoding and sizes of one store. Fields the manifest lacks (a store written from
    arrays has no encoding spec) are ``""``; `transform` is None without an in-place transform."""

    path: str
    model: str
    weights_sha256: str
    corpus: str
    rows: int
    sentences: int
    documents: int | str
    dim: int
    dtype: str
    unit: str
    pooling: str
    layers: str
    keep_special: bool | str
    max_length: int | str
    windowed_sentences: int
    model_tokens: int | str
    vocabulary: int
    size_mb: float
    transform: JSON | None = None
    metadata: dict[str, str] | None = None

    def to_dict(self) -> JSON:
        out: JSON = {
            "path": self.path,
            "model": self.model,
            "weights_sha256": self.weights_sha256,
            "corpus": self.corpus,
            "rows": self.rows,
            "sentences": self.sentences,
            "documents": self.documents,
            "dim": self.dim,
            "dtype": self.dtype,
            "unit": self.unit,
            "pooling": self.pooling,
            "layers": self.layers,
            "keep_special": self.keep_special,
            "max_length": self.max_length,
            "windowed_sentences": self.windowed_sentences,
            "model_tokens": self.model_tokens,
            "vocabulary": self.vocabulary,
            "size_mb": self.size_mb,
        }
        out["metadata"] = dict(self.metadata or {})
        if self.transform:
            out["transform"] = self.transform
        return out


def folder_bytes(folder: str | os.PathLike[str]) -> int:
    """Total size of the files directly inside `folder` (caches included, subfolders not)."""
    with os.scandir(folder) as entries:
        return sum(e.stat().st_size for e in entries if e.is_file())


def summarize(path: Path, manifest: JSON, n_words: int) -> StoreSummary:
    """The summary of the store at `path` with `manifest` and a vocabulary of `n_words` word types."""
    model = manifest["model"]
    enc = manifest.get("encode") or {}
    corpus = manifest.get("corpus") or {}
    return StoreSummary(
        path=str(path),
        model=model["name"],
        weights_sha256=(model.get("weights_sha256") or "")[:16],
        corpus=corpus.get("name", ""),
        rows=int(manifest["n_rows"]),
        sentences=int(manifest["n_sentences"]),
        documents=corpus.get("n_documents", ""),
        dim=int(manifest["dim"]),
        dtype=manifest["dtype"],
        unit=enc.get("unit", ""),
        pooling=enc.get("pooling", ""),
        layers=enc.get("layers", ""),
        keep_special=enc.get("keep_special", ""),
        max_length=enc.get("max_length", ""),
        windowed_sentences=manifest.get("n_windowed_sentences", 0),
        model_tokens=manifest.get("n_tokens", ""),
        vocabulary=int(n_words),
        size_mb=round(folder_bytes(path) / 2**20, 1),
        # the folder decides: a manifest entry without it is one a killed transform left (`set_store_transform`)
        transform=(manifest.get("transform") or None) if (path / TRANSFORM_DIR).is_dir() else None,
        metadata=dict(manifest.get("metadata") or {}),
    )
