"""Writing files safely: everything under a temporary name in the same folder, fsynced, renamed last.

One helper for every file ctxvec writes (manifests, tables, caches, plots, exports), so a crash at
any moment leaves either the old file or the new one, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np


def file_sha256(path: str | os.PathLike[str], chunk: int = 1 << 24) -> str:
    """Hex SHA-256 of the file at `path`, read in `chunk`-byte pieces."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def fsync_dir(folder: str | os.PathLike[str]) -> None:
    """Make a rename inside `folder` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _file_mode(target: Path) -> int:
    """The mode of an existing `target`, else 0666 less the process umask."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


KILL_AT_ENV = "CTXVEC_TEST_KILL_AT"
"""Test hook: a comma-separated list of ``phase`` or ``phase:N`` (the N-th time, 1-based) at which
`kill_point` sends this process SIGKILL (the kill -9 tests)."""

_kill_counts: dict[str, int] = {}


def kill_point(phase: str) -> None:
    """SIGKILL this process here when ``CTXVEC_TEST_KILL_AT`` names `phase` (or ``phase:N`` and this is
    the N-th call); otherwise nothing. Phases are named ``<area>.<step>`` (``transform.write``)."""
    wanted = os.environ.get(KILL_AT_ENV)
    if not wanted:
        return
    count = _kill_counts[phase] = _kill_counts.get(phase, 0) + 1
    for item in wanted.split(","):
        name, _, nth = item.strip().partition(":")
        if name == phase and (not nth or (nth.isdigit() and int(nth) == count)):
            os.kill(os.getpid(), signal.SIGKILL)


@contextmanager
def atomic_path(path: str | os.PathLike[str], suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it is fsynced and renamed onto `path`,
    on error removed. `suffix` keeps an extension some writers insist on (``.npy``)."""
    target = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=f".tmp{suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        os.chmod(tmp, _file_mode(target))  # mkstemp makes 0600; give the file the mode a plain open() would
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        kill_point("io.replace")  # the temp file is complete, the target not yet replaced
        os.replace(tmp, target)
        fsync_dir(target.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary file beside `path` for writing; it replaces `path` only when the block succeeds."""
    with atomic_path(path) as tmp, open(tmp, mode, encoding=None if "b" in mode else encoding) as f:
        yield f


def write_json_atomic(path: str | os.PathLike[str], data: dict[str, Any]) -> None:
    """Write `data` as indented, key-sorted JSON to `path`, atomically."""
    with atomic_open(path) as f:
        f.write(json.dumps(data, indent=2, sort_keys=True) + "\n")


def save_npy_atomic(path: str | os.PathLike[str], array: np.ndarray) -> None:
    """`numpy.save` of `array` to `path` (no pickle), atomically."""
    with atomic_path(path, suffix=".npy") as tmp:
        np.save(tmp, np.asarray(array), allow_pickle=False)
