"""Plots written to files: a projection as a static figure or an interactive page, and the workflows
the `plot` and `senses -o` commands run (compute, draw, write; the result says what was written).

Every file is written under a temporary name and renamed when complete, so a failed or interrupted
plot leaves the old file or none, never half of one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .._io import atomic_open, check_output_path
from ..errors import CtxvecError, ParameterError
from ..results import JSON, Result
from ..store import Store
from ._html import projection_html
from ._names import METHOD_NAMES, METHODS, PAGE_SUFFIXES, PLOT_SUFFIXES
from ._plot import plot_projection, save_figure
from ._project import DEFAULT_OPTIONS, Projection, ProjectionOptions, project_words, senses_projection
from ._senses import DEFAULT_RULE, SenseRule, Senses
from ._word_senses import word_senses


def check_plot_path(path: str | Path) -> Path:
    """`path` as a Path if its suffix is one `save_projection` writes (.png .svg .pdf .html), else CtxvecError."""
    p = Path(path)
    if p.suffix.lower() not in PLOT_SUFFIXES:
        raise CtxvecError(f"cannot write a plot to {p}; use a .png, .svg, .pdf or .html file name")
    return check_output_path(p, "file", overwrite=True)


def save_projection(
    proj: Projection, path: str | Path, width: int = 1200, height: int = 800, title: str | None = None
) -> Path:
    """Write `proj` to `path`: an interactive page for .html, else a static figure (.png, .svg, .pdf)
    of `width` x `height` pixels; returns the path."""
    p = check_plot_path(path)
    if p.suffix.lower() in PAGE_SUFFIXES:
        page = projection_html(proj, title, width=width, height=height)
        p.parent.mkdir(parents=True, exist_ok=True)
        with atomic_open(p) as f:
            f.write(page)
        return p
    return save_figure(plot_projection(proj, title=title), p, width, height)


@dataclass
class SavedPlot(Result):
    """A `projection` written to `path` (a `width` x `height` image, or an HTML page)."""

    path: Path
    projection: Projection
    width: int
    height: int

    def to_dict(self) -> JSON:
        """The file written (``output``) and the projection's points."""
        return {"output": str(self.path), **self.projection.to_dict()}


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise ParameterError("method", f"unknown projection {{name}} {method!r}; use one of {', '.join(METHODS)}")


def write_word_plot(
    store: Store,
    words: list[str] | tuple[str, ...],
    path: str | Path,
    *,
    method: str = "pca",
    level: str = "occurrences",
    color: str = "word",
    max_points: int = 3000,
    neighbors: int = 10,
    min_count: int = 3,
    width: int = 1200,
    height: int = 800,
    title: str | None = None,
    seed: int = 0,
    options: ProjectionOptions = DEFAULT_OPTIONS,
    in_sentence: str | None = None,
    word: str | None = None,
    where: str | None = None,
) -> SavedPlot:
    """`project_words` of `store` (same parameters, a new sentence's occurrence included) written to `path` by `save_projection`
    (`title` None: method, level and sampling)."""
    p = check_plot_path(path)
    proj = project_words(
        store,
        words,
        method=method,
        level=level,
        color=color,
        max_points=max_points,
        neighbors=neighbors,
        min_count=min_count,
        seed=seed,
        options=options,
        in_sentence=in_sentence,
        word=word,
        where=where,
    )
    return SavedPlot(save_projection(proj, p, width, height, title), proj, width, height)


@dataclass
class SenseMap(Result):
    """The `senses` of a word and the map of their occurrences coloured by sense (`plot`)."""

    senses: Senses
    plot: SavedPlot

    def to_dict(self) -> JSON:
        """The senses (as `Senses.to_dict`) and the file written (``output``)."""
        return {**self.senses.to_dict(), "output": str(self.plot.path)}


def write_sense_map(
    store: Store,
    word: str,
    path: str | Path,
    k: int | None = None,
    *,
    rule: SenseRule = DEFAULT_RULE,
    n_sentences: int = 3,
    n_words: int = 8,
    min_count: int = 3,
    max_occurrences: int | None = 2000,
    method: str = "pca",
    width: int = 1200,
    height: int = 800,
    seed: int = 0,
    options: ProjectionOptions = DEFAULT_OPTIONS,
    rows: list[int] | tuple[int, ...] | None = None,
    wordnet: bool = True,
    where: str | None = None,
) -> SenseMap:
    """`word_senses` of `word` (same parameters) and their `senses_projection` by `method`, written to `path`."""
    p = check_plot_path(path)
    _check_method(method)
    senses = word_senses(
        store,
        word,
        k,
        rule=rule,
        n_sentences=n_sentences,
        n_words=n_words,
        min_count=min_count,
        max_occurrences=max_occurrences,
        seed=seed,
        rows=rows,
        wordnet=wordnet,
        where=where,
    )
    proj = senses_projection(store, senses, method=method, seed=seed, options=options)
    title = f"Senses of '{senses.word}': {len(senses.rows):,} occurrences, {METHOD_NAMES[method]}"
    title += f" ({proj.note})" if proj.note else ""
    return SenseMap(senses, SavedPlot(save_projection(proj, p, width, height, title), proj, width, height))
