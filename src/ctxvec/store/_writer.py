"""Writing stores: `StoreWriter` (tables first, vectors in place, manifest ``complete`` last),
`TableStream` (the rows and sentences tables written piece by piece) and `write_store` (a whole
store from in-memory arrays).

Every step leaves the folder in a state a rerun can continue from: the manifest (``building``) is
written first, the tables appear under their names only when complete, ``vectors.npy.partial`` is
allocated whole under a temporary name, and `StoreWriter.finalize` can be interrupted at any step
and called again (`StoreWriter.resume` reopens the vectors whether or not they were renamed yet).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import TracebackType

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .._io import atomic_path, file_sha256, fsync_dir, save_npy_atomic
from ..errors import CtxvecError, ParameterError
from ..results import JSON
from ._format import CHECKSUMMED, FORMAT_VERSION, NORMS, ROWS, SENTENCES, SIZED, VECTORS
from ._manifest import read_manifest, write_manifest
from ._reader import Store

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
NORM_BLOCK_ROWS = 65536


def sentence_schema(meta: pa.Schema | None = None) -> pa.Schema:
    """The sentences table's schema: sentence_id, doc_id, text, then the metadata columns of `meta`."""
    if meta is None:
        return SENTENCE_SCHEMA
    return pa.schema(list(SENTENCE_SCHEMA) + [f for f in meta if f.name not in SENTENCE_SCHEMA.names])


def _as_sentences(table: pa.Table) -> pa.Table:
    """`table` cast to the sentences schema, its metadata columns (past the first three) kept as they are."""
    extra = [n for n in table.column_names if n not in SENTENCE_SCHEMA.names]
    return table.select(SENTENCE_SCHEMA.names + extra).cast(sentence_schema(table.select(extra).schema))


PARTIAL = VECTORS + ".partial"


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    """`table` as Parquet at `path`, atomically."""
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def is_leftover(name: str) -> bool:
    """Whether `name` is a temporary file an interrupted atomic write left (``.NAME.XXXX.tmp...``)."""
    return name.startswith(".") and ".tmp" in name


def remove_leftovers(folder: Path) -> None:
    """Delete the temporary files interrupted writes left in `folder`."""
    for f in folder.iterdir():
        if is_leftover(f.name) and f.is_file():
            f.unlink(missing_ok=True)


def start_store(path: str | os.PathLike[str], manifest: JSON) -> Path:
    """Create the store folder `path` (new, empty, or holding only leftovers of an interrupted
    start) and write its manifest with state ``building`` -- the first file of every store."""
    p = Path(path)
    if p.exists() and any(not is_leftover(f.name) for f in p.iterdir()):
        raise CtxvecError(f"output folder {p} is not empty; choose a new path or remove it")
    p.mkdir(parents=True, exist_ok=True)
    remove_leftovers(p)
    write_manifest(p, {**manifest, "format_version": FORMAT_VERSION, "state": "building"})
    return p


class TableStream:
    """Writes ``rows.parquet`` and ``sentences.parquet`` piece by piece (one row group per piece).

    Both files are written under temporary names and renamed only by `close`, so a reader (or a
    resumed run) sees either no table or a complete one. Use as a context manager: an exception
    removes the temporary files.
    """

    def __init__(self, path: str | os.PathLike[str], sentences_schema: pa.Schema = SENTENCE_SCHEMA):
        p = Path(path)
        self._sentence_schema = sentences_schema
        self._stack = ExitStack()
        rows_tmp = self._stack.enter_context(atomic_path(p / ROWS))
        sentences_tmp = self._stack.enter_context(atomic_path(p / SENTENCES))
        self._rows = pq.ParquetWriter(rows_tmp, ROW_SCHEMA)
        self._sentences = pq.ParquetWriter(sentences_tmp, sentences_schema)
        self.n_rows = 0
        self.n_sentences = 0

    def add(self, rows: pa.Table, sentences: pa.Table) -> None:
        """Append a piece: rows (k,) sentence_id, position, token, start, end; sentences (m,)
        sentence_id, doc_id, text. Each becomes one row group (so piece i is row group i)."""
        if rows.num_rows:
            self._rows.write_table(rows.cast(ROW_SCHEMA), row_group_size=rows.num_rows)
        self._sentences.write_table(sentences.cast(self._sentence_schema), row_group_size=max(1, sentences.num_rows))
        self.n_rows += rows.num_rows
        self.n_sentences += sentences.num_rows

    def close(self) -> None:
        """Finish both files and move them under their names."""
        self._rows.close()
        self._sentences.close()
        self._stack.close()

    def __enter__(self) -> TableStream:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is None:
            self.close()
            return
        self._rows.close()
        self._sentences.close()
        self._stack.__exit__(kind, exc, tb)


