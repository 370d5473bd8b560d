"""`/api/explain` over a real server (uvicorn on a loopback port, httpx): the body equals
``ctxvec explain … --json``, ``row`` repeats or takes commas, bad input is a 4xx naming the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_api import cli_json, get, openapi_parameters

from ctxvec.store import Store


def rows(store: Path, word: str) -> list[str]:
    return [str(r) for r in Store.open(store).occurrences(word)]


@pytest.mark.parametrize(
    ("params", "argv"),
    [
        ([("row", "{b0}"), ("row", "{b1}")], ["--row", "{b0}", "--row", "{b1}"]),
        ([("row", "{b0},{b1}"), ("top", "1"), ("ablation", "delete")], ["--row", "{b0}", "--row", "{b1}", "--top", "1", "--ablation", "delete"]),
        ([("word", "cold"), ("in", "i caught a cold"), ("row", "{c0}")], ["cold", "--in", "i caught a cold", "--row", "{c0}"]),
        ([("row", "{b1}"), ("term", "money"), ("all_words", "1")], ["--row", "{b1}", "--term", "money", "--all-words"]),
    ],
)  # fmt: skip
def test_body_equals_the_clis_json(
    params: list[tuple[str, str]], argv: list[str], server_url: str, web_stores: dict[str, Path]
) -> None:
    names = {
        "b0": rows(web_stores["a"], "bank")[0],
        "b1": rows(web_stores["a"], "bank")[1],
        "c0": rows(web_stores["a"], "cold")[0],
    }
    r = get(server_url, "/api/explain", [(k, v.format(**names)) for k, v in params])
    assert r.status_code == 200, r.text
    body: Any = r.json()
    assert body == cli_json(["explain", str(web_stores["a"]), *(a.format(**names) for a in argv)])
    assert body["sides"][-1]["row"] >= 0 and "[" in body["sides"][-1]["marked"]


BAD: list[tuple[list[tuple[str, str]], list[str]]] = [
    ([("row", "0")], ["row", "two occurrences"]),
    ([("row", "0"), ("row", "0")], ["row", "both occurrences are row 0"]),
    ([("row", "0"), ("row", "99999999")], ["99999999", "out of range"]),
    ([("row", "0,1,2")], ["row", "got 3"]),
    ([("word", "king"), ("in", "a cold day"), ("row", "0")], ["'king'", "a cold day"]),
    ([("in", "a cold day"), ("row", "0")], ["word is missing"]),
    ([("row", "0"), ("term", "zzzqqq")], ["zzzqqq"]),
    ([("row", "0"), ("row", "1"), ("ablation", "blank")], ["ablation", "blank"]),
    ([("row", "0"), ("row", "1"), ("device", "cuda")], ["device"]),
    ([("row", "0"), ("row", "1"), ("top", "500")], ["top", "200"]),
]


@pytest.mark.parametrize(("params", "words"), BAD, ids=[str(i) for i in range(len(BAD))])
def test_bad_input_is_a_400_naming_the_value(params: list[tuple[str, str]], words: list[str], server_url: str) -> None:
    r = get(server_url, "/api/explain", params)
    assert r.status_code == 400, r.text
    message = r.json()["error"]
    assert "--" not in message and "\n" not in message
    for w in words:
        assert w in message, message


@pytest.mark.parametrize("value", ["x", "-1", "", "99999999999", "1e309", "<b>", "0"])
def test_no_parameter_value_answers_500(value: str, server_url: str) -> None:
    for p in openapi_parameters(server_url, "explain").values():
        r = get(server_url, "/api/explain", {"row": "0,1", p["name"]: value})
        assert r.status_code < 500, (p["name"], value, r.text)
