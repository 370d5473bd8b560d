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
KILL_SIGNAL_ENV = "CTXVEC_TEST_KILL_SIGNAL"
"""``INT``: `kill_point` sends SIGINT (a Ctrl-C at that exact point) instead of SIGKILL."""

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
            os.kill(os.getpid(), signal.SIGINT if os.environ.get(KILL_SIGNAL_ENV) == "INT" else signal.SIGKILL)


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


OLD_SUFFIX = ".old"
"""Where `replace_folder` keeps the folder it replaces while the new one moves in."""


def replace_folder(new: str | os.PathLike[str], path: str | os.PathLike[str]) -> None:
    """Put the complete folder `new` at `path` (a sibling), replacing the folder there, so that a reader
    going through `folder_at(path)` finds the old folder or the new one whole at every instant, a
    kill -9 included: the old folder moves aside to ``path.old``, the new one to `path`, then the old
    one is deleted. A replacement that an earlier kill stopped between the two renames is undone first
    (the old folder put back)."""
    new, path = Path(new), Path(path)
    old = path.with_name(path.name + OLD_SUFFIX)
    if not path.exists() and old.is_dir():
        os.replace(old, path)
    if old.exists():
        _remove_tree(old)  # a half-deleted leftover beside a whole `path`
    if path.exists():
        os.replace(path, old)
        kill_point("io.replace_folder")  # the old folder aside, the new one not yet in place
    os.replace(new, path)
    fsync_dir(path.parent)
    _remove_tree(old)


def folder_at(path: str | os.PathLike[str]) -> Path:
    """`path`, or the old folder a `replace_folder` killed between its renames left at ``path.old``."""
    path = Path(path)
    old = path.with_name(path.name + OLD_SUFFIX)
    return old if not path.exists() and old.is_dir() else path


def _remove_tree(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def may_add_files(folder: str | os.PathLike[str]) -> bool:
    """Whether ctxvec may add files (caches) in `folder`: creating one must really work (tried: a
    read-only mount refuses it, while `os.access` says yes to root), and root, whom permission bits do
    not bind, adds files only to a folder it owns whose mode lets its owner write: a store made
    read-only with ``chmod a-w``, or another user's, stays untouched even when root serves it."""
    p = Path(folder)
    if not p.is_dir() or _can_create_in(p) is not None:
        return False
    if os.geteuid() != 0:
        return True
    st = p.stat()
    return st.st_uid == 0 and bool(st.st_mode & 0o200)


def _can_create_in(folder: Path) -> str | None:
    """None when a file can be created in existing `folder` (tried for real: permission bits lie to
    root and on read-only mounts), else the reason."""
    try:
        fd, name = tempfile.mkstemp(prefix=".ctxvec-probe-", dir=folder)
    except OSError as e:
        return e.strerror or str(e)
    os.close(fd)
    os.unlink(name)
    return None


def check_output_path(
    path: str | os.PathLike[str], kind: str = "file", overwrite: bool = False, name: str = "output"
) -> Path:
    """`path` as a Path once it is known to be writable as a `kind` ("file" or "folder"), before any work.

    Raises `ParameterError` (naming parameter `name`) in one line when `path` is empty, lies under a
    file, is a folder where a file is wanted (or the reverse), already exists (a file; a folder that
    is not empty) unless `overwrite`, or when its nearest existing folder refuses new files.
    Missing parent folders are fine (writers create them)."""
    from .errors import ParameterError

    if kind not in ("file", "folder"):
        raise ValueError(f"kind must be 'file' or 'folder', got {kind!r}")
    if not str(path).strip():
        raise ParameterError(name, "{name} is empty; give a path to write")
    target = Path(path)
    if target.is_symlink() and not target.exists():
        raise ParameterError(
            name, f"{{name}} {str(target)!r} is a broken symbolic link; remove it or choose another path"
        )
    if target.exists():
        if kind == "file" and target.is_dir():
            raise ParameterError(
                name, f"{{name}} {str(target)!r} is a folder; give a file name (e.g. {target / 'out'})"
            )
        if kind == "folder" and not target.is_dir():
            raise ParameterError(name, f"{{name}} {str(target)!r} is a file; give a folder that does not exist yet")
        if not overwrite and (kind == "file" or any(target.iterdir())):
            raise ParameterError(name, f"{{name}} {str(target)!r} already exists; choose a new path or remove it first")
    ancestor = target.parent if target.exists() else target
    while not ancestor.exists():
        if ancestor.is_symlink() or ancestor == ancestor.parent:
            break
        ancestor = ancestor.parent
    for above in (ancestor, *ancestor.parents):
        if above.exists() and not above.is_dir():
            raise ParameterError(
                name, f"{{name}} {str(target)!r} lies under {str(above)!r}, which is a file, not a folder"
            )
    if not ancestor.is_dir():
        raise ParameterError(name, f"{{name}} {str(target)!r}: {str(ancestor)!r} is not a folder")
    reason = _can_create_in(ancestor)
    if reason is not None:
        raise ParameterError(
            name, f"{{name}} {str(target)!r} cannot be written: {str(ancestor)!r} refuses new files ({reason})"
        )
    return target
