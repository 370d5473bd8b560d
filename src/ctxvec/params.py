"""The declarative parameter model: one `Command` per operation, one `Opt` per option.

Each option is declared once -- its Python name (the library parameter, the argparse dest), type,
default, bounds, help and flags -- and everything else is derived from it: the argparse parser
(`ctxvec.cli._params`), the web API's pydantic model and routes (`ctxvec.web._api`), the page's
forms (from the OpenAPI schema) and the flag a library `ParameterError` names. See docs/parameters.md.

This module is plain dataclasses (no argparse, no pydantic): it loads with the CLI, so it must stay
light, and it sits in the base so that both front ends (the CLI above the web) derive from it.
The library's option objects (`EncodeSpec`, `Sampling`, `IndexParams`, `AtomFilter`, the sparsity choices) declare
their fields with `option` -- the `Opt` keywords live in each field's metadata -- so the dataclass is
the one declaration: the object checks itself against it (`check_fields`) and a command derives its
options from it (`opts_of`, `choice_opts`) and makes the object back (`spec_of`, `choice_of`).
A default taken from a library dataclass or constant that lives in a heavy module is declared as
`LibraryDefault` and read only when a command's parser is built (never for ``ctxvec --help``), from
the module's source when it is a literal.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import importlib.util
import threading
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from pathlib import Path
from typing import Any

Converter = Callable[[str], Any]
INT_MAX = 2**31 - 1  # what every library (numpy seeds, faiss, torch sizes) takes


@dataclass(frozen=True)
class LibraryDefault:
    """The default of `attribute` of class `owner` (a dataclass field), or the constant `owner`, in
    `module`: ``LibraryDefault("ctxvec.structure._senses", "SenseRule", "k_max")``.

    A literal default is read from the module's source (`ast`), so a parser's help shows it without
    importing the module's heavy dependencies (``ctxvec senses --help`` loads no scikit-learn);
    anything else is read by importing the module. tests/cli check both ways agree."""

    module: str
    owner: str
    attribute: str | None = None

    def resolve(self) -> Any:
        """The default, read once per process (the web's request threads share the answer)."""
        with _RESOLVING:
            if self not in _RESOLVED:
                try:
                    _RESOLVED[self] = self.from_source()
                except (LookupError, ValueError, SyntaxError, TypeError, OSError, ImportError):
                    _RESOLVED[self] = self.imported()
            return _RESOLVED[self]

    def from_source(self) -> Any:
        """The literal default as the module's source spells it (LookupError when not found)."""
        spec = importlib.util.find_spec(self.module)
        if spec is None or spec.origin is None:
            raise LookupError(self.module)
        tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
        body: list[ast.stmt] = tree.body
        target = self.owner
        if self.attribute is not None:
            owner = next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == self.owner), None)
            if owner is None:
                raise LookupError(self.owner)
            body, target = owner.body, self.attribute
        for node in body:
            named = isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == target
            if named and isinstance(node, ast.AnnAssign) and node.value is not None:
                return ast.literal_eval(node.value)
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == target for t in node.targets):
                return ast.literal_eval(node.value)
        raise LookupError(target)

    def imported(self) -> Any:
        """The default read from the imported module."""
        owner = getattr(importlib.import_module(self.module), self.owner)
        if self.attribute is None:
            return owner
        if is_dataclass(owner):
            for f in fields(owner):
                if f.name == self.attribute:
                    return f.default
        return getattr(owner, self.attribute)


_RESOLVED: dict[LibraryDefault, Any] = {}
_RESOLVING = threading.Lock()


def resolved(value: Any) -> Any:
    """`value`, or what it stands for when it is a `LibraryDefault`."""
    return value.resolve() if isinstance(value, LibraryDefault) else value


