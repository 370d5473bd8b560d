"""The read-only verbs served over HTTP from their declarations: ``factors show`` / ``factors list``
(``GET /api/factors/show``, ``/api/factors/list``), ``index --list`` (``GET /api/index``: the web
only lists; building and removing stay on the command line) and ``evaluate``: each answers what the
CLI's ``--json`` prints, the schema holds them, and nothing that writes is reachable."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import httpx
import pytest
from test_api import cli_json, drop_timings  # the same CLI --json and timing filter as the API tests

TIMEOUT = 60.0


def files(folder: Path) -> dict[str, tuple[int, int]]:
    """{relative path: (size, mtime_ns)} of every file under `folder`."""
    out = {}
    for root, _, names in os.walk(folder):
        for name in names:
            st = (Path(root) / name).stat()
            out[str((Path(root) / name).relative_to(folder))] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def indexed(web_stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of store "a" (8 factors learned) with a flat index and a second dictionary "small"."""
    import shutil

    path = tmp_path_factory.mktemp("verbs") / "v.store"
    shutil.copytree(web_stores["a"], path)
    cli_json(["index", str(path), "--kind", "flat"])
    cli_json(
        ["factors", "learn", str(path), "--n-factors", "4", "--samples", "200", "--epochs", "1", "--name", "small"]
    )
    return path


@pytest.fixture(scope="module")
def url(start_server: Callable[..., AbstractContextManager[str]], indexed: Path) -> Iterator[str]:
    with start_server([indexed]) as base:
        yield base


@pytest.mark.parametrize(
    ("route", "params", "argv"),
    [
        ("factors/list", {}, ["factors", "list", "{store}"]),
        ("factors/show", {}, ["factors", "show", "{store}"]),
        ("factors/show", {"factor": "3", "top": "4"}, ["factors", "show", "{store}", "3", "--top", "4"]),
        ("factors/show", {"name": "small", "top": "1"}, ["factors", "show", "{store}", "--name", "small", "--top", "1"]),
        ("index", {}, ["index", "{store}", "--list"]),
        ("evaluate", {"task": "ws353"}, ["evaluate", "{store}", "--task", "ws353"]),
        ("evaluate", {"task": "simlex,analogy", "method": "mul", "min_count": "2"},
         ["evaluate", "{store}", "--task", "simlex", "analogy", "--method", "mul", "--min-count", "2"]),
        ("evaluate", {"task": "wic", "wic_pairs": "16"}, ["evaluate", "{store}", "--task", "wic", "--wic-pairs", "16"]),
    ],
)  # fmt: skip
def test_a_served_verb_answers_what_the_cli_prints(
    url: str, indexed: Path, route: str, params: dict[str, str], argv: list[str]
) -> None:
    web = httpx.get(f"{url}/api/{route}", params=params, timeout=TIMEOUT)
    assert web.status_code == 200, web.text
    cli = cli_json([a.replace("{store}", str(indexed)) for a in argv])
    assert drop_timings(web.json()) == drop_timings(cli)


def test_the_answers_hold_the_stores_contents(url: str) -> None:
    listed = httpx.get(f"{url}/api/factors/list", timeout=TIMEOUT).json()
    assert sorted(listed["factors"]) == ["default", "small"]
    indexes = httpx.get(f"{url}/api/index", timeout=TIMEOUT).json()
    assert list(indexes) == ["flat"] and indexes["flat"]["recall_at_10"] == 1.0
    one = httpx.get(f"{url}/api/factors/show", params={"factor": 2, "top": 3}, timeout=TIMEOUT).json()
    assert one["factor"] == 2 and len(one["occurrences"]) == 3


def test_nothing_that_writes_is_served(url: str, indexed: Path) -> None:
    before = files(indexed)
    paths = httpx.get(f"{url}/openapi.json", timeout=TIMEOUT).json()["paths"]
    assert {"/api/factors/show", "/api/factors/list", "/api/index", "/api/evaluate"} <= set(paths)
    assert "/api/factors/learn" not in paths and "/api/factors" not in paths
    assert [p["name"] for p in paths["/api/index"]["get"]["parameters"]] == ["store"]
    for route, params in (
        ("index", {"kind": "hnsw"}),
        ("index", {"remove": "1"}),
        ("index", {"list": "0"}),
        ("factors/show", {"n_factors": "3"}),
    ):
        r = httpx.get(f"{url}/api/{route}", params=params, timeout=TIMEOUT)
        assert r.status_code == 400 and "unknown parameter" in r.json()["error"], r.text
        assert route in r.json()["error"]  # names the route's parameters
    learn = httpx.get(f"{url}/api/factors/learn", params={"n_factors": "3"}, timeout=TIMEOUT)
    assert learn.status_code == 404
    assert files(indexed) == before


def test_a_verbs_bad_input_is_a_400_naming_the_parameter(url: str) -> None:
    r = httpx.get(f"{url}/api/factors/show", params={"factor": "99"}, timeout=TIMEOUT)
    assert r.status_code == 400 and "99" in r.json()["error"], r.text
    r = httpx.get(f"{url}/api/factors/show", params={"name": "nope"}, timeout=TIMEOUT)
    assert r.status_code == 400 and "nope" in r.json()["error"], r.text
    r = httpx.get(f"{url}/api/factors/show", params={"factor": "-1"}, timeout=TIMEOUT)
    assert r.status_code == 400 and r.json()["error"].startswith("parameter factor"), r.text
