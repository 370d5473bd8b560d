"""`MapWidget`: a projection's occurrence map in a notebook (anywidget), with the selection sent back to Python.

Drag a box over points (shift adds), click a point to toggle it; `widget.selected` holds the selected
points' indices (Python may set it too, to highlight points) and `widget.selected_rows` their store rows.
The drawing is `map_widget.js` beside this module (an ES module, no network). Needs the `notebook`
extra (`anywidget`); nothing else in ctxvec imports this module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import anywidget
import traitlets

from ._html import projection_data

if TYPE_CHECKING:
    from ..structure import Projection

ESM = Path(__file__).with_name("map_widget.js")


class MapWidget(anywidget.AnyWidget):
    """The map of `projection` (`ctxvec.structure.project_words`, `senses_projection`, ...):
    `width` x `height` pixels; `data` is what the page draws (`projection_data`)."""

    _esm = ESM
    data = traitlets.Dict().tag(sync=True)
    title = traitlets.Unicode("").tag(sync=True)
    width = traitlets.Int(700).tag(sync=True)
    height = traitlets.Int(500).tag(sync=True)
    #: indices of the selected points (into the projection's points), sorted; set by the page or by Python
    selected = traitlets.List(traitlets.Int()).tag(sync=True)
    #: store rows of the selected points (follows `selected`; not sent to the page)
    selected_rows = traitlets.List(traitlets.Int(), read_only=True)

    def __init__(self, projection: Projection, width: int = 700, height: int = 500, title: str | None = None) -> None:
        self.projection = projection
        super().__init__(
            data=projection_data(projection, width, height),
            title=title or projection.title(),
            width=width,
            height=height,
        )

    @traitlets.validate("selected")
    def _valid_selection(self, proposal: dict[str, Any]) -> list[int]:
        chosen = sorted(set(proposal["value"]))
        n = len(self.projection)
        bad = [i for i in chosen if not 0 <= i < n]
        if bad:
            raise traitlets.TraitError(f"selected points {bad[:5]} are out of range; the map has {n} points")
        return chosen

    @traitlets.observe("selected")
    def _follow_selection(self, change: dict[str, Any]) -> None:
        rows = self.projection.rows
        self.set_trait("selected_rows", [int(rows[i]) for i in change["new"]])

    def selection(self) -> list[dict[str, Any]]:
        """The selected points as in `Projection.to_dict()["points"]`: x, y, group, token, row, sentence."""
        points = self.projection.to_dict()["points"]
        return [points[i] for i in self.selected]
