"""The FastAPI app: page routes (the static ``index.html``; each view's state is its URL's query
string), static files from the package, ``/api/stores``, ``/api/commands`` and ``/api/<command>``.

Every answer is JSON; refusals are 4xx ``{"error": "..."}`` (503 + Retry-After when the expected wait
is over the bound). No docs pages: Swagger UI
loads from a CDN, which breaks offline and under the strict CSP.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from ..results import JSON, jsonable
from ._admission import Admission, ApiError, CommandRunner, Limits
from ._security import SecurityMiddleware

STATIC = Path(__file__).parent / "static"
PAGES = ("/", "/similar", "/occurrence", "/word", "/map", "/space", "/decompose", "/senses", "/shift")
MAX_QUERY = 8192  # characters of a whole query string (one parameter is bounded by the runner)


@dataclass(frozen=True)
class ServedStore:
    """A store the server answers for: `name` (what ``store=`` takes), its path and summary."""

    name: str
    path: str
    summary: JSON

    def to_dict(self) -> JSON:
        return {"name": self.name, "path": self.path, "summary": self.summary}


def create_app(
    stores: list[ServedStore], runner: CommandRunner, hosts: frozenset[str], limits: Limits | None = None
) -> FastAPI:
    """The explorer's app over `stores`, answering `runner`'s commands, for ``Host`` values in `hosts`."""
    admission = Admission(limits or Limits())
    app = FastAPI(title="ctxvec explorer", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.admission = admission

    def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        return error(exc.status, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return error(400, f"bad request to {request.url.path[:200]!r}")

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

    @app.get("/api/commands")
    def commands() -> JSON:
        return runner.describe()

    @app.get("/api/{command}")
    async def api(command: str, request: Request) -> Response:
        query = request.url.query
        params = request.query_params.multi_items()
        if len(query) > MAX_QUERY:
            name, value = max(params, key=lambda p: len(p[1]), default=("", ""))
            raise ApiError(
                414,
                f"the query string is {len(query):,} characters long (parameter {name[:40]!r} alone "
                f"{len(value):,}); at most {MAX_QUERY:,}: shorten it",
            )
        body = await admission.run(lambda: runner.run(command, params), key=command)
        return JSONResponse(jsonable(body), headers={"Cache-Control": "no-store"})

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityMiddleware, hosts=hosts)
    return app
