"""The FastAPI app: page routes (the static ``index.html``; each view's state is its URL's query
string), static files from the package, ``/api/stores``, one ``/api/<command>`` route per served
command (`ctxvec.web._api`) and their OpenAPI schema at ``/openapi.json``.

Every answer is JSON; refusals are 4xx ``{"error": "..."}`` (503 + Retry-After when the expected wait
is over the bound); a query that does not
fit a command's model is 400 naming the parameter. No docs pages: Swagger UI loads from a CDN,
which breaks offline and under the strict CSP; the schema itself is served.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from ..results import JSON, jsonable
from ._admission import Admission, ApiError, Limits
from ._api import CommandApi, ServedStore, WebCommand
from ._security import SecurityMiddleware

STATIC = Path(__file__).parent / "static"
PAGES = ("/", "/similar", "/occurrence", "/word", "/map", "/space", "/decompose", "/senses", "/shift")
MAX_QUERY = 8192  # characters of a whole query string (one parameter is bounded by the runner)


def create_app(
    stores: list[ServedStore], runner: CommandApi, hosts: frozenset[str], limits: Limits | None = None
) -> FastAPI:
    """The explorer's app over `stores`, answering `runner`'s commands, for ``Host`` values in `hosts`."""
    from .. import __version__

    admission = Admission(limits or Limits())
    app = FastAPI(title="ctxvec explorer", version=__version__, docs_url=None, redoc_url=None)
    app.state.admission = admission

    def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return error(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error(400, validation_message(request.url.path, exc, known))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404:
            return error(404, f"no such page {request.url.path[:200]!r}; the explorer starts at /")
        return error(exc.status_code, str(exc.detail))

    def page() -> Response:
        index = STATIC / "index.html"
        if not index.is_file():
            return error(404, "the explorer's pages are not installed (ctxvec/web/static/index.html is missing)")
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

    for path in PAGES:
        app.add_api_route(path, page, methods=["GET"], include_in_schema=False)

    @app.get("/api/stores")
    def served() -> JSON:
        return {"stores": [s.to_dict() for s in stores]}

    known = {c.name: [f.alias or n for n, f in c.model.model_fields.items()] for c in runner.commands}
    for command in runner.commands:
        app.add_api_route(
            f"/api/{command.name}",
            command_route(command, admission),
            methods=["GET"],
            summary=command.help,
            name=command.name,
            response_model=None,
        )
    command_names = ", ".join(c.name for c in runner.commands)

    @app.get("/api/{command}", include_in_schema=False)
    def unknown(command: str) -> JSON:
        raise ApiError(404, f"unknown command {command[:40]!r}; the API serves: {command_names} (see /openapi.json)")

    @app.middleware("http")
    async def bounded_query(
        request: Request, call_next: Callable[[Request], Coroutine[Any, Any, Response]]
    ) -> Response:
        query = request.url.query
        if len(query) > MAX_QUERY:
            params = request.query_params.multi_items()
            name, value = max(params, key=lambda p: len(p[1]), default=("", ""))
            return error(
                414,
                f"the query string is {len(query):,} characters long (parameter {name[:40]!r} alone "
                f"{len(value):,}); at most {MAX_QUERY:,}: shorten it",
            )
        return await call_next(request)

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityMiddleware, hosts=hosts)
    return app


def command_route(command: WebCommand, admission: Admission) -> Callable[..., Coroutine[Any, Any, Response]]:
    """The endpoint of one command: FastAPI validates the query against ``command.model``, the
    command runs on the admission pool, the body is its result's JSON."""
    model = command.model

    extras = {name: dict(f.json_schema_extra or {}) for name, f in model.model_fields.items()}  # type: ignore[arg-type]
    lists = {f.alias or name for name, f in model.model_fields.items() if extras[name].get("x-list")}
    modes = [(name, f.alias or name) for name, f in model.model_fields.items() if extras[name].get("x-group")]

    def work_kind(query: BaseModel) -> str:
        """What the admission estimates separately: the command and the options it was given from its
        exclusive groups (``similar`` by word, ``similar in``: a forward pass, ``similar row``...)."""
        chosen = [alias for name, alias in modes if getattr(query, name) not in (None, False, [])]
        return " ".join([command.name, *chosen])

    async def endpoint(request: Request, query: BaseModel) -> Response:
        seen: set[str] = set()
        for name, _ in request.query_params.multi_items():
            if name in seen and name not in lists:
                raise ApiError(400, f"parameter {name[:40]} is given more than once; give it once")
            seen.add(name)
        body = await admission.run(lambda: command.run(query), key=work_kind(query))
        return JSONResponse(jsonable(body), headers={"Cache-Control": "no-store"})

    # the annotation FastAPI reads: this command's model, as query parameters (set here: it is built at run time)
    parameters = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        inspect.Parameter("query", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[model, Query()]),
    ]
    endpoint.__signature__ = inspect.Signature(parameters, return_annotation=Response)  # type: ignore[attr-defined]
    endpoint.__doc__ = command.help
    return endpoint


def validation_message(path: str, exc: RequestValidationError, known: dict[str, list[str]]) -> str:
    """One line naming the first bad parameter, its value and what it takes (`known`: the parameters
    of each command, named in the message about an unknown one)."""
    errors = list(exc.errors())
    if not errors:
        return f"bad request to {path[:200]!r}"
    e = errors[0]
    loc = [str(x) for x in e.get("loc", ()) if x not in ("query", "body")]
    name = loc[0] if loc else ""
    given = e.get("input")
    shown = f", not {str(given)[:40]!r}" if isinstance(given, (str, int, float)) and e.get("type") != "missing" else ""
    kind, ctx = e.get("type"), e.get("ctx") or {}
    if kind == "extra_forbidden":
        command = path.removeprefix("/api/")
        return f"unknown parameter {name[:40]!r} for {command}; its parameters: {', '.join(known.get(command, []))}"
    if kind == "missing":
        return f"parameter {name} is missing: give it"
    message = str(e.get("msg", "invalid")).removeprefix("Value error, ")
    if kind in ("less_than_equal", "greater_than_equal", "greater_than"):
        bound = {"less_than_equal": "at most", "greater_than_equal": "at least", "greater_than": "more than"}[kind]
        value = next(iter(ctx.values()), "")
        message = f"must be {bound} {value} here"
    elif kind == "string_too_long" and isinstance(given, str):
        return f"parameter {name} is {len(given):,} characters long; at most {ctx.get('max_length', ''):,}: shorten it"
    elif kind in ("int_parsing", "int_from_float"):
        message = "must be an integer"
    elif kind == "float_parsing":
        message = "must be a number"
    if not name:
        return message
    return f"parameter {name}: {message[0].lower() + message[1:]}{shown}"
