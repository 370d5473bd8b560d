"""What every public result shares: it turns itself into plain JSON data with `to_dict()`.

The CLI's ``--json`` prints exactly ``result.to_dict()`` and the web explorer answers with it, so
`to_dict` returns only str/int/float/bool/None, lists and dicts (`jsonable` converts numpy values).
"""

from __future__ import annotations

import json
import math
from abc import ABC, abstractmethod
from typing import Any

import numpy as np

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
    """Base of public result dataclasses."""

    @abstractmethod
    def to_dict(self) -> JSON:
        """Plain JSON data: what ``--json`` prints and the web API answers."""

    def to_json(self, indent: int | None = 2) -> str:
        """`to_dict()` as a JSON string."""
        return json.dumps(jsonable(self.to_dict()), ensure_ascii=False, indent=indent)
