"""Python's cyclic garbage collector while a model loads, in a one-shot process (the ``ctxvec`` command).

Importing torch and transformers and loading a model make well over a million objects that live as long
as the process (modules, classes, functions, the model's modules). The collector traverses all of them
again at every full collection while they are being made, at the full collections after, and once more
when the interpreter shuts down: about 2 CPU s of every ``ctxvec embed`` (benchmarks/RESULTS.md,
bench_embed). In a one-shot process, `loading()` pauses the collector while a model loads and then moves
every object alive to the permanent generation (`gc.freeze`), so no later collection, nor the shutdown,
looks at them again. Objects made afterwards are collected as usual.

A library caller's process is left alone: `loading()` does nothing unless `one_shot()` was called first
(`ctxvec.__main__.entry` calls it: the command ends when its one job is done).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_ONE_SHOT = False


def one_shot() -> None:
    """Declare this process one-shot: from now on, `loading()` pauses the collector and freezes what loaded."""
    global _ONE_SHOT
    _ONE_SHOT = True


@contextmanager
def loading() -> Iterator[None]:
    """Run the block (imports and model loading) with the collector paused, then freeze every object alive;
    in a process not declared one-shot, run it unchanged."""
    if not _ONE_SHOT:
        yield
        return
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()
