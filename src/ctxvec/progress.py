"""Progress bars: rate and ETA on a terminal, silent otherwise or when asked to be quiet."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rich.progress import Progress, Task, TaskID


class Bar(Protocol):
    """A progress bar: `advance(n)` moves it `n` units on; `note(text)` shows a short status after it."""

    def advance(self, n: int) -> None: ...

    def note(self, text: str) -> None: ...


class _Silent:
    def advance(self, n: int) -> None:
        pass

    def note(self, text: str) -> None:
        pass


class _RichBar:
    def __init__(self, progress: Progress, task: TaskID):
        self._progress = progress
        self._task = task

    def advance(self, n: int) -> None:
        self._progress.advance(self._task, n)

    def note(self, text: str) -> None:
        self._progress.update(self._task, note=text)


@contextmanager
def progress_bar(description: str, total: int, unit: str = "it", quiet: bool = False) -> Iterator[Bar]:
    """A bar counting to `total` `unit`s on stderr; no output when quiet or stderr is no terminal."""
    if quiet or not sys.stderr.isatty():
        yield _Silent()
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        ProgressColumn,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task: Task) -> Text:
            speed = task.speed
            return Text(f"{speed:,.0f} {unit}/s" if speed else f"? {unit}/s")

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}"),
    )
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        task = progress.add_task(description, total=total, note="")
        yield _RichBar(progress, task)
