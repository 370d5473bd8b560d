"""The shard plan every runner shares: contiguous sentence ranges, tokenized and encoded one at a time.

A corpus of n sentences is cut into shards of ``shard_sentences`` consecutive sentences (the last one
shorter). Shard k's sentences are row group k of the store's ``sentences.parquet`` and its rows are
a contiguous block of ``vectors.npy`` starting at ``ShardPlan.row_offsets[k]``. Encoding a shard
re-tokenizes its sentences and plans length-sorted batches with `BatchEncoder.plan`, so the local
and the Ray runner compute the same batches and write byte-identical vectors; memory depends on the
shard size, not on the corpus.
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from .._io import write_json_atomic
from ..encoding import BatchEncoder, PackedBatch, Tokenized
from ..errors import CtxvecError
from ..store import SENTENCES
from ._pipeline import prefetch


def shard_ranges(n_sentences: int, shard_sentences: int) -> list[tuple[int, int]]:
    """[start, stop) sentence ranges of the shards of `n_sentences` sentences."""
    return [(a, min(a + shard_sentences, n_sentences)) for a in range(0, n_sentences, shard_sentences)]


@dataclass(frozen=True)
class ShardPlan:
    """Per shard (n_shards,): its rows, real tokens and batches, as pass 1 counted them."""

    shard_sentences: int
    rows: list[int]
    tokens: list[int]
    batches: list[int]
    windowed: list[int]

    @property
    def n_shards(self) -> int:
        return len(self.rows)

    @property
    def row_offsets(self) -> np.ndarray:
        """(n_shards + 1,) int64: shard k's rows are [row_offsets[k], row_offsets[k + 1])."""
        return np.r_[0, np.cumsum(np.asarray(self.rows, dtype=np.int64))].astype(np.int64)

    def counts(self) -> dict[str, int]:
        """The manifest's totals."""
        return {
            "n_tokens": int(sum(self.tokens)),
            "n_windowed_sentences": int(sum(self.windowed)),
            "n_batches": int(sum(self.batches)),
            "n_shards": self.n_shards,
        }

    def save(self, path: Path) -> None:
        write_json_atomic(path, asdict(self))

    @classmethod
    def load(cls, path: Path) -> ShardPlan:
        import json

        data = json.loads(path.read_text())
        return cls(**{k: data[k] for k in ("shard_sentences", "rows", "tokens", "batches", "windowed")})


@dataclass
class TokenizedShard:
    """Pass 1's result for one shard: its tables and counts, and its tokens for pass 2 (row texts dropped)."""

    rows: pa.Table
    sentences: pa.Table
    n_tokens: int
    n_batches: int
    n_windowed: int
    tokens: Tokenized


def tokenize_shard(encoder: BatchEncoder, texts: list[str], doc_ids: np.ndarray, first_sentence: int) -> TokenizedShard:
    """Tokenize one shard's sentences (global ids from `first_sentence`) into its store tables."""
    tok = encoder.tokenize(texts)
    rows = tok.rows_table()
    rows = rows.set_column(0, "sentence_id", pa.array(tok.row_sentence + first_sentence, type=pa.int64()))
    ids = np.arange(first_sentence, first_sentence + len(texts), dtype=np.int64)
    sentences = pa.table({"sentence_id": ids, "doc_id": np.asarray(doc_ids, dtype=np.int64), "text": texts})
    return TokenizedShard(
        rows, sentences, tok.n_tokens, len(encoder.plan(tok)), tok.n_windowed, replace(tok, row_token=[])
    )


def with_meta(sentences: pa.Table, meta: pa.Table | None) -> pa.Table:
    """A shard's sentences table with its sentences' metadata columns (m rows each) appended."""
    if meta is not None:
        for name in meta.column_names:
            sentences = sentences.append_column(name, meta.column(name))
    return sentences


def read_shard_texts(store: Path, shard: int, expected: int) -> list[str]:
    """The sentences of shard `shard` (row group `shard` of the store's sentences table)."""
    table = pq.ParquetFile(store / SENTENCES).read_row_group(shard, columns=["text"])
    if table.num_rows != expected:
        raise CtxvecError(f"{store / SENTENCES} row group {shard} has {table.num_rows} sentences, not {expected}")
    return [str(t) for t in table.column("text").to_pylist()]


@dataclass(frozen=True)
class ShardWork:
    """One packed batch of shard `shard` (batch number `batch`, rows relative to the shard), or
    (`packed` None) the end of that shard."""

    shard: int
    batch: int
    packed: PackedBatch | None


def pack_shards(
    encoder: BatchEncoder,
    store: Path,
    plan: ShardPlan,
    n_sentences: int,
    done: dict[int, set[int]],
    tokenized: dict[int, Tokenized] | None = None,
) -> Iterator[ShardWork]:
    """Every unfinished batch of every shard (skipping the finished batches `done`), packed in plan
    order, each shard followed by its end marker. Runs on a producer thread (`prefetch`). A shard in
    `tokenized` (pass 1's tokens, kept by this process) is taken out of it instead of being re-read and
    re-tokenized."""
    kept = {} if tokenized is None else tokenized
    for k in range(plan.n_shards):
        skip = done.get(k, set())
        held = kept.pop(k, None)
        if len(skip) >= plan.batches[k]:
            continue
        a = k * plan.shard_sentences
        texts = held if held is not None else read_shard_texts(store, k, min(plan.shard_sentences, n_sentences - a))
        yield from pack_shard(encoder, texts, k, skip)
        yield ShardWork(k, -1, None)


def pack_shard(
    encoder: BatchEncoder, texts: list[str] | Tokenized, shard: int, skip: Set[int] = frozenset()
) -> Iterator[ShardWork]:
    """The batches of one shard's sentences `texts` (or their tokens), tokenized, planned and packed,
    skipping the batch numbers `skip` (no end marker)."""
    tok = texts if isinstance(texts, Tokenized) else encoder.tokenize(texts)
    for b, chunks in enumerate(encoder.plan(tok)):
        if b not in skip:
            yield ShardWork(shard, b, encoder.prepare(tok, chunks))


def encode_shard(
    encoder: BatchEncoder, texts: list[str], skip: Set[int] = frozenset(), prefetch_batches: int = 0
) -> Iterator[tuple[int, np.ndarray, np.ndarray, int]]:
    """Encode one shard batch by batch, skipping the batch numbers `skip`; with `prefetch_batches` the
    batches are tokenized and packed on a producer thread that many ahead (`_pipeline.prefetch`).

    Yields (batch number, row ids (k,) relative to the shard, vectors (k, dim) float32, real tokens).
    """
    work = pack_shard(encoder, texts, 0, skip)
    for item in prefetch(work, prefetch_batches) if prefetch_batches else work:
        assert item.packed is not None
        rows, vectors = encoder.forward(item.packed)
        yield item.batch, rows, vectors, item.packed.n_tokens


def encode_shard_array(
    encoder: BatchEncoder, texts: list[str], n_rows: int, dtype: str, prefetch_batches: int = 0
) -> np.ndarray:
    """A whole shard's (n_rows, dim) vectors in the storage `dtype` (what a cluster worker returns)."""
    out = np.zeros((n_rows, encoder.dim), dtype=np.dtype(dtype))
    for _, rows, vectors, _ in encode_shard(encoder, texts, prefetch_batches=prefetch_batches):
        out[rows] = vectors  # the same float32 -> storage cast as StoreWriter.write
    return out
