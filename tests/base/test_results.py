"""ctxvec.results and ctxvec.errors: plain JSON out of numpy values; parameter errors rendered per front end."""

from __future__ import annotations

import json
from dataclasses import dataclass

import numpy as np
import pytest

from ctxvec.errors import CtxvecError, ParameterError
from ctxvec.results import Result, jsonable


def test_jsonable_converts_numpy_and_non_finite_values() -> None:
    data = {"a": np.arange(3), "b": np.float32(0.5), "c": (np.int64(2), float("nan")), 3: -np.inf}
    assert jsonable(data) == {"a": [0, 1, 2], "b": 0.5, "c": [2, None], "3": None}
    json.dumps(jsonable(data), allow_nan=False)


def test_a_result_serialises_itself() -> None:
    @dataclass
    class R(Result):
        x: np.ndarray

        def to_dict(self) -> dict[str, object]:
            return {"x": self.x}

    assert json.loads(R(np.array([1.5])).to_json()) == {"x": [1.5]}
    with pytest.raises(TypeError):
        Result()  # type: ignore[abstract]


def test_parameter_error_names_the_parameter_for_each_front_end() -> None:
    e = ParameterError("max_terms", "{name} must be at least 1, got -1")
    assert str(e) == "max_terms must be at least 1, got -1"
    assert e.message_for("--max-terms") == "--max-terms must be at least 1, got -1"
    assert isinstance(e, CtxvecError) and isinstance(e, ValueError)
