"""The figure of `ctxvec.space.LayerIsotropy`: the main isotropy figures against the layer."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._io import atomic_path
from ..errors import CtxvecError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..space import LayerIsotropy

PLOT_SERIES = (
    ("mean_cosine", "mean cosine (random pairs)"),
    ("self_similarity", "self-similarity"),
    ("intra_sentence_similarity", "intra-sentence similarity"),
    ("mev", "max. explainable variance"),
    ("isoscore", "IsoScore"),
)


def layers_figure(result: LayerIsotropy, title: str | None = None) -> Figure:
    """Line plot of the main figures against the layer (Ethayarajh 2019 style), 8 x 4.5 inches."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5))
    ax = fig.add_subplot()
    for name, label in PLOT_SERIES:
        ax.plot(result.layers, result.series(name), marker="o", label=label)
    ax.set_xlabel("layer (0 = input embeddings)")
    ax.set_ylabel("value")
    ax.set_xticks(result.layers)
    ax.set_ylim(-0.05, 1.05)
    ax.grid(alpha=0.3)
    ax.set_title(title or f"{result.model}: {result.n_sentences} sentences, {result.n_rows} words", fontsize=10)
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def plot_layers(result: LayerIsotropy, path: str | os.PathLike[str], title: str | None = None) -> Path:
    """`layers_figure` of `result` saved at `path` (format from the suffix, PNG by default; 960 x 540
    pixels), atomically."""
    path = Path(path)
    fig = layers_figure(result, title)
    try:
        with atomic_path(path, suffix=path.suffix) as tmp:
            fig.savefig(tmp, dpi=120, format=path.suffix[1:].lower() or "png")
    except OSError as e:
        raise CtxvecError(f"cannot write the plot to {path} ({e.strerror}); choose a writable path") from None
    return path
