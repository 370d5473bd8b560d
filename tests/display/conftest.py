"""Shared fixtures of the display tests: real results of every kind, computed once on a small store
embedded with the tiny random BERT (its corpus holds markup, see `small_corpus.XSS_SENTENCES`)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from small_corpus import embed_corpus_stores

from ctxvec.cli import build_parser
from ctxvec.display import singular
from ctxvec.results import Result

# name -> argv of the command whose result it is ({store}, {store2}, {out}: a fresh output path)
COMMANDS: dict[str, list[str]] = {
    "similar": ["similar", "{store}", "cold", "-k", "3"],
    "similar_words": ["similar", "{store}", "cold", "--in", "a cold day", "-k", "3", "--words-only"],
    "similar_long": ["similar", "{store}", "cold", "--limit", "1", "-k", "30"],
    "similar_markup": ["similar", "{store}", "cold", "--sentence", "67", "-k", "3"],  # <script>alert(1)</script> cold
    "decompose": ["decompose", "{store}", "cold", "--limit", "2", "--max-terms", "3"],
    "decompose_occurrences": ["decompose", "{store}", "bank", "--in", "the river bank", "--atoms", "occurrences"],
    "senses": ["senses", "{store}", "cold"],
    "explain": ["explain", "{store}", "--row", "0", "--row", "7"],
    "shift": ["shift", "{store}", "cold", "--where", "sentence_id < 35", "--vs", "sentence_id >= 35", "--no-wordnet"],
    "analogy": ["analogy", "{store}", "king", "man", "woman", "-k", "3"],
    "analogy_occurrences": ["analogy", "{store}", "king", "man", "woman", "--level", "occurrences", "-k", "3"],
    "cluster": ["cluster", "{store}", "--k", "3", "--min-count", "1"],
    "cluster_occurrences": ["cluster", "{store}", "--k", "3", "--level", "occurrences"],
    "isotropy": ["isotropy", "{store}"],
    "compare": ["compare", "{store}", "{store2}", "--no-eval", "--words", "cold,bank"],
    "dims": ["dims", "{store}", "--words", "cold", "warm"],
    "info": ["info", "{store}"],
    "types": ["types", "{store}", "--min-count", "1"],
    "evaluate": ["evaluate", "{store}", "--task", "analogy"],
    "factors": ["factors", "learn", "{store}", "--n-factors", "4", "--samples", "200", "--name", "display"],
    "index": ["index", "{store}", "--kind", "flat"],
    "plot": ["plot", "{store}", "cold", "warm", "bank", "-o", "{out}.png"],
    "verify": ["verify", "{store}"],
    "shift_ranking": [
        "shift",
        "{store}",
        "--where",
        "sentence_id < 35",
        "--vs",
        "sentence_id >= 35",
        "--min-count",
        "2",
        "--permutations",
        "20",
    ],
}


def compute(argv: list[str]) -> Result:
    """The library result of a command line (what ``--json`` prints is its ``to_dict()``)."""
    args = build_parser().parse_args(argv)
    result = args.command_module.compute(args)
    assert isinstance(result, Result)
    return result


@pytest.fixture(scope="session")
def display_stores(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return embed_corpus_stores(tmp_path_factory.mktemp("display"), tiny_model)


@pytest.fixture(scope="session")
def results(display_stores: dict[str, Path]) -> dict[str, Result]:
    """One real result per entry of `COMMANDS`."""
    names = {"store": str(display_stores["a"]), "store2": str(display_stores["b"])}
    out = display_stores["a"].parent / "outputs"
    out.mkdir(exist_ok=True)
    made = {}
    for name, argv in COMMANDS.items():
        made[name] = compute([a.format(out=out / name, **names) for a in argv])
    # results held inside others, shown on their own too
    made["hit"] = made["similar"].hits(0)[0]
    made["sense"] = made["senses"].senses[0]
    made["sense_split"] = made["senses"].split
    made["analogy_evaluation"] = made["evaluate"].analogy
    return made


# ---- the long format read back into JSON (the inverse of ctxvec.display.flatten) ------------------
def missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def comparable(value: Any) -> Any:
    """JSON with absent and None (or NaN, as pandas holds a missing number) made the same."""
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items() if not missing(v)}
    if isinstance(value, list):
        return [None if missing(v) else comparable(v) for v in value]
    return value


def undot(record: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        *parents, last = key.split(".")
        level = out
        for p in parents:
            level = level.setdefault(p, {})
        level[last] = value
    return out


def rebuild(rows: list[dict[str, Any]], attrs: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    """The JSON that long-format `rows` (with `attrs`) were made from along `path`."""
    if not path:
        return undot({r["field"]: r["value"] for r in rows})
    return {**attrs, path[0]: _level(rows, path, outer=[])}


def _level(rows: list[dict[str, Any]], path: tuple[str, ...], outer: list[str]) -> list[dict[str, Any]]:
    if len(path) == 1:
        own = [
            {k: v for k, v in r.items() if k != "rank" and k not in outer and k.split(".")[0] not in outer}
            for r in rows
            if not missing(r.get("rank"))
        ]
        return [undot(o) for o in own]
    name = singular(path[0])
    groups: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(int(r[name]), []).append(r)
    items = []
    for i in sorted(groups):
        group = groups[i]
        item = undot({k[len(name) + 1 :]: v for k, v in group[0].items() if k.startswith(name + ".")})
        item[path[1]] = _level(group, path[1:], [*outer, name])
        items.append(item)
    return items
