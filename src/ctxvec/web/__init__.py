"""ctxvec.web: the local web explorer's server (FastAPI): static pages and a read-only JSON API.

The API's commands come from a `CommandRunner` (the CLI supplies one, `ctxvec.cli.serve`, that
parses query parameters with the command's own argparse parser and calls its ``compute``), so
this package imports no front end. Modules: `_security` (headers, trusted host, GET only),
`_admission` (bounded work queue, 503 + Retry-After; a locked cache), `_app` (routes, static files),
`_server` (uvicorn, blocking or in a thread).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

_EXPORTS = {
    "ApiError": "_admission",
    "Admission": "_admission",
    "CommandRunner": "_admission",
    "Limits": "_admission",
    "LockedCache": "_admission",
    "ServedStore": "_app",
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
    "CommandRunner",
    "Limits",
    "LockedCache",
    "SecurityMiddleware",
    "Served",
    "ServedStore",
    "allowed_hosts",
    "create_app",
    "listening_socket",
    "serve",
    "serve_in_thread",
]

__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from ._admission import Admission, ApiError, CommandRunner, Limits, LockedCache
    from ._app import ServedStore, create_app
    from ._security import SecurityMiddleware, allowed_hosts
    from ._server import Served, listening_socket, serve, serve_in_thread
