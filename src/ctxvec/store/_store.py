"""The on-disk store: one vector per token occurrence, tied to its sentence.

A store is a folder of plain files (no pickle)::

    manifest.json       format version, model identity, encoding spec, dtype, dim, counts, state
    sentences.parquet   sentence_id, doc_id, text
    rows.parquet        sentence_id, position, token, start, end   (one row per vector)
    vectors.npy         (n_rows, dim) float16/float32, raw model outputs, memory-mapped on read
    norms.npy           (n_rows,) float32 L2 norms of the (possibly transformed) vectors

`StoreWriter` builds one (files under temporary names, manifest written last);
`Store.open` reads one and refuses an unfinished store.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import CtxvecError

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
VECTORS = "vectors.npy"
ROWS = "rows.parquet"
SENTENCES = "sentences.parquet"
NORMS = "norms.npy"
TRANSFORM_DIR = "transform"

ROW_SCHEMA = pa.schema(
    [
        ("sentence_id", pa.int64()),
        ("position", pa.int32()),
        ("token", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
    ]
)
SENTENCE_SCHEMA = pa.schema([("sentence_id", pa.int64()), ("doc_id", pa.int64()), ("text", pa.string())])


def normalize_word(word: str) -> str:
    """The key words are matched by: case-folded, surrounding space removed."""
    return word.strip().casefold()


def file_sha256(path: Path, chunk: int = 1 << 24) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(table, tmp)
    os.replace(tmp, path)


@dataclass(frozen=True)
class Occurrence:
    """One row of the store: a token in its sentence."""

    row: int
    sentence_id: int
    position: int
    token: str
    start: int
    end: int
    sentence: str

    def highlighted(self, left: str = "[", right: str = "]") -> str:
        """The sentence with this token wrapped in `left`/`right`."""
        s = self.sentence
        return s[: self.start] + left + s[self.start : self.end] + right + s[self.end :]


class Store:
    """A finished store, opened read-only. Vectors are memory-mapped, never loaded whole."""

    def __init__(self, path: Path, manifest: dict[str, Any]):
        self.path = path
        self.manifest = manifest

    # ---- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open the store folder at `path`; raises CtxvecError for a missing or unfinished store."""
        p = Path(path)
        mf = p / MANIFEST
        if not mf.is_file():
            raise CtxvecError(f"{p} is not a ctxvec store (no {MANIFEST}); build one with `ctxvec embed CORPUS -o {p}`")
        try:
            manifest = json.loads(mf.read_text())
        except json.JSONDecodeError as e:
            raise CtxvecError(f"{mf} is corrupt ({e}); rebuild the store") from None
        if manifest.get("format_version") != FORMAT_VERSION:
            raise CtxvecError(
                f"{p} has store format {manifest.get('format_version')}, this ctxvec reads {FORMAT_VERSION}; rebuild it"
            )
        if manifest.get("state") != "complete":
            raise CtxvecError(
                f"{p} is an unfinished store (state {manifest.get('state')!r}); run the same `ctxvec embed` command again to finish it"
            )
        return cls(p, manifest)

    # ---- sizes and spec ----------------------------------------------------------------------
    @property
    def n_rows(self) -> int:
        return int(self.manifest["n_rows"])

    @property
    def dim(self) -> int:
        return int(self.manifest["dim"])

    @property
    def n_sentences(self) -> int:
        return int(self.manifest["n_sentences"])

    def __len__(self) -> int:
        return self.n_rows

    def __repr__(self) -> str:
        return (
            f"Store({str(self.path)!r}, rows={self.n_rows}, dim={self.dim}, model={self.manifest['model']['name']!r})"
        )

    def summary(self) -> dict[str, Any]:
        """Plain facts about the store (what `ctxvec info` prints)."""
        m = self.manifest
        enc = m.get("encode") or {}
        size = sum(f.stat().st_size for f in self.path.iterdir() if f.is_file())
        out: dict[str, Any] = {
            "path": str(self.path),
            "model": m["model"]["name"],
            "weights_sha256": (m["model"].get("weights_sha256") or "")[:16],
            "corpus": (m.get("corpus") or {}).get("name", ""),
            "rows": self.n_rows,
            "sentences": self.n_sentences,
            "documents": (m.get("corpus") or {}).get("n_documents", ""),
            "dim": self.dim,
            "dtype": m["dtype"],
            "unit": enc.get("unit", ""),
            "pooling": enc.get("pooling", ""),
            "layers": enc.get("layers", ""),
            "keep_special": enc.get("keep_special", ""),
            "max_length": enc.get("max_length", ""),
            "windowed_sentences": m.get("n_windowed_sentences", 0),
            "model_tokens": m.get("n_tokens", ""),
            "vocabulary": len(self.vocabulary),
            "size_mb": round(size / 2**20, 1),
        }
        if m.get("transform"):
            out["transform"] = m["transform"]
        return out

    # ---- data ---------------------------------------------------------------------------
    @cached_property
    def vectors(self) -> np.ndarray:
        """Raw vectors, memory-mapped read-only: (n_rows, dim), float16 or float32."""
        return np.load(self.path / VECTORS, mmap_mode="r")

    @cached_property
    def rows(self) -> pa.Table:
        """The rows table: sentence_id, position, token, start, end (one row per vector)."""
        return pq.read_table(self.path / ROWS)

    @cached_property
    def sentences(self) -> pa.Table:
        """The sentences table: sentence_id, doc_id, text."""
        return pq.read_table(self.path / SENTENCES)

    @cached_property
    def tokens(self) -> np.ndarray:
        """(n_rows,) object array of token texts."""
        return np.asarray(self.rows.column("token").to_numpy(zero_copy_only=False), dtype=object)

    @cached_property
    def sentence_ids(self) -> np.ndarray:
        """(n_rows,) int64 sentence id of each row."""
        return self.rows.column("sentence_id").to_numpy()

    @cached_property
    def spans(self) -> np.ndarray:
        """(n_rows, 2) int32 character span of each row in its sentence."""
        return np.stack([self.rows.column("start").to_numpy(), self.rows.column("end").to_numpy()], axis=1)

    @cached_property
    def _sentence_texts(self) -> list[str]:
        return self.sentences.column("text").to_pylist()

    def sentence(self, sentence_id: int) -> str:
        """The text of sentence `sentence_id`."""
        if not 0 <= sentence_id < self.n_sentences:
            raise CtxvecError(
                f"sentence {sentence_id} is out of range; this store has sentences 0..{self.n_sentences - 1}"
            )
        return self._sentence_texts[sentence_id]

    def occurrence(self, row: int) -> Occurrence:
        """Row `row` with its token, span and sentence."""
        if not 0 <= row < self.n_rows:
            raise CtxvecError(f"row {row} is out of range; this store has rows 0..{self.n_rows - 1}")
        sid = int(self.sentence_ids[row])
        start, end = (int(x) for x in self.spans[row])
        pos = int(self.rows.column("position")[row].as_py())
        return Occurrence(row, sid, pos, str(self.tokens[row]), start, end, self._sentence_texts[sid])

    def rows_of_sentence(self, sentence_id: int) -> np.ndarray:
        """(k,) row ids of sentence `sentence_id`, in position order."""
        self.sentence(sentence_id)  # range check
        lo, hi = np.searchsorted(self.sentence_ids, [sentence_id, sentence_id + 1])
        return np.arange(lo, hi, dtype=np.int64)

    # ---- vocabulary -----------------------------------------------------------------------
    @cached_property
    def _vocab(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # normalise each distinct token text once, not every row
        col = self.rows.column("token").combine_chunks().dictionary_encode()
        distinct = np.array([normalize_word(t) for t in col.dictionary.to_pylist()], dtype=str)
        words, inverse = np.unique(distinct, return_inverse=True)
        word_ids = inverse[col.indices.to_numpy()].astype(np.int64)
        counts = np.bincount(word_ids, minlength=len(words)).astype(np.int64)
        return words.astype(object), word_ids, counts

    @property
    def vocabulary(self) -> np.ndarray:
        """(n_words,) sorted normalised word types (see `normalize_word`)."""
        return self._vocab[0]

    @property
    def word_ids(self) -> np.ndarray:
        """(n_rows,) index into `vocabulary` of each row."""
        return self._vocab[1]

    @property
    def word_counts(self) -> np.ndarray:
        """(n_words,) number of occurrences of each word type."""
        return self._vocab[2]

    def word_id(self, word: str) -> int:
        """Index of `word` in the vocabulary; CtxvecError with suggestions when unknown."""
        key = normalize_word(word)
        i = int(np.searchsorted(self.vocabulary, key))
        if i < len(self.vocabulary) and self.vocabulary[i] == key:
            return i
        close = difflib.get_close_matches(key, list(self.vocabulary), n=5, cutoff=0.6)
        hint = f"; closest words in the store: {', '.join(close)}" if close else "; it is not in the store's vocabulary"
        raise CtxvecError(f"unknown word {word!r}{hint}")

    def occurrences(self, word: str) -> np.ndarray:
        """(k,) row ids of every occurrence of `word` (case-insensitive), in corpus order."""
        wid = self.word_id(word)
        return np.flatnonzero(self.word_ids == wid)

    # ---- vectors for operations ----------------------------------------------------------------
    @property
    def transform(self) -> Any | None:
        """The fitted transform kept with `ctxvec transform --in-place`, applied on the fly, or None."""
        if not (self.path / TRANSFORM_DIR).is_dir():
            return None
        return self._transform

    @cached_property
    def _transform(self) -> Any:
        from ..transforms import load_transform  # the isotropy module owns the format

        return load_transform(self.path / TRANSFORM_DIR)

    def get_vectors(self, rows: np.ndarray | list[int] | slice) -> np.ndarray:
        """(k, dim) float32 vectors of `rows`, with the store's in-place transform applied."""
        block = np.asarray(self.vectors[rows], dtype=np.float32)
        if block.ndim == 1:
            block = block[None, :]
        t = self.transform
        return block if t is None else np.asarray(t.transform(block), dtype=np.float32)

    def map_encoded(self, vectors: np.ndarray) -> np.ndarray:
        """Raw encoder output (k, dim) -> float32 vectors as `get_vectors` would return them had the
        sentence been stored: the transform a `transform --out` store was written with, rounding to
        the store's dtype, then the in-place transform."""
        out = np.asarray(vectors, dtype=np.float32)
        rec = self.manifest.get("applied_transform")
        if rec:
            if not rec.get("raw_to_vectors"):
                raise CtxvecError(
                    f"{self.path} was written with a transform that was not saved; "
                    "newly encoded sentences cannot be mapped into its space"
                )
            from ..transforms import load_transform

            out = np.asarray(load_transform(self.path / rec["raw_to_vectors"]["path"]).transform(out), np.float32)
        out = out.astype(self.vectors.dtype).astype(np.float32)
        t = self.transform
        return out if t is None else np.asarray(t.transform(out), dtype=np.float32)

    def iter_blocks(self, block_rows: int = 65536) -> Iterator[tuple[int, np.ndarray]]:
        """Yield (start_row, (b, dim) float32 block) over the whole store, transform applied."""
        for start in range(0, self.n_rows, block_rows):
            yield start, self.get_vectors(slice(start, min(start + block_rows, self.n_rows)))

    def norms(self) -> np.ndarray:
        """(n_rows,) float32 L2 norms of the vectors as `get_vectors` returns them (cached on disk)."""
        name = NORMS if self.transform is None else f"norms.{self.manifest.get('transform_id', 'transform')}.npy"
        path = self.path / name
        if path.is_file():
            return np.load(path, mmap_mode="r")
        out = np.empty(self.n_rows, dtype=np.float32)
        for start, block in self.iter_blocks():
            out[start : start + len(block)] = np.linalg.norm(block, axis=1)
        tmp = path.with_name(path.name + ".tmp.npy")
        np.save(tmp, out)
        os.replace(tmp, path)
        return out

    # ---- the model --------------------------------------------------------------------------
    def encoder(self, device: str = "auto") -> Any:
        """A `BatchEncoder` with this store's own model, layers, unit and pooling."""
        from ..encoding import BatchEncoder, EncodeSpec

        return BatchEncoder.load(EncodeSpec.from_manifest(self.manifest), device=device)

    # ---- operations (implemented in their own modules) ------------------------------------
    def similar(self, *args: Any, **kwargs: Any) -> Any:
        """Nearest occurrences; see `ctxvec.neighbours._search.similar`."""
        from ..neighbours import similar

        return similar(self, *args, **kwargs)

    def decompose(self, *args: Any, **kwargs: Any) -> Any:
        """Sparse non-negative decomposition; see `ctxvec.decomposition._decompose.decompose`."""
        from ..decomposition import decompose

        return decompose(self, *args, **kwargs)


class StoreWriter:
    """Builds a store folder: tables first, vectors written in place, manifest `complete` last.

    Usage: ``w = StoreWriter.create(path, manifest, rows, sentences, dim, dtype)``, then
    ``w.write(row_ids, vectors)`` as batches finish, ``w.flush()`` to make them durable, and
    ``w.finalize()``. Vectors go to ``vectors.npy.partial`` with positioned writes rather than a
    memory map, so the resident memory of a run does not grow with the store.
    """

    def __init__(self, path: Path, manifest: dict[str, Any], shape: tuple[int, int], dtype: np.dtype, offset: int):
        self.path = path
        self.manifest = manifest
        self.shape = shape
        self.dtype = dtype
        self._offset = offset
        self._row_bytes = shape[1] * dtype.itemsize
        self._fd: int | None = os.open(self._partial, os.O_RDWR)

    @property
    def _partial(self) -> Path:
        return self.path / (VECTORS + ".partial")

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        manifest: dict[str, Any],
        rows: pa.Table,
        sentences: pa.Table,
        dim: int,
        dtype: str = "float16",
    ) -> StoreWriter:
        """Start a new store at `path` (which must not exist or be empty)."""
        p = Path(path)
        if p.exists() and any(p.iterdir()):
            raise CtxvecError(f"output folder {p} is not empty; choose a new path or remove it")
        p.mkdir(parents=True, exist_ok=True)
        manifest = dict(manifest)
        manifest.update(
            format_version=FORMAT_VERSION,
            state="building",
            dim=int(dim),
            dtype=str(np.dtype(dtype)),
            n_rows=rows.num_rows,
            n_sentences=sentences.num_rows,
        )
        write_json_atomic(p / MANIFEST, manifest)
        write_parquet_atomic(rows.cast(ROW_SCHEMA), p / ROWS)
        write_parquet_atomic(sentences.cast(SENTENCE_SCHEMA), p / SENTENCES)
        shape, dt = (rows.num_rows, int(dim)), np.dtype(dtype)
        with open(p / (VECTORS + ".partial"), "wb") as f:
            np.lib.format.write_array_header_1_0(f, {"descr": dt.str, "fortran_order": False, "shape": shape})
            offset = f.tell()
            f.truncate(offset + shape[0] * shape[1] * dt.itemsize)
        return cls(p, manifest, shape, dt, offset)

    @classmethod
    def resume(cls, path: str | os.PathLike[str]) -> StoreWriter:
        """Reopen an unfinished store to fill in the rest of its vectors."""
        p = Path(path)
        manifest = json.loads((p / MANIFEST).read_text())
        with open(p / (VECTORS + ".partial"), "rb") as f:
            np.lib.format.read_magic(f)
            shape, _, dt = np.lib.format.read_array_header_1_0(f)
            offset = f.tell()
        return cls(p, manifest, (int(shape[0]), int(shape[1])), np.dtype(dt), offset)

    def write(self, rows: np.ndarray | int, vectors: np.ndarray) -> None:
        """Write (k, dim) `vectors` at row ids `rows` (any order; runs of consecutive ids go in one write),
        or at rows `rows`, `rows` + 1, ... when `rows` is an int."""
        assert self._fd is not None, "writer is closed"
        data = np.ascontiguousarray(vectors, dtype=self.dtype)
        if isinstance(rows, (int, np.integer)):
            runs = [(int(rows), 0, len(data))]
        else:
            ids = np.asarray(rows, dtype=np.int64)
            cuts = np.flatnonzero(np.diff(ids) != 1) + 1
            starts, stops = np.r_[0, cuts], np.r_[cuts, len(ids)]
            runs = [(int(ids[a]), int(a), int(b)) for a, b in zip(starts, stops, strict=True)]
        for row, a, b in runs:
            os.pwrite(self._fd, data[a:b].tobytes(), self._offset + row * self._row_bytes)

    def flush(self) -> None:
        """Make everything written so far durable."""
        if self._fd is not None:
            os.fsync(self._fd)

    def _close(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def finalize(self, **extra: Any) -> Store:
        """Compute norms, checksum files, rename the vectors, write the manifest as complete."""
        self._close()
        n, dim = self.shape
        norms = np.empty(n, dtype=np.float32)
        block = 65536
        with open(self._partial, "rb") as f:
            for s in range(0, n, block):
                m = min(block, n - s)
                f.seek(self._offset + s * self._row_bytes)
                chunk = np.frombuffer(f.read(m * self._row_bytes), dtype=self.dtype).reshape(m, dim)
                norms[s : s + m] = np.linalg.norm(chunk.astype(np.float32), axis=1)
        os.replace(self._partial, self.path / VECTORS)
        tmp = self.path / (NORMS + ".tmp.npy")
        np.save(tmp, norms)
        os.replace(tmp, self.path / NORMS)
        manifest = dict(self.manifest)
        manifest.update(extra)
        manifest["checksums"] = {name: file_sha256(self.path / name) for name in (VECTORS, ROWS, SENTENCES)}
        manifest["state"] = "complete"
        write_json_atomic(self.path / MANIFEST, manifest)
        return Store.open(self.path)

    def abort(self) -> None:
        """Remove everything this writer created."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        shutil.rmtree(self.path, ignore_errors=True)


def write_store(
    path: str | os.PathLike[str],
    vectors: np.ndarray,
    tokens: list[str],
    sentence_ids: np.ndarray | list[int],
    sentences: list[str],
    spans: np.ndarray | None = None,
    positions: np.ndarray | None = None,
    doc_ids: np.ndarray | list[int] | None = None,
    manifest: dict[str, Any] | None = None,
    dtype: str | None = None,
) -> Store:
    """Write a complete store from in-memory arrays (tests, transforms, small data).

    vectors: (n_rows, dim); tokens/sentence_ids: (n_rows,), rows sorted by sentence;
    spans: (n_rows, 2) character spans (found by searching the token in its sentence when None;
    (0, 0) for a token its sentence does not contain).
    """
    vectors = np.asarray(vectors)
    n = len(vectors)
    sids = np.asarray(sentence_ids, dtype=np.int64)
    if len(tokens) != n or len(sids) != n:
        raise ValueError("vectors, tokens and sentence_ids must have the same length")
    if np.any(np.diff(sids) < 0):
        raise ValueError("rows must be sorted by sentence id")
    if positions is None:
        positions = np.zeros(n, dtype=np.int32)
        for i in range(1, n):
            positions[i] = positions[i - 1] + 1 if sids[i] == sids[i - 1] else 0
    if spans is None:
        spans = np.zeros((n, 2), dtype=np.int32)
        cursor: dict[int, int] = {}
        for i, (tok, sid) in enumerate(zip(tokens, sids, strict=True)):
            text = sentences[sid]
            at = text.find(tok, cursor.get(int(sid), 0))
            if at < 0:  # token text not in its sentence (synthetic data): an empty span, not a wrong one
                continue
            spans[i] = (at, at + len(tok))
            cursor[int(sid)] = at + len(tok)
    rows = pa.table(
        {
            "sentence_id": sids,
            "position": np.asarray(positions, dtype=np.int32),
            "token": list(tokens),
            "start": np.asarray(spans)[:, 0].astype(np.int32),
            "end": np.asarray(spans)[:, 1].astype(np.int32),
        }
    )
    docs = np.zeros(len(sentences), dtype=np.int64) if doc_ids is None else np.asarray(doc_ids, dtype=np.int64)
    sent = pa.table({"sentence_id": np.arange(len(sentences), dtype=np.int64), "doc_id": docs, "text": list(sentences)})
    base: dict[str, Any] = {
        "model": {"name": "arrays", "path": None, "weights_sha256": None},
        "encode": None,
        "n_windowed_sentences": 0,
    }
    base.update(manifest or {})
    w = StoreWriter.create(path, base, rows, sent, vectors.shape[1], dtype or str(vectors.dtype))
    w.write(0, vectors)
    return w.finalize()
