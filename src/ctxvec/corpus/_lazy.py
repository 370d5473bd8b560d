"""`FileTexts`: the sentences of many corpus files, read from the files on demand.

A corpus of shard files (a folder, a glob, a ``datasets`` folder) is read once to count each file's
sentences (and number its documents); afterwards a slice of sentences re-reads only the files it
covers, so memory holds one file's sentences, not the corpus's (an embedding run reads its corpus a
shard of sentences at a time). The last file read is kept for the next slice.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import overload

import numpy as np

from ..errors import CtxvecError


class FileTexts(Sequence[str]):
    """Sentences (n_sentences,) of `files` in order, file i holding `counts[i]` of them, which
    `read(file)` returns (the same list each time: a file that changes after counting is an error)."""

    def __init__(self, files: Sequence[Path], counts: Sequence[int], read: Callable[[Path], list[str]]):
        self.files = list(files)
        self.read = read
        self.starts = np.r_[0, np.cumsum(np.asarray(counts, dtype=np.int64))].astype(np.int64)
        self._kept: tuple[int, list[str]] | None = None

    def __len__(self) -> int:
        return int(self.starts[-1])

    def _file(self, i: int) -> list[str]:
        if self._kept is None or self._kept[0] != i:
            texts = self.read(self.files[i])
            expected = int(self.starts[i + 1] - self.starts[i])
            if len(texts) != expected:
                raise CtxvecError(
                    f"{self.files[i]} changed while the corpus was read ({expected} sentences, now {len(texts)}); "
                    "do not change the corpus files during a run"
                )
            self._kept = (i, texts)
        return self._kept[1]

    def _locate(self, row: int) -> int:
        return int(np.searchsorted(self.starts, row, side="right") - 1)

    @overload
    def __getitem__(self, key: int) -> str: ...

    @overload
    def __getitem__(self, key: slice) -> list[str]: ...

    def __getitem__(self, key: int | slice) -> str | list[str]:
        n = len(self)
        if isinstance(key, slice):
            a, b, step = key.indices(n)
            if step != 1:
                return [self[i] for i in range(a, b, step)]
            out: list[str] = []
            while a < b:
                f = self._locate(a)
                stop = min(b, int(self.starts[f + 1]))
                out += self._file(f)[a - int(self.starts[f]) : stop - int(self.starts[f])]
                a = stop
            return out
        i = operator.index(key)
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(f"sentence {key} out of range ({n} sentences)")
        f = self._locate(i)
        return self._file(f)[i - int(self.starts[f])]

    def __iter__(self) -> Iterator[str]:
        for f in range(len(self.files)):
            if self.starts[f + 1] > self.starts[f]:
                yield from self._file(f)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable-looking sequence, as list

    def __repr__(self) -> str:
        return f"FileTexts({len(self)} sentences in {len(self.files)} files)"
