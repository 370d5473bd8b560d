"""The JSON API over a real server (uvicorn on a free loopback port, real HTTP with httpx): every
route, every kind of bad input (4xx JSON naming the value, never 500), and the body of each
command equal to the CLI's ``--json`` for the same options."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import httpx
import pytest

TIMEOUT = 30.0  # seconds, on every network call

TIMINGS = ("seconds", "elapsed", "_s", "time")


def get(url: str, path: str, params: Any = None) -> httpx.Response:
    return httpx.get(url + path, params=params, timeout=TIMEOUT)


def cli_json(argv: list[str]) -> Any:
    from ctxvec.cli import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = main([*argv, "--json"])
    assert code == 0, buf.getvalue()
    return json.loads(buf.getvalue())


def drop_timings(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: drop_timings(v) for k, v in data.items() if not any(t in k for t in TIMINGS)}
    if isinstance(data, list):
        return [drop_timings(v) for v in data]
    return data


def test_stores_route(server_url: str, web_stores: dict[str, Path]) -> None:
    r = get(server_url, "/api/stores")
    assert r.status_code == 200
    stores = r.json()["stores"]
    assert [s["name"] for s in stores] == ["a", "b"]
    assert stores[0]["path"] == str(web_stores["a"])
    assert stores[0]["summary"]["rows"] > 0


def test_shift_refuses_a_store_that_is_not_served(server_url: str, tmp_path: Path, web_stores: dict[str, Path]) -> None:
    import shutil

    other = tmp_path / "other.store"
    shutil.copytree(web_stores["a"], other)
    r = get(server_url, "/api/shift", {"words": str(other)})
    assert r.status_code == 400 and "served store" in r.json()["error"]
    ok = get(server_url, "/api/shift", {"words": f"{web_stores['a']},cold", "permutations": "20", "bootstrap": "20"})
    assert ok.status_code == 200, ok.text


def openapi_parameters(url: str, command: str) -> dict[str, Any]:
    r = get(url, "/openapi.json")
    assert r.status_code == 200
    return {p["name"]: p for p in r.json()["paths"][f"/api/{command}"]["get"]["parameters"]}


def test_openapi_lists_each_commands_parameters(server_url: str) -> None:
    r = get(server_url, "/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    served = {p.removeprefix("/api/") for p in paths if p.startswith("/api/") and p != "/api/stores"}
    assert served == {
        "analogy",
        "cluster",
        "compare",
        "decompose",
        "dims",
        "evaluate",
        "explain",
        "factors/list",
        "factors/show",
        "index",
        "info",
        "isotropy",
        "plot",
        "senses",
        "shift",
        "similar",
    }
    similar = openapi_parameters(server_url, "similar")
    assert {"store", "word", "in", "k", "limit", "distinct_sentences", "words_only", "exclude_word"} <= set(similar)
    k = similar["k"]["schema"]
    assert (k["type"], k["default"], k["minimum"], k["maximum"], k["x-cli"]) == ("integer", 10, 1, 200, "-k")
    assert similar["in"]["schema"]["x-cli"] == "--in" and similar["word"]["schema"]["x-positional"]
    assert similar["distinct_sentences"]["schema"] == {
        **similar["distinct_sentences"]["schema"],
        "type": "boolean",
        "default": False,
    }
    assert similar["limit"]["schema"]["default"] == 20  # the API's bound; the CLI's default is every occurrence
    assert all(p["description"] for p in similar.values())
    decompose = openapi_parameters(server_url, "decompose")
    assert "max_terms" in decompose and "device" not in decompose
    assert decompose["no_normalize"]["schema"]["type"] == "boolean"
    assert decompose["no_normalize"]["schema"]["default"] is False
    assert "output" not in openapi_parameters(server_url, "plot")
    assert get(server_url, "/api/commands").status_code == 404  # replaced by /openapi.json
    assert get(server_url, "/docs").status_code == 404  # no CDN docs page


# (API path, query parameters, the same command's CLI argv after the command name: {a}, {b} are the stores)
CASES: list[tuple[str, dict[str, str], list[str]]] = [
    ("similar", {"word": "cold", "k": "3"}, ["similar", "{a}", "cold", "-k", "3", "--limit", "20"]),
    (
        "similar",
        {"word": "cold", "in": "i caught a cold", "k": "4", "words_only": "1"},
        ["similar", "{a}", "cold", "--in", "i caught a cold", "-k", "4", "--words-only", "--limit", "20"],
    ),
    (
        "similar",
        {"word": "cold", "k": "3", "distinct_sentences": "1", "exclude_word": "1", "limit": "2", "store": "b"},
        ["similar", "{b}", "cold", "-k", "3", "--distinct-sentences", "--exclude-word", "--limit", "2"],
    ),
    (
        "decompose",
        {"word": "cold", "limit": "2", "max_terms": "3"},
        ["decompose", "{a}", "cold", "--limit", "2", "--max-terms", "3"],
    ),
    (
        "decompose",
        {"word": "bank", "in": "the river bank", "atoms": "occurrences"},
        ["decompose", "{a}", "bank", "--in", "the river bank", "--atoms", "occurrences", "--limit", "20"],
    ),
    ("analogy", {"words": "king,man,woman", "k": "3"}, ["analogy", "{a}", "king", "man", "woman", "-k", "3"]),
    ("senses", {"word": "cold"}, ["senses", "{a}", "cold"]),
    ("isotropy", {"pairs": "500"}, ["isotropy", "{a}", "--pairs", "500"]),
    ("dims", {"words": "cold,warm"}, ["dims", "{a}", "--words", "cold", "warm"]),
    ("compare", {"store2": "b", "no_eval": "1", "words": "cold,bank"}, ["compare", "{a}", "{b}", "--no-eval", "--words", "cold,bank"]),
    ("info", {"store": "1"}, ["info", "{b}"]),
    ("plot", {"words": "cold,warm,bank"}, ["plot", "{a}", "cold", "warm", "bank", "-o", "{out}.html"]),
    ("shift", {"words": "cold", "where": "sentence_id < 35", "vs": "sentence_id >= 35", "permutations": "50", "bootstrap": "50"},
     ["shift", "{a}", "cold", "--where", "sentence_id < 35", "--vs", "sentence_id >= 35", "--permutations", "50", "--bootstrap", "50"]),
]  # fmt: skip


@pytest.mark.parametrize(("command", "params", "argv"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_body_equals_the_clis_json(
    command: str,
    params: dict[str, str],
    argv: list[str],
    server_url: str,
    web_stores: dict[str, Path],
    tmp_path: Path,
) -> None:
    r = get(server_url, f"/api/{command}", params)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    names = {"a": str(web_stores["a"]), "b": str(web_stores["b"]), "out": str(tmp_path / "plot")}
    expected = cli_json([a.format(**names) for a in argv])
    if command == "plot":  # the API answers the projection and writes no file
        assert expected.pop("output").startswith(names["out"])
        assert not list(Path.cwd().glob("unused.html"))
    assert drop_timings(r.json()) == drop_timings(expected)


def test_senses_tell_the_sense_of_a_row(server_url: str, web_stores: dict[str, Path]) -> None:
    from ctxvec.store import Store

    rows = Store.open(web_stores["a"]).occurrences("cold")
    row, bank = int(rows[-1]), int(Store.open(web_stores["a"]).occurrences("bank")[0])
    r = get(server_url, "/api/senses", {"word": "cold", "row": str(row)})
    assert r.status_code == 200, r.text
    body = r.json()
    (asked,) = body["row_senses"]
    assert asked["row"] == row and 0 <= asked["sense"] < body["k"]
    assert body == cli_json(["senses", str(web_stores["a"]), "cold", "--row", str(row)])
    r = get(server_url, "/api/senses", {"word": "cold", "row": str(bank)})
    assert r.status_code == 400 and "row" in r.json()["error"] and "'bank'" in r.json()["error"]


def test_senses_tell_the_sense_of_a_new_usage(server_url: str, web_stores: dict[str, Path]) -> None:
    r = get(server_url, "/api/senses", {"word": "bank", "in": "the bank gave him money"})
    assert r.status_code == 200, r.text
    body = r.json()
    q = body["query"]
    assert q["token"] == "bank" and q["sentence"] == "the bank gave him money"
    assert 0 <= q["nearest_sense"] < body["k"]
    assert (q["sense"] is None) == (not q["represented"]) == (q["warning"] is not None)
    assert body == cli_json(["senses", str(web_stores["a"]), "bank", "--in", "the bank gave him money"])


def test_plot_places_a_new_sentence_in_the_cached_map(
    server_url: str, web_stores: dict[str, Path], tmp_path: Path
) -> None:
    base = {"words": "cold,warm,bank", "seed": "5"}
    plain = get(server_url, "/api/plot", base).json()
    params = {**base, "in": "i caught a cold", "word": "cold"}
    r = get(server_url, "/api/plot", params)
    assert r.status_code == 200, r.text
    body = r.json()
    (q,) = body["queries"]
    assert q["token"] == "cold" and q["sentence"] == "i caught a cold"
    assert {k: v for k, v in body.items() if k != "queries"} == plain  # the same map
    argv = ["plot", str(web_stores["a"]), "cold", "warm", "bank", "--seed", "5", "-o", str(tmp_path / "m.html")]
    expected = cli_json([*argv, "--in", "i caught a cold", "--word", "cold"])
    expected.pop("output")
    assert body == expected
    assert get(server_url, "/api/plot", base).json() == plain  # the cached map holds no query


def test_a_repeated_projection_is_served_from_the_cache(server_url: str) -> None:
    params = {"words": "cold,warm", "seed": "3"}
    first = get(server_url, "/api/plot", params).json()
    assert get(server_url, "/api/plot", params).json() == first


def test_xss_sentences_come_back_as_json_text(server_url: str) -> None:
    r = get(server_url, "/api/similar", {"word": "cold", "k": "50"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert "<script>alert(1)</script> cold" in r.text or "\\u003cscript" in r.text
    sentences = {h["sentence"] for q in r.json()["queries"] for h in q["hits"]}
    assert "<img src=x onerror=alert(1)> cold" in sentences


BAD: list[tuple[str, dict[str, str], int, list[str]]] = [
    # (command, params, status, words the message must contain)
    ("similar", {"word": "zzzqqq"}, 400, ["zzzqqq"]),
    ("similar", {"word": "cold", "k": "-1"}, 400, ["k", "-1"]),
    ("similar", {"word": "cold", "k": "x"}, 400, ["k", "'x'", "integer"]),
    ("similar", {"word": "cold", "k": "0"}, 400, ["k"]),
    ("similar", {"word": "cold", "k": "100000"}, 400, ["k", "at most"]),
    ("similar", {"word": "cold", "in": "c" * 5000}, 400, ["in", "5,000", "at most"]),
    ("similar", {"word": "bank", "in": "i caught a cold"}, 400, ["bank", "i caught a cold"]),
    ("similar", {"word": "cold", "in": "   "}, 400, ["in"]),
    ("similar", {}, 400, ["word"]),
    ("similar", {"word": "cold", "frobnicate": "1"}, 400, ["frobnicate", "word"]),
    ("similar", {"word": "cold", "device": "cuda"}, 400, ["device"]),
    ("similar", {"word": "cold", "words_only": "maybe"}, 400, ["words_only", "maybe"]),
    ("similar", {"word": "cold", "exact": "1", "index": "hnsw"}, 400, ["index"]),
    ("similar", {"word": "cold", "index": "hnsw"}, 400, ["hnsw"]),
    ("similar", {"word": "cold", "index": "annoy"}, 400, ["index", "annoy"]),
    ("similar", {"word": "cold", "row": "999999"}, 400, ["999999"]),
    ("similar", {"word": "cold", "sentence": "999999"}, 400, ["999999"]),
    ("similar", {"word": "cold", "store": "nope"}, 400, ["nope", "store"]),
    ("similar", {"word": "-cold"}, 400, ["-cold"]),
    ("decompose", {"word": "cold", "max_terms": "0"}, 400, ["max_terms"]),
    ("decompose", {"word": "cold", "alpha": "nan"}, 400, ["alpha"]),
    ("decompose", {"word": "cold", "alpha": "0.1", "max_terms": "3"}, 400, ["max_terms", "alpha"]),
    ("decompose", {"word": "cold", "exclude": ",".join(["w"] * 60)}, 400, ["exclude", "60"]),
    ("senses", {}, 400, ["word"]),
    ("senses", {"word": "zzzqqq"}, 400, ["zzzqqq"]),
    ("analogy", {"words": "king,man"}, 400, []),
    ("analogy", {"words": "king,man,zzzqqq"}, 400, ["zzzqqq"]),
    ("compare", {"no_eval": "1"}, 400, ["store2"]),
    ("plot", {"words": "zzzqqq"}, 400, ["zzzqqq"]),
    ("plot", {"words": "cold", "method": "lda"}, 400, ["method", "lda"]),
    ("info", {"k": "1"}, 400, ["k"]),
    ("senses", {"word": "cold", "row": "99999999"}, 400, ["row", "99999999", "out of range"]),
    ("plot", {"words": "cold,warm", "in": "a cold day"}, 400, ["word"]),
    ("plot", {"words": "cold,warm", "word": "cold"}, 400, ["in", "cold"]),
    ("plot", {"words": "cold,warm", "in": "a warm day", "word": "cold"}, 400, ["cold", "a warm day"]),
    ("plot", {"words": "cold,warm,hot", "method": "tsne", "in": "a cold day", "word": "cold"}, 400, ["method", "pca"]),
    ("frobnicate", {}, 404, ["frobnicate", "similar"]),
]


@pytest.mark.parametrize(("command", "params", "status", "words"), BAD, ids=[f"{b[0]}-{i}" for i, b in enumerate(BAD)])
def test_bad_input_is_a_4xx_json_message(
    command: str, params: dict[str, str], status: int, words: list[str], server_url: str
) -> None:
    r = get(server_url, f"/api/{command}", params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    message = r.json()["error"]
    assert isinstance(message, str) and len(message) < 2000
    for w in words:
        assert w in message, message


def test_a_100_kb_parameter_is_refused_naming_it(server_url: str) -> None:
    import http.client
    from urllib.parse import urlsplit

    netloc = urlsplit(server_url)
    conn = http.client.HTTPConnection(netloc.hostname or "", netloc.port, timeout=TIMEOUT)
    try:
        conn.request("GET", "/api/similar?word=" + "a" * 100_000, headers={"Host": netloc.netloc})
        r = conn.getresponse()
        body = json.loads(r.read())
    finally:
        conn.close()
    assert r.status == 414 and r.getheader("content-type") == "application/json"
    assert "word" in body["error"] and "100,000" in body["error"]


def test_a_parameter_given_twice(server_url: str) -> None:
    r = get(server_url, "/api/similar", [("word", "cold"), ("k", "3"), ("k", "4")])
    assert r.status_code == 400 and "once" in r.json()["error"]


@pytest.mark.parametrize("value", ["x", "-1", "", "99999999999", "1e309", "cold", "<b>", "0"])
@pytest.mark.parametrize("command", ["similar", "decompose", "analogy", "senses", "dims", "plot", "compare", "info"])
def test_no_parameter_value_answers_500(command: str, value: str, server_url: str) -> None:
    spec = openapi_parameters(server_url, command).values()
    base = {"similar": {"word": "cold"}, "decompose": {"word": "cold"}, "senses": {"word": "cold"},
            "analogy": {"words": "king,man,woman"}, "plot": {"words": "cold"}, "compare": {"store2": "b", "no_eval": "1"}}  # fmt: skip
    for p in spec:
        if p["name"] in ("pairs", "max_occurrences", "max_points", "max_words", "max_sentences") and value[:1] == "9":
            continue  # valid but slow; bounds are tested above
        params = {**base.get(command, {}), p["name"]: value}
        r = get(server_url, f"/api/{command}", params)
        assert r.status_code < 500, (p["name"], value, r.text)
        assert r.headers["content-type"] == "application/json"


def test_unknown_path_is_a_json_404(server_url: str) -> None:
    r = get(server_url, "/nowhere")
    assert r.status_code == 404 and "nowhere" in r.json()["error"]


@pytest.mark.parametrize("page", ["/", "/similar", "/occurrence", "/word", "/map", "/space", "/decompose", "/senses"])
def test_pages_serve_the_explorer(page: str, server_url: str) -> None:
    from ctxvec.web._app import STATIC

    r = get(server_url, page, {"word": "cold"})
    if not (STATIC / "index.html").is_file():
        assert r.status_code == 404
        return
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert r.text == (STATIC / "index.html").read_text()


def test_serve_check_loads_and_returns(web_stores: dict[str, Path]) -> None:
    data = cli_json(["serve", str(web_stores["a"]), "--check", "--port", "0"])
    assert data == {"url": "http://127.0.0.1:0", "stores": [str(web_stores["a"])], "served": False}


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    from ctxvec.cli import main

    assert main(["serve", str(tmp_path / "none.store"), "--check"]) == 2


# ---- a store with an in-place transform and indexes ------------------------------------------------


def test_isotropy_raw_beside_the_transformed_report(transformed_url: str, transformed_store: Path) -> None:
    raw = get(transformed_url, "/api/isotropy", {"pairs": "500", "raw": "1"})
    assert raw.status_code == 200, raw.text
    assert raw.json() == cli_json(["isotropy", str(transformed_store), "--pairs", "500", "--raw"])
    seen = get(transformed_url, "/api/isotropy", {"pairs": "500"}).json()
    assert raw.json()["transform_id"] is None and seen["transform_id"] is not None
    assert seen["mean_cosine"] != raw.json()["mean_cosine"]
    assert get(transformed_url, "/api/isotropy", {"raw": "x"}).status_code == 400


def test_similar_over_an_index_carries_its_recall(transformed_url: str, transformed_store: Path) -> None:
    from ctxvec.neighbours import index_info
    from ctxvec.store import Store

    info = index_info(Store.open(transformed_store), "hnsw")
    assert info is not None and info.recall_at_10 is not None
    body = get(transformed_url, "/api/similar", {"word": "cold", "k": "3"}).json()
    assert body["method"].startswith("hnsw index") and body["recall_at_10"] == info.recall_at_10
    exact = get(transformed_url, "/api/similar", {"word": "cold", "k": "3", "limit": "1", "exact": "1"}).json()
    assert exact["method"].startswith("flat index") and exact["recall_at_10"] == 1.0
    assert exact == cli_json(["similar", str(transformed_store), "cold", "-k", "3", "--limit", "1", "--exact"])


def test_exact_requests_reuse_the_kept_flat_index(transformed_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ctxvec.neighbours._similar as similar_module
    from ctxvec.cli import command_modules
    from ctxvec.store import Store
    from ctxvec.web import CommandApi, LockedCache, ServedStore, ServedStores

    store = Store.open(transformed_store)
    served = ServedStores([(ServedStore("c", str(store.path), {}), store)], LockedCache())
    assert {kind for _, kind in served._backends} == {"hnsw"}  # the preferred index, read at start
    api = CommandApi(list(command_modules().values()), served)
    similar = next(c for c in api.commands if c.name == "similar")
    read: list[str] = []
    load = similar_module.load_index
    monkeypatch.setattr(similar_module, "load_index", lambda s, kind: read.append(kind) or load(s, kind))
    query = similar.model.model_validate({"word": "cold", "k": "3", "limit": "1", "exact": "1"})
    first = similar.run(query)
    assert first["method"].startswith("flat index") and similar.run(query) == first
    assert read == [] and {kind for _, kind in served._backends} == {"hnsw", "flat"}


def test_switches_that_are_on_by_default_turn_off_over_http(server_url: str, web_stores: dict[str, Path]) -> None:
    """The issue's two URLs: ``no_normalize=1`` and ``no_wordnet=1`` are booleans, the CLI's ``--no-...``."""
    a = str(web_stores["a"])
    r = get(server_url, "/api/decompose", {"word": "bank", "no_normalize": "1"})
    assert r.status_code == 200, r.text
    assert r.json()["normalized"] is False
    assert drop_timings(r.json()) == drop_timings(cli_json(["decompose", a, "bank", "--no-normalize", "--limit", "20"]))
    assert get(server_url, "/api/decompose", {"word": "bank"}).json()["normalized"] is True
    r = get(server_url, "/api/senses", {"word": "bank", "no_wordnet": "1"})
    assert r.status_code == 200, r.text
    assert all(s["wordnet"] is None for s in r.json()["senses"])
    assert r.json() == cli_json(["senses", a, "bank", "--no-wordnet"])
    r = get(server_url, "/api/senses", {"word": "bank", "no_wordnet": "perhaps"})
    assert r.status_code == 400 and "no_wordnet" in r.json()["error"] and "perhaps" in r.json()["error"]


def test_a_library_parameter_error_names_the_web_parameter(server_url: str) -> None:
    """A library `ParameterError` names its Python parameter; the web renders it as the URL's name
    (``in_sentence`` -> ``in``), as the CLI renders it as the flag (``--in``)."""
    r = get(server_url, "/api/similar", {"word": "bank", "in": "i caught a cold"})
    assert r.status_code == 400
    message = r.json()["error"]
    assert "in_sentence" not in message and "--in" not in message
