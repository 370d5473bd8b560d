"""The CLI's read-only commands as the web explorer's JSON API (a `ctxvec.web.CommandRunner`).

``GET /api/<command>?<name>=<value>...`` becomes the argv of ``ctxvec <command> STORE ...``: each
parameter is named by its long option (``max_terms`` -> ``--max-terms``, ``in`` -> ``--in``, ``k`` ->
``-k``) or by its positional's name (``word``, ``words``); flags take ``1``/``0``; list parameters
take commas (``words=cold,warm``); ``store=`` / ``store2=`` pick served stores by name or index. The
command's own parser checks the argv (its errors come back as 400 naming the parameter), its
``compute`` runs, and the body is ``result.to_dict()`` -- what ``--json`` prints -- except for
`plot`, which answers the projection's ``to_dict()`` and writes no file. Options that write files,
pick a device or load another model are not served; numbers, lists and texts are bounded.
"""

from __future__ import annotations

import argparse
import math
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import CtxvecError, ParameterError
from ..results import JSON

if TYPE_CHECKING:
    from ..neighbours import Backend, Loader
    from ..store import Store
    from ..web import LockedCache, ServedStore

SERVED = (
    "analogy", "compare", "decompose", "dims", "explain", "info", "isotropy", "plot", "senses", "shift", "similar",
)  # fmt: skip
# options that write files, choose a device, embed with another model or only shape figures
HIDDEN = {
    "help", "json", "device", "output", "plot", "stats_plot", "model", "all_layers", "width", "height", "title", "quiet",
}  # fmt: skip
HIDDEN_FOR = {"senses": {"method"}, "isotropy": {"sample_sentences"}}
STORE_DESTS = {"store": "store", "source": "store", "store2": "store2"}
API_DEFAULTS = {"limit": 20}  # the API answers at most 20 query occurrences unless asked (the CLI: all)
MAX_TEXT = 1000  # characters of one parameter value
MAX_ITEMS = 50  # items of a list parameter
MAX_INT = {
    "k": 200, "limit": 200, "max_terms": 100, "top": 200, "max_k": 20, "sentences": 50, "words": 50,
    "max_occurrences": 5000, "pairs": 100_000, "max_points": 20_000, "neighbors": 100, "n_words": 50,
    "per_word": 50, "top_dims": 100, "max_words": 2000, "max_sentences": 5000, "top_k": 100, "sample": 100_000,
    "permutations": 10_000, "bootstrap": 10_000, "max_per_side": 5000, "examples": 10,
}  # fmt: skip
MAX_ANY_INT = 2**31 - 1  # seeds, ids: what every library takes
TRUE, FALSE = ("1", "true", "yes", "on", ""), ("0", "false", "no", "off")


def _raise(message: str) -> None:
    raise CtxvecError(message)


@dataclass(frozen=True)
class Param:
    """One API parameter of a command: `name` in the URL, the argparse `action` behind it."""

    name: str
    action: argparse.Action
    kind: str  # "flag", "value", "list" or "store"

    @property
    def flag(self) -> str | None:
        options = self.action.option_strings
        return max(options, key=len) if options else None

    @property
    def type(self) -> str:
        if self.kind == "flag":
            return "bool"
        t = getattr(self.action.type, "number_type", self.action.type)  # a checked Number (cli._types)
        return t.__name__ if t in (int, float) else "str"

    def to_dict(self, command: str) -> JSON:
        default = API_DEFAULTS.get(self.name, self.action.default) if self.kind != "store" else None
        return {
            "name": self.name,
            "type": self.type,
            "list": self.kind == "list",
            "default": default if not isinstance(default, list) else ",".join(default),
            "required": bool(self.action.required) and self.kind != "store",
            "choices": list(self.action.choices) if self.action.choices else None,
            "help": self.action.help if self.action.help != argparse.SUPPRESS else "",
            "cli": self.flag,  # None: positional, in the parser's order
            "positional": self.flag is None,
            "max": MAX_INT.get(self.name) if self.type == "int" else None,
        }


def api_name(action: argparse.Action) -> str:
    """The URL name of an option: its long option without dashes (``--max-terms`` -> ``max_terms``)."""
    if action.dest in STORE_DESTS:
        return STORE_DESTS[action.dest]
    if not action.option_strings:
        return action.dest
    return max(action.option_strings, key=len).lstrip("-").replace("-", "_")


def command_params(command: str, parser: argparse.ArgumentParser) -> list[Param]:
    hidden = HIDDEN | HIDDEN_FOR.get(command, set())
    out = []
    for a in parser._actions:
        if a.dest in hidden:
            continue
        if a.dest in STORE_DESTS:
            kind = "store"
        elif isinstance(a, argparse._StoreTrueAction):
            kind = "flag"
        elif a.nargs in ("+", "*") or isinstance(a, argparse._AppendAction):  # explain's --row A --row B
            kind = "list"
        else:
            kind = "value"
        out.append(Param(api_name(a), a, kind))
    return out


