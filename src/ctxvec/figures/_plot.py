"""Figures: projections, sense maps, dimension statistics and heat maps (matplotlib).

Every `plot_*` function returns a matplotlib `Figure` (restyle it in a notebook, or pass it to
`save_figure`, which writes PNG/SVG/PDF from the file suffix at an exact pixel size, atomically).
matplotlib is imported where a figure is drawn, so computing a projection never loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .._io import atomic_path
from ..errors import CtxvecError
from ._colors import group_colors
from ._labels import place_labels
from ._names import FIGURE_SUFFIXES

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..space import DimStats, Heatmap
    from ..structure import Projection


def _new_axes(ax: Axes | None, figsize: tuple[float, float] = (9, 6.5)) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure

    if ax is not None:
        fig = ax.get_figure()
        assert fig is not None
        return fig, ax  # type: ignore[return-value]
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def plot_projection(
    proj: Projection, ax: Axes | None = None, title: str | None = None, annotate: bool | None = None
) -> Figure:
    """Scatter of a `Projection`, one colour per group, each group labelled at its median point.

    annotate: write every point's token next to it (default: for word types when at most 150 points).
    """
    import matplotlib.patheffects as pe

    fig, ax = _new_axes(ax)
    names = proj.group_names
    colors = group_colors(names)
    n = len(proj)
    size = float(np.clip(20000 / max(n, 1), 8, 50))
    outline = [pe.withStroke(linewidth=3, foreground="white")]
    for name in sorted(names, key=lambda g: g != "other"):  # "other" first, underneath
        m = proj.groups == name
        alpha = 0.45 if name == "other" else 0.75
        label = f"{name} ({int(m.sum())})"
        ax.scatter(proj.coords[m, 0], proj.coords[m, 1], s=size, c=colors[name], alpha=alpha, linewidths=0, label=label)
    if annotate is None:
        annotate = proj.level == "types" and n <= 150
    if annotate:
        place_labels(ax, proj.coords, [str(t) for t in proj.tokens], fontsize=7, path_effects=outline)
    elif len(names) <= 24:
        shown = [name for name in names if name != "other"]
        centres = np.array([np.median(proj.coords[proj.groups == name], axis=0) for name in shown]).reshape(-1, 2)
        place_labels(ax, centres, shown, colors=[colors[n] for n in shown], center=True, fontsize=10, weight="bold",
                     path_effects=outline)  # fmt: skip
    for i, q in enumerate(proj.queries):  # new sentences placed in the map: black stars, labelled
        star = "new sentence" if i == 0 else None
        ax.scatter([q.x], [q.y], s=220, marker="*", c="black", edgecolors="white", linewidths=1, zorder=5, label=star)
    if proj.queries:
        place_labels(ax, np.array([[q.x, q.y] for q in proj.queries]), [f"“{q.token}” (new)" for q in proj.queries],
                     offset=(6.0, 6.0), fontsize=9, weight="bold", path_effects=outline)  # fmt: skip
    ax.set_title(title or proj.title())
    ax.margins(0.06)
    ax.set_xticks([])
    ax.set_yticks([])
    if len(names) <= 24:
        ax.legend(loc="best", fontsize=8, markerscale=1.5, frameon=True, framealpha=0.8)
    return fig


def plot_dims(stats: DimStats, title: str | None = None, n_top: int = 40) -> Figure:
    """The dimensions that matter, readably: the `n_top` contributing most to the mean cosine (bars,
    sorted, rogue ones red, each labelled with its number), their mean ± std, the cumulative share of
    the mean cosine over all dimensions sorted, and a panel of the key numbers."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12, 7), layout="constrained")
    grid = fig.add_gridspec(2, 2, width_ratios=[3, 1.25], height_ratios=[1, 1])
    top, bottom = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0])
    curve, panel = fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1])
    n_top = min(n_top, stats.dim)
    order = np.argsort(-np.abs(stats.contribution), kind="stable")
    shown = order[:n_top]
    rogue = np.isin(shown, stats.rogue)
    colors = np.where(rogue, "#d62728", "#1f77b4")
    x = np.arange(n_top)
    top.bar(x, stats.contribution[shown], width=0.8, color=colors)
    top.set_ylabel("contribution to the\nmean cosine", fontsize=11)
    top.set_title(f"the {n_top} dimensions contributing most (of {stats.dim}), largest first", fontsize=12)
    std = np.sqrt(stats.var[shown])
    bottom.errorbar(x, stats.mean[shown], yerr=std, fmt="none", ecolor="#9ab", lw=2)
    bottom.scatter(x, stats.mean[shown], c=colors, s=24, zorder=3)
    bottom.axhline(0, color="black", lw=0.6)
    bottom.set_ylabel("value: mean ± std", fontsize=11)
    bottom.set_xlabel("dimension (red: rogue)", fontsize=11)
    for ax in (top, bottom):
        ax.set_xticks(x, [str(int(d)) for d in shown], fontsize=9, rotation=90)
        ax.set_xlim(-0.7, n_top - 0.3)
        ax.tick_params(axis="y", labelsize=10)
        for label, is_rogue in zip(ax.get_xticklabels(), rogue, strict=True):
            if is_rogue:
                label.set_color("#d62728")
                label.set_fontweight("bold")
    share = np.abs(stats.contribution[order])
    cumulative = np.cumsum(share) / max(share.sum(), 1e-30)
    curve.plot(np.arange(1, stats.dim + 1), cumulative, color="#1f77b4", lw=2)
    half = int(np.searchsorted(cumulative, 0.5)) + 1
    curve.axhline(0.5, color="0.6", lw=0.8, ls="--")
    curve.axvline(half, color="0.6", lw=0.8, ls="--")
    curve.set_title("share of the mean cosine", fontsize=12)
    curve.set_xlabel("top dimensions (cumulative)", fontsize=11)
    curve.tick_params(labelsize=10)
    curve.set_ylim(0, 1.02)
    panel.axis("off")
    top10 = float(share[:10].sum() / max(share.sum(), 1e-30))
    rogue_text = ", ".join(str(int(r)) for r in stats.rogue[:6]) or "none"
    lines = [
        ("vectors", f"{stats.n_rows:,}"),
        ("dimensions", f"{stats.dim}"),
        ("mean cosine", f"{stats.mean_cosine:.4f}"),
        ("rogue dimensions", rogue_text),
        ("rogue share", f"{float(stats.share[stats.rogue].sum()):.0%}" if len(stats.rogue) else "-"),
        ("top 10 dims", f"{top10:.0%}"),
        ("50% of it in", f"{half} dims"),
    ]
    for i, (name, value) in enumerate(lines):
        y = 0.95 - i * 0.135
        panel.text(0.0, y, name, fontsize=11, color="0.35", transform=panel.transAxes, va="top")
        panel.text(1.0, y, value, fontsize=12, weight="bold", ha="right", transform=panel.transAxes, va="top")
    fig.suptitle(title or f"Dimensions of {stats.n_rows:,} vectors", fontsize=14)
    return fig


