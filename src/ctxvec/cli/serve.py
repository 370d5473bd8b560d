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
from ._output import add_json_flag, console

if TYPE_CHECKING:
    from fastapi import FastAPI

    from ..store import Store
    from ..web import Limits, Served


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="explore stores in the browser (local web server; every view is a URL)",
        description="Serve a web explorer over the STOREs: search by word or by a new sentence (embedded with the "
        "store's own model, loaded once), decompositions, senses, 2-D maps and the space's isotropy, and the "
        "JSON API behind them (GET /api/<command>?<option>=<value>..., the same answers as `--json`). Binds "
        "127.0.0.1 unless --host says otherwise; prints the URL to open. Ctrl-C stops it.",
    )
    p.add_argument("stores", metavar="STORE", nargs="+", help="store folders (the first is the default)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0: any free port)")
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests for this host name (with --host 0.0.0.0: the names users reach it by)",
    )
    p.add_argument("--workers", type=int, default=4, help="threads computing answers (default 4)")
    p.add_argument(
        "--max-wait",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="queue a request while its expected time to an answer (from the measured times of recent requests) "
        "is at most this; beyond it answer 503 + Retry-After (default 3)",
    )
    p.add_argument("--check", action="store_true", help="load the stores and the model, then exit without serving")
    add_json_flag(p)


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
    from ..web import LockedCache, ServedStore, allowed_hosts, create_app
    from ._api import CliRunner

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
    runner = CliRunner(opened, LockedCache())
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