class CliRunner:
    """Runs the served commands over `stores` (open `Store`s, warmed once) for the web API."""

    def __init__(self, stores: list[tuple[ServedStore, Store]], projections: LockedCache):
        from . import build_parser

        parser = build_parser()
        subs = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        self.parsers: dict[str, argparse.ArgumentParser] = {c: subs.choices[c] for c in SERVED}
        for p in self.parsers.values():
            p.exit_on_error = False
            setattr(p, "error", _raise)  # noqa: B010 (an argparse error is a 400, never an exit)
        self.params = {c: command_params(c, p) for c, p in self.parsers.items()}
        self.served = [s for s, _ in stores]
        self.stores = [store for _, store in stores]
        self.projections = projections
        self._backends: dict[tuple[str, str], Backend] = {}
        self._preferred: dict[str, str] = {}
        self._lock = threading.Lock()
        for served, store in stores:
            kind = _preferred_index(store)
            if kind is not None:
                self._preferred[served.path] = kind
                self._backend(served.path, store, kind)

    # ---- the API's two questions ----------------------------------------------------------
    def describe(self) -> JSON:
        return {
            "commands": {
                c: {"help": self.parsers[c].description or "", "parameters": [p.to_dict(c) for p in self.params[c]]}
                for c in SERVED
            },
            "defaults": API_DEFAULTS,
            "max_text": MAX_TEXT,
            "max_items": MAX_ITEMS,
        }

    def run(self, command: str, params: list[tuple[str, str]]) -> JSON:
        from ..store import Store
        from ..web import ApiError

        if command not in self.parsers:
            raise ApiError(404, f"unknown command {command[:40]!r}; the API serves: {', '.join(SERVED)}")
        args = self.parse(command, params)
        names = {p.action.dest: p.name for p in self.params[command]}
        try:
            with Store.sharing(self.stores):
                return self._compute(command, args)
        except ParameterError as e:
            raise ApiError(400, e.message_for(names.get(e.name, e.name))) from None
        except CtxvecError as e:
            raise ApiError(400, self._rename(command, str(e))) from None

    # ---- query parameters -> argparse.Namespace ---------------------------------------------
    def parse(self, command: str, params: list[tuple[str, str]]) -> argparse.Namespace:
        from ..web import ApiError

        spec = {p.name: p for p in self.params[command]}
        given: dict[str, list[str]] = {}
        for name, value in params:
            if name not in spec:
                raise ApiError(400, f"unknown parameter {name[:40]!r} for {command}; its parameters: {', '.join(spec)}")
            if len(value) > MAX_TEXT:
                raise ApiError(
                    400, f"parameter {name} is {len(value):,} characters long; at most {MAX_TEXT:,}: shorten it"
                )
            given.setdefault(name, []).append(value)
        for name, default in API_DEFAULTS.items():
            if name in spec and name not in given:
                given[name] = [str(default)]
        options: list[str] = []
        positionals: list[str] = []
        for p in self.params[command]:
            values = given.get(p.name)
            if p.kind == "store":
                positionals.append(self._store_path(p.name, values))
                continue
            if values is None:
                continue
            if p.kind != "list" and len(values) > 1:
                raise ApiError(400, f"parameter {p.name} is given {len(values)} times; give it once")
            if p.kind == "flag":
                options += self._flag(p, values[0])
            elif p.kind == "list":
                items = [x.strip() for v in values for x in v.split(",") if x.strip()]
                if len(items) > MAX_ITEMS:
                    raise ApiError(400, f"parameter {p.name} has {len(items)} items; at most {MAX_ITEMS}")
                bad = [x for x in items if x.startswith("-")]
                if bad:
                    raise ApiError(400, f"parameter {p.name}: item {bad[0][:40]!r} starts with '-'; drop the dash")
                for x in items:
                    self._check_value(p, x)
                if p.flag is None:
                    positionals += items
                elif isinstance(p.action, argparse._AppendAction):
                    options += [f"{p.flag}={x}" for x in items]
                elif items:
                    options += [p.flag, *items]
            else:
                self._check_value(p, values[0])
                if p.flag is None:
                    positionals.append(values[0])
                else:
                    options.append(f"{p.flag}={values[0]}")
        if command == "plot":
            options.append("--output=unused.html")  # required by the CLI; the API writes no file
        try:
            return self.parsers[command].parse_args([*options, "--", *positionals])
        except (CtxvecError, argparse.ArgumentError) as e:
            raise ApiError(400, self._rename(command, str(e)) + " (see /api/commands)") from None

    def _store_path(self, name: str, values: list[str] | None) -> str:
        from ..web import ApiError

        if values is None:
            if name == "store2":
                raise ApiError(400, "parameter store2 is missing: name the second store (see /api/stores)")
            return self.served[0].path
        if len(values) > 1:
            raise ApiError(400, f"parameter {name} is given {len(values)} times; give it once")
        v = values[0]
        for i, s in enumerate(self.served):
            if v in (s.name, str(i)):
                return s.path
        names = ", ".join(f"{s.name} ({i})" for i, s in enumerate(self.served))
        raise ApiError(400, f"no served store {v[:40]!r} for parameter {name}; served: {names}")

    @staticmethod
    def _flag(p: Param, value: str) -> list[str]:
        from ..web import ApiError

        v = value.strip().lower()
        if v in TRUE:
            return [str(p.flag)]
        if v in FALSE:
            return []
        raise ApiError(400, f"parameter {p.name} is a flag: give 1 or 0, not {value[:40]!r}")

    @staticmethod
    def _check_value(p: Param, value: str) -> None:
        from ..web import ApiError

        t = getattr(p.action.type, "number_type", p.action.type)  # a checked Number (cli._types)
        if t in (int, float):
            try:
                number = t(value)
            except (TypeError, ValueError):
                kind = "an integer" if t is int else "a number"
                raise ApiError(400, f"parameter {p.name} must be {kind}, not {value[:40]!r}") from None
            if not math.isfinite(number) or number < 0:
                raise ApiError(400, f"parameter {p.name} must be a finite number >= 0, not {value[:40]!r}")
            most = MAX_INT.get(p.name, MAX_ANY_INT)
            if t is int and number > most:
                raise ApiError(400, f"parameter {p.name} is {number}; at most {most} here (lower it)")
        elif callable(t):
            try:
                t(value)
            except (TypeError, ValueError, argparse.ArgumentTypeError) as e:
                raise ApiError(400, f"parameter {p.name}: {e}") from None
        if p.action.choices and value not in p.action.choices:
            choices = ", ".join(str(c) for c in p.action.choices)
            raise ApiError(400, f"parameter {p.name} must be one of {choices}, not {value[:40]!r}")
        if p.name == "word" and not value.strip():
            raise ApiError(400, "parameter word is empty; give a word")

    def _rename(self, command: str, message: str) -> str:
        """An argparse or library message with the command's flags and metavars as API names."""
        for p in sorted(self.params[command], key=lambda p: -len(p.flag or "")):
            for spelling in [*p.action.option_strings, str(p.action.metavar or "")]:
                if spelling:
                    message = re.sub(rf"(?<![\w-]){re.escape(spelling)}(?![\w-])", p.name, message)
        return message.replace("argument ", "parameter ")

    # ---- running ----------------------------------------------------------------------------
    def _compute(self, command: str, args: argparse.Namespace) -> JSON:
        from ..store import Store

        if command == "plot":
            return self._projection(args)
        if command == "shift":
            self._check_shift(args)
        if command == "similar":
            kind = None if args.exact else args.index or self._preferred.get(args.store)
            if kind is not None:
                return _similar(args, self._backend(args.store, Store.open(args.store), kind))
            return _similar(args, None, lambda store, kind: self._backend(str(store.path), store, kind))
        result: Any = args.command_module.compute(args)
        return dict(result.to_dict())

    def _check_shift(self, args: argparse.Namespace) -> None:
        """`shift` compares served stores only: a second store (the first word) must be one of them;
        no progress bar on the server's terminal."""
        from pathlib import Path

        args.quiet = True
        if args.words and (Path(args.words[0]) / "manifest.json").is_file():
            served = {s.path for s in self.served}
            if args.words[0] not in served:
                raise CtxvecError("the second store must be a served store (see /api/stores)")

    def _backend(self, path: str, store: Store, kind: str) -> Backend:
        """The `kind` index of the store at `path`, read once (an HNSW index is hundreds of MB)."""
        from ..neighbours import load_index

        with self._lock:
            if (path, kind) not in self._backends:
                self._backends[path, kind] = load_index(store, kind)
            return self._backends[path, kind]

    def _projection(self, args: argparse.Namespace) -> JSON:
        from ..store import Store
        from ..structure import check_placement, place_sentence, project_words

        options = ("method", "level", "color", "max_points", "neighbors", "min_count", "seed", "where")
        key = (args.store, tuple(args.words), *(getattr(args, o) for o in options))
        store = Store.open(args.store)
        check_placement(args.method, args.word, args.in_sentence)  # before the (cached) fit
        proj = self.projections.get(
            key, lambda: project_words(store, args.words, **{o: getattr(args, o) for o in options})
        )
        if args.in_sentence is not None:  # a new sentence placed in the cached map: one forward pass
            proj = place_sentence(store, proj, args.word, args.in_sentence)
        return dict(proj.to_dict())


def _preferred_index(store: Store) -> str | None:
    """The index `similar` would use for `store` unasked (None: the exact scan)."""
    from ..neighbours import KINDS, choose_backend

    backend, note = choose_backend(store)
    kind = getattr(backend, "kind", None)
    return str(kind) if kind in KINDS and not note else None


def _similar(args: argparse.Namespace, backend: Backend | None, loader: Loader | None = None) -> JSON:
    """`ctxvec.cli.similar.compute` with a kept index (`backend`, or the saved ones `loader` keeps,
    e.g. the flat index of ``exact=1``): the same answer without reading the index again."""
    from . import similar as similar_command

    return similar_command.compute(args, backend, loader).to_dict()
