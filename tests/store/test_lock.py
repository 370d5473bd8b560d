"""One writer per store, with real processes: a second writer is refused with one line naming the first;
readers never wait; kill -9 frees the lock; racing index builds leave one correct index."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from ctxvec.cli import main
from ctxvec.errors import CtxvecError
from ctxvec.store import Store, store_lock, writes_store

SRC = str(Path(__file__).resolve().parents[2] / "src")
ENV = {**os.environ, "PYTHONPATH": SRC, "HF_HUB_OFFLINE": "1"}
CTXVEC = [sys.executable, "-m", "ctxvec"]


def _python(code: str, **kw) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def _holder(path: Path) -> subprocess.Popen:
    """A process holding the writer lock of `path` until its stdin closes."""
    proc = _python(
        f"""
        import sys
        from ctxvec.store import store_lock
        with store_lock({str(path)!r}):
            print("held", flush=True)
            sys.stdin.read()
        """
    )
    assert proc.stdout.readline().strip() == "held", proc.stderr.read()
    return proc


def test_lock_is_reentrant_in_a_thread_and_exclusive_across_threads(random_store):
    path = random_store.path
    errors: list[str] = []

    def other() -> None:
        try:
            with store_lock(path):
                pass
        except CtxvecError as e:
            errors.append(str(e))

    with store_lock(path), store_lock(path):  # nested: the same writer
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert len(errors) == 1 and f"PID {os.getpid()}" in errors[0] and "\n" not in errors[0]
    with store_lock(path):  # released
        pass
    assert sorted(p.name for p in path.iterdir() if p.name.startswith(".")) == []  # no lock file left


def test_a_new_store_folder_made_for_the_lock_is_removed_when_nothing_was_written(tmp_path):
    @writes_store("out", create=True)
    def fails(out: Path) -> None:
        assert out.is_dir()
        raise CtxvecError("bad corpus")

    with pytest.raises(CtxvecError, match="bad corpus"):
        fails(tmp_path / "new.store")
    assert not (tmp_path / "new.store").exists()


def test_second_writer_is_refused_naming_the_first_and_kill_9_frees_the_lock(random_store, capsys):
    path = random_store.path
    proc = _holder(path)
    try:
        assert main(["index", str(path), "--kind", "flat"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and err.startswith("ctxvec: error: ")
        assert f"is being written by PID {proc.pid} (" in err and "started " in err and "wait for it" in err
        assert main(["similar", str(path), "w1", "-k", "2", "--json"]) == 0  # readers never take the lock
        capsys.readouterr()
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert main(["index", str(path), "--kind", "flat"]) == 0
    assert (path / "index" / "flat.faiss").is_file()


def test_every_writer_command_takes_the_lock(random_store, capsys):
    path = str(random_store.path)
    proc = _holder(random_store.path)
    try:
        for argv in (
            ["transform", path, "--method", "center", "--in-place"],
            ["index", path, "--kind", "flat"],
            ["factors", "learn", path, "--n-factors", "2", "--samples", "50"],
            ["types", path],
        ):
            assert main(argv) == 2, argv
            err = capsys.readouterr().err
            assert f"is being written by PID {proc.pid}" in err and err.count("\n") == 1, (argv, err)
    finally:
        proc.stdin.close()
        proc.wait()
    assert sorted(p.name for p in random_store.path.iterdir()) == sorted(
        ["manifest.json", "norms.npy", "rows.parquet", "sentences.parquet", "vectors.npy"]
    )


def test_two_embeds_into_one_store(tmp_path, tiny_model):
    """The issue: a second embed into the same unfinished store joined it, crashed in finalize and left
    progress.log behind. Now it is refused while the first one runs, and the first finishes cleanly."""
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(f"the cold day {i} and a warm river bank" for i in range(12)) + "\n")
    out, release = tmp_path / "s.store", tmp_path / "release"
    first = _python(
        f"""
        import time
        from pathlib import Path
        from ctxvec import EncodeSpec, embed

        def wait(i):
            print("batch", i, flush=True)
            while not Path({str(release)!r}).exists():
                time.sleep(0.05)

        embed({str(corpus)!r}, {str(out)!r}, EncodeSpec(model={str(tiny_model)!r}), device="cpu", batch_tokens=16, on_batch=wait)
        print("done", flush=True)
        """
    )
    try:
        assert first.stdout.readline().startswith("batch"), first.stderr.read()
        second = subprocess.run(
            [*CTXVEC, "embed", str(corpus), "-o", str(out), "--model", str(tiny_model), "--device", "cpu"],
            env=ENV,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert second.returncode == 2, second.stderr
        assert second.stderr.count("\n") == 1 and f"is being written by PID {first.pid} (" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        release.touch()
    stdout, stderr = first.communicate(timeout=300)
    assert first.returncode == 0 and stdout.strip().endswith("done"), stderr
    store = Store.open(out)
    assert store.n_rows > 0 and not (out / "progress.log").exists()


def test_racing_index_builds_and_a_reader_stay_correct(random_store):
    """Two processes build the same index while a third reads: each builder finishes or is refused with one
    line; the reader always answers; one index file, current, no temporary files."""
    path = random_store.path
    procs = [
        subprocess.Popen([*CTXVEC, *argv], env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for argv in (
            ["index", str(path), "--kind", "hnsw"],
            ["similar", str(path), "w3", "-k", "3", "--json"],
            ["index", str(path), "--kind", "hnsw"],
        )
    ]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    (b1, e1), (reader, er), (b2, e2) = results
    assert reader == 0, er
    assert {b1, b2} <= {0, 2} and 0 in (b1, b2), (e1, e2)
    for code, err in ((b1, e1), (b2, e2)):
        if code == 2:
            assert err.count("\n") == 1 and "is being written by PID" in err
    from ctxvec.neighbours import load_index

    assert sorted(p.name for p in (path / "index").iterdir()) == ["hnsw.faiss", "hnsw.json"]
    assert not load_index(Store.open(path), "hnsw").info.stale