def plot_heatmap(
    heat: Heatmap, ax: Axes | None = None, title: str | None = None, clip_percentile: float = 99.0
) -> Figure:
    """Heat map of word vectors (rows) by dimension (columns, in `heat.order`), diverging colours centred on 0.

    The colour range is clipped at the `clip_percentile` of |values|, so rogue dimensions saturate
    instead of washing out every other dimension; rogue columns are marked with a red triangle and label.
    """
    fig, ax = _new_axes(ax, figsize=(12, 1.4 + 0.34 * len(heat.labels)))
    vmax = float(np.percentile(np.abs(heat.values), clip_percentile)) or 1.0
    im = ax.imshow(heat.values, aspect="auto", cmap="RdBu_r", vmin=-vmax, vmax=vmax, interpolation="nearest")
    ax.set_yticks(np.arange(len(heat.labels)), heat.labels, fontsize=10)
    cols = {int(d): i for i, d in enumerate(heat.dims)}
    rogue = set(heat.rogue.tolist())
    if len(heat.dims) <= 96:
        size = 9 if len(heat.dims) <= 60 else 7
        ax.set_xticks(np.arange(len(heat.dims)), [str(int(d)) for d in heat.dims], fontsize=size, rotation=90)
        for label, d in zip(ax.get_xticklabels(), heat.dims, strict=True):
            if int(d) in rogue:
                label.set_color("#d62728")
                label.set_fontweight("bold")
    else:
        ticks = [t for t in ax.get_xticks() if 0 <= t < len(heat.dims)]
        ax.set_xticks(ticks, [str(int(heat.dims[int(t)])) for t in ticks])
    marks = [cols[int(r)] for r in heat.rogue if int(r) in cols]
    if marks:
        ax.plot(
            marks, [1.0] * len(marks), "v", color="#d62728", ms=7, clip_on=False, transform=ax.get_xaxis_transform()
        )
    rogue_text = f"; rogue in red: {', '.join(str(int(r)) for r in heat.rogue[:8])}" if len(heat.rogue) else ""
    how = {"cluster": "clustered by correlation", "spread": "by decreasing spread", "index": "by number"}[heat.order]
    ax.set_xlabel(f"dimension ({how}{rogue_text})", fontsize=11)
    total = heat.n_dims or heat.values.shape[1]
    shown = (
        f"all {total} dimensions"
        if len(heat.dims) == total
        else f"the {len(heat.dims)} of {total} dimensions that differ most across these rows"
    )
    ax.set_title(title or f"{heat.kind} vectors: {shown}", fontsize=13)
    bar = fig.colorbar(im, ax=ax, fraction=0.03, pad=0.01)
    bar.ax.tick_params(labelsize=9)
    return fig


def save_figure(fig: Figure, path: str | Path, width: int = 1200, height: int = 800, dpi: int = 100) -> Path:
    """Write `fig` to `path` (format from the suffix: .png, .svg, .pdf) at exactly `width` x `height` pixels.

    The file appears only when complete (written under a temporary name, then renamed)."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FIGURE_SUFFIXES:
        raise CtxvecError(f"cannot write a figure to {p}; use a .png, .svg or .pdf file name")
    if width < 50 or height < 50:
        raise CtxvecError(f"figure size {width}x{height} is too small; use at least 50x50 pixels")
    fig.set_size_inches(width / dpi, height / dpi)
    p.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(p, suffix=suffix) as tmp:
        fig.savefig(tmp, dpi=dpi, format=suffix[1:])
    return p
