"""A figure of one word's shift for papers: the occurrences' map coloured by side, and the senses' shares."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ._plot import save_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ..shift import WordShift

SIDE_COLORS = ("#1f77b4", "#d95f02")


def _short(side: str) -> str:
    """A side's name for a legend: a store's folder name, or the filter as given."""
    return Path(side).name if Path(side).is_dir() else side


def _sense_name(shift: WordShift, s: int) -> str:
    sense = shift.senses[s]
    label = sense.wordnet.synset if sense.wordnet is not None and sense.wordnet.match else f"sense {s + 1}"
    return label + {"emerged": " (new)", "vanished": " (gone)"}.get(sense.status, "")


def shift_figure(shift: WordShift) -> Figure:
    """`shift` as a two-panel figure: left, the PCA map of the occurrences used, coloured by side; right,
    each sense's share on each side. The title states the measures."""
    from matplotlib.figure import Figure

    fig = Figure()
    ax_map, ax_bar = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.1, 1]})
    na = len(shift.rows_a)
    is_b = np.arange(len(shift.labels)) >= na
    markers = "os^Dv<>p*h"
    for side, (mask, name) in enumerate(((~is_b, _short(shift.side_a)), (is_b, _short(shift.side_b)))):
        for s in range(len(shift.senses)):
            pick = mask & (shift.labels == s)
            if pick.any():
                ax_map.scatter(
                    shift.xy[pick, 0],
                    shift.xy[pick, 1],
                    s=14,
                    alpha=0.6,
                    color=SIDE_COLORS[side],
                    marker=markers[s % len(markers)],
                    label=f"{name}: {_sense_name(shift, s)}",
                )
    ax_map.set_title(f"occurrences of {shift.word!r} (PCA), by side and sense", fontsize=10)
    ax_map.legend(fontsize=7, loc="best", frameon=False)
    ax_map.set_xticks([])
    ax_map.set_yticks([])
    k = len(shift.senses)
    x = np.arange(k)
    a_shares = [s.share_a for s in shift.senses]
    b_shares = [s.share_b for s in shift.senses]
    ax_bar.bar(x - 0.2, a_shares, 0.4, color=SIDE_COLORS[0], label=f"{_short(shift.side_a)} (n={shift.n_a:,})")
    ax_bar.bar(x + 0.2, b_shares, 0.4, color=SIDE_COLORS[1], label=f"{_short(shift.side_b)} (n={shift.n_b:,})")
    ax_bar.set_xticks(x, [_sense_name(shift, s) for s in range(k)], rotation=20, ha="right", fontsize=8)
    ax_bar.set_ylabel("share of the side's occurrences")
    ax_bar.set_ylim(0, 1.05)
    ax_bar.legend(fontsize=8, frameon=False)
    ax_bar.set_title("sense shares (senses clustered jointly)", fontsize=10)
    m = shift.measures
    fig.suptitle(
        f"{shift.word} ({shift.unit}): APD excess {m['excess'].value:.3f} (p={m['excess'].p_value:.3g}), "
        f"APD {m['apd'].value:.3f}, PRT {m['prt'].value:.3f}, JSD {m['jsd'].value:.3f} (base 2)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def plot_shift(shift: WordShift, path: str | Path, width: int = 1400, height: int = 600) -> Path:
    """Write `shift_figure(shift)` to `path` (.png, .svg, .pdf) at `width` x `height` pixels."""
    return save_figure(shift_figure(shift), path, width=width, height=height)
