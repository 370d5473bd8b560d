"""A real `kill -9` of an embedding run at every named step; the same call then finishes the store,
byte-identical to an uninterrupted run."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ctxvec.runners import embed

CORPUS = [
    "The cold winter came early.",
    "A warm day by the river bank.",
    "She put money in the bank.",
    "The king and the queen of france.",
    "Hot sun, cold ice, heavy snow and rain.",
    " ".join(["cold water and warm ice"] * 16),  # long: needs windows at max_length 32
] * 4

OPTIONS = {"device": "cpu", "max_length": 32, "batch_tokens": 64, "shard_sentences": 8}
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


def run_killed_at(phase: str, corpus: Path, out: Path, model: Path, **extra: object) -> subprocess.CompletedProcess:
    """Run `embed` in a child process that kills itself with SIGKILL at `phase`."""
    options = {**OPTIONS, **extra}
    script = textwrap.dedent(
        f"""
        import os, signal
        from ctxvec.runners import embed
        def on_phase(name):
            if name == {phase!r}:
                os.kill(os.getpid(), signal.SIGKILL)
        embed({str(corpus)!r}, {str(out)!r}, model={str(model)!r}, on_phase=on_phase, **{options!r})
        """
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300, env=os.environ)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    f = tmp_path_factory.mktemp("corpus") / "corpus.txt"
    f.write_text("\n".join(CORPUS) + "\n")
    return f


@pytest.fixture(scope="module")
def reference(tmp_path_factory, corpus, tiny_model):
    out = tmp_path_factory.mktemp("ref") / "full.store"
    embed(corpus, out, model=str(tiny_model), **OPTIONS)
    return folder_bytes(out)


def test_the_corpus_spans_several_shards_and_batches(reference):
    manifest = json.loads(reference["manifest.json"])
    assert manifest["n_shards"] == 3 and manifest["n_batches"] > manifest["n_shards"]
    assert "building/plan.json" not in reference and "vectors.npy.partial" not in reference


@pytest.mark.parametrize("phase", PHASES)
def test_kill_9_at_every_phase_then_the_same_call_finishes_identically(tmp_path, corpus, tiny_model, reference, phase):
    out = tmp_path / "killed.store"
    proc = run_killed_at(phase, corpus, out, tiny_model)
    assert proc.returncode == -9, proc.stderr[-2000:]
    assert json.loads((out / "manifest.json").read_text())["state"] == "building"
    embed(corpus, out, model=str(tiny_model), **OPTIONS)
    assert folder_bytes(out) == reference


def test_a_kill_before_the_manifest_leaves_a_folder_the_rerun_takes(tmp_path, corpus, tiny_model, reference):
    """Killed while the first manifest was being written: only a temporary file is there."""
    out = tmp_path / "early.store"
    out.mkdir()
    (out / ".manifest.json.abc123.tmp").write_text('{"half": ')
    embed(corpus, out, model=str(tiny_model), **OPTIONS)
    assert folder_bytes(out) == reference


def test_a_second_kill_after_resuming_still_finishes(tmp_path, corpus, tiny_model, reference):
    out = tmp_path / "twice.store"
    assert run_killed_at("committed:1", corpus, out, tiny_model).returncode == -9
    progress = (out / "building" / "progress.log").read_text().split("\n")
    assert {line.split()[0] for line in progress if line} == {"0"}  # shard 0 recorded, nothing else
    assert run_killed_at("finalize:renamed", corpus, out, tiny_model).returncode == -9
    assert not (out / "vectors.npy.partial").exists() and (out / "vectors.npy").exists()
    embed(corpus, out, model=str(tiny_model), **OPTIONS)
    assert folder_bytes(out) == reference
