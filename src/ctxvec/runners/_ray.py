"""The Ray runner: the shards of a job encoded by a pool of actors, written by the driver.

The driver has done pass 1 (tables, shard plan) and allocated the vectors (`ctxvec.runners._job`).
Every unfinished shard becomes one item of ``ray.data.from_items``; ``map_batches`` runs
`ShardWorker` (a callable class: loads the model once per actor) over an actor pool of `workers`
actors (``num_gpus`` each where GPUs are used). A worker reads its shard's sentences from the
store's ``sentences.parquet`` (row group k; nodes share the output folder) and encodes it with the
local runner's batch plan (`ctxvec.runners._shards`); the driver writes each returned shard at its
row offset, makes it durable and records it in the progress file, so a killed driver resumes with
the same call and the store is byte-identical to the local runner's on CPU.

Without an address a local cluster (127.0.0.1, no dashboard, no usage stats) is started and shut
down with the run; with one, the running cluster is joined (and left running). Ray is imported
only here.
"""

from __future__ import annotations

import os
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from ..encoding import BatchEncoder, EncodeSpec
from ..errors import CtxvecError
from ..progress import Bar
from ..store import StoreWriter
from ._job import EmbedJob
from ._options import PREFETCH_BATCHES
from ._pipeline import batch_memory
from ._shards import ShardPlan, encode_shard_array, read_shard_texts

OBJECT_STORE_BYTES = 1 << 30
"""Object store of a local cluster started by the runner (a shard's vectors are a few MB)."""


