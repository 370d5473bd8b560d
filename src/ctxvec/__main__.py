"""The `ctxvec` command's entry point (``python -m ctxvec`` and the console script).

Its first act is to make Ctrl-C end the program with one line, ``ctxvec: error: interrupted``,
exit 130, at any moment: while the CLI is still importing (rich, numpy, ... take a few hundred
milliseconds), while a command computes, and while the process shuts down. (Only the interpreter's
own start-up and ``import ctxvec`` itself, about 25 ms before this module runs, are outside it.) Writers clean up their
temporary files as the KeyboardInterrupt unwinds them (`ctxvec._io.atomic_path`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType

INTERRUPTED = 130
READY_ENV = "CTXVEC_TEST_READY"
"""Test hook: a file `entry` creates as its first act (the Ctrl-C tests signal the CLI's import after it)."""


def _quiet_exit(signum: int, frame: FrameType | None) -> None:
    """A second Ctrl-C while the first one is being handled: end now, quietly (the line is printed)."""
    os._exit(INTERRUPTED)


def _exit_interrupted(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C after the command finished (while Python shuts down): the line, exit 130."""
    _interrupted()


def _interrupted(printed: bool = False) -> int:
    """Print the line (unless `printed`) and end now with exit 130: no atexit hooks or thread joins that a
    second signal could turn into a traceback, and no interpreter shutdown, which ends the process by
    SIGINT itself (status -2, not 130) when the KeyboardInterrupt crossed an ``exec`` on its way, as
    SciPy's imports do."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _quiet_exit)
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    if not printed:
        print("ctxvec: error: interrupted", file=sys.stderr, flush=True)
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(INTERRUPTED)


def entry() -> int:
    """Run the CLI on ``sys.argv``; Ctrl-C anywhere ends it with exit 130 and one line on stderr."""
    try:  # Python raises KeyboardInterrupt on SIGINT (unless the parent made us ignore it)
        ready = os.environ.get(READY_ENV)
        if ready:
            open(ready, "w").close()
        from . import _gc
        from .cli import main

        _gc.one_shot()  # the command's one job, then exit: what loads a model is frozen (`ctxvec._gc`)
        code = main()
    except KeyboardInterrupt:
        return _interrupted()
    if code == INTERRUPTED:  # main caught the KeyboardInterrupt itself and printed the line
        return _interrupted(printed=True)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # shutting down: no traceback
        signal.signal(signal.SIGINT, _exit_interrupted)
    return code


if __name__ == "__main__":
    sys.exit(entry())
