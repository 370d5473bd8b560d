"""`Entry`: one item of a result (a query with its hits, one hit, one sense), or a slice of them.

Indexing a result gives entries: ``result[0]`` is its first query (or sense, or answer),
``result[0][0]`` that query's best hit, ``result[0]["token"]`` (or ``.token``) one of its fields;
``result[:3]`` the first three. Entries show themselves like results (`_repr_html_`, `str`,
`to_frame`, `to_dict`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, overload

from ._flatten import Record, flatten, singular

if TYPE_CHECKING:
    import pandas as pd


class Entry:
    """JSON `data` with the `path` of its nested lists of records (() for a single record); `numbers`
    the indices of its outermost items in the result when it is a slice (None: their positions)."""

    def __init__(self, data: Record, path: tuple[str, ...], name: str, numbers: list[int] | None = None):
        self._data, self._path, self._name, self._numbers = data, path, name, numbers

    @overload
    def __getitem__(self, key: int) -> Entry: ...

    @overload
    def __getitem__(self, key: slice) -> Entry: ...

    @overload
    def __getitem__(self, key: str) -> Any: ...

    def __getitem__(self, key: int | slice | str) -> Any:
        """A field (str key), one item (int) or the entry cut to some items (slice)."""
        if isinstance(key, str):
            return self._data[key]
        items = self._items()
        if isinstance(key, slice):
            return Entry({**self._data, self._path[0]: items[key]}, self._path, self._name, self._index()[key])
        if not isinstance(key, int):
            raise TypeError(f"index {self._name} with an int, a slice or a field name, not {type(key).__name__}")
        return Entry(items[key], self._path[1:], f"{singular(self._path[0])} {self._index()[key]}")

    def __getattr__(self, name: str) -> Any:
        data = self.__dict__.get("_data", {})
        if name.startswith("_") or name not in data:
            raise AttributeError(f"{self.__dict__.get('_name', 'entry')} has no field {name!r}")
        return data[name]

    def __iter__(self) -> Iterator[Entry]:
        """The items, in order (the hits of a query, the queries of a slice)."""
        items = self._items()  # first: a single record has none
        noun = singular(self._path[0])
        return (Entry(item, self._path[1:], f"{noun} {i}") for i, item in zip(self._index(), items, strict=True))

    def __len__(self) -> int:
        return len(self._items())

    def __bool__(self) -> bool:
        return True

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *self._data})

    def _items(self) -> list[Record]:
        if not self._path:
            raise TypeError(f"{self._name} has no items; read its fields (e.g. .to_dict())")
        value = self._data.get(self._path[0])
        return list(value) if isinstance(value, list) else []

    def _index(self) -> list[int]:
        """The indices of the items in the result."""
        return list(range(len(self._items()))) if self._numbers is None else self._numbers

    def keys(self) -> list[str]:
        """The field names."""
        return list(self._data)

    def to_dict(self) -> Record:
        """The entry's JSON."""
        return self._data

    def to_frame(self) -> pd.DataFrame:
        """The entry in long format (see `Result.to_frame`)."""
        from ._frame import long_frame

        return long_frame(flatten(self._data, self._path, self._numbers))

    def _repr_html_(self) -> str:
        from ._render import to_html

        return to_html(self._name, self._data, self._path, self._numbers)

    def __str__(self) -> str:
        from ._render import to_text

        return to_text(self._name, self._data, self._path, self._numbers)

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))
