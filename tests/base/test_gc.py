"""`ctxvec._gc`: the collector is paused while a model loads and what loaded is frozen, only in a one-shot process."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap
from pathlib import Path

from ctxvec import _gc
from ctxvec.encoding import EncodeSpec


def test_a_library_process_is_left_alone() -> None:
    """Not declared one-shot (a library caller, this test process): the block runs with the collector as it was."""
    assert not _gc._ONE_SHOT
    frozen = gc.get_freeze_count()
    with _gc.loading():
        assert gc.isenabled()
        kept = [[] for _ in range(100)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen
    assert kept


def _run(code: str) -> str:
    """Run `code` in a fresh interpreter (freezing would change this test process for good)."""
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_a_one_shot_process_pauses_the_collector_then_freezes_what_loaded() -> None:
    out = _run(
        """
        import gc
        from ctxvec import _gc
        _gc.one_shot()
        before = gc.get_freeze_count()
        with _gc.loading():
            paused = not gc.isenabled()
            loaded = [[i] for i in range(10_000)]  # long-lived objects, like imported modules
        print(paused, gc.isenabled(), gc.get_freeze_count() - before >= 10_000)
        after = gc.get_freeze_count()
        garbage = [[] for _ in range(1000)]
        for g in garbage:
            g.append(g)  # cycles made after loading are still collected
        del garbage, g
        print(gc.collect() >= 1000, gc.get_freeze_count() == after)
        """
    )
    assert out.splitlines() == ["True True True", "True True"]


def test_a_paused_collector_stays_paused() -> None:
    """A caller that disabled the collector itself finds it disabled after loading."""
    out = _run(
        """
        import gc
        from ctxvec import _gc
        _gc.one_shot()
        gc.disable()
        with _gc.loading():
            pass
        print(gc.isenabled())
        """
    )
    assert out == "False"


def test_the_command_freezes_what_its_model_loaded(tiny_model: Path, tmp_path: Path) -> None:
    """`ctxvec embed` (the console script's `entry`) loads its model with the collector paused and freezes
    what loaded; the store it writes is the one the library writes in a process left alone."""
    corpus = tmp_path / "c.txt"
    corpus.write_text("The bank of the river.\nA cold day.\n")
    out = _run(
        f"""
        import gc, sys
        sys.argv = ["ctxvec", "embed", {str(corpus)!r}, "-o", {str(tmp_path / "cli.store")!r},
                    "--model", {str(tiny_model)!r}, "--device", "cpu", "--quiet"]
        from ctxvec.__main__ import entry
        code = entry()
        import torch, transformers  # loaded by the command, so frozen with everything else
        print(code, gc.get_freeze_count() > 10_000)
        """
    )
    assert out.splitlines()[-1] == "0 True"  # after the store summary
    from ctxvec.runners import embed

    embed(str(corpus), tmp_path / "lib.store", EncodeSpec(model=str(tiny_model)), device="cpu")
    assert gc.get_freeze_count() == 0
    for name in ("vectors.npy", "norms.npy", "rows.parquet", "sentences.parquet"):
        assert (tmp_path / "cli.store" / name).read_bytes() == (tmp_path / "lib.store" / name).read_bytes()
