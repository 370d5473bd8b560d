"""Every option of every served command, walked through the three front doors: the CLI (``main``,
``--json``), the web API (real HTTP on loopback) and Python (the command's ``compute`` on the
declaration's own namespace). Each option is set alone, to a value other than its default drawn
from its declaration (bounds, choices) or from a small table of working texts, over a base query;
the three answers must be the same JSON, or all three a refusal. Options marked local-only must be
absent from the web's schema, and every other one present with its declared default."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import fields
from pathlib import Path
from typing import Any

import httpx
import pytest

from ctxvec.cli import command_modules
from ctxvec.cli._params import Command, Opt, namespace, resolved
from ctxvec.web._api import Route, served_routes

TIMEOUT = 30.0
TIMINGS = ("seconds", "elapsed", "_s", "time")

# a working query per command, in the option names of the declaration (the walked option overrides it)
BASE: dict[str, dict[str, Any]] = {
    "similar": {"word": "cold", "k": 3, "limit": 2},
    "decompose": {"word": "cold", "limit": 2},
    "analogy": {"words": ["king", "man", "woman"], "k": 3},
    "senses": {"word": "cold", "wordnet": False},
    "dims": {"words": ["cold", "warm"]},
    "compare": {"store2": "b", "no_eval": True, "words": "cold,bank"},
    "isotropy": {"n_pairs": 500},
    "plot": {"words": ["cold", "warm"]},
    "info": {},
    "cluster": {"k": 3, "min_count": 1},
    "explain": {"rows": [0, 9]},
    "factors/show": {"top": 2},
    "factors/list": {},
    "index": {},
    "evaluate": {"tasks": ["ws353", "analogy", "wic"], "wic_pairs": 16},
    "shift": {
        "words": ["cold"],
        "where": "sentence_id < 35",
        "vs": "sentence_id >= 35",
        "wordnet": False,
        "permutations": 20,
        "bootstrap": 20,
        "max_per_side": 40,
    },
}
# values for text options (the others come from their declaration)
TEXTS: dict[str, Any] = {
    "word": "bank",
    "in_sentence": "i caught a cold",
    "words": ["cold", "bank"],
    "positive": ["warm"],
    "negative": ["hot"],
    "exclude": ["warm"],
    "factors": "other",
    "tasks": "ws353",
    "index": "flat",
    "term": "money",
    "plot.method": "tsne",
    "shift.max_per_side": 30,  # 2 (its lower bound) leaves senses of 2 points, whose k-means ties break by thread  # deterministic for a seed and quick on a few points (UMAP compiles for a minute)
}


def served_commands() -> list[Route]:
    """Every served command and verb (``factors/show``)."""
    return served_routes(list(command_modules().values()))


def sample(command: Command, opt: Opt) -> Any:
    """A value of `opt` other than its default, within its bounds (a list for a list option)."""
    value = _sample(command, opt)
    return [value] if (opt.many or opt.append) and not isinstance(value, list) else value


def _sample(command: Command, opt: Opt) -> Any:
    default = resolved(opt.default)
    if opt.type is bool:
        return not default
    if f"{command.name}.{opt.name}" in TEXTS:
        return TEXTS[f"{command.name}.{opt.name}"]
    if opt.name in TEXTS and not (command.name == "compare" and opt.name == "words"):
        value = TEXTS[opt.name]
        return value if not (command.name == "dims" and opt.name == "words") else ["bank"]
    if opt.choices is not None:
        return next(c for c in opt.choices if c != default)
    if opt.type is int:
        low = int(opt.low if opt.low is not None else 0)
        return low if low != default else low + 1
    if opt.type is float:
        if opt.open_low or opt.low is None:
            return (default or 1.0) / 2
        return float(opt.low) if opt.low != default else (default + (opt.high or 1.0)) / 2
    if command.name == "compare" and opt.name == "words":
        return "warm,snow"
    return "text"


def cases() -> list[tuple[str, str]]:
    return [(r.name, o.name) for r in served_commands() for o in r.spec.web_options() if not o.store]


def cli_argv(route: Route, given: dict[str, Any], stores: dict[str, str], out: Path) -> list[str]:
    """``ctxvec <command> [<verb>] ...`` for `given` (declaration names), spelling out the web's own defaults."""
    command = route.spec
    argv = route.name.split("/")
    options: list[str] = []
    for opt in command.options:
        if opt.store:
            argv.append(stores[given.get(opt.name, "a")])
            continue
        if opt.local_only:
            if opt.required:  # plot's output: the CLI needs it, the web writes no file
                options += [opt.cli_flag, str(out)]
            elif opt.type is bool and opt.web_default:  # index --list: what the web always runs
                options.append(opt.cli_flag)
            continue
        value = given.get(opt.name, opt.web_default)
        if value is None or (opt.type is bool and value is False and not opt.negated):
            continue
        if opt.type is bool:
            if value != resolved(opt.default):
                options.append(opt.cli_flag if not opt.negated else "--no-" + opt.cli_flag.removeprefix("--"))
            continue
        values = [str(v) for v in value] if isinstance(value, list) else [str(value)]
        if opt.positional:
            argv += values
        elif opt.append:
            for v in values:
                options += [opt.cli_flag, v]
        else:
            options += [opt.cli_flag, *values]
    return [*argv, *options, "--json"]


