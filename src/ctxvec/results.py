"""What every public result shares: it turns itself into plain JSON data with `to_dict()`.

The CLI's ``--json`` prints exactly ``result.to_dict()`` and the web explorer answers with it, so
`to_dict` returns only str/int/float/bool/None, lists and dicts (`jsonable` converts numpy values).
A notebook sees the same data (`ctxvec.display`): `to_frame()` in long format, `_repr_html_`, `str`,
and indexing into the result's nested lists (`frame_path`: its queries, then each query's hits).
"""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from .display import Entry

JSON = dict[str, Any]


def jsonable(value: Any) -> Any:
    """`value` with numpy scalars/arrays, tuples and non-finite floats made plain JSON data
    (NaN and infinities become None, as JSON has no such numbers)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


class Result(ABC):
    """Base of public result dataclasses.

    `frame_path` names the nested lists of records in `to_dict()` that are the result's rows,
    outermost first (``("queries", "hits")``); None reads the first list of records there is.
    """

    frame_path: ClassVar[tuple[str, ...] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # IPython takes the first of `_repr_pretty_` / `__repr__` along the class's MRO, and every
        # dataclass defines its own `__repr__`: each subclass states its `_repr_pretty_` itself.
        super().__init_subclass__(**kwargs)
        cls._repr_pretty_ = Result._repr_pretty_  # type: ignore[method-assign]

    @abstractmethod
    def to_dict(self) -> JSON:
        """Plain JSON data: what ``--json`` prints and the web API answers."""

    def to_json(self, indent: int | None = 2) -> str:
        """`to_dict()` as a JSON string."""
        return json.dumps(jsonable(self.to_dict()), ensure_ascii=False, indent=indent)

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame in long format: one row per record of `frame_path` (a hit: its query's
        index and fields as ``query``, ``query.token``, ..., then ``rank`` from 1 and its own fields),
        nested objects as dotted columns, lists whole; the other top-level fields in ``frame.attrs``.
        A result with no records gives one row per field (``field``, ``value``). Needs pandas."""
        from .display import flatten, long_frame

        data = self._json()
        return long_frame(flatten(data, self._path(data)))

    def __getitem__(self, index: int | slice) -> Entry:
        """An item of the result's records (a query with its hits, a sense, an answer), or a slice."""
        from .display import Entry

        data = self._json()
        path = self._path(data)
        if not path:
            raise TypeError(f"{type(self).__name__} has no items to index; see .to_dict() or .to_frame()")
        return Entry(data, path, type(self).__name__)[index]

    def __iter__(self) -> Iterator[Entry]:
        """The result's items in order (see `__getitem__`)."""
        from .display import Entry

        data = self._json()
        path = self._path(data)
        if not path:
            raise TypeError(f"{type(self).__name__} has no items to iterate; see .to_dict() or .to_frame()")
        return iter(Entry(data, path, type(self).__name__))

    def _repr_html_(self) -> str:
        """The notebook's view: fields, then tables (keyword in context, bars), escaped and truncated."""
        from .display import to_html

        data = self._json()
        return to_html(type(self).__name__, data, self._path(data))

    def __str__(self) -> str:
        """The same view as text."""
        from .display import to_text

        data = self._json()
        return to_text(type(self).__name__, data, self._path(data))

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        """IPython's plain-text view: `str(self)`."""
        p.text(str(self))

    def _json(self) -> JSON:
        data = jsonable(self.to_dict())
        return data if isinstance(data, dict) else {"value": data}

    def _path(self, data: JSON) -> tuple[str, ...]:
        from .display import result_path

        return result_path(data, self.frame_path)