@dataclass(frozen=True)
class Opt:
    """One option of a command.

    - `name`: the Python parameter (the library's name, the argparse dest, `args.<name>` in ``compute``).
    - `type`: ``str``, ``int``, ``float`` or ``bool``; `many`: a list of them (``nargs="+"``, or
      ``*`` for an optional positional); `append`: a list given by repeating the option.
    - `default`: the value when not given (a `LibraryDefault` for a library's own); `required`.
    - `low` / `high` (`open_low`: low excluded): the bounds, checked by the CLI and the web alike;
      `web_high`: a lower ceiling for the web (answers must stay small there).
    - `choices`; `convert`: text -> value for the CLI and the web (e.g. accepting old spellings).
    - `flag`: the CLI spelling (default ``--name-with-dashes``; ``-k`` for one letter); `short`:
      another spelling (``-o``); `positional`; `metavar`; `group`: at most one option of a group.
    - `store`: an existing store folder; ``compute`` gets it open (`Store`). On the web: a served
      store's name or index, default the first. `cli_opens=False`: the CLI passes the text as typed
      (a store or something else, such as a corpus); the web still passes the open `Store`.
    - `api`: the web's name when it is not the long flag's.
    - `local_only`: not served on the web (writes files, loads another model, picks a device, or only
      shapes a figure); the web uses the default. `web_default`: the web's default when it differs.

    A bool whose default is true is a ``--no-name`` switch (``--name`` too); the web names it
    ``no_name`` (a flag that is false unless given). Every web name is the long flag without
    dashes (`api_name`), so what a user types on the command line is what the URL takes.
    """

    name: str
    type: type = str
    default: Any = None
    help: str = ""
    flag: str | None = None
    short: str | None = None
    positional: bool = False
    required: bool = False
    many: bool = False
    append: bool = False
    choices: tuple[Any, ...] | None = None
    convert: Converter | None = None
    low: float | None = None
    high: float | None = None
    open_low: bool = False
    web_high: float | None = None
    web_default: Any = None
    metavar: str | None = None
    group: str | None = None
    store: bool = False
    cli_opens: bool = True
    api: str | None = None
    local_only: bool = False

    # ---- derived spellings ------------------------------------------------------------------
    @property
    def negated(self) -> bool:
        """A bool that is on unless switched off: ``--no-name`` on the CLI, ``no_name`` on the web."""
        return self.type is bool and resolved(self.default) is True

    @property
    def cli_flag(self) -> str:
        """The long CLI spelling (``--max-terms``, ``-k``), or the metavar of a positional."""
        if self.positional:
            return self.metavar or self.name.upper()
        if self.flag is not None:
            return self.flag
        return f"-{self.name}" if len(self.name) == 1 else "--" + self.name.replace("_", "-")

    @property
    def api_name(self) -> str:
        """The web's name: the long flag without dashes (``--in`` -> ``in``; positionals: `name`)."""
        if self.api is not None:
            return self.api
        if self.positional:
            return self.name
        base = self.cli_flag.lstrip("-").replace("-", "_")
        return f"no_{base}" if self.negated else base

    @property
    def web_upper(self) -> float | None:
        """The web's upper bound: the lower of `high` and `web_high`."""
        bounds = [b for b in (self.high, self.web_high) if b is not None]
        if not bounds and self.type is int:
            return INT_MAX
        return min(bounds) if bounds else None

    @property
    def web_lower(self) -> float | None:
        return self.low if self.low is not None or self.type is not int else 0

    def default_text(self) -> str:
        """`` (default 10)`` for help texts, or nothing."""
        value = resolved(self.default)
        if value is None or value is False or value in ([], ()) or self.required or self.type is bool:
            return ""
        if isinstance(value, (list, tuple)):
            value = " ".join(map(str, value))
        return f" (default {value})"


@dataclass(frozen=True)
class Command:
    """One command: its `name`, one-line `help`, longer `description` and `options` (in CLI order),
    or `verbs` (sub-commands, such as ``index build``). `served`: answered by the web API;
    `required_groups`: option groups of which one option must be given."""

    name: str
    help: str
    description: str = ""
    options: tuple[Opt, ...] = ()
    verbs: tuple[Command, ...] = ()
    required_groups: tuple[str, ...] = ()  # groups of which one option must be given
    served: bool = False
    json: bool = True  # a --json flag

    def opt(self, name: str) -> Opt:
        return next(o for o in self.options if o.name == name)

    def all_options(self) -> Iterator[Opt]:
        yield from self.options
        for verb in self.verbs:
            yield from verb.all_options()

    def web_options(self) -> tuple[Opt, ...]:
        return tuple(o for o in self.options if not o.local_only)


