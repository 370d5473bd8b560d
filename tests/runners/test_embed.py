import json
import subprocess
import sys
import textwrap
from dataclasses import fields

import numpy as np
import pytest
from small_corpus import RUNNER_CORPUS

from ctxvec import Store
from ctxvec.encoding import BatchEncoder, EncodeSpec
from ctxvec.errors import CtxvecError
from ctxvec.runners import embed

SPEC_FIELDS = {f.name for f in fields(EncodeSpec)}

CORPUS = RUNNER_CORPUS


@pytest.fixture
def corpus_file(tmp_path):
    f = tmp_path / "corpus.txt"
    f.write_text("\n".join(CORPUS) + "\n")
    return f


def build(corpus_file, out, tiny_model, **kw):
    spec = {"max_length": 32, **{k: kw.pop(k) for k in list(kw) if k in SPEC_FIELDS}}
    kw.setdefault("batch_tokens", 64)
    return embed(corpus_file, out, EncodeSpec(model=str(tiny_model), **spec), device="cpu", **kw)


def test_store_round_trip(tmp_path, corpus_file, tiny_model):
    store = build(corpus_file, tmp_path / "s", tiny_model, dtype="float32")
    again = Store.open(tmp_path / "s")
    assert again.n_sentences == len(CORPUS) and again.n_rows == store.n_rows
    assert again.manifest["n_windowed_sentences"] == 4
    assert again.manifest["model"]["weights_sha256"]
    # vectors equal the encoder run on the sentences directly
    enc = BatchEncoder.load(EncodeSpec(model=str(tiny_model), max_length=32), device="cpu")
    direct = enc(CORPUS)
    np.testing.assert_allclose(np.asarray(again.vectors), direct.vectors, atol=1e-5)
    assert list(again.tokens) == direct.tokens
    # rows point at their words in their sentences
    for r in range(again.n_rows):
        occ = again.occurrence(r)
        assert occ.sentence[occ.start : occ.end] == occ.token
    assert again.sentence(1) == CORPUS[1]
    assert all(again.tokens[r].lower() == "cold" for r in again.occurrences("COLD"))
    np.testing.assert_allclose(again.norms(), np.linalg.norm(direct.vectors, axis=1), rtol=1e-5)
    m = json.loads((tmp_path / "s" / "manifest.json").read_text())
    assert m["state"] == "complete" and set(m["checksums"]) == {"vectors.npy", "rows.parquet", "sentences.parquet"}


def test_float16_storage_is_default(tmp_path, corpus_file, tiny_model):
    store = build(corpus_file, tmp_path / "s", tiny_model)
    assert store.vectors.dtype == np.float16
    assert np.load(tmp_path / "s" / "vectors.npy", mmap_mode="r").shape == (store.n_rows, 32)


def test_resume_after_interruption_gives_identical_store(tmp_path, corpus_file, tiny_model):
    full = build(corpus_file, tmp_path / "full", tiny_model)

    class Stop(Exception):
        pass

    def stop_after_three(i, seen=[]):  # noqa: B006 - counts calls
        seen.append(i)
        if len(seen) == 3:
            raise Stop

    with pytest.raises(Stop):
        build(corpus_file, tmp_path / "part", tiny_model, on_batch=stop_after_three)
    with pytest.raises(CtxvecError, match="unfinished store"):
        Store.open(tmp_path / "part")
    resumed = build(corpus_file, tmp_path / "part", tiny_model)
    assert np.array_equal(np.asarray(resumed.vectors), np.asarray(full.vectors))
    assert resumed.manifest["checksums"] == full.manifest["checksums"]


