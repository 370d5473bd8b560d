"""A scratch copy of a store for benchmarks that must clear its word caches (``words/``) between runs,
so the store itself is never changed: its files are hard links (no bytes copied; ctxvec replaces files
by renaming, never writes into one), its ``words/`` folder left out."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WORDS = "words"


def _link(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another file system: a real copy
        shutil.copy2(src, dst)


@contextmanager
def scratch_store(store: str | os.PathLike[str]) -> Iterator[Path]:
    """A copy of `store` in a temporary folder (hard links, no ``words/``), removed on exit."""
    folder = Path(tempfile.mkdtemp(prefix="ctxvec-bench-"))
    copy = folder / Path(store).name
    try:
        shutil.copytree(store, copy, copy_function=_link, ignore=shutil.ignore_patterns(WORDS))
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def clear_word_caches(store: str | os.PathLike[str]) -> None:
    """Remove the scratch copy's word caches (the next query of a word computes and keeps them again)."""
    shutil.rmtree(Path(store) / WORDS, ignore_errors=True)
