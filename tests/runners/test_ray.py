"""The Ray runner against the local one: the same store, byte for byte, with 1 and 2 workers, and a
driver killed with SIGKILL resumes to the identical store.

One local cluster (127.0.0.1, 2 CPUs, no dashboard, no usage stats) serves the whole module; every
test runs under a hang guard, and every child process under a timeout.
"""

import faulthandler
import os
import subprocess
import sys
import textwrap
import threading
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest
import ray

from ctxvec.encoding import EncodeSpec
from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.runners import _ray, embed

os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")

OPTIONS = {"device": "cpu", "batch_tokens": 128, "shard_sentences": 40}
WORDS = "the cold winter came early a warm day by river bank she put money in king and queen of france hot sun ice"
HANG_GUARD_S = 600


def sentences(n: int) -> list[str]:
    words = WORDS.split()
    return [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(3 + (i * 5) % 30)) for i in range(n)]


def folder_bytes(path: Path) -> dict[str, bytes]:
    return {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*")) if f.is_file()}


@pytest.fixture(scope="module")
def cluster():
    """A local 2-CPU Ray cluster for the module; its address for child drivers."""
    faulthandler.dump_traceback_later(HANG_GUARD_S, exit=True)
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        object_store_memory=256 * 2**20,
        log_to_driver=False,
    )
    try:
        yield ray.get_runtime_context().gcs_address
    finally:
        ray.shutdown()
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    f = tmp_path_factory.mktemp("ray-corpus") / "corpus.txt"
    f.write_text("\n".join(sentences(200)) + "\n")
    return f


@pytest.fixture(scope="module")
def local_store(tmp_path_factory, corpus, tiny_model):
    out = tmp_path_factory.mktemp("ray-local") / "local.store"
    embed(corpus, out, EncodeSpec(model=str(tiny_model), max_length=32), **OPTIONS)
    return folder_bytes(out)


@pytest.mark.parametrize("workers", [1, 2])
def test_ray_store_is_byte_identical_to_the_local_store(cluster, tmp_path, corpus, tiny_model, local_store, workers):
    out = tmp_path / "ray.store"
    store = embed(
        corpus, out, EncodeSpec(model=str(tiny_model), max_length=32), runner="ray", workers=workers, **OPTIONS
    )
    assert store.manifest["n_shards"] == 5
    assert folder_bytes(out) == local_store


def test_killed_ray_driver_resumes_to_the_identical_store(cluster, tmp_path, corpus, tiny_model, local_store):
    out = tmp_path / "killed.store"
    script = textwrap.dedent(
        f"""
        import os, signal
        from ctxvec.encoding import EncodeSpec
        from ctxvec.runners import _ray, embed
        def on_phase(name):
            if name == "shard:2":
                os.kill(os.getpid(), signal.SIGKILL)
        embed({str(corpus)!r}, {str(out)!r}, EncodeSpec(model={str(tiny_model)!r}, max_length=32), runner="ray", address={cluster!r},
              workers=1, on_phase=on_phase, **{OPTIONS!r})
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=400)
    assert proc.returncode == -9, proc.stderr[-3000:]
    done = {line.split()[0] for line in (out / "building" / "progress.log").read_text().splitlines()}
    assert len(done) == 2  # two shards written and recorded before the kill
    embed(corpus, out, EncodeSpec(model=str(tiny_model), max_length=32), runner="ray", workers=2, **OPTIONS)
    assert folder_bytes(out) == local_store


def test_runner_options_are_checked_before_any_work(tmp_path, corpus, tiny_model):
    for kw, name in [
        ({"runner": "spark"}, "runner"),
        ({"workers": 2}, "runner"),
        ({"runner": "ray", "workers": 0}, "workers"),
        ({"runner": "ray", "gpus_per_worker": -1}, "gpus_per_worker"),
        ({"shard_sentences": 0}, "shard_sentences"),
    ]:
        with pytest.raises(ParameterError) as e:
            embed(corpus, tmp_path / "s", EncodeSpec(model=str(tiny_model), max_length=32), **kw)
        assert e.value.name == name
    assert not (tmp_path / "s").exists()


def test_missing_ray_names_the_extra(monkeypatch, tmp_path, corpus, tiny_model):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now raises ImportError
    with pytest.raises(CtxvecError, match=r"install ctxvec\[ray\]"):
        embed(corpus, tmp_path / "s", EncodeSpec(model=str(tiny_model), max_length=32), runner="ray", device="cpu")
    assert not (tmp_path / "s").exists()


def test_a_worker_packs_ahead_on_a_thread_and_encodes_with_activations_on_the_heap(
    tmp_path, corpus, tiny_model, monkeypatch
):
    """The worker's own loop (no cluster): its shards' vectors are the local runner's, every batch is
    packed on the producer thread and computed on the caller's, inside `batch_memory` (once per shard)."""
    store = embed(corpus, tmp_path / "local.store", EncodeSpec(model=str(tiny_model), max_length=32), **OPTIONS)
    shard = store.sentence_ids // OPTIONS["shard_sentences"]
    n_rows = np.bincount(shard)
    worker = _ray.ShardWorker(
        str(store.path), asdict(store.encoder(device="cpu").spec), "cpu", OPTIONS["batch_tokens"], "float16", None
    )
    heap = {"on": False, "entered": 0}
    real_memory, real_prepare, real_forward = _ray.batch_memory, worker.encoder.prepare, worker.encoder.forward

    @contextmanager
    def watched_memory():
        with real_memory():
            heap["on"], heap["entered"] = True, heap["entered"] + 1
            yield
            heap["on"] = False

    packers, computers = [], []
    worker.encoder.prepare = lambda *a: packers.append(threading.current_thread()) or real_prepare(*a)
    worker.encoder.forward = lambda b: computers.append((threading.current_thread(), heap["on"])) or real_forward(b)
    monkeypatch.setattr(_ray, "batch_memory", watched_memory)
    k = np.arange(len(n_rows))
    n_sentences = np.bincount(np.arange(store.n_sentences) // OPTIONS["shard_sentences"])
    out = worker({"shard": k, "n_sentences": n_sentences, "n_rows": n_rows})
    got = np.concatenate([np.frombuffer(v, dtype=np.float16).reshape(-1, store.dim) for v in out["vectors"]])
    np.testing.assert_array_equal(got, store.vectors)
    assert heap["entered"] == len(k) and len(computers) == len(packers) == store.manifest["n_batches"]
    assert all(t is threading.current_thread() and on for t, on in computers)
    assert all(t is not threading.current_thread() for t in packers)
