"""`ctxvec._gc`: the collector is paused while a model loads and what loaded is frozen, only in a one-shot process."""

from __future__ import annotations

import gc
import subprocess
import sys
import textwrap

from ctxvec import _gc


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


def test_the_command_is_one_shot() -> None:
    """`ctxvec ...` (the console script's `entry`) declares its process one-shot before running the command."""
    out = _run(
        """
        import sys
        from ctxvec import _gc, cli
        seen = []
        cli.main = lambda argv=None: seen.append(_gc._ONE_SHOT) or 0
        from ctxvec.__main__ import entry
        entry()
        print(seen)
        """
    )
    assert out == "[True]"
