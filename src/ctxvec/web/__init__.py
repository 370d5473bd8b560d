"""ctxvec.web: the local web explorer's server (FastAPI): static pages and a read-only JSON API.

The API's routes are derived from the commands' declarations (`ctxvec.params`): `_api`
builds one pydantic model per served command and runs the command's ``compute`` on the served,
open stores (`ServedStores`). Modules: `_security` (headers, trusted host, GET only), `_admission`
(bounded work queue, 503 + Retry-After; a locked cache), `_api` (request models, running commands),
`_app` (routes, OpenAPI, static files), `_server` (uvicorn, blocking or in a thread).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "ApiError": "_admission",
    "CommandApi": "_api",
    "ServedStores": "_api",
    "WebCommand": "_api",
    "request_model": "_api",
    "Admission": "_admission",
    "Limits": "_admission",
    "LockedCache": "_admission",
    "ServedStore": "_api",
    "create_app": "_app",
    "allowed_hosts": "_security",
    "SecurityMiddleware": "_security",
    "Served": "_server",
    "listening_socket": "_server",
    "serve": "_server",
    "serve_in_thread": "_server",
}
__all__ = [
    "Admission",
    "ApiError",
    "CommandApi",
    "Limits",
    "LockedCache",
    "SecurityMiddleware",
    "Served",
    "ServedStore",
    "ServedStores",
    "WebCommand",
    "allowed_hosts",
    "create_app",
    "listening_socket",
    "request_model",
    "serve",
    "serve_in_thread",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._admission import Admission, ApiError, Limits, LockedCache
    from ._api import CommandApi, ServedStore, ServedStores, WebCommand, request_model
    from ._app import create_app
    from ._security import SecurityMiddleware, allowed_hosts
    from ._server import Served, listening_socket, serve, serve_in_thread
