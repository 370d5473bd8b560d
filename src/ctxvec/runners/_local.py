"""`embed`: corpus -> store, and the local runner (a thin loop over `ctxvec.runners._shards`).

1. read the corpus and load the model (all bad input is caught before anything is written);
2. pass 1 tokenizes shard by shard (a progress bar counts its sentences) and streams the rows and
   sentences tables to disk, so ``vectors.npy`` can be allocated at full size (`ctxvec.runners._job`);
3. pass 2 re-tokenizes each shard, encodes its length-sorted batches and writes each straight
   into the vectors at the shard's row offset; a progress file lists finished batches;
4. finalize: norms, checksums, manifest marked ``complete`` (written last).

Memory depends on the shard size and the batch budget, not on the corpus. ``runner="ray"``
encodes the shards on a Ray cluster instead (`ctxvec.runners._ray`); both give the same store.
"""

from __future__ import annotations

import inspect
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict

import numpy as np

from .._io import check_output_path
from ..corpus import Corpus, read_corpus
from ..encoding import DEFAULT_BATCH_TOKENS, BatchEncoder, EncodeSpec
from ..errors import ParameterError
from ..progress import Bar, progress_bar
from ..store import STORAGE_DTYPES, Store, StoreWriter, writes_store
from ._job import EmbedJob, embed_command
from ._options import PREFETCH_BATCHES, RUNNERS, SHARD_SENTENCES
from ._pipeline import WriteBehind, batch_memory, prefetch, release_freed_memory
from ._shards import ShardPlan, pack_shards

FLUSH_SECONDS = 5.0
MIN_BATCH_TOKENS = 16


@writes_store("out", create=True)  # one writer per store
def embed(
    corpus: str | os.PathLike[str] | Corpus | list[str],
    out: str | os.PathLike[str],
    spec: EncodeSpec = EncodeSpec(),  # noqa: B008 (frozen)
    *,
    dtype: str = "float16",
    device: str = "auto",
    batch_tokens: int = DEFAULT_BATCH_TOKENS,
    column: str = "text",
    split_sentences: bool = False,
    limit: int | None = None,
    meta: Sequence[str] = (),
    runner: str = "local",
    address: str | None = None,
    workers: int = 1,
    gpus_per_worker: float | None = None,
    shard_sentences: int = SHARD_SENTENCES,
    quiet: bool = True,
    on_batch: Callable[[int], None] | None = None,
    on_phase: Callable[[str], None] | None = None,
) -> Store:
    """Embed `corpus` into a store at `out` and return it opened.

    `spec` says how vectors are made (model, layers, unit, pooling, ...: `EncodeSpec`).
    `corpus` is anything `read_corpus` takes; `meta` names the document metadata columns to keep in the
    sentences table (`read_corpus`'s `meta`). Re-running the same call on an unfinished store
    resumes it, wherever it stopped; a folder holding a different store (or anything else) is refused.
    `runner` ``"local"`` encodes in this process; ``"ray"`` on a Ray cluster: the one at `address`,
    or (None) a local one started and shut down with the run, with `workers` actors of
    `gpus_per_worker` GPUs each (None: 1 where CUDA is used, else 0). Both write the same store.
    Shards of `shard_sentences` consecutive sentences are the unit of work and of resume.
    `on_batch(i)` is called after batch i is written (local runner), `on_phase(name)` at each named
    step of the run (``created``, ``tables``, ``tokenized``, ``planned``, ``allocated``, ``batch:N``,
    ``shard:N``, ``committed:N``, ``encoded``, ``finalize:renamed``, ``finalize:norms``); tests interrupt runs there.
    """
    _check_options(dtype, batch_tokens, runner, address, workers, gpus_per_worker, shard_sentences)
    out_path = check_output_path(out, "folder", overwrite=True, name="out")  # an existing store: checked below
    spec = spec.validate()
    if spec.layers.strip().lower() == "all":
        raise ParameterError(
            "layers", "{name} all gives several vectors per token; a store keeps one: choose a layer or a range"
        )
    if runner == "ray":
        from ._ray import import_ray

        import_ray()  # a missing extra is reported before any work
    docs = read_corpus(corpus, column=column, split=split_sentences, limit=limit, meta=meta)
    encoder = BatchEncoder.load(spec, device=device, batch_tokens=batch_tokens)
    made_by = embed_command(corpus, out_path, _job_options(locals()), _EMBED_DEFAULTS)
    job = EmbedJob.start(
        out_path, docs, encoder, encoder.spec, dtype, shard_sentences, on_phase, made_by
    )  # auto resolved
    with progress_bar(f"tokenizing {docs.name}", len(docs), "sent", quiet or job.tokenized) as bar:
        plan = job.tokenize(bar.advance)
    writer = job.writer(plan)
    if plan is not None:
        done = job.done()
        total = sum(plan.tokens)
        with progress_bar(f"embedding {docs.name}", total=total, unit="tok", quiet=quiet) as bar:
            if runner == "ray":
                from ._ray import encode_on_ray

                job.kept_tokens.clear()  # the workers tokenize their own shards
                encode_on_ray(
                    job, plan, writer, done, bar, address=address, workers=workers, gpus=gpus_per_worker, device=device
                )
            else:
                encode_locally(job, plan, writer, done, bar, on_batch)
    return job.finish(writer)