class StoreWriter:
    """Builds a store folder: tables first, vectors written in place, manifest `complete` last.

    Usage: ``w = StoreWriter.create(path, manifest, rows, sentences, dim, dtype)``, then
    ``w.write(row_ids, vectors)`` (or ``w.write_range(start, vectors)``) as batches finish,
    ``w.flush()`` to make them durable, and ``w.finalize()``. Vectors go to
    ``vectors.npy.partial`` with positioned writes rather than a memory map, so the resident
    memory of a run does not grow with the store.
    """

    def __init__(self, path: Path, manifest: JSON, shape: tuple[int, int], dtype: np.dtype, offset: int):
        self.path = path
        self.manifest = manifest
        self.shape = shape
        self.dtype = dtype
        self._offset = offset
        self._row_bytes = shape[1] * dtype.itemsize
        self._fd: int | None = os.open(self._partial, os.O_RDWR) if self._partial.is_file() else None

    @property
    def _partial(self) -> Path:
        return self.path / PARTIAL

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        manifest: JSON,
        rows: pa.Table,
        sentences: pa.Table,
        dim: int,
        dtype: str = "float16",
    ) -> StoreWriter:
        """Start a new store at `path` (which must not exist or be empty).

        rows: (n_rows,) table sentence_id, position, token, start, end; sentences: (n_sentences,)
        table sentence_id, doc_id, text; the vectors will be (n_rows, dim) of `dtype`."""
        p = start_store(path, manifest)
        write_parquet_atomic(rows.cast(ROW_SCHEMA), p / ROWS)
        write_parquet_atomic(_as_sentences(sentences), p / SENTENCES)
        return cls.allocate(p, rows.num_rows, sentences.num_rows, dim, dtype)

    @classmethod
    def allocate(
        cls,
        path: str | os.PathLike[str],
        n_rows: int,
        n_sentences: int,
        dim: int,
        dtype: str = "float16",
        **counts: int,
    ) -> StoreWriter:
        """Allocate the (n_rows, dim) vectors of a started store whose tables are written, and record
        the sizes (and the entries `counts`) in its manifest."""
        p = Path(path)
        shape, dt = (int(n_rows), int(dim)), np.dtype(dtype)
        manifest = read_manifest(p)  # the sizes first: vectors.npy.partial never exists without them
        manifest.update(counts, dim=shape[1], dtype=str(dt), n_rows=shape[0], n_sentences=int(n_sentences))
        write_manifest(p, manifest)
        with atomic_path(p / PARTIAL) as tmp, open(tmp, "wb") as f:
            np.lib.format.write_array_header_1_0(f, {"descr": dt.str, "fortran_order": False, "shape": shape})
            offset = f.tell()
            f.truncate(offset + shape[0] * shape[1] * dt.itemsize)
        return cls(p, manifest, shape, dt, offset)

    @classmethod
    def resume(cls, path: str | os.PathLike[str]) -> StoreWriter:
        """Reopen an unfinished store: to fill in the rest of its vectors, or (when a finalize was
        interrupted after renaming them) to finish it."""
        p = Path(path)
        manifest = read_manifest(p)
        source = p / PARTIAL if (p / PARTIAL).is_file() else p / VECTORS
        with open(source, "rb") as f:
            np.lib.format.read_magic(f)
            shape, _, dt = np.lib.format.read_array_header_1_0(f)
            offset = f.tell()
        return cls(p, manifest, (int(shape[0]), int(shape[1])), np.dtype(dt), offset)

    def write(self, rows: np.ndarray, vectors: np.ndarray) -> None:
        """Write (k, dim) `vectors` at (k,) row ids `rows` (any order; runs of consecutive ids go in
        one write each)."""
        data = np.ascontiguousarray(vectors, dtype=self.dtype)
        ids = np.asarray(rows, dtype=np.int64)
        cuts = np.flatnonzero(np.diff(ids) != 1) + 1
        starts, stops = np.r_[0, cuts], np.r_[cuts, len(ids)]
        for a, b in zip(starts.tolist(), stops.tolist(), strict=True):
            self._pwrite(int(ids[a]), data[a:b])

    def write_range(self, start: int, vectors: np.ndarray) -> None:
        """Write (k, dim) `vectors` at rows `start`, `start` + 1, ..., `start` + k - 1."""
        self._pwrite(int(start), np.ascontiguousarray(vectors, dtype=self.dtype))

    def _pwrite(self, row: int, data: np.ndarray) -> None:
        if self._fd is None:
            raise CtxvecError(f"the writer of {self.path} is closed")
        os.pwrite(self._fd, data.data.cast("B"), self._offset + row * self._row_bytes)  # no copy

    def flush(self) -> None:
        """Make everything written so far durable."""
        if self._fd is not None:
            os.fsync(self._fd)

    def _close(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def _norms(self, source: Path) -> np.ndarray:
        n, dim = self.shape
        norms = np.empty(n, dtype=np.float32)
        with open(source, "rb") as f:
            for s in range(0, n, NORM_BLOCK_ROWS):
                m = min(NORM_BLOCK_ROWS, n - s)
                f.seek(self._offset + s * self._row_bytes)
                chunk = np.frombuffer(f.read(m * self._row_bytes), dtype=self.dtype).reshape(m, dim)
                norms[s : s + m] = np.linalg.norm(chunk.astype(np.float32), axis=1)
        return norms

    def finalize(
        self, checkpoint: Callable[[str], None] | None = None, remove: Sequence[str] = (), **extra: object
    ) -> Store:
        """Rename the vectors, compute norms, delete the working files or folders `remove`, checksum
        files, write the manifest as complete (with the entries `extra`, the vocabulary size
        ``n_words`` and the files' sizes ``file_bytes``).

        An interrupted finalize is finished by calling it again on `StoreWriter.resume`.
        `checkpoint(step)` is called after the steps ``finalize:renamed`` and ``finalize:norms``
        (tests interrupt a run there)."""
        self._close()
        if self._partial.is_file():
            os.replace(self._partial, self.path / VECTORS)
            fsync_dir(self.path)
        if checkpoint is not None:
            checkpoint("finalize:renamed")
        save_npy_atomic(self.path / NORMS, self._norms(self.path / VECTORS))
        if checkpoint is not None:
            checkpoint("finalize:norms")
        for name in remove:
            target = self.path / name
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink(missing_ok=True)
        manifest = dict(self.manifest)
        manifest.update(extra)
        manifest["checksums"] = {name: file_sha256(self.path / name) for name in CHECKSUMMED}
        manifest["n_words"] = len(Store(self.path, manifest).vocabulary)
        manifest["file_bytes"] = {name: (self.path / name).stat().st_size for name in SIZED}
        manifest["state"] = "complete"
        write_manifest(self.path, manifest)
        return Store.open(self.path)

    def abort(self) -> None:
        """Remove everything this writer created."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        shutil.rmtree(self.path, ignore_errors=True)


def _positions(sids: np.ndarray) -> np.ndarray:
    positions = np.zeros(len(sids), dtype=np.int32)
    for i in range(1, len(sids)):
        positions[i] = positions[i - 1] + 1 if sids[i] == sids[i - 1] else 0
    return positions


def _find_spans(tokens: Sequence[str], sids: np.ndarray, sentences: Sequence[str]) -> np.ndarray:
    spans = np.zeros((len(tokens), 2), dtype=np.int32)
    cursor: dict[int, int] = {}
    for i, (tok, sid) in enumerate(zip(tokens, sids.tolist(), strict=True)):
        text = sentences[sid]
        at = text.find(tok, cursor.get(sid, 0))
        if at < 0:  # token text not in its sentence (synthetic data): an empty span, not a wrong one
            continue
        spans[i] = (at, at + len(tok))
        cursor[sid] = at + len(tok)
    return spans


def write_store(
    path: str | os.PathLike[str],
    vectors: np.ndarray,
    tokens: Sequence[str],
    sentence_ids: np.ndarray | Sequence[int],
    sentences: Sequence[str],
    spans: np.ndarray | None = None,
    positions: np.ndarray | None = None,
    doc_ids: np.ndarray | Sequence[int] | None = None,
    manifest: JSON | None = None,
    dtype: str | None = None,
    meta: pa.Table | None = None,
) -> Store:
    """Write a complete store from in-memory arrays (tests, transforms, small data).

    `meta`: metadata columns of the sentences (n_sentences rows), kept in the sentences table.

    vectors: (n_rows, dim); tokens/sentence_ids: (n_rows,), rows sorted by sentence;
    spans: (n_rows, 2) character spans (found by searching the token in its sentence when None;
    (0, 0) for a token its sentence does not contain).
    """
    vectors = np.asarray(vectors)
    n = len(vectors)
    sids = np.asarray(sentence_ids, dtype=np.int64)
    if len(tokens) != n or len(sids) != n:
        raise ParameterError("vectors", "{name}, tokens and sentence_ids must have the same length")
    if np.any(np.diff(sids) < 0):
        raise ParameterError("sentence_ids", "rows must be sorted by sentence id; {name} decreases")
    pos = _positions(sids) if positions is None else np.asarray(positions, dtype=np.int32)
    sp = _find_spans(tokens, sids, sentences) if spans is None else np.asarray(spans)
    rows = pa.table(
        {
            "sentence_id": sids,
            "position": pos.astype(np.int32),
            "token": list(tokens),
            "start": sp[:, 0].astype(np.int32),
            "end": sp[:, 1].astype(np.int32),
        }
    )
    docs = np.zeros(len(sentences), dtype=np.int64) if doc_ids is None else np.asarray(doc_ids, dtype=np.int64)
    sent = pa.table({"sentence_id": np.arange(len(sentences), dtype=np.int64), "doc_id": docs, "text": list(sentences)})
    if meta is not None:
        for name in meta.column_names:
            sent = sent.append_column(name, meta.column(name))
    base: JSON = {
        "model": {"name": "arrays", "path": None, "weights_sha256": None},
        "encode": None,
        "n_windowed_sentences": 0,
    }
    if meta is not None:
        base["metadata"] = {f.name: str(f.type) for f in meta.schema}
    base.update(manifest or {})
    w = StoreWriter.create(path, base, rows, sent, vectors.shape[1], dtype or str(vectors.dtype))
    w.write_range(0, vectors)
    return w.finalize()
