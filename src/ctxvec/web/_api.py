"""The JSON API, derived from the commands' declarations (`ctxvec.params`, the CLI modules' `COMMAND`s).

Each served command becomes a real route, ``GET /api/<command>``, whose query parameters are a
pydantic model generated from the command's `Opt`s (`request_model`): the same types, bounds
(`Opt.low`, `Opt.high`, and `Opt.web_high` for what the web allows), choices and defaults as the
CLI. FastAPI validates the query against it (its errors are 400 naming the parameter, `_app`) and
publishes it in ``/openapi.json``, from which the page builds its forms. A served verb of a command
(``factors show``) is ``GET /api/<command>/<verb>``. Options marked ``local_only`` are not offered
and take their `Opt.web_default` when declared, else their default (``index``'s ``list``: the web
only lists a store's indexes). A store option takes a served store's
name or index and the command gets that open `Store`: served stores and loaded indexes reach the
library as arguments (`ServedStores`), never through globals. The body is ``result.to_dict()``: what
``ctxvec <command> ... --json`` prints.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType, SimpleNamespace
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model, model_validator

from ..errors import CtxvecError, ParameterError
from ..params import MAX_ITEMS, MAX_TEXT, Command, Opt, defaults, namespace_default, resolved, values
from ..results import JSON
from ._admission import ApiError, LockedCache

if TYPE_CHECKING:
    from ..neighbours import Backend
    from ..store import Store


@dataclass(frozen=True)
class WebCommand:
    """One API route: ``GET /api/<name>`` validated by `model`, answered by `run` (on a worker thread)."""

    name: str
    help: str
    model: type[BaseModel]
    run: Callable[[BaseModel], JSON]


@dataclass(frozen=True)
class Route:
    """A served command or verb: ``GET /api/<name>`` (``factors/show``) answers `module`'s ``compute``
    on `spec`'s options, with `extra` set as the CLI's parser sets it (``verb="show"``)."""

    name: str
    spec: Command
    module: ModuleType
    extra: dict[str, Any]


def served_routes(modules: list[ModuleType]) -> list[Route]:
    """The routes of `modules`' declarations (``COMMAND``): every command declared `served`, and
    every served verb of a command with verbs."""
    routes: list[Route] = []
    for module in modules:
        spec: Command | None = getattr(module, "COMMAND", None)
        if spec is None:
            continue
        if spec.served and not spec.verbs:
            routes.append(Route(spec.name, spec, module, {}))
        routes += [Route(f"{spec.name}/{v.name}", v, module, {"verb": v.name}) for v in spec.verbs if v.served]
    return routes


@dataclass(frozen=True)
class ServedStore:
    """A store the server answers for: `name` (what ``store=`` takes), its path and summary."""

    name: str
    path: str
    summary: JSON

    def to_dict(self) -> JSON:
        return {"name": self.name, "path": self.path, "summary": self.summary}


# ---- the request model -------------------------------------------------------------------------
def _items(value: Any) -> Any:
    """A list parameter: repeated (``words=a&words=b``) and/or comma-separated (``words=a,b``)."""
    values = value if isinstance(value, list) else [value]
    out = [x.strip() for v in values for x in str(v).split(",") if x.strip()]
    if len(out) > MAX_ITEMS:
        raise ValueError(f"{len(out)} items; at most {MAX_ITEMS}")
    return out


def _flag(value: Any) -> Any:
    """``?exact`` (no value) means true, as HTML forms send checkboxes."""
    return True if value == "" else value


def _web_converter(convert: Callable[[str], Any]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        try:
            return convert(value) if isinstance(value, str) else value
        except Exception as e:  # argparse.ArgumentTypeError, ValueError: a 400 naming the parameter
            raise ValueError(str(e)) from None

    return check


def _field(opt: Opt, store_names: list[str], first_store: bool) -> tuple[Any, Any]:
    """(annotation, FieldInfo) of one option in the request model."""
    extra: dict[str, Any] = {"x-cli": None if opt.positional else opt.cli_flag, "x-positional": opt.positional}
    if opt.negated:
        extra["x-cli"] = "--no-" + opt.cli_flag.removeprefix("--")
    if opt.group is not None:
        extra["x-group"] = opt.group
    if opt.type is bool:
        return Annotated[bool, BeforeValidator(_flag)], Field(
            False, alias=opt.api_name, description=opt.help, json_schema_extra=extra
        )
    default = opt.web_default if opt.web_default is not None else resolved(opt.default)
    if opt.web_default is not None:
        extra["x-cli-default"] = resolved(opt.default)
    if opt.store:  # a served store's name or index; a second store (compare's) is always named
        extra["x-store"] = True
        first = store_names[0] if store_names else "none"
        help_text = f"{opt.help}: a served store's name or index" + (
            f" (default the first: {first})" if first_store else ""
        )
        if first_store:
            return str | None, Field(None, alias=opt.api_name, description=help_text, json_schema_extra=extra)
        return str, Field(..., alias=opt.api_name, description=help_text, json_schema_extra=extra)
    base: Any = opt.type
    if opt.choices is not None:
        base = Literal[tuple(opt.choices)]
    constraints: dict[str, Any] = {}
    if opt.type in (int, float):
        low, high = opt.web_lower, opt.web_upper
        if low is not None:
            constraints["gt" if opt.open_low else "ge"] = low
        if high is not None:
            constraints["le"] = high
        if opt.type is float:
            constraints["allow_inf_nan"] = False
    elif opt.type is str and opt.choices is None:
        constraints.update(min_length=1, max_length=MAX_TEXT)
    item: Any = Annotated[base, Field(**constraints)] if constraints else base
    if opt.convert is not None:
        item = Annotated[item, BeforeValidator(_web_converter(opt.convert))]
    if opt.many or opt.append:
        extra["x-list"] = True
        annotation: Any = Annotated[list[item], BeforeValidator(_items)]
        value = list(default) if default else []
        return annotation, Field(value, alias=opt.api_name, description=opt.help, json_schema_extra=extra)
    required = opt.required and opt.positional
    if required:
        return item, Field(..., alias=opt.api_name, description=opt.help, json_schema_extra=extra)
    annotation = item if default is not None else item | None
    return annotation, Field(default, alias=opt.api_name, description=opt.help, json_schema_extra=extra)


def request_model(command: Command, store_names: list[str], route: str | None = None) -> type[BaseModel]:
    """The pydantic model of ``GET /api/<command>``'s query: one field per option not `local_only`
    (named by `Opt.name`, spelt in the URL as `Opt.api_name`); unknown parameters are refused."""
    stores = [o.name for o in command.web_options() if o.store]
    fields = {opt.name: _field(opt, store_names, opt.name == stores[0]) for opt in command.web_options()}
    groups: dict[str, list[Opt]] = {}
    for opt in command.web_options():
        if opt.group is not None:
            groups.setdefault(opt.group, []).append(opt)

    def one_of_each_group(self: BaseModel) -> BaseModel:
        for group, members in groups.items():
            given = [o.api_name for o in members if getattr(self, o.name) not in (None, False, [])]
            if len(given) > 1:
                raise ValueError(f"parameters {' and '.join(given)} exclude each other; give one")
            if not given and group in command.required_groups:
                raise ValueError(f"give one of the parameters {', '.join(o.api_name for o in members)}")
        return self

    validators = {"one_of_each_group": model_validator(mode="after")(one_of_each_group)} if groups else {}
    title = "".join(part.title() for part in (route or command.name).replace("/", "_").split("_")) + "Query"
    model: type[BaseModel] = create_model(  # type: ignore[call-overload]
        title,
        __config__=ConfigDict(extra="forbid", populate_by_name=False),
        __doc__=command.help,
        __validators__=validators,
        **fields,
    )
    return model


# ---- running -----------------------------------------------------------------------------------
class ServedStores:
    """What the server holds for the commands: its open stores (warmed once), the indexes it has
    loaded (one per store and kind) and a cache of projections. A command module's optional
    ``compute_served(args, served)`` takes it (``similar`` answers from kept indexes, ``plot`` from
    cached projections); every other command runs its ``compute(args)``."""

    def __init__(self, stores: list[tuple[ServedStore, Store]], projections: LockedCache):
        self.served = [s for s, _ in stores]
        self.stores = [store for _, store in stores]
        self.projections = projections
        self._backends: dict[tuple[int, str], Backend] = {}
        self._preferred: dict[int, str] = {}
        self._lock = threading.Lock()
        for store in self.stores:
            kind = _preferred_index(store)
            if kind is not None:
                self._preferred[id(store)] = kind
                self.backend(store, kind)

    def store(self, name: str | None, parameter: str) -> Store:
        """The served store called `name` (or at that index); the first when `name` is None."""
        if name is None:
            if not self.stores:
                raise ApiError(400, f"no store is served for parameter {parameter}")
            return self.stores[0]
        for i, s in enumerate(self.served):
            if name in (s.name, str(i)):
                return self.stores[i]
        names = ", ".join(f"{s.name} ({i})" for i, s in enumerate(self.served))
        raise ApiError(400, f"no served store {name[:40]!r} for parameter {parameter}; served: {names}")

    def preferred_index(self, store: Store) -> str | None:
        """The index kind `similar` uses for `store` unasked (None: the exact scan)."""
        return self._preferred.get(id(store))

    def backend(self, store: Store, kind: str) -> Backend:
        """The `kind` index of `store`, read once (an HNSW index is hundreds of MB)."""
        from ..neighbours import load_index

        with self._lock:
            if (id(store), kind) not in self._backends:
                self._backends[id(store), kind] = load_index(store, kind)
            return self._backends[id(store), kind]


def _preferred_index(store: Store) -> str | None:
    from ..neighbours import KINDS, choose_backend

    backend, note = choose_backend(store)
    kind = getattr(backend, "kind", None)
    return str(kind) if kind in KINDS and not note else None


class CommandApi:
    """The served commands of `modules` (each with a ``COMMAND`` declaration ``served=True``) over `served`."""

    def __init__(self, modules: list[ModuleType], served: ServedStores):
        self.served = served
        names = [s.name for s in served.served]
        self.commands: list[WebCommand] = []
        for route in served_routes(modules):
            model = request_model(route.spec, names, route.name)
            defaults(route.spec)  # read every library default now, not first in concurrent request threads
            self.commands.append(WebCommand(route.name, route.spec.help, model, self._runner(route)))

    def _runner(self, route: Route) -> Callable[[BaseModel], JSON]:
        def run(query: BaseModel) -> JSON:
            return self.run(route.module, route.spec, query, route.extra)

        return run

    def run(self, module: ModuleType, spec: Command, query: BaseModel, extra: dict[str, Any] | None = None) -> JSON:
        """`spec`'s command on a validated `query` (and `extra`, such as a verb): the result's
        ``to_dict()``; library errors are 400."""
        given: dict[str, Any] = {
            o.name: o.web_default for o in spec.options if o.local_only and o.web_default is not None
        }
        for opt in spec.web_options():
            value = getattr(query, opt.name)
            if opt.store:
                value = self.served.store(value, opt.api_name)
            elif opt.negated:
                value = not value
            elif (opt.many or opt.append) and not value:
                value = namespace_default(opt)
            given[opt.name] = value
        args = SimpleNamespace(**values(spec, given, **(extra or {})))  # what argparse gives the CLI's compute
        try:
            if hasattr(module, "compute_served"):
                result = module.compute_served(args, self.served)
            else:
                result = module.compute(args)
            return dict(result.to_dict())
        except ParameterError as e:
            raise ApiError(400, e.message_for(_api_name(spec, e.name))) from None
        except CtxvecError as e:
            raise ApiError(400, str(e)) from None


def _api_name(spec: Command, name: str) -> str:
    """The URL name of library parameter `name` (`name` itself when no option carries it)."""
    return next((o.api_name for o in spec.options if o.name == name), name)
