"""One writer per store: an exclusive advisory lock on the store folder, held by every writer.

`store_lock(path)` takes ``flock(LOCK_EX | LOCK_NB)`` on the store folder itself (an open directory
descriptor), so no lock file is ever left in a store and nothing needs cleaning up: the kernel drops
the lock when the holder exits, ``kill -9`` included. A second writer is refused at once with one
line naming the holder (its PID, command line and start time, found through ``/proc/locks`` where
the system has it). Readers never take the lock; caches are written atomically (``ctxvec._io``), so
a reader sees the old file or the new one.

Writers take it at their library entry point with the `writes_store` decorator (embed, in-place
transforms, index build/remove, factors, word types). The lock is re-entrant within one thread, so
a locked writer may call another.
"""

from __future__ import annotations

import functools
import inspect
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import ParamSpec, TypeVar

from ..errors import CtxvecError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no advisory locks; writers run unlocked
    fcntl = None  # type: ignore[assignment]

__all__ = ["lock_holder", "store_lock", "writes_store"]

P = ParamSpec("P")
R = TypeVar("R")

_HELD: dict[tuple[Path, int], int] = {}  # (resolved store, thread id) -> depth, for re-entry
_GUARD = threading.Lock()


def _printable(text: str, limit: int = 80) -> str:
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _process(pid: int) -> tuple[str, str]:
    """(command line, start time ``YYYY-mm-dd HH:MM``) of process `pid`, from /proc; ``""`` when unknown."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        words = [a.decode(errors="replace") for a in args if a]
        if words and Path(words[0]).name.startswith("python") and len(words) > 1:
            words = words[2:] if words[1] == "-m" else words[1:]  # `python -m ctxvec ...`: the module matters
        command = " ".join([Path(words[0]).name, *words[1:]]) if words else ""
    except OSError:
        command = ""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: start time in clock ticks after boot
        boot = next(
            int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime")
        )
        started = time.strftime("%Y-%m-%d %H:%M", time.localtime(boot + ticks / os.sysconf("SC_CLK_TCK")))
    except (OSError, ValueError, IndexError, StopIteration):
        started = ""
    return _printable(command), started


def lock_holder(path: str | os.PathLike[str]) -> int | None:
    """PID of the process holding the writer lock of the store at `path` (from ``/proc/locks``), or None."""
    try:
        inode = os.stat(path).st_ino
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if len(parts) >= 6 and parts[1] == "FLOCK" and parts[5].rsplit(":", 1)[-1] == str(inode):
            try:
                return int(parts[4])
            except ValueError:
                return None
    return None


def _busy(path: Path) -> CtxvecError:
    pid = lock_holder(path)
    if pid is None:
        who = "another process"
    else:
        command, started = _process(pid)
        detail = ", ".join(x for x in (command, f"started {started}" if started else "") if x)
        who = f"PID {pid}" + (f" ({detail})" if detail else "")
    return CtxvecError(
        f"{path} is being written by {who}; wait for it to finish (or stop that process), then run this again"
    )


@contextmanager
def store_lock(path: str | os.PathLike[str], *, create: bool = False) -> Iterator[None]:
    """Hold the writer lock of the store folder `path` for the block; CtxvecError naming the holder when
    another process (or thread) holds it. `create` makes the folder first (a new store: `embed`), and
    removes it again on exit if it is still empty. A `path` that is not a folder is not locked (the
    writer reports it)."""
    p = Path(path)
    created = False
    if create and not p.exists():
        p.mkdir(parents=True)
        created = True
    if fcntl is None or not p.is_dir():
        yield
        return
    key = (p.resolve(), threading.get_ident())
    with _GUARD:
        depth = _HELD.get(key, 0)
        _HELD[key] = depth + 1
    fd: int | None = None
    try:
        if depth == 0:
            fd = os.open(p, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise _busy(p) from None
            except OSError:  # pragma: no cover - a file system without flock: run unlocked
                pass
        yield
    finally:
        with _GUARD:
            _HELD[key] -= 1
            if not _HELD[key]:
                del _HELD[key]
        if fd is not None:
            os.close(fd)  # closing the descriptor releases the lock
        if created:
            with suppress(OSError):
                p.rmdir()  # only succeeds when the writer left nothing behind


def writes_store(
    param: str, *, create: bool = False, when: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorator: the function writes the store passed as its argument `param` (a `Store` or a folder
    path) and runs under `store_lock`; with `when`, only when its argument `when` is true (e.g. ``save``)."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def locked(*args: P.args, **kwargs: P.kwargs) -> R:
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            target = bound.arguments.get(param)
            folder = getattr(target, "path", target)
            if folder is None or (when is not None and not bound.arguments.get(when)):
                return fn(*args, **kwargs)
            with store_lock(folder, create=create):
                return fn(*args, **kwargs)

        return locked

    return decorate
