"""Running the app with uvicorn: `serve` blocks (the ``ctxvec serve`` command); `serve_in_thread`
starts it on a free loopback port in a thread (tests, benchmarks)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..results import JSON, Result

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

# uvicorn refuses request heads over this (h11's default is 16 KiB): large enough that an
# over-long parameter reaches the app, which names it in a JSON 414
MAX_HEAD = 256 * 1024


def _config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    import uvicorn

    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        http="h11",
        h11_max_incomplete_event_size=MAX_HEAD,
        server_header=False,
        timeout_keep_alive=5,
    )


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to `host`:`port` (0: a free port), not yet listening, with TCP_NODELAY.

    The protocol must be named: asyncio sets TCP_NODELAY on accepted connections only when the
    socket's proto is IPPROTO_TCP (``socket.socket(AF_INET, SOCK_STREAM)`` has proto 0), and without
    it uvicorn's separate header and body writes wait out the client's 40 ms delayed ACK (Nagle):
    every answer took 40 ms more. Raises OSError when the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # inherited by accepted sockets on Linux
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def threads_per_worker(workers: int) -> int:
    """BLAS/OpenMP and torch threads for each of `workers` request threads: the cores this process
    may use, shared among them, at least 1 (16 workers on 2 cores: 1 each)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, cores // workers)


def share_cores(n_threads: int) -> None:
    """Limit the process's BLAS/OpenMP and torch thread pools to `n_threads`, for good (a server's
    parallelism is its request threads: pools of several threads each, on shared cores, spin-wait on
    each other; under 32 clients `similar in=` then cost 2.5x the CPU per answer)."""
    import sys

    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=n_threads)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(n_threads)


def serve(app: FastAPI, host: str, port: int, sock: socket.socket | None = None) -> None:
    """Serve `app` on `host`:`port` (or the bound `sock`) until interrupted; each of its request
    threads computes on its share of the cores (`threads_per_worker`)."""
    import uvicorn

    share_cores(threads_per_worker(app.state.admission.limits.workers))
    server = uvicorn.Server(_config(app, host, port))
    server.run(sockets=[sock] if sock is not None else None)


@contextmanager
def serve_in_thread(make_app: Callable[[str, int], FastAPI], host: str = "127.0.0.1") -> Iterator[str]:
    """Bind a free port on `host`, serve ``make_app(host, port)`` in a thread; yield its base URL
    (``http://host:port``), stop it on exit."""
    import uvicorn

    sock = listening_socket(host, 0)
    port = int(sock.getsockname()[1])
    server = uvicorn.Server(_config(make_app(host, port), host, port))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="ctxvec-serve")
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.02)
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


@dataclass(frozen=True)
class Served(Result):
    """What ``ctxvec serve`` served: its `url`, the `stores`' paths; `served` False for ``--check``."""

    url: str
    stores: list[str]
    served: bool = True

    def to_dict(self) -> JSON:
        return {"url": self.url, "stores": self.stores, "served": self.served}
