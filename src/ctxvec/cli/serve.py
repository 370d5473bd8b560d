"""`ctxvec serve STORE [STORE...]`: the web explorer over one or more stores, on loopback by default.

`compute` is the one command whose work is a long-running side effect: it binds the port, prints
the URL, serves until Ctrl-C, and then returns what it served (`ctxvec.web.Served`); ``--check``
loads everything and returns at once without serving (what the tests and ``--json`` contract use).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import CtxvecError
from ._output import console
from ._params import Command, Opt, options

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..store import Store
    from ..web import Limits, Served


COMMAND = Command(
    "serve",
    help="explore stores in the browser (local web server; every view is a URL)",
    description="Serve a web explorer over the STOREs: search by word or by a new sentence (embedded with the "
    "store's own model, loaded once), decompositions, senses, 2-D maps and the space's isotropy, and the "
    "JSON API behind them (GET /api/<command>?<option>=<value>..., the same answers as `--json`; its schema "
    "at /openapi.json). Binds 127.0.0.1 unless --host says otherwise; prints the URL to open. Ctrl-C stops it.",
    options=options(
        Opt("stores", positional=True, required=True, many=True, metavar="STORE", help="store folders (the first is the default)"),
        Opt("host", default="127.0.0.1", help="address to bind (127.0.0.1: this machine only)"),
        Opt("port", int, 8000, "port (0: any free port)", low=0, high=65_535),
        Opt("allow_host", append=True, default=(), metavar="NAME", help="also answer requests for this host name "
            "(with --host 0.0.0.0: the names users reach it by)"),
        Opt("workers", int, 16, "threads computing answers (new sentences asked at the same time share a forward "
            "pass); each computes on cores/workers BLAS and torch threads, at least 1", low=1, high=1024),
        Opt("max_wait", float, 3.0, "queue a request while its expected time to an answer (from the measured times "
            "of recent requests) is at most this; beyond it answer 503 + Retry-After", low=0, high=3600, metavar="SECONDS"),
        Opt("check", bool, help="load the stores and the model, then exit without serving"),
    ),
)  # fmt: skip


def limits_from(workers: int, max_wait: float) -> Limits:
    from ..web import Limits

    if workers < 1:
        raise CtxvecError(f"--workers must be at least 1, got {workers}")
    if not 0 <= max_wait <= 3600:
        raise CtxvecError(f"--max-wait must be 0..3600 seconds, got {max_wait}")
    return Limits(workers=workers, max_wait=max_wait)


def build_app(
    paths: list[str],
    host: str = "127.0.0.1",
    port: int = 8000,
    limits: Limits | None = None,
    allow_hosts: list[str] | tuple[str, ...] = (),
) -> FastAPI:
    """The explorer's app over the stores at `paths` (opened and warmed once: tables, memory map, model)."""
    from ..store import Store
    from ..web import CommandApi, LockedCache, ServedStore, ServedStores, allowed_hosts, create_app
    from . import command_modules

    opened: list[tuple[ServedStore, Store]] = []
    names: set[str] = set()
    for path in paths:
        store = Store.open(path)
        name = Path(path).name.removesuffix(".store") or "store"
        while name in names:
            name += "'"
        names.add(name)
        store.preload().encoder("auto")  # tables, memory map and model loaded before threads share them
        opened.append((ServedStore(name, str(store.path), store.summary().to_dict()), store))
    runner = CommandApi(list(command_modules().values()), ServedStores(opened, LockedCache()))
    return create_app([s for s, _ in opened], runner, allowed_hosts(host, port, allow_hosts), limits)


def compute(args: argparse.Namespace) -> Served:
    from ..web import Served, listening_socket, serve

    limits = limits_from(args.workers, args.max_wait)
    if not 0 <= args.port <= 65535:
        raise CtxvecError(f"--port must be 0..65535, got {args.port}")
    if args.check:
        build_app(args.stores, args.host, args.port, limits, args.allow_host)
        return Served(_url(args.host, args.port), [str(Path(s)) for s in args.stores], served=False)
    try:
        sock = listening_socket(args.host, args.port)
    except OSError as e:
        raise CtxvecError(f"cannot bind {args.host}:{args.port} ({e.strerror}); pick another --port") from None
    port = int(sock.getsockname()[1])
    app = build_app(args.stores, args.host, port, limits, args.allow_host)
    url = _url(args.host, port)
    console.print(f"ctxvec explorer: {url}/  (Ctrl-C to stop)")
    serve(app, args.host, port, sock)
    return Served(url, [str(Path(s)) for s in args.stores], served=True)


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def render(result: Served, args: argparse.Namespace) -> None:
    if result.served:
        console.print("stopped")
    else:
        console.print(f"ready to serve {len(result.stores)} store(s) at {result.url}/ (--check: not started)")
