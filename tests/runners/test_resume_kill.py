"""A real `kill -9` of an embedding run at every named step; the same call then finishes the store,
byte-identical to an uninterrupted run. (The driver-kill of the Ray runner is in test_ray.py; a kill of
a fresh interpreter is test_embed.py::test_resume_after_kill_9.)"""

import json
import os
import signal
import time
from pathlib import Path

import pytest
from small_corpus import RUNNER_CORPUS

from ctxvec.encoding import EncodeSpec
from ctxvec.runners import embed

CORPUS = RUNNER_CORPUS

OPTIONS = {"device": "cpu", "batch_tokens": 64, "shard_sentences": 8}
PHASES = [
    "created",
    "tables",
    "tokenized",
    "planned",
    "allocated",
    "batch:2",
    "committed:1",
    "encoded",
    "finalize:renamed",
    "finalize:norms",
]


def folder_bytes(path: Path) -> dict[str, bytes]:
    """Every file of a store folder (relative name -> content)."""
    return {str(f.relative_to(path)): f.read_bytes() for f in sorted(path.rglob("*")) if f.is_file()}


def run_killed_at(phase: str, corpus: Path, out: Path, model: Path, **extra: object) -> int:
    """Run `embed` in a forked child process that kills itself with SIGKILL at `phase`; its wait status.

    A fork (not a new interpreter) so that each run costs no import of torch; the child computes on
    one thread, and its vectors are still the same bytes (the test checks it)."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            import torch

            torch.set_num_threads(1)  # OpenMP's pool does not survive a fork: a one-thread run never enters it

            def on_phase(name: str) -> None:
                if name == phase:
                    os.kill(os.getpid(), signal.SIGKILL)

            embed(corpus, out, EncodeSpec(model=str(model), max_length=32), on_phase=on_phase, **{**OPTIONS, **extra})
            code = 0
        finally:
            os._exit(code)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError(f"the run to be killed at {phase} did not end in 300 s")


def killed(status: int) -> bool:
    return os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    f = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    f.write_text("\n".join(CORPUS) + "\n")
    return f


@pytest.fixture(scope="module")
def reference(tmp_path_factory, corpus, tiny_model):
    out = tmp_path_factory.mktemp("ref") / "full.store"
    embed(corpus, out, EncodeSpec(model=str(tiny_model), max_length=32), **OPTIONS)
    return folder_bytes(out)


def test_the_corpus_spans_several_shards_and_batches(reference):
    manifest = json.loads(reference["manifest.json"])
    assert manifest["n_shards"] == 3 and manifest["n_batches"] > manifest["n_shards"]
    assert "building/plan.json" not in reference and "vectors.npy.partial" not in reference


@pytest.mark.parametrize("phase", PHASES)
def test_kill_9_at_every_phase_then_the_same_call_finishes_identically(tmp_path, corpus, tiny_model, reference, phase):
    out = tmp_path / "killed.store"
    assert killed(run_killed_at(phase, corpus, out, tiny_model))
    assert json.loads((out / "manifest.json").read_text())["state"] == "building"
    embed(corpus, out, EncodeSpec(model=str(tiny_model), max_length=32), **OPTIONS)
    assert folder_bytes(out) == reference


def test_a_kill_before_the_manifest_leaves_a_folder_the_rerun_takes(tmp_path, corpus, tiny_model, reference):
    """Killed while the first manifest was being written: only a temporary file is there."""
    out = tmp_path / "early.store"
    out.mkdir()
    (out / ".manifest.json.abc123.tmp").write_text('{"half": ')
    embed(corpus, out, EncodeSpec(model=str(tiny_model), max_length=32), **OPTIONS)
    assert folder_bytes(out) == reference


def test_a_second_kill_after_resuming_still_finishes(tmp_path, corpus, tiny_model, reference):
    out = tmp_path / "twice.store"
    assert killed(run_killed_at("committed:1", corpus, out, tiny_model))
    progress = (out / "building" / "progress.log").read_text().split("\n")
    assert {line.split()[0] for line in progress if line} == {"0"}  # shard 0 recorded, nothing else
    assert killed(run_killed_at("finalize:renamed", corpus, out, tiny_model))
    assert not (out / "vectors.npy.partial").exists() and (out / "vectors.npy").exists()
    embed(corpus, out, EncodeSpec(model=str(tiny_model), max_length=32), **OPTIONS)
    assert folder_bytes(out) == reference
