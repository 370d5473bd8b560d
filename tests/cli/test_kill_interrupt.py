"""Ctrl-C at any moment: ``ctxvec: error: interrupted`` on one line, exit 130, no traceback, nothing half-written.

A real ``python -m ctxvec transform ... --out OUT`` gets SIGINT at several delays after its entry point
starts (while Python is still importing the CLI and its libraries) and at exact phases of the work (`ctxvec._io.kill_point` with
``CTXVEC_TEST_KILL_SIGNAL=INT``: mid-fit, mid-write, before the last rename); OUT must not exist after.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from small_corpus import embed_corpus_stores


@pytest.fixture(scope="module")
def store(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return embed_corpus_stores(tmp_path_factory.mktemp("interrupt"), tiny_model)["a"]


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **extra}
    return env


def _as_from_a_terminal() -> None:
    """In the child before exec: SIGINT's default disposition, as in a terminal where Ctrl-C reaches the
    command. (A test run started in the background, `cmd &` from a script, ignores SIGINT, and a child
    inherits that; Python then never raises KeyboardInterrupt.)"""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def check_interrupted(proc: subprocess.Popen[str] | subprocess.CompletedProcess[str], err: str, out: Path) -> None:
    assert "Traceback" not in err, err
    assert proc.returncode == 130, (proc.returncode, err)
    assert err.splitlines() == ["ctxvec: error: interrupted"], err
    assert not out.exists(), "a half-written output was left"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")], "a temporary was left"


@pytest.mark.parametrize("delay", [0.0, 0.05, 0.15])
def test_ctrl_c_while_importing(delay: float, store: Path, tmp_path: Path) -> None:
    """SIGINT `delay` s after the entry point starts importing the CLI (``CTXVEC_TEST_READY`` marks that)."""
    out, ready = tmp_path / "t.store", tmp_path / "ready"
    argv = [sys.executable, "-m", "ctxvec", "transform", str(store), "--method", "abtt", "--out", str(out)]
    env = _env(CTXVEC_TEST_READY=str(ready))
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, preexec_fn=_as_from_a_terminal
    )
    deadline = time.monotonic() + 60
    while not ready.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    time.sleep(delay)
    assert proc.poll() is None, "the command ended before the signal; the test needs it still starting"
    proc.send_signal(signal.SIGINT)
    try:  # ends within milliseconds; a Ctrl-C that a library's import swallowed is pressed again, as a user would
        proc.wait(timeout=1.0)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    ready.unlink()
    check_interrupted(proc, err, out)


@pytest.mark.parametrize("phase", ["transform.fit", "transform.write", "transform.finalize", "io.replace:3"])
def test_ctrl_c_at_each_phase_of_the_work(phase: str, store: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.store"
    argv = [sys.executable, "-m", "ctxvec", "transform", str(store), "--method", "abtt", "--out", str(out)]
    env = _env(CTXVEC_TEST_KILL_AT=phase, CTXVEC_TEST_KILL_SIGNAL="INT")
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, preexec_fn=_as_from_a_terminal)
    check_interrupted(proc, proc.stderr, out)


@pytest.mark.parametrize("phase", ["export.write", "export.rename"])
def test_ctrl_c_during_an_export(phase: str, store: Path, tmp_path: Path) -> None:
    out = tmp_path / "proj"
    argv = [sys.executable, "-m", "ctxvec", "export", str(store), "--format", "projector", "-o", str(out)]
    env = _env(CTXVEC_TEST_KILL_AT=phase, CTXVEC_TEST_KILL_SIGNAL="INT")
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120, preexec_fn=_as_from_a_terminal)
    check_interrupted(proc, proc.stderr, out)