def import_ray() -> ModuleType:
    """The `ray` module (with Ray Data); a one-line error naming the extra when it is missing."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
        import ray.data
    except ImportError:
        raise CtxvecError("the ray runner needs Ray: install ctxvec[ray] (pip install 'ctxvec[ray]')") from None
    return ray


class ShardWorker:
    """A Ray Data callable class: loads the job's model once, then encodes whole shards.

    Input batches hold ``shard``, ``n_sentences`` and ``n_rows`` per shard; the output holds
    ``shard`` and ``vectors`` (the shard's (n_rows, dim) vectors in the storage dtype, as bytes).
    Like the local runner, a shard's batches are packed ahead on a producer thread and its large
    activations stay on the heap until the shard is done (`ctxvec.runners._pipeline`).
    """

    def __init__(
        self, store: str, spec: dict[str, Any], device: str, batch_tokens: int, dtype: str, weights_sha256: str | None
    ):
        self.store = Path(store)
        self.dtype = dtype
        self.encoder = BatchEncoder.load(EncodeSpec(**spec), device=device, batch_tokens=batch_tokens)
        if weights_sha256 is not None and self.encoder.weights_hash != weights_sha256:
            raise CtxvecError(
                f"the model {self.encoder.ref.name} on this Ray node differs from the driver's (weights hash)"
            )

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        shards = np.asarray(batch["shard"], dtype=np.int64)
        out = np.empty(len(shards), dtype=object)
        for i, (k, n_sentences, n_rows) in enumerate(zip(shards, batch["n_sentences"], batch["n_rows"], strict=True)):
            texts = read_shard_texts(self.store, int(k), int(n_sentences))
            with batch_memory():  # as the local runner: activations reused from the heap, trimmed per shard
                vectors = encode_shard_array(self.encoder, texts, int(n_rows), self.dtype, PREFETCH_BATCHES)
            out[i] = vectors.tobytes()
        return {"shard": shards, "vectors": out}


def encode_on_ray(
    job: EmbedJob,
    plan: ShardPlan,
    writer: StoreWriter,
    done: dict[int, set[int]],
    bar: Bar,
    *,
    address: str | None,
    workers: int,
    gpus: float | None,
    device: str,
) -> None:
    """Encode every unfinished shard on a Ray cluster; the driver writes and records each one."""
    ray = import_ray()
    started = _connect(ray, address, workers)
    try:
        _run(ray, job, plan, writer, done, bar, workers, gpus, device)
    finally:
        if started:
            ray.shutdown()


def _connect(ray: ModuleType, address: str | None, workers: int) -> bool:
    """Join the cluster at `address` (or the one this process is already connected to), else start
    a local one; True when this call started it."""
    if ray.is_initialized():
        return False
    kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": "error"}
    if address is not None:
        try:
            ray.init(address=address, **kwargs)
        except (ConnectionError, RuntimeError, ValueError) as e:
            raise CtxvecError(f"cannot join the Ray cluster at {address}: {str(e).splitlines()[0]}") from None
        return True
    ray.init(
        address="local",
        num_cpus=max(workers, os.cpu_count() or 1),
        object_store_memory=OBJECT_STORE_BYTES,
        _node_ip_address="127.0.0.1",
        **kwargs,
    )
    return True


def _run(
    ray: ModuleType,
    job: EmbedJob,
    plan: ShardPlan,
    writer: StoreWriter,
    done: dict[int, set[int]],
    bar: Bar,
    workers: int,
    gpus: float | None,
    device: str,
) -> None:
    from ray.data import ActorPoolStrategy, DataContext

    n_gpus = gpus if gpus is not None else _default_gpus(ray, device)
    cpus = float(ray.cluster_resources().get("CPU", 0))
    if n_gpus == 0 and cpus < workers:
        raise CtxvecError(f"the Ray cluster has {cpus:g} CPUs, fewer than the {workers} workers asked for")
    worker_device = "cuda" if n_gpus > 0 else ("cpu" if device == "auto" else device)
    n_sentences = len(job.docs)
    todo = []
    for k in range(plan.n_shards):
        if len(done.get(k, ())) >= plan.batches[k]:
            bar.advance(plan.tokens[k])
        else:
            n = min(plan.shard_sentences, n_sentences - k * plan.shard_sentences)
            todo.append({"shard": k, "n_sentences": n, "n_rows": plan.rows[k]})
    if not todo:
        return
    context = DataContext.get_current()
    context.enable_progress_bars = False
    context.print_on_execution_start = False
    enc = job.encoder
    dataset = ray.data.from_items(todo, override_num_blocks=len(todo)).map_batches(
        ShardWorker,
        batch_size=1,
        batch_format="numpy",
        compute=ActorPoolStrategy(size=workers),
        num_cpus=1,
        num_gpus=n_gpus,
        fn_constructor_kwargs={
            "store": str(job.path.resolve()),
            "spec": asdict(enc.spec),
            "device": worker_device,
            "batch_tokens": enc.batch_tokens,
            "dtype": str(writer.dtype),
            "weights_sha256": enc.weights_hash,
        },
    )
    offsets = plan.row_offsets
    try:
        for finished, row in enumerate(dataset.iter_rows(), start=1):
            k = int(row["shard"])
            vectors = np.frombuffer(row["vectors"], dtype=writer.dtype).reshape(plan.rows[k], writer.shape[1])
            writer.write_range(int(offsets[k]), vectors)
            job.commit(writer, [(k, b) for b in range(plan.batches[k])])
            bar.advance(plan.tokens[k])
            job.checkpoint(f"shard:{finished}")
    except ray.exceptions.RayError as e:  # a worker's failure: one line, the finished shards are kept
        cause = e.cause if isinstance(getattr(e, "cause", None), CtxvecError) else e
        first = next((line for line in str(cause).splitlines() if line.strip()), type(cause).__name__)
        raise CtxvecError(f"the Ray run failed ({first}); rerun the same command to continue") from None


def _default_gpus(ray: ModuleType, device: str) -> float:
    """One GPU per worker when CUDA is asked for, or (device auto) when the cluster has GPUs."""
    if device == "cuda":
        return 1.0
    if device == "auto" and float(ray.cluster_resources().get("GPU", 0)) > 0:
        return 1.0
    return 0.0
