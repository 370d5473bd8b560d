"""Safety over real HTTP: strict headers on every answer, the trusted-host check, GET only, no
CORS, no docs pages, concurrent new sentences sharing one encoder (admission: test_admission.py)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from urllib.parse import urlsplit

import httpx
import pytest

TIMEOUT = 30.0  # seconds, on every network call


def get(url: str, path: str, **kw: object) -> httpx.Response:
    return httpx.get(url + path, timeout=TIMEOUT, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "path", ["/", "/similar?word=cold", "/api/info", "/api/stores", "/api/similar?word=zzzqqq", "/nowhere"]
)
def test_every_answer_has_the_safety_headers(path: str, server_url: str) -> None:
    r = get(server_url, path)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert not [h for h in r.headers if h.lower().startswith("access-control-")]
    assert "server" not in r.headers


def test_static_files_have_the_headers_too(server_url: str) -> None:
    from ctxvec.web._app import STATIC

    files = [p for p in STATIC.rglob("*") if p.is_file()]
    assert files, f"no static files in {STATIC}"
    r = get(server_url, "/static/" + files[0].relative_to(STATIC).as_posix())
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1:1", "localhost", ""])
def test_an_untrusted_host_is_refused(host: str, server_url: str) -> None:
    r = get(server_url, "/api/info", headers={"Host": host})
    assert r.status_code == 400, r.text
    assert "Host" in r.json()["error"]
    assert r.headers["content-security-policy"].startswith("default-src 'self'")


def test_loopback_names_are_trusted(server_url: str) -> None:
    port = urlsplit(server_url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LOCALHOST:{port}"):
        assert get(server_url, "/api/info", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
def test_only_get(method: str, server_url: str) -> None:
    r = httpx.request(method, server_url + "/api/info", timeout=TIMEOUT, headers={"Origin": "http://evil.example"})
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, HEAD" and "GET only" in r.json()["error"]
    assert not [h for h in r.headers if h.lower().startswith("access-control-")]


def test_no_cors_even_when_asked(server_url: str) -> None:
    r = get(server_url, "/api/info", headers={"Origin": "http://evil.example"})
    assert r.status_code == 200
    assert not [h for h in r.headers if h.lower().startswith("access-control-")]


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_no_docs_pages(path: str, server_url: str) -> None:
    assert get(server_url, path).status_code == 404


def test_the_openapi_schema_is_served_offline_under_the_csp(server_url: str) -> None:
    r = get(server_url, "/openapi.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert "http" not in json.dumps(r.json()["info"])  # nothing loads from elsewhere


def test_allowed_hosts() -> None:
    from ctxvec.web import allowed_hosts

    assert allowed_hosts("127.0.0.1", 8000) == {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"}
    assert "box.lan:8000" in allowed_hosts("0.0.0.0", 8000, ["box.lan"])
    assert "0.0.0.0:8000" not in allowed_hosts("0.0.0.0", 8000)
    assert "localhost" in allowed_hosts("127.0.0.1", 80)


def test_concurrent_in_sentence_queries_share_one_encoder(
    start_server: Callable[..., AbstractContextManager[str]],
) -> None:
    """Many threads embedding new sentences at once (fast tokenizers are not thread-safe): all answer."""
    with start_server(workers=4) as url:
        answers: list[int] = []

        def query(i: int) -> None:
            r = get(url, "/api/similar", params={"word": "cold", "in": f"a cold day number {i}", "k": "3"})
            answers.append(r.status_code)

        threads = [threading.Thread(target=query, args=(i,)) for i in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(TIMEOUT)
        assert answers == [200] * 16


def test_the_listening_socket_sets_tcp_nodelay() -> None:
    """Without TCP_NODELAY on accepted connections (asyncio sets it only for proto IPPROTO_TCP),
    uvicorn's separate header and body writes wait out the client's delayed ACK: 40 ms an answer."""
    import socket

    from ctxvec.web import listening_socket

    sock = listening_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        sock.close()
