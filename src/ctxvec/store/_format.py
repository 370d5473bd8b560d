"""The store's file names and format version, and the key words are matched by (no heavy imports).

A store is a folder of plain files (no pickle)::

    manifest.json       format version, model identity, encoding spec, dtype, dim, counts, state
    sentences.parquet   sentence_id, doc_id, text
    rows.parquet        sentence_id, position, token, start, end   (one row per vector)
    vectors.npy         (n_rows, dim) float16/float32, raw model outputs, memory-mapped on read
    norms.npy           (n_rows,) float32 L2 norms of the raw vectors
    transform/          optional in-place transform, applied on the fly by `Store.get_vectors`
"""

from __future__ import annotations

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.npy"
ROWS = "rows.parquet"
SENTENCES = "sentences.parquet"
NORMS = "norms.npy"
TRANSFORM_DIR = "transform"
STORAGE_DTYPES = ("float16", "float32")
"""The dtypes ``vectors.npy`` may hold."""

CHECKSUMMED = (VECTORS, ROWS, SENTENCES)
"""The files whose SHA-256 the manifest records (``checksums``)."""

SIZED = (VECTORS, ROWS, SENTENCES, NORMS)
"""The files whose size in bytes the manifest records (``file_bytes``)."""


def normalize_word(word: str) -> str:
    """The key words are matched by: case-folded, surrounding space removed."""
    return word.strip().casefold()
