"""/docs and /redoc work offline: no external URL in them, and a real headless Chromium renders
them with every outside request caught by a recording proxy (none may happen)."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

import graphsvc
from graphsvc.api import Settings, create_app

TINY = Path(__file__).parents[1] / "fixtures" / "tiny"
EXTERNAL = re.compile(r"""(?:src|href|url)\s*[=(:]\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def client(tiny: graphsvc.Network) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), tiny)) as c:
        yield c


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_reference_no_external_url(client: TestClient, page: str) -> None:
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert not EXTERNAL.search(r.text), r.text
    assets = re.findall(r"""(?:src|href)="([^"]+)\"""", r.text)
    assert assets
    for asset in assets:
        assert asset.startswith("/static/docs/")
        assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_send_a_strict_csp(client: TestClient, page: str) -> None:
    csp = client.get(page).headers["content-security-policy"]
    assert "default-src 'self'" in csp and "http" not in csp


def test_asset_licences_are_bundled() -> None:
    static = Path(graphsvc.api.__file__).parent / "static"
    assert (static / "swagger-ui" / "LICENSE").is_file()
    assert (static / "redoc" / "LICENSE").is_file()


def test_openapi_has_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/v1/entities", "/v1/entities/{ref}", "/v1/entities/{ref}/neighbors", "/v1/paths",
              "/v1/search", "/v1/queries/weak-linked", "/v1/queries/gaps", "/v1/coverage",
              "/v1/entities/{ref}/recommendations", "/v1/metrics", "/v1/communities",
              "/v1/communities/{id}",
              "/v1/outcomes", "/v1/organisations/{ref}/members", "/v1/export/graph.{fmt}",
              "/v1/meta", "/healthz", "/readyz", "/v1/admin/reload"):
        assert p in paths, p


# -- a real browser ---------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# The browser's own services (clock, updates, sign-in, autofill), not the page's requests.
BROWSER_SERVICES = {"clients2.google.com", "update.googleapis.com", "accounts.google.com",
                    "content-autofill.googleapis.com", "optimizationguide-pa.googleapis.com",
                    "safebrowsingohttpgateway.googleapis.com", "redirector.gvt1.com",
                    "edgedl.me.gvt1.com", "www.google.com"}


def _host(request_line: str) -> str:
    target = request_line.split(" ")[1] if " " in request_line else request_line
    target = target.split("://", 1)[-1]
    return target.split("/", 1)[0].split(":", 1)[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RecordingProxy:
    """A 'proxy' on loopback that records each request it is sent and answers 403."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    line = conn.recv(4096).split(b"\r\n", 1)[0].decode("latin-1")
                    self.requests.append(line)
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@pytest.fixture(scope="module")
def live_server(tiny: graphsvc.Network) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(), tiny), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
@pytest.mark.parametrize(("page", "expect"), [
    ("/docs", ['class="swagger-ui', "opblock", "/v1/entities/{ref}/neighbors"]),
    ("/redoc", ["list entities", "the ego network of an entity"]),
])
def test_docs_render_in_chromium_without_outside_requests(
        live_server: str, page: str, expect: list[str], tmp_path: Path) -> None:
    proxy = RecordingProxy()
    try:
        proc = subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--disable-component-update", "--no-first-run",
             "--disable-sync", "--disable-default-apps", "--disable-extensions", "--no-pings",
             "--disable-domain-reliability", "--disable-client-side-phishing-detection",
             f"--user-data-dir={tmp_path / 'profile'}",
             f"--proxy-server=http://127.0.0.1:{proxy.port}",  # loopback bypasses it
             "--virtual-time-budget=15000", "--dump-dom", live_server + page],
            capture_output=True, text=True, timeout=90)
    finally:
        proxy.close()
    outside = [r for r in proxy.requests if _host(r) not in BROWSER_SERVICES]
    dom = proc.stdout
    for text in expect:
        assert text in dom, f"{text!r} not rendered on {page}:\n{dom[:2000]}\n{proc.stderr[-2000:]}"
    assert outside == [], f"{page} asked the outside world for: {outside}"