def web_params(command: Command, given: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for opt in command.web_options():
        if opt.name not in given:
            continue
        value = given[opt.name]
        if opt.type is bool:
            on = value if not opt.negated else not value
            if on:
                out.append((opt.api_name, "1"))
            continue
        for v in value if isinstance(value, list) else [value]:
            out.append((opt.api_name, str(v)))
    return out


def drop_timings(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: drop_timings(v) for k, v in data.items() if not any(t in k for t in TIMINGS) and k != "output"}
    if isinstance(data, list):
        return [drop_timings(v) for v in data]
    return data


def run_cli(argv: list[str]) -> tuple[bool, Any]:
    from ctxvec.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    if code != 0:
        assert code == 2 and err.getvalue().startswith("ctxvec: error: "), err.getvalue()
        return False, err.getvalue()
    return True, json.loads(out.getvalue())


def run_python(route: Route, given: dict[str, Any], stores: dict[str, str], out: Path) -> tuple[bool, Any]:
    from ctxvec.errors import CtxvecError
    from ctxvec.store import Store

    command, values = route.spec, dict(given)
    for opt in command.options:
        if opt.store:
            values[opt.name] = Store.open(stores[given.get(opt.name, "a")])
        elif opt.web_default is not None and opt.name not in values:
            values[opt.name] = opt.web_default
        elif opt.local_only and opt.required:
            values[opt.name] = str(out)
    try:
        return True, route.module.compute(namespace(command, values, **route.extra)).to_dict()
    except CtxvecError as e:
        return False, str(e)


@pytest.mark.parametrize(("name", "option"), cases(), ids=[f"{c}.{o}" for c, o in cases()])
def test_every_option_gives_the_same_answer_by_cli_web_and_python(
    name: str, option: str, server_url: str, web_stores: dict[str, Path], tmp_path: Path
) -> None:
    route = next(r for r in served_commands() if r.name == name)
    command = route.spec
    opt = command.opt(option)
    given = {**BASE[name], option: sample(command, opt)}
    stores = {"a": str(web_stores["a"]), "b": str(web_stores["b"])}
    out = tmp_path / "plot.html"
    cli_ok, cli = run_cli(cli_argv(route, given, stores, out))
    web = httpx.get(f"{server_url}/api/{name}", params=web_params(command, given), timeout=TIMEOUT)
    py_ok, py = run_python(route, given, stores, out)
    assert web.status_code in (200, 400), web.text
    assert (cli_ok, web.status_code == 200, py_ok) in ((True, True, True), (False, False, False)), (cli, web.text, py)
    if cli_ok:
        assert drop_timings(web.json()) == drop_timings(cli) == drop_timings(py)
    else:
        assert "error" in web.json()


def test_the_schema_holds_every_web_option_and_no_local_one(server_url: str) -> None:
    paths = httpx.get(f"{server_url}/openapi.json", timeout=TIMEOUT).json()["paths"]
    for route in served_commands():
        command = route.spec
        params = {p["name"]: p for p in paths[f"/api/{route.name}"]["get"]["parameters"]}
        assert set(params) == {o.api_name for o in command.web_options()}
        for opt in command.web_options():
            schema = params[opt.api_name]["schema"]
            branch = next((s for s in schema.get("anyOf", []) if s.get("type") != "null"), schema)
            if opt.type is bool:
                assert (branch["type"], schema["default"]) == ("boolean", False), opt.name  # a switch, off unless given
            elif opt.type in (int, float) and not (opt.many or opt.append):
                assert branch["type"] == ("integer" if opt.type is int else "number"), opt.name
                if opt.low is not None:
                    assert branch.get("minimum", branch.get("exclusiveMinimum")) == opt.low, opt.name
            if not opt.store and opt.type is not bool:
                expected = opt.web_default if opt.web_default is not None else resolved(opt.default)
                if opt.many or opt.append:  # a list: empty unless given (the command then gets its default)
                    expected = list(expected or [])
                assert schema.get("default") == expected, opt.name
        local = {o.api_name for o in command.options if o.local_only}
        assert not local & set(params), command.name


# ---- the Python API's option objects -----------------------------------------------------------
# Every option that is a field of a library option object (`Sampling`, a sparsity choice) or the one
# backend choice of `similar` is walked once more, through the library call a notebook makes with that
# object built directly (not through the command's ``compute``): its answer must be the CLI's.
def python_api_call(name: str, option: str, value: Any, stores: dict[str, str]) -> Any:
    from ctxvec.decomposition import SPARSITIES, AtomFilter, decompose
    from ctxvec.neighbours import similar
    from ctxvec.space import Sampling, compare, isotropy
    from ctxvec.store import Store

    a = Store.open(stores["a"])
    base = BASE[name]
    if name == "similar":  # --exact / --index KIND: one backend choice
        backend = "exact" if option == "exact" and value else value if option == "index" else "auto"
        return similar(a, base["word"], k=base["k"], limit=base["limit"], backend=backend)
    if name == "senses":  # --max-k / --min-share: fields of the one SenseRule
        from ctxvec.structure import SenseRule, word_senses

        return word_senses(a, base["word"], rule=SenseRule(**{option: value}), wordnet=base["wordnet"])
    if name == "decompose" and option in {f.name for f in fields(AtomFilter)}:  # which atoms: one AtomFilter
        return decompose(a, base["word"], limit=base["limit"], atom_filter=AtomFilter(**{option: value}))
    if name == "decompose":  # --alpha / --alpha-abs / --max-terms: one sparsity choice
        (choice,) = [c for c in SPARSITIES if option in {f.name for f in fields(c)}]
        return decompose(a, base["word"], limit=base["limit"], sparsity=choice(value))
    sampling = Sampling(**{option: value})
    if name == "isotropy":
        return isotropy(a, sampling=Sampling(**{"n_pairs": base["n_pairs"], option: value}))
    b = Store.open(stores[base["store2"]])
    return compare(a, b, words=base["words"].split(","), tasks=None, sampling=sampling)


def option_object_cases() -> list[tuple[str, str]]:
    from ctxvec.decomposition import SPARSITIES, AtomFilter
    from ctxvec.space import Sampling

    models = {"decompose": (*SPARSITIES, AtomFilter), "isotropy": (Sampling,), "compare": (Sampling,)}
    names = {c: {f.name for m in ms for f in fields(m)} for c, ms in models.items()}
    names["similar"] = {"exact", "index"}
    names["senses"] = {"k_max", "min_share"}  # the SenseRule fields the commands offer
    return [(c, o) for c, o in cases() if o in names.get(c, set())]


@pytest.mark.parametrize(("name", "option"), option_object_cases(), ids=[f"{c}.{o}" for c, o in option_object_cases()])
def test_every_option_objects_field_gives_the_clis_answer_through_the_python_api(
    name: str, option: str, web_stores: dict[str, Path], tmp_path: Path
) -> None:
    route = next(r for r in served_commands() if r.name == name)
    command = route.spec
    value = sample(command, command.opt(option))
    stores = {"a": str(web_stores["a"]), "b": str(web_stores["b"])}
    from ctxvec.errors import CtxvecError, ParameterError

    cli_ok, cli = run_cli(cli_argv(route, {**BASE[name], option: value}, stores, tmp_path / "plot.html"))
    try:
        py = python_api_call(name, option, value, stores).to_dict()
    except CtxvecError as e:  # both refuse (e.g. an index the store lacks), with the same message
        assert not cli_ok and (isinstance(e, ParameterError) or cli.strip() == f"ctxvec: error: {e}"), (cli, e)
        return
    assert cli_ok, cli
    assert drop_timings(py) == drop_timings(cli)


def test_the_walk_covers_every_option_objects_field() -> None:
    from ctxvec.decomposition import SPARSITIES, AtomFilter
    from ctxvec.space import Sampling

    walked = set(option_object_cases())
    assert {("decompose", f.name) for c in (*SPARSITIES, AtomFilter) for f in fields(c)} <= walked
    assert {("isotropy", f.name) for f in fields(Sampling)} <= walked
    assert {("compare", "seed"), ("compare", "n_pairs"), ("similar", "exact"), ("similar", "index")} <= walked
    assert {("senses", "k_max"), ("senses", "min_share")} <= walked