def test_resume_after_kill_9(tmp_path, corpus_file, tiny_model):
    """A real SIGKILL in the middle of a run; the same command then finishes the store."""
    out = tmp_path / "killed"
    script = textwrap.dedent(
        f"""
        import os, signal
        from ctxvec.encoding import EncodeSpec
        from ctxvec.runners import embed
        def kill(i, seen=[]):
            seen.append(i)
            if len(seen) == 4:
                os.kill(os.getpid(), signal.SIGKILL)
        embed({str(corpus_file)!r}, {str(out)!r}, EncodeSpec(model={str(tiny_model)!r}, max_length=32), device="cpu",
              batch_tokens=64, on_batch=kill)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9
    assert json.loads((out / "manifest.json").read_text())["state"] == "building"
    resumed = build(corpus_file, out, tiny_model)
    full = build(corpus_file, tmp_path / "full", tiny_model)
    assert np.array_equal(np.asarray(resumed.vectors), np.asarray(full.vectors))
    assert not (out / "building").exists() and not (out / "vectors.npy.partial").exists()


def test_refuses_a_different_unfinished_job_and_a_finished_store(tmp_path, corpus_file, tiny_model):
    def stop(i):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(corpus_file, tmp_path / "s", tiny_model, on_batch=stop)
    with pytest.raises(CtxvecError, match="different job.*unit"):
        build(corpus_file, tmp_path / "s", tiny_model, unit="subword")
    done = build(corpus_file, tmp_path / "done", tiny_model)
    with pytest.raises(CtxvecError, match="already holds a finished store"):
        build(corpus_file, done.path, tiny_model)
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.txt").write_text("x")
    with pytest.raises(CtxvecError, match="not empty and holds no store"):
        build(corpus_file, tmp_path / "junk", tiny_model)


def test_subword_unit_keeps_wordpieces(tmp_path, corpus_file, tiny_model):
    store = build(corpus_file, tmp_path / "s", tiny_model, unit="subword", keep_special=True)
    assert "[CLS]" in set(store.tokens) and any(t.startswith("##") for t in store.tokens)


def run_cli(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "ctxvec", *args], capture_output=True, text=True, input=stdin)


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda d: d / "missing.txt", "not found"),
        (lambda d: (d / "empty.txt").write_text("\n") and d / "empty.txt", "no sentences"),
        (lambda d: (d / "bad.txt").write_bytes(b"ok\n\xff\n") and d / "bad.txt", "bad.txt line 2"),
        (lambda d: (d / "t.csv").write_text("body\nx y\n") and d / "t.csv", "no column 'text'"),
    ],
)
def test_cli_bad_input_one_line_exit_2_nothing_written(tmp_path, tiny_model, setup, message):
    source = setup(tmp_path)
    out = tmp_path / "out.store"
    proc = run_cli("embed", str(source), "-o", str(out), "--model", str(tiny_model), "-q")
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_cli_unloadable_model_hints_offline(tmp_path, corpus_file):
    proc = run_cli("embed", str(corpus_file), "-o", str(tmp_path / "o"), "--model", "nobody/nothing", "-q")
    assert proc.returncode == 2 and "unreachable offline" in proc.stderr
    assert not (tmp_path / "o").exists()


def test_cli_embed_from_stdin_and_info_json(tmp_path, tiny_model):
    out = tmp_path / "s.store"
    proc = run_cli("embed", "-", "-o", str(out), "--model", str(tiny_model), "-q", stdin="cold day\nwarm night\n")
    assert proc.returncode == 0, proc.stderr
    info = run_cli("info", str(out), "--json")
    data = json.loads(info.stdout)
    assert data["sentences"] == 2 and data["rows"] == 4 and data["unit"] == "word"


def test_bad_parameters_are_named_as_python_parameters(tmp_path, corpus_file, tiny_model):
    from ctxvec.errors import ParameterError

    for kw, name, message in [
        ({"batch_tokens": 8}, "batch_tokens", "batch_tokens 8 is too small; use at least 16"),
        ({"dtype": "int8"}, "dtype", "unknown storage dtype 'int8'"),
        ({"layers": "all"}, "layers", "layers all gives several vectors per token"),
        ({"limit": 0}, "limit", "limit must be at least 1"),
    ]:
        with pytest.raises(ParameterError, match=message) as e:
            build(corpus_file, tmp_path / "s", tiny_model, **kw)
        assert e.value.name == name and "--" not in str(e.value)
    assert not (tmp_path / "s").exists()


def test_cli_renders_flags_and_json_is_the_store_summary(tmp_path, corpus_file, tiny_model, capsys):
    from ctxvec.cli import main

    args = ["embed", str(corpus_file), "--model", str(tiny_model), "--device", "cpu", "--max-length", "32"]
    assert main([*args, "-o", str(tmp_path / "bad"), "--batch-tokens", "8"]) == 2
    assert "--batch-tokens 8 is too small" in capsys.readouterr().err
    assert main([*args, "-o", str(tmp_path / "s"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data == Store.open(tmp_path / "s").summary().to_dict()
    assert data["rows"] > 0 and data["vocabulary"] == Store.open(tmp_path / "s").manifest["n_words"]


def test_cli_ray_options_without_the_ray_runner_name_the_flag(tmp_path, corpus_file, tiny_model, capsys):
    from ctxvec.cli import main

    args = ["embed", str(corpus_file), "-o", str(tmp_path / "s"), "--model", str(tiny_model), "--workers", "2"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--runner 'ray'" in err
    assert not (tmp_path / "s").exists()
