"""Shared fixtures of the web tests: two stores embedded with the tiny random BERT (their corpus
holds XSS sentences), and real servers on free loopback ports.

- `web_stores`: {"a": path, "b": path} (a: with 8 factors learned; b: layer 0 of the same model, for `compare`);
- `server_url`: ``http://127.0.0.1:PORT`` of a server over both stores (session scope);
- `start_server`: a context-manager factory for servers with other limits (admission tests);
- `transformed_store` / `transformed_url`: a copy of "a" with an in-place Center transform and hnsw
  and flat indexes built on the transformed vectors, and a server over it alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from small_corpus import embed_corpus_stores

TIMEOUT = 30.0  # seconds, on every network call of the web tests


@pytest.fixture(scope="session")
def web_stores(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two stores of the same corpus: "a" (the model's last layer, with a dictionary of 8 factors
    learned, for `factors show`) and "b" (layer 0)."""
    from ctxvec.cli import main

    made = embed_corpus_stores(tmp_path_factory.mktemp("web"), tiny_model)
    learn = ["factors", "learn", str(made["a"]), "--n-factors", "8", "--samples", "300", "--epochs", "2", "--top", "5"]
    assert main([*learn, "--json"]) == 0
    return {"a": made["a"], "b": made["b"]}


@pytest.fixture(scope="session")
def start_server(web_stores: dict[str, Path]) -> Callable[..., AbstractContextManager[str]]:
    """start_server(paths=None, **limits) -> context manager yielding the server's base URL.
    Limits: workers, max_wait, max_queue, ... (see `ctxvec.web.Limits`)."""
    from ctxvec.cli.serve import build_app
    from ctxvec.web import Limits, serve_in_thread

    def start(paths: list[Path] | None = None, **limits: float) -> AbstractContextManager[str]:
        chosen = paths if paths is not None else [web_stores["a"], web_stores["b"]]
        return serve_in_thread(
            lambda host, port: build_app([str(p) for p in chosen], host=host, port=port, limits=Limits(**limits))
        )

    return start


@pytest.fixture(scope="session")
def server_url(start_server: Callable[..., AbstractContextManager[str]]) -> Iterator[str]:
    """Base URL (``http://127.0.0.1:PORT``, no trailing slash) of a server over stores a and b."""
    with start_server() as url:
        yield url


@pytest.fixture(scope="session")
def transformed_store(web_stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of store "a" after `ctxvec transform STORE --method center --in-place`, then
    `ctxvec index STORE --kind hnsw` and `--kind flat` (current: built on the transformed vectors)."""
    import shutil

    from ctxvec.cli import main

    path = tmp_path_factory.mktemp("web-transformed") / "c.store"
    shutil.copytree(web_stores["a"], path)
    assert main(["transform", str(path), "--method", "center", "--in-place"]) == 0
    for kind in ("hnsw", "flat"):
        assert main(["index", str(path), "--kind", kind]) == 0
    return path


@pytest.fixture(scope="session")
def transformed_url(start_server: Callable[..., AbstractContextManager[str]], transformed_store: Path) -> Iterator[str]:
    """Base URL of a server over `transformed_store` alone."""
    with start_server([transformed_store]) as url:
        yield url
