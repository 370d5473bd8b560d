"""Shared fixtures of the display tests: real results of every kind, computed once on a small store
embedded with the tiny random BERT (its corpus holds markup, see `small_corpus.XSS_SENTENCES`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from small_corpus import embed_corpus_stores

from ctxvec.cli import build_parser
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
