"""Text labels that never overlap: a small deterministic label repel for matplotlib axes.

Every label wants to sit just above-right of its point (or centred on it). Its box is measured in
display pixels at draw time (so the layout is right at the figure's final size); then, label by label,
each takes the nearest spot around where it wanted to be that overlaps no label placed before it and
stays inside the axes (`separate_boxes`). Labels that end far from their point get a thin leader
line. Same input, same layout (no randomness).
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.text import Annotation

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PAD = 1.0  # pixels kept between two boxes
LEADER_PX = 12.0  # a label further than this from its point gets a leader line


@lru_cache(maxsize=256)
def _ring_shifts(first: int, last: int, step: float) -> np.ndarray:
    """(m, 2) pixel shifts on rings `first`..`last` - 1 of radius ring * `step` (ring 0: no shift),
    ring by ring, each ring from straight up round; deterministic."""
    shifts = [np.zeros((1, 2))] if first == 0 else []
    for ring in range(max(first, 1), last):
        count = 8 * ring
        ang = np.pi / 2 + 2 * np.pi * np.arange(count) / count
        shifts.append(ring * step * np.column_stack([np.cos(ang), np.sin(ang)]))
    return np.concatenate(shifts) if shifts else np.zeros((0, 2))


def _free_spot(
    lo: np.ndarray, size: np.ndarray, placed: np.ndarray, bounds: tuple[float, float, float, float], pad: float,
    step: float,
) -> np.ndarray:  # fmt: skip
    """The nearest lower-left corner to `lo` (2,) for a box of `size` (2,) overlapping no `placed` box
    (p, 4) and inside `bounds`; `lo` itself when there is no such spot."""
    x0, y0, x1, y1 = bounds
    w, h = size
    n_rings = int(np.hypot(x1 - x0, y1 - y0) / step) + 2
    for first in range(0, n_rings, 16):
        last = min(first + 16, n_rings)
        cand = lo + _ring_shifts(first, last, step)
        ok = (cand[:, 0] >= x0 - 1e-9) & (cand[:, 1] >= y0 - 1e-9)
        ok &= (cand[:, 0] + w <= x1 + 1e-9) & (cand[:, 1] + h <= y1 + 1e-9)
        reach = last * step + pad
        near = placed[
            (placed[:, 2] > lo[0] - reach) & (placed[:, 0] < lo[0] + w + reach)
            & (placed[:, 3] > lo[1] - reach) & (placed[:, 1] < lo[1] + h + reach)
        ]  # fmt: skip
        cand_ok = cand[ok]
        if len(near) and len(cand_ok):
            ox = np.minimum(cand_ok[:, None, 0] + w, near[None, :, 2]) - np.maximum(
                cand_ok[:, None, 0], near[None, :, 0]
            )
            oy = np.minimum(cand_ok[:, None, 1] + h, near[None, :, 3]) - np.maximum(
                cand_ok[:, None, 1], near[None, :, 1]
            )
            ok[np.flatnonzero(ok)] = ~((ox > -pad) & (oy > -pad)).any(axis=1)
        hits = np.flatnonzero(ok)
        if len(hits):
            return np.asarray(cand[hits[0]])
    return lo


def separate_boxes(
    boxes: np.ndarray, bounds: tuple[float, float, float, float], pad: float = PAD, step: float = 3.0
) -> np.ndarray:
    """Boxes (n, 4) as (x0, y0, x1, y1) pixels moved so that no two overlap, inside `bounds`
    (x0, y0, x1, y1) where room allows. Greedy and deterministic: in order, each box takes the nearest
    free spot on rings of `step` pixels around where it wanted to be. Returns the moved boxes (n, 4)."""
    b = np.asarray(boxes, dtype=np.float64)
    out = b.copy()
    x0, y0, x1, y1 = bounds
    for i in range(len(b)):
        size = b[i, 2:] - b[i, :2]
        lo = np.array([min(max(b[i, 0], x0), max(x0, x1 - size[0])), min(max(b[i, 1], y0), max(y0, y1 - size[1]))])
        pick = _free_spot(lo, size, out[:i], bounds, pad, step)
        out[i] = (pick[0], pick[1], pick[0] + size[0], pick[1] + size[1])
    return out


class LabelLayer(Artist):
    """An artist holding annotations of points of `ax` (`labels`) that it lays out without overlaps
    (`separate_boxes`) each time it is drawn, at the figure's final pixel size."""

    def __init__(
        self,
        ax: Axes,
        points: np.ndarray,
        texts: list[str],
        offset: tuple[float, float],
        style: dict[str, Any],
        colors: list[str] | None = None,
        center: bool = False,
    ) -> None:
        super().__init__()
        self.ax = ax
        self.offset = offset
        self.center = center
        leader = {"arrowstyle": "-", "lw": 0.6, "color": "0.45", "shrinkA": 0, "shrinkB": 2}
        self.labels = []
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        for i, ((x, y), t) in enumerate(zip(pts, texts, strict=True)):
            color: dict[str, Any] = {} if colors is None else {"color": colors[i]}
            label = Annotation(t, (float(x), float(y)), xytext=(0, 0), textcoords="offset pixels", ha="left",
                               va="bottom", arrowprops=leader, **style, **color)  # fmt: skip
            label.set_figure(ax.figure)
            label.axes = ax
            label.set_in_layout(False)
            self.labels.append(label)
        self.set_in_layout(False)
        self.set_zorder(4)

    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or not self.labels:
            return
        self.layout(renderer)
        for label in self.labels:
            label.draw(renderer)

    def layout(self, renderer: Any) -> None:
        """Move the labels so that none overlaps another, for `renderer`'s pixel sizes."""
        fig = self.ax.get_figure()
        assert fig is not None
        scale = fig.dpi / 72.0
        off = np.asarray(self.offset) * scale
        anchors = np.array([self.ax.transData.transform(label.xy) for label in self.labels])
        sizes = []
        for label in self.labels:
            label.xyann = (0.0, 0.0)
            e = label.get_window_extent(renderer)
            sizes.append((e.width, e.height))
        start = anchors - np.asarray(sizes) / 2 if self.center else anchors + off
        boxes = np.column_stack([start, start + np.asarray(sizes)])
        frame = self.ax.get_window_extent(renderer)
        moved = separate_boxes(boxes, (frame.x0, frame.y0, frame.x1, frame.y1))
        for label, anchor, begin, box in zip(self.labels, anchors, start, moved, strict=True):
            shift = box[:2] - anchor
            label.xyann = (float(shift[0]), float(shift[1]))
            if label.arrow_patch is not None:
                label.arrow_patch.set_visible(bool(np.hypot(*(box[:2] - begin)) > LEADER_PX * scale))


def place_labels(
    ax: Axes,
    points: np.ndarray,
    texts: list[str],
    *,
    offset: tuple[float, float] = (3.0, 2.0),
    colors: list[str] | None = None,
    center: bool = False,
    **style: Any,
) -> LabelLayer:
    """Write `texts` next to `points` (n, 2) in data coordinates of `ax` (`offset` points above-right,
    or centred on them), no two labels overlapping (`LabelLayer`); `colors` one per label; `style` goes
    to every `Annotation` (fontsize, weight, path_effects, ...)."""
    layer = LabelLayer(ax, points, texts, offset, style, colors, center)
    ax.add_artist(layer)
    return layer
