"""`Store`: a finished store, opened read-only; `Occurrence`: one of its rows in its sentence.

`Store.open` reads only ``manifest.json``: the tables (pyarrow) and the vectors (memory map)
load on first use, so opening a store and summarising it is instant. `Store` is a
`ctxvec.sources.VectorSource`; operations (``ctxvec.similar(store, ...)``, ...) live in their
own packages and read through it.
"""

from __future__ import annotations

import difflib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from .._io import may_add_files, save_npy_atomic
from ..errors import CtxvecError
from ..results import JSON
from ..sources import Rows
from ._artifacts import norms_file, records_match, vectors_id, vectors_record
from ._checks import file_problems, manifest_problems
from ._format import ROWS, SENTENCES, TRANSFORM_DIR, VECTORS, normalize_word
from ._manifest import check_complete, read_manifest
from ._paths import check_name, inside_store
from ._summary import StoreSummary, summarize

if TYPE_CHECKING:
    import pyarrow as pa

    from ..encoding import BatchEncoder
    from ..sources import VectorMap


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

    def __init__(self, path: Path, manifest: JSON):
        self.path = path
        self.manifest = manifest
        # fast tokenizers and one model are not safe to call from several threads at once: hold this
        # around tokenize + forward pass (`ctxvec.queries` does); `encoder()` loads under it too
        self.encoder_lock = threading.RLock()
        self._encoders: dict[str, BatchEncoder] = {}
        self._norms: dict[str, np.ndarray] = {}  # memory-mapped norms files by name (one per vectors record)

    # ---- opening -------------------------------------------------------------------------
    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Store:
        """Open the store folder at `path`; raises CtxvecError for a missing or unfinished store."""
        p = Path(path)
        manifest = read_manifest(p)
        check_complete(p, manifest)
        problems = manifest_problems(p, manifest) or file_problems(p, manifest)
        if problems:
            more = f" ({len(problems) - 1} more problem(s): run `ctxvec verify {p}`)" if len(problems) > 1 else ""
            raise CtxvecError(problems[0] + more)
        return cls(p, manifest)

    @cached_property
    def resolved_path(self) -> Path:
        """`path`, absolute with links resolved (once: what backends compare)."""
        return self.path.resolve()

    def preload(self) -> Store:
        """Load everything reads touch lazily (memory map, tables, vocabulary, norms, word index), once:
        for a server, before threads share the store. Returns the store."""
        _ = self.vectors, self.tokens, self.sentence_ids, self.spans, self.vocabulary, self.norms()
        _ = self._positions, self._rows_by_word, self.resolved_path, self._sentence_texts
        return self

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

    @property
    def n_words(self) -> int:
        """Size of the vocabulary (from the manifest; counted from the rows for stores written before it was kept)."""
        recorded = self.manifest.get("n_words")
        return int(recorded) if recorded is not None else len(self.vocabulary)

    def __len__(self) -> int:
        return self.n_rows

    def __repr__(self) -> str:
        return (
            f"Store({str(self.path)!r}, rows={self.n_rows}, dim={self.dim}, model={self.manifest['model']['name']!r})"
        )

    def summary(self) -> StoreSummary:
        """Plain facts about the store (what `ctxvec info` prints); reads only the manifest."""
        return summarize(self.path, self.manifest, self.n_words)

    # ---- data ---------------------------------------------------------------------------
    @cached_property
    def vectors(self) -> np.ndarray:
        """Raw vectors, memory-mapped read-only: (n_rows, dim), float16 or float32."""
        return cast(np.ndarray, np.load(self.path / VECTORS, mmap_mode="r"))

    @cached_property
    def rows(self) -> pa.Table:
        """The rows table: sentence_id, position, token, start, end (one row per vector)."""
        import pyarrow.parquet as pq

        return pq.read_table(self.path / ROWS)

    @cached_property
    def sentences(self) -> pa.Table:
        """The sentences table: sentence_id, doc_id, text."""
        import pyarrow.parquet as pq

        return pq.read_table(self.path / SENTENCES)

    @cached_property
    def tokens(self) -> np.ndarray:
        """(n_rows,) object array of token texts."""
        return np.asarray(self.rows.column("token").to_numpy(zero_copy_only=False), dtype=object)

    @cached_property
    def sentence_ids(self) -> np.ndarray:
        """(n_rows,) int64 sentence id of each row."""
        return cast(np.ndarray, self.rows.column("sentence_id").to_numpy())

    @cached_property
    def spans(self) -> np.ndarray:
        """(n_rows, 2) int32 character span of each row in its sentence."""
        return np.stack([self.rows.column("start").to_numpy(), self.rows.column("end").to_numpy()], axis=1)

    @cached_property
    def _sentence_texts(self) -> list[str]:
        return cast(list[str], self.sentences.column("text").to_pylist())

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
        pos = int(self._positions[row])
        return Occurrence(row, sid, pos, str(self.tokens[row]), start, end, self._sentence_texts[sid])

    @cached_property
    def _positions(self) -> np.ndarray:
        return cast(np.ndarray, self.rows.column("position").to_numpy())

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

    def find_word(self, word: str) -> int:
        """Index of `word` (normalised) in the vocabulary, or -1 when the store lacks it: the one lookup."""
        key = normalize_word(word)
        i = int(np.searchsorted(self.vocabulary, key))
        return i if i < len(self.vocabulary) and self.vocabulary[i] == key else -1

    def word_id(self, word: str) -> int:
        """Index of `word` in the vocabulary; CtxvecError with suggestions when unknown."""
        i = self.find_word(word)
        if i >= 0:
            return i
        key = normalize_word(word)
        close = difflib.get_close_matches(key, list(self.vocabulary), n=5, cutoff=0.6)
        hint = f"; closest words in the store: {', '.join(close)}" if close else "; it is not in the store's vocabulary"
        raise CtxvecError(f"unknown word {word!r}{hint}")

    def occurrences(self, word: str) -> np.ndarray:
        """(k,) row ids of every occurrence of `word` (case-insensitive), in corpus order."""
        wid = self.word_id(word)
        order, starts = self._rows_by_word
        return order[starts[wid] : starts[wid + 1]].copy()

    @cached_property
    def _rows_by_word(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows grouped by word id (corpus order within a word: a stable sort) and each word's first index."""
        order = np.argsort(self.word_ids, kind="stable").astype(np.int64)
        return order, np.concatenate([[0], np.cumsum(self.word_counts)])

    # ---- vectors for operations (the VectorSource interface) -------------------------------------
    @property
    def transform(self) -> VectorMap | None:
        """The fitted transform kept with an in-place transform (``transform/``), applied on the fly, or None."""
        if not (self.path / TRANSFORM_DIR).is_dir():
            return None
        return self._transform

    @cached_property
    def _transform(self) -> VectorMap:
        from ..transforms import load_transform  # the transforms package owns the format

        return cast("VectorMap", load_transform(inside_store(self.path, TRANSFORM_DIR, what="transform folder")))

    def get_vectors(self, rows: Rows) -> np.ndarray:
        """(k, dim) float32 vectors of `rows`, with the store's in-place transform applied."""
        block = np.asarray(self.vectors[rows], dtype=np.float32)
        if block.ndim == 1:
            block = block[None, :]
        t = self.transform
        return block if t is None else np.asarray(t.transform(block), dtype=np.float32)

    def map_encoded(self, vectors: np.ndarray) -> np.ndarray:
        """Raw encoder output (k, dim) -> float32 vectors as `get_vectors` would return them had the
        sentence been stored: the transform a store written through a transform was written with,
        rounding to the store's dtype, then the in-place transform."""
        out = np.asarray(vectors, dtype=np.float32)
        rec = self.manifest.get("applied_transform")
        if rec:
            if not rec.get("raw_to_vectors"):
                raise CtxvecError(
                    f"{self.path} was written with a transform that was not saved; "
                    "newly encoded sentences cannot be mapped into its space"
                )
            from ..transforms import load_transform

            folder = inside_store(self.path, rec["raw_to_vectors"]["path"], what="applied_transform path")
            applied = cast("VectorMap", load_transform(folder))
            out = np.asarray(applied.transform(out), np.float32)
        out = out.astype(self.vectors.dtype).astype(np.float32)
        t = self.transform
        return out if t is None else np.asarray(t.transform(out), dtype=np.float32)

    def iter_blocks(self, block_rows: int = 65536) -> Iterator[tuple[int, np.ndarray]]:
        """Yield (start_row, (b, dim) float32 block) over the whole store, transform applied."""
        for start in range(0, self.n_rows, block_rows):
            yield start, self.get_vectors(slice(start, min(start + block_rows, self.n_rows)))

    def norms(self) -> np.ndarray:
        """(n_rows,) float32 L2 norms of the vectors as `get_vectors` returns them (cached on disk,
        under the name `vectors_record()` gives it)."""
        path = self.path / norms_file(self.vectors_record())
        kept = self._norms.get(path.name)
        if kept is not None:
            return kept
        if path.is_file():
            self._norms[path.name] = cast(np.ndarray, np.load(path, mmap_mode="r"))
            return self._norms[path.name]
        out = np.empty(self.n_rows, dtype=np.float32)
        for start, block in self.iter_blocks():
            out[start : start + len(block)] = np.linalg.norm(block, axis=1)
        if self.writable:
            save_npy_atomic(path, out)
        self._norms[path.name] = out
        return out

    @cached_property
    def writable(self) -> bool:
        """Whether caches built from this store (norms, word types, lemmas) are written into its folder
        (`ctxvec._io.may_add_files`, checked once); if not (a read-only mount, another user's store, a
        ``chmod a-w`` copy) they are kept in memory only."""
        return may_add_files(self.path)

    # ---- what caches are built from ---------------------------------------------------------------
    @property
    def transform_id(self) -> str | None:
        """Id of the in-place transform `get_vectors` applies, or None for raw vectors."""
        if self.transform is None:
            return None
        return check_name(self.manifest.get("transform_id", "transform"), "transform_id", self.path / "manifest.json")

    def vectors_record(self) -> JSON:
        """Which vectors a cache built from this store was built from: the vectors' checksum, the in-place
        transform, shape. Every cache (norms, word types, indexes, factors) stores this record and is
        current exactly when `is_current(record)`."""
        return vectors_record(self.manifest, self.transform_id)

    @property
    def vectors_id(self) -> str:
        """A short name for `vectors_record()`, safe in file names: ``<sha12>-raw`` or ``<sha12>-<transform id>``."""
        return vectors_id(self.vectors_record())

    def is_current(self, record: JSON | None) -> bool:
        """True when a cache's `record` (from `vectors_record`) matches the vectors operations read now."""
        return records_match(record, self.vectors_record())

    # ---- the model --------------------------------------------------------------------------
    def encoder(self, device: str = "auto") -> BatchEncoder:
        """A `BatchEncoder` with this store's own model, layers, unit and pooling, loaded once per
        `device` and kept by this `Store` (a server embeds each new sentence with one forward pass).
        Call it under `encoder_lock` when several threads share the store."""
        from dataclasses import replace

        from ..encoding import BatchEncoder, EncodeSpec, model_for_store

        with self.encoder_lock:
            if device not in self._encoders:
                spec = EncodeSpec.from_manifest(self.manifest)
                spec = replace(spec, model=model_for_store(self.manifest["model"]))  # weights checked first
                self._encoders[device] = BatchEncoder.load(spec, device=device)
            return self._encoders[device]
