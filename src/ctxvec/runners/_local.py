"""The local runner: corpus -> store, a thin loop around `BatchEncoder`.

1. read the corpus and load the model (all bad input is caught before anything is written);
2. tokenize everything (fast) so every row's index is known and ``vectors.npy`` can be
   allocated at full size;
3. encode length-sorted batches and write each straight into the memory map; a progress file
   lists finished batches, so a killed run started again with the same command resumes;
4. finalize: norms, checksums, manifest marked ``complete`` (written last).
"""

from __future__ import annotations

import ctypes
import os
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa

from .._io import check_output_path
from ..corpus import Corpus, read_corpus
from ..encoding import DEFAULT_BATCH_TOKENS, BatchEncoder, EncodeSpec, Tokenized
from ..errors import CtxvecError, ParameterError
from ..progress import progress_bar
from ..results import JSON
from ..store import MANIFEST, STORAGE_DTYPES, Store, StoreWriter, read_manifest, writes_store

PROGRESS = "progress.log"
FLUSH_SECONDS = 5.0
MIN_BATCH_TOKENS = 16


@writes_store("out", create=True)  # one writer per store (integrity)
def embed(
    corpus: str | os.PathLike[str] | Corpus | list[str],
    out: str | os.PathLike[str],
    model: str | None = None,
    *,
    layers: str = "last",
    unit: str = "word",
    pooling: str = "mean",
    keep_special: bool = False,
    max_length: int | None = None,
    window_overlap: int | None = None,
    compute_dtype: str = "float32",
    dtype: str = "float16",
    device: str = "auto",
    batch_tokens: int = DEFAULT_BATCH_TOKENS,
    column: str = "text",
    split_sentences: bool = False,
    limit: int | None = None,
    quiet: bool = True,
    on_batch: Callable[[int], None] | None = None,
) -> Store:
    """Embed `corpus` into a store at `out` and return it opened.

    `corpus` is anything `read_corpus` takes. Re-running the same call on an unfinished store
    resumes it; a folder holding a different store (or anything else) is refused.
    `on_batch(i)` is called after batch i is written (used by tests to interrupt a run).
    """
    if dtype not in STORAGE_DTYPES:
        shown = repr(dtype).replace("{", "{{").replace("}", "}}")
        raise ParameterError("dtype", f"unknown storage {{name}} {shown}; use {' or '.join(STORAGE_DTYPES)}")
    if batch_tokens < MIN_BATCH_TOKENS:
        raise ParameterError(
            "batch_tokens",
            f"{{name}} {batch_tokens} is too small; use at least {MIN_BATCH_TOKENS} (default {DEFAULT_BATCH_TOKENS})",
        )
    out_path = check_output_path(out, "folder", overwrite=True, name="out")  # an existing store: checked below
    spec = EncodeSpec(
        model=model,
        layers=layers,
        unit=unit,
        pooling=pooling,
        keep_special=keep_special,
        max_length=max_length,
        window_overlap=window_overlap,
        compute_dtype=compute_dtype,
    ).validate()
    if spec.layers.strip().lower() == "all":
        raise ParameterError(
            "layers", "{name} all gives several vectors per token; a store keeps one: choose a layer or a range"
        )
    existing = _existing_manifest(out_path)
    docs = read_corpus(corpus, column=column, split=split_sentences, limit=limit)
    encoder = BatchEncoder.load(spec, device=device, batch_tokens=batch_tokens)
    tok = encoder.tokenize(docs.texts)
    if tok.n_rows == 0:
        raise CtxvecError(f"the corpus {docs.name} produced no tokens")
    batches = encoder.plan(tok)
    manifest = _manifest(docs, encoder, spec, tok, len(batches))

    if existing is None:
        sentences = pa.table(
            {"sentence_id": np.arange(len(docs), dtype=np.int64), "doc_id": docs.doc_ids, "text": docs.texts}
        )
        writer = StoreWriter.create(out_path, manifest, tok.rows_table(), sentences, encoder.dim, dtype)
        done: set[int] = set()
    else:
        _check_same_job(out_path, existing, manifest, dtype)
        writer = StoreWriter.resume(out_path)
        done = _read_progress(out_path)

    todo = [i for i in range(len(batches)) if i not in done]
    tokens_done = int(sum(tok.chunk_length[batches[i]].sum() for i in done))
    with progress_bar(f"embedding {docs.name}", total=tok.n_tokens, unit="tok", quiet=quiet) as bar:
        bar.advance(tokens_done)
        pending: list[int] = []
        last_flush = time.monotonic()
        for i in todo:
            rows, vectors = encoder.encode_chunks(tok, batches[i])
            writer.write(rows, vectors)
            release_freed_memory()
            pending.append(i)
            bar.advance(int(tok.chunk_length[batches[i]].sum()))
            if time.monotonic() - last_flush > FLUSH_SECONDS:
                _commit(writer, out_path, pending)
                last_flush = time.monotonic()
            if on_batch is not None:
                on_batch(i)
        _commit(writer, out_path, pending)
    store = writer.finalize()
    (out_path / PROGRESS).unlink(missing_ok=True)
    return store


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Hand memory freed by the last batch back to the OS (glibc keeps it otherwise, and batches of
    ever-changing shapes fragment the heap until peak memory grows with the corpus)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _manifest(docs: Corpus, enc: BatchEncoder, spec: EncodeSpec, tok: Tokenized, n_batches: int) -> JSON:
    from .. import __version__

    return {
        "ctxvec_version": __version__,
        "model": {"name": enc.ref.name, "path": enc.ref.path, "weights_sha256": enc.weights_hash},
        "encode": {**spec.to_manifest(), "model": enc.ref.name, "max_length": enc.max_length},
        "layer_indices": enc.layer_indices,
        "n_layers": enc.n_layers,
        "corpus": {"name": docs.name, "sha256": docs.fingerprint(), "n_documents": len(np.unique(docs.doc_ids))},
        "n_tokens": tok.n_tokens,
        "n_windowed_sentences": tok.n_windowed,
        "n_batches": n_batches,
        "batch_tokens": enc.batch_tokens,
    }