def options(*groups: Sequence[Opt] | Opt) -> tuple[Opt, ...]:
    """Flatten options and tuples of shared options (``options(STORE, *QUERY, Opt(...))``)."""
    out: list[Opt] = []
    for g in groups:
        out.extend([g] if isinstance(g, Opt) else g)
    return tuple(out)


def namespace_default(opt: Opt) -> Any:
    """What ``compute`` gets for `opt` when it is not given (a tuple default becomes a list)."""
    return _cli_default(opt)


def _cli_default(opt: Opt) -> Any:
    value = resolved(opt.default)
    if opt.type is bool:
        return bool(value)
    return list(value) if isinstance(value, tuple) else value


def defaults(command: Command) -> dict[str, Any]:
    """{name: default} of every option of `command` (library defaults resolved)."""
    return {o.name: _cli_default(o) for o in command.options}


def values(command: Command, given: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """The option values ``compute`` takes: `given` over `command`'s defaults (``json`` false unless given)."""
    out = defaults(command)
    out.update(given)
    out.update(extra)
    out.setdefault("json", False)
    out["command_spec"] = command
    return out


# ---- options declared by the library's option dataclasses -------------------------------------
OPT_KEY = "ctxvec.opt"
"""The key of a dataclass field's metadata that holds its `Opt` keywords (see `option`)."""


def option(default: Any = None, help: str = "", **opt: Any) -> Any:
    """A field of a library option dataclass (`EncodeSpec`, `Sampling`, ...) declared once: its
    default, help and the `Opt` keywords (``low=``, ``high=``, ``open_low=``, ``choices=``,
    ``web_high=``, ``flag=``, ``metavar=``, ...). `opts_of` derives the command-line / web options
    from these fields, and `check_fields` checks a value against the same bounds and choices.
    Pass ``default_factory=`` for a mutable default."""
    factory = opt.pop("default_factory", None)
    metadata = {OPT_KEY: {"help": help, **opt}}
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def _field_type(hint: Any) -> tuple[type, bool]:
    """(the scalar type, is a list) of a field's annotation (``int | None`` -> int; ``tuple[str, ...]`` -> str, list)."""
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _field_type(args[0])
    if origin in (tuple, list) and args:
        return args[0], True
    if isinstance(hint, type):
        return hint, False
    raise TypeError(f"option field of type {hint!r}: use str, int, float, bool, an optional or a tuple of one")


def opts_of(owner: type, only: Sequence[str] | None = None, **changes: Mapping[str, Any]) -> tuple[Opt, ...]:
    """The `Opt`s of the option dataclass `owner`'s fields declared with `option`, in field order
    (`only`: those, in that order): name, type, default, help and bounds from the field, with
    `changes[name]` (Opt keywords) on top for what only a front end decides (``local_only``, ``group``)."""
    hints = typing.get_type_hints(owner)
    declared = {f.name: f for f in fields(owner) if OPT_KEY in f.metadata}
    out = []
    for name in declared if only is None else only:
        f = declared[name]
        kind, many = _field_type(hints[name])
        default = f.default if f.default_factory is dataclasses.MISSING else f.default_factory()
        kwargs = {**f.metadata[OPT_KEY], **changes.get(name, {})}
        out.append(Opt(name, kind, default, many=many or kwargs.pop("many", False), **kwargs))
    return tuple(out)


T = typing.TypeVar("T")


def spec_of(owner: type[T], given: Any, **changes: Any) -> T:
    """An `owner` option object from a front end's values: the attributes of `given` (an
    ``argparse.Namespace``) named as `owner`'s fields, absent ones left at their defaults."""
    names = {f.name for f in fields(owner)}  # type: ignore[arg-type]
    values = {n: getattr(given, n) for n in names if hasattr(given, n)}
    return owner(**{**values, **changes})


def choice_opts(group: str, choices: Sequence[type], default: type | None = None) -> tuple[Opt, ...]:
    """One option per class of `choices` (each an option dataclass of one field), at most one of them
    given (argparse's exclusive group `group`, a 400 on the web): the front end passes whichever was
    given, as its class (`choice_of`), or nothing, and the library picks its default (`default`'s)."""
    out = []
    for owner in choices:
        (opt,) = opts_of(owner)
        note = f" (default {opt.default})" if owner is default else ""
        out.append(dataclasses.replace(opt, default=None, group=group, help=opt.help + note))
    return tuple(out)


def choice_of(choices: Sequence[type], given: Any) -> Any:
    """The one of `choices` whose field `given` (a namespace) holds a value, made with it; None when none does."""
    for owner in choices:
        (f,) = fields(owner)
        value = getattr(given, f.name, None)
        if value is not None:
            return owner(value)
    return None


def check_fields(value: Any) -> None:
    """ParameterError naming the first field of the option dataclass `value` outside its declared
    bounds or choices (fields declared with `option`; None passes: it means "the default rule")."""
    from .errors import ParameterError

    for f in fields(value):
        spec = f.metadata.get(OPT_KEY)
        x = getattr(value, f.name)
        if spec is None or x is None:
            continue
        items = x if isinstance(x, (tuple, list)) else (x,)
        for item in items:
            _check_one(f.name, item, spec, ParameterError)


def _check_one(name: str, x: Any, spec: Mapping[str, Any], error: Any) -> None:
    shown = repr(x)  # ParameterError replaces only the literal {name}: any braces in a value stay as they are
    choices = spec.get("choices")
    if choices is not None and x not in choices:
        raise error(name, f"unknown {{name}} {shown}; use one of {', '.join(map(str, choices))}")
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return
    low, high = spec.get("low"), spec.get("high")
    if (low is not None and (x <= low if spec.get("open_low") else x < low)) or x != x:
        bound = f"more than {low:g}" if spec.get("open_low") else f"at least {low:g}"
        raise error(name, f"{{name}} must be {bound}, got {shown}")
    if high is not None and x > high:
        raise error(name, f"{{name}} must be at most {high:g}, got {shown}")


# ---- shared options ----------------------------------------------------------------------------
STORE = Opt("store", positional=True, required=True, store=True, metavar="STORE", help="store folder")


def query_options(word_required: bool = False) -> tuple[Opt, ...]:
    """WORD, --sentence, --row, --in (at most one of the three), --limit and --device: the parameters
    of `ctxvec.queries.select_queries` (`ctxvec.cli._queries.queries_from_args` calls it)."""
    return (
        Opt("word", positional=True, required=word_required, metavar="WORD", help="the query word"),
        Opt("sentence", int, low=0, metavar="ID", group="query", help="only WORD in stored sentence ID"),
        Opt("row", int, low=0, metavar="ID", group="query", help="one occurrence: row ID of the store"),
        Opt("in_sentence", flag="--in", metavar="TEXT", group="query", help="WORD inside a new sentence, embedded on the fly"),
        Opt("limit", int, low=1, web_high=200, web_default=20, metavar="N", help="only the first N query occurrences (the web: 20 unless asked)"),
        DEVICE,
    )  # fmt: skip


DEVICE = Opt(
    "device", default="auto", local_only=True, help="device for embedding new sentences (auto, cpu, cuda, mps)"
)
SEED = Opt("seed", int, 0, "random seed", low=0, high=2**32 - 1)
WHERE = Opt("where", metavar="FILTER", help='only a slice of the corpus, e.g. "year < 1900"')
OUTPUT = Opt(
    "output",
    flag="--output",
    short="-o",
    metavar="FILE",
    local_only=True,
    help="write a figure (.png, .svg, .pdf, .html)",
)
WIDTH = Opt("width", int, 1000, "figure width in pixels", low=50, high=20_000, local_only=True)
HEIGHT = Opt("height", int, 800, "figure height in pixels", low=50, high=20_000, local_only=True)
MAX_ITEMS = 50  # items of a list option on the web
MAX_TEXT = 1000  # characters of one text value on the web