def _job_options(values: dict[str, object]) -> dict[str, object]:
    """The options of an `embed` call that decide its store (not the device, progress or callbacks)."""
    spec = values["spec"]
    assert isinstance(spec, EncodeSpec)
    return {**asdict(spec), **{name: values[name] for name in _EMBED_DEFAULTS if name in values}}


_EMBED_DEFAULTS = {
    **asdict(EncodeSpec()),
    **{
        name: p.default
        for name, p in inspect.signature(embed).parameters.items()
        if p.default is not inspect.Parameter.empty and name not in ("spec", "device", "quiet", "on_batch", "on_phase")
    },
}


def _check_options(
    dtype: str,
    batch_tokens: int,
    runner: str,
    address: str | None,
    workers: int,
    gpus_per_worker: float | None,
    shard_sentences: int,
) -> None:
    if dtype not in STORAGE_DTYPES:
        shown = repr(dtype).replace("{", "{{").replace("}", "}}")
        raise ParameterError("dtype", f"unknown storage {{name}} {shown}; use {' or '.join(STORAGE_DTYPES)}")
    if batch_tokens < MIN_BATCH_TOKENS:
        raise ParameterError(
            "batch_tokens",
            f"{{name}} {batch_tokens} is too small; use at least {MIN_BATCH_TOKENS} (default {DEFAULT_BATCH_TOKENS})",
        )
    if runner not in RUNNERS:
        shown = repr(runner).replace("{", "{{").replace("}", "}}")
        raise ParameterError("runner", f"unknown {{name}} {shown}; use {' or '.join(RUNNERS)}")
    if runner == "local" and (address is not None or workers != 1 or gpus_per_worker is not None):
        raise ParameterError("runner", "address, workers and gpus_per_worker need {name} 'ray'")
    if workers < 1:
        raise ParameterError("workers", f"{{name}} must be at least 1, not {workers}")
    if gpus_per_worker is not None and not gpus_per_worker >= 0:
        raise ParameterError("gpus_per_worker", f"{{name}} must be 0 or more, not {gpus_per_worker}")
    if shard_sentences < 1:
        raise ParameterError("shard_sentences", f"{{name}} must be at least 1, not {shard_sentences}")


def encode_locally(
    job: EmbedJob,
    plan: ShardPlan,
    writer: StoreWriter,
    done: dict[int, set[int]],
    bar: Bar,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Encode every unfinished batch of every shard in this process, writing at the shard's offset.

    This thread runs only the forward passes: the batches are packed ahead on a producer thread and
    written behind on a writer thread (`ctxvec.runners._pipeline`). A batch counts as finished (progress,
    ``batch:N``, `on_batch`) once its bytes are written, and is recorded after a flush."""
    offsets = plan.row_offsets
    first_batch = np.r_[0, np.cumsum(plan.batches)].astype(np.int64)
    pending: list[tuple[int, int]] = []
    advanced = dict.fromkeys(range(plan.n_shards), 0)
    last_flush = time.monotonic()
    written = 0

    def finished(batches: list[tuple[int, int, int]]) -> None:
        nonlocal written, last_flush
        for k, b, n_tokens in batches:
            pending.append((k, b))
            bar.advance(n_tokens)
            advanced[k] += n_tokens
            if time.monotonic() - last_flush > FLUSH_SECONDS:
                job.commit(writer, pending)
                pending.clear()
                last_flush = time.monotonic()
            written += 1
            job.checkpoint(f"batch:{written}")
            if on_batch is not None:
                on_batch(int(first_batch[k]) + b)

    for k in range(plan.n_shards):
        if len(done.get(k, ())) >= plan.batches[k]:  # finished by an earlier run
            bar.advance(plan.tokens[k])
            advanced[k] = plan.tokens[k]
    behind: WriteBehind[tuple[int, int, int]] = WriteBehind(writer)
    work = pack_shards(job.encoder, job.path, plan, len(job.docs), done, job.kept_tokens)
    with batch_memory():
        try:
            for item in prefetch(work, PREFETCH_BATCHES):
                k = item.shard
                if item.packed is None:  # the shard's end: record it whole (a resume skips whole shards)
                    finished(behind.drain())
                    release_freed_memory()
                    bar.advance(plan.tokens[k] - advanced[k])
                    advanced[k] = plan.tokens[k]
                    job.commit(writer, pending)
                    pending.clear()
                    last_flush = time.monotonic()
                    continue
                rows, vectors = job.encoder.forward(item.packed)
                finished(behind.submit(rows + offsets[k], vectors, (k, item.batch, item.packed.n_tokens)))
        finally:
            behind.close()