def _existing_manifest(path: Path) -> JSON | None:
    """The manifest of an unfinished store at `path` to resume; None when `path` is new or empty."""
    if not path.exists():
        return None
    if not path.is_dir():
        raise CtxvecError(f"output {path} is a file; choose a folder path for the store")
    if not any(path.iterdir()):
        return None
    mf = path / MANIFEST
    if not mf.is_file():
        raise CtxvecError(f"output folder {path} is not empty and holds no store; choose a new path")
    manifest = read_manifest(path)
    if manifest.get("state") == "complete":
        raise CtxvecError(f"{path} already holds a finished store; remove it or choose another output path")
    return manifest


SAME_JOB_KEYS = ("model", "encode", "corpus", "n_batches", "batch_tokens", "n_tokens")


def _check_same_job(path: Path, existing: JSON, new: JSON, dtype: str) -> None:
    diffs = [k for k in SAME_JOB_KEYS if k != "encode" and existing.get(k) != new.get(k)]
    old_enc, new_enc = existing.get("encode") or {}, new.get("encode") or {}
    diffs += [k for k in sorted(set(old_enc) | set(new_enc)) if old_enc.get(k) != new_enc.get(k)]
    if existing.get("dtype") != dtype:
        diffs.append("dtype")
    if diffs:
        raise CtxvecError(
            f"{path} holds an unfinished store of a different job (differs in {', '.join(diffs)}); "
            "rerun the original command to finish it, or choose a new output path"
        )


def _read_progress(path: Path) -> set[int]:
    f = path / PROGRESS
    if not f.is_file():
        return set()
    return {int(x) for x in f.read_text().split() if x.strip().isdigit()}


def _commit(writer: StoreWriter, path: Path, pending: list[int]) -> None:
    """Flush vectors to disk, then record the batches as finished (in that order)."""
    if not pending:
        return
    writer.flush()
    with open(path / PROGRESS, "a") as f:
        f.write("".join(f"{i}\n" for i in pending))
        f.flush()
        os.fsync(f.fileno())
    pending.clear()
