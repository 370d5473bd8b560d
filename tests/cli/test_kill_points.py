"""kill -9 at every phase of transform, index, factors, export and types; the next command copes.

Each case runs the real command (``python -m ctxvec``) with ``CTXVEC_TEST_KILL_AT=<phase>``
(`ctxvec._io.kill_point`: the process SIGKILLs itself there, ``io.replace:N`` = just before the N-th
atomic rename), checks it died by SIGKILL, then runs the next commands in-process (`ctxvec.cli.main`)
and checks the leftover: nothing half-written at a final name, readers refuse an unfinished store in
one line naming the command that finishes it, and rerunning the command finishes with the same output
as an uninterrupted run.
"""

from __future__ import annotations

import filecmp
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from small_corpus import embed_corpus_stores

from ctxvec.cli import main

KILLED = -signal.SIGKILL


def killed(*argv: str, at: str) -> None:
    """Run ``ctxvec ARGV`` in a real process that SIGKILLs itself at phase `at`; assert it did."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "CTXVEC_TEST_KILL_AT": at}
    proc = subprocess.run([sys.executable, "-m", "ctxvec", *argv], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == KILLED, (proc.returncode, proc.stderr)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """run(*argv) -> (exit code, stdout, stderr) of ``ctxvec ARGV`` in-process."""

    def call(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(list(argv))
        except SystemExit as e:
            code = int(e.code or 0)
        out, err = capsys.readouterr()
        assert "Traceback" not in err, err
        return code, out, err

    return call


def ok(answer: tuple[int, str, str]) -> str:
    code, out, err = answer
    assert code == 0, err
    return out


def refused(answer: tuple[int, str, str], *words: str) -> str:
    code, _, err = answer
    lines = err.splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("ctxvec: error: "), err
    for w in words:
        assert w in lines[0], lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def made(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    made = embed_corpus_stores(tmp_path_factory.mktemp("kill"), tiny_model)
    main(["transform", str(made["a"]), *TRANSFORM, str(made["a"].parent / "reference.store")])
    return made


@pytest.fixture
def store(made: dict[str, Path], tmp_path: Path) -> Path:
    """A private copy of the small store (the commands here write into it)."""
    copy = tmp_path / "a.store"
    shutil.copytree(made["a"], copy)
    return copy


def same_store(a: Path, b: Path) -> None:
    """Same vectors, tables and checksums (paths and timings aside)."""
    for name in ("vectors.npy", "norms.npy", "rows.parquet", "sentences.parquet"):
        assert filecmp.cmp(a / name, b / name, shallow=False), name
    ma, mb = (json.loads((s / "manifest.json").read_text()) for s in (a, b))
    assert ma["state"] == mb["state"] == "complete"
    assert ma["checksums"] == mb["checksums"]


# ---- transform --out -------------------------------------------------------------------------
TRANSFORM = ["--method", "abtt", "--n-components", "2", "--out"]
# after the fit; the manifest's temp file; the manifest written (building); mid-write; before finalize
TRANSFORM_PHASES = ["transform.fit", "io.replace:1", "io.replace:2", "transform.write", "transform.finalize"]


@pytest.mark.parametrize("phase", TRANSFORM_PHASES)
def test_transform_out_killed_then_rerun_ends_with_the_same_store(
    phase: str, made: dict[str, Path], run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "t.store"
    killed("transform", str(made["a"]), *TRANSFORM, str(out), at=phase)
    if (out / "manifest.json").is_file():  # an unfinished store: readers name the command that finishes it
        refused(run("info", str(out)), "unfinished", "ctxvec transform", "--method abtt", str(out))
        refused(run("similar", str(out), "cold"), "ctxvec transform")
    ok(run("transform", str(made["a"]), *TRANSFORM, str(out)))
    same_store(made["a"].parent / "reference.store", out)


def test_an_unfinished_transform_output_refuses_another_job(made: dict[str, Path], run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "t.store"
    killed("transform", str(made["a"]), "--method", "center", "--out", str(out), at="transform.write")
    refused(run("transform", str(made["a"]), "--method", "pca", "--out", str(out)), "unfinished", "--method center")
    ok(run("transform", str(made["a"]), "--method", "center", "--out", str(out)))


# ---- transform --in-place / --remove ----------------------------------------------------------
def transform_state(path: Path, run) -> bool:  # type: ignore[no-untyped-def]
    """Whether the store at `path` has its in-place transform, after checking that its folder, its
    manifest as `info` reports it, and the vectors every operation reads all say the same."""
    from ctxvec.store import Store

    info = json.loads(ok(run("info", str(path), "--json")))
    has_folder = (path / "transform").is_dir()
    assert ("transform" in info) == has_folder, (info, sorted(p.name for p in path.iterdir()))
    store = Store.open(path)
    raw = np.asarray(store.vectors[:20], dtype=np.float32)
    got = store.get_vectors(slice(0, 20))
    if has_folder:
        assert info["transform"]["transform_id"] == store.transform_id
        assert not np.allclose(got, raw, atol=1e-3)  # centred: the stored mean is subtracted
        assert np.allclose(got, raw - np.asarray(store.transform.mean_, dtype=np.float32), atol=1e-4)
    else:
        assert store.transform_id is None and np.array_equal(got, raw)
    ok(run("similar", str(path), "cold", "-k", "2"))
    return has_folder


# fit done; the transform's two files; the manifest naming it; the manifest written, the folder not in place
IN_PLACE_PHASES = ["transform.fit", "io.replace:1", "io.replace:2", "io.replace:3", "transform.in_place"]


@pytest.mark.parametrize("phase", IN_PLACE_PHASES)
def test_in_place_transform_killed_agrees_with_itself_then_finishes(phase: str, store: Path, run) -> None:  # type: ignore[no-untyped-def]
    killed("transform", str(store), "--method", "center", "--in-place", at=phase)
    assert not transform_state(store, run)  # the folder was never in place: no transform, anywhere
    ok(run("transform", str(store), "--method", "center", "--in-place"))
    assert transform_state(store, run)


@pytest.mark.parametrize("phase", ["transform.removed", "io.replace:1"])  # folder moved away; manifest rewritten
def test_transform_removal_killed_agrees_with_itself(phase: str, store: Path, run) -> None:  # type: ignore[no-untyped-def]
    ok(run("transform", str(store), "--method", "center", "--in-place"))
    killed("transform", str(store), "--remove", at=phase)
    assert not transform_state(store, run)  # the folder moved away: the transform is gone, anywhere
    ok(run("transform", str(store), "--method", "center", "--in-place"))  # and can be applied again
    assert transform_state(store, run)


# ---- index, factors, types --------------------------------------------------------------------
# the new index file; the record naming it (the commit); committed; the record's final form
INDEX_PHASES = ["io.replace:1", "io.replace:2", "index.committed", "io.replace:3"]


@pytest.mark.parametrize("phase", INDEX_PHASES)
def test_index_rebuild_killed_keeps_the_old_index_or_the_new_one(phase: str, store: Path, run) -> None:  # type: ignore[no-untyped-def]
    ok(run("index", str(store), "--kind", "hnsw", "--m", "8"))
    killed("index", str(store), "--kind", "hnsw", "--m", "12", at=phase)
    listed = json.loads(ok(run("index", str(store), "--list", "--json")))
    m = listed["hnsw"]["params"]["m"]
    assert m == (8 if phase in INDEX_PHASES[:2] else 12), listed  # before the commit the old one, then the new
    assert Path(listed["hnsw"]["file"]).stat().st_size == listed["hnsw"]["bytes"]
    found = json.loads(ok(run("similar", str(store), "cold", "-k", "2", "--index", "hnsw", "--json")))
    assert f"M={m}," in found["method"]
    ok(run("verify", str(store)))
    ok(run("index", str(store), "--kind", "hnsw", "--m", "12"))
    assert json.loads(ok(run("index", str(store), "--list", "--json")))["hnsw"]["params"]["m"] == 12
    assert sorted(p.name for p in (store / "index").iterdir()) == ["hnsw.faiss", "hnsw.json"]


LEARN = ["--n-factors", "4", "--samples", "200", "--name", "f"]


@pytest.mark.parametrize("phase", ["io.replace:1", "io.replace:4"])  # the first file; the last (factors.json)
def test_factors_killed_then_listed_refused_and_relearned(phase: str, store: Path, run) -> None:  # type: ignore[no-untyped-def]
    killed("factors", "learn", str(store), *LEARN, at=phase)
    assert "f" not in json.loads(ok(run("factors", "list", str(store), "--json")))["factors"]
    refused(run("factors", "show", str(store), "--name", "f"))
    ok(run("factors", "learn", str(store), *LEARN))
    ok(run("factors", "show", str(store), "--name", "f"))


def components(path: Path, name: str = "f") -> np.ndarray:
    from ctxvec.decomposition import load_factors
    from ctxvec.store import Store

    return load_factors(Store.open(path), name).components


# the new dictionary's four files in its temporary folder; the old folder moved aside, the new not yet in place
REPLACE_PHASES = ["io.replace:1", "io.replace:2", "io.replace:3", "io.replace:4", "io.replace_folder"]


@pytest.mark.parametrize("phase", REPLACE_PHASES)
def test_factors_killed_while_replacing_keep_a_whole_dictionary(phase: str, store: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fresh = tmp_path / "fresh.store"  # the new dictionary, learned without a kill
    shutil.copytree(store, fresh)
    ok(run("factors", "learn", str(fresh), *LEARN, "--seed", "1"))
    ok(run("factors", "learn", str(store), *LEARN))
    old, new = components(store), components(fresh)
    assert not np.array_equal(old, new)
    killed("factors", "learn", str(store), *LEARN, "--seed", "1", at=phase)
    assert json.loads(ok(run("factors", "list", str(store), "--json")))["factors"] == ["f"]
    ok(run("factors", "show", str(store), "--name", "f"))
    assert np.array_equal(components(store), old)  # killed before the new one was in place: the old one, whole
    ok(run("verify", str(store)))
    ok(run("factors", "learn", str(store), *LEARN, "--seed", "1"))
    assert np.array_equal(components(store), new)
    assert sorted(p.name for p in (store / "factors").iterdir()) == ["f"]  # nothing left aside


# ---- embed ------------------------------------------------------------------------------------
def test_an_unfinished_embed_names_the_command_that_finishes_it(  # type: ignore[no-untyped-def]
    made: dict[str, Path], run, tmp_path: Path, tiny_model: Path
) -> None:
    argv = ["embed", str(made["corpus"]), "--out", str(tmp_path / "e.store"), "--model", str(tiny_model)]
    argv += ["--max-length", "32", "--batch-tokens", "256"]
    killed(*argv, at="io.replace:2")  # the manifest (building) is written
    line = refused(run("info", str(tmp_path / "e.store")), "unfinished", "ctxvec embed")
    command = line.split("`")[1]
    assert shlex.split(command) == ["ctxvec", *argv]  # exactly the command that was killed
    code, out, _ = run("verify", str(tmp_path / "e.store"))
    assert code == 1 and command in out  # verify's report says it too
    ok(run(*shlex.split(command)[1:]))
    ok(run(*argv[:3], str(tmp_path / "reference.store"), *argv[4:]))
    same_store(tmp_path / "reference.store", tmp_path / "e.store")
    manifest = json.loads((tmp_path / "e.store" / "manifest.json").read_text())
    assert "made_by" not in manifest  # a finished store is the same whichever command made it


def test_types_killed_then_rerun(store: Path, run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    freq = tmp_path / "freq.tsv"
    killed("types", str(store), "--frequencies", str(freq), at="io.replace:1")
    assert not freq.exists()
    ok(run("types", str(store), "--frequencies", str(freq)))
    assert freq.read_text().count("\n") > 5
    ok(run("analogy", str(store), "king", "man", "woman", "-k", "2"))


# ---- export -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fmt", "phase"), [("word2vec", "export.write"), ("projector", "export.write"), ("projector", "export.rename")]
)
def test_export_killed_leaves_nothing_at_the_final_name(
    fmt: str, phase: str, made: dict[str, Path], run, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "exports" / ("v.txt" if fmt == "word2vec" else "proj")
    argv = ["export", str(made["a"]), "--format", fmt, "-o", str(out)]
    killed(*argv, at=phase)
    assert not out.exists()
    ok(run(*argv))
    if fmt == "projector":
        assert sorted(p.name for p in out.iterdir()) == ["metadata.tsv", "vectors.tsv"]
        n_vectors = len((out / "vectors.tsv").read_text().splitlines())
        assert len((out / "metadata.tsv").read_text().splitlines()) == n_vectors + 1
        assert [p.name for p in out.parent.iterdir()] == ["proj"]  # the killed run's temp folder is gone


def test_export_replaced_and_killed_keeps_a_whole_export(made: dict[str, Path], run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "proj"
    argv = ["export", str(made["a"]), "--format", "projector", "-o", str(out), "--occurrences", "5"]
    ok(run(*argv))
    killed(*argv, "--force", "--occurrences", "9", at="export.rename")
    n_vectors = len((out / "vectors.tsv").read_text().splitlines())
    assert len((out / "metadata.tsv").read_text().splitlines()) == n_vectors + 1
