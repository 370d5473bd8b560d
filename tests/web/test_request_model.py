"""`ctxvec.web.request_model`: the web's pydantic model derived from a command's declaration keeps
its types, bounds (the lower of `high` and `web_high`), switches, lists and option groups."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ctxvec.cli._params import STORE, Command, Opt


def model() -> type:
    from ctxvec.web import request_model

    command = Command(
        "demo",
        "a demo",
        required_groups=("how",),
        options=(
            STORE,
            Opt("k", int, 3, "neighbours", low=1, high=10, web_high=5),
            Opt("alpha", float, low=0, open_low=True, group="how", help="sparsity"),
            Opt("max_terms", int, low=1, group="how", help="terms"),
            Opt("normalize", bool, True, "unit length first"),
            Opt("words", many=True, default=(), help="words"),
            Opt("device", default="auto", local_only=True, help="a device"),
        ),
    )
    return request_model(command, ["a", "b"])


def test_types_bounds_and_defaults() -> None:
    m = model()
    q = m.model_validate({"alpha": "0.5", "words": ["x,y", "z"]})
    assert (q.k, q.alpha, q.normalize, q.words, q.store) == (3, 0.5, False, ["x", "y", "z"], None)  # type: ignore[attr-defined]
    assert m.model_validate({"max_terms": "2", "no_normalize": "1"}).normalize is True  # type: ignore[attr-defined]
    for bad in ({"alpha": "0"}, {"alpha": "nan"}, {"alpha": "x"}, {"max_terms": "2", "k": "6"}, {"max_terms": "0"}):
        with pytest.raises(ValidationError):
            m.model_validate(bad)


def test_groups_local_options_and_unknown_names() -> None:
    m = model()
    with pytest.raises(ValidationError, match="exclude each other"):
        m.model_validate({"alpha": "0.5", "max_terms": "3"})
    with pytest.raises(ValidationError, match="give one of the parameters alpha, max_terms"):
        m.model_validate({})
    for name in ("device", "normalize", "frobnicate"):  # local-only, the Python name of a switch, unknown
        with pytest.raises(ValidationError):
            m.model_validate({"alpha": "0.5", name: "1"})
    schema = m.model_json_schema(by_alias=True)["properties"]
    assert schema["k"]["maximum"] == 5 and schema["no_normalize"]["default"] is False
    assert "device" not in schema
