"""Group colours shared by the static figures and the interactive page."""

from __future__ import annotations

OTHER_COLOR = "#c8c8c8"
PALETTE = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354", "#756bb1", "#636363",
]  # fmt: skip


def group_colors(names: list[str]) -> dict[str, str]:
    """A colour for each group name ("other" and a word's occurrences "not placed" in a sense grey),
    stable in the order given."""
    colors, i = {}, 0
    for name in names:
        if name == "other" or name.endswith(": not placed"):
            colors[name] = OTHER_COLOR
        else:
            colors[name] = PALETTE[i % len(PALETTE)]
            i += 1
    return colors
