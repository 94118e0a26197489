"""HTTP hardening around the app (plain ASGI, cheap on the hot path): HEAD wherever GET,
security headers on every response, and a request body limit."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphsvc.api.errors import problem

CSP = ("default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
"""The Content-Security-Policy of every response that does not set its own (the /docs pages
do: Swagger UI and ReDoc need inline styles)."""

SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


class HeadMiddleware:
    """HEAD wherever GET: the GET is run and its body dropped, so the headers are the same
    (Content-Length included)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class SecurityHeadersMiddleware:
    """Adds the security headers, a default CSP and a Cache-Control to every response."""

    def __init__(self, app: ASGIApp, private: bool = False) -> None:
        self.app = app
        self.private = private

    def _cache_control(self, path: str, status: int) -> bytes:
        if status >= 400 or path.startswith(("/v1/admin", "/healthz", "/readyz")):
            return b"no-store"
        if path.startswith("/static/"):
            return b"public, max-age=3600"
        # data: revalidate every time (ETag makes that a 304); never shared when a token guards it
        return b"private, no-cache" if self.private else b"no-cache"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in names]
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", CSP.encode()))
                if b"cache-control" not in names:
                    headers.append((b"cache-control",
                                    self._cache_control(path, message["status"])))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class LimitsMiddleware:
    """Refuses a URL over `max_url` bytes (414), headers over `max_headers` bytes in all (431)
    and a request body over `limit` bytes (413: by its Content-Length at once, or while it
    streams in). uvicorn's h11 limit bounds what it buffers of a request still arriving; this
    bounds what the app accepts."""

    def __init__(self, app: ASGIApp, limit: int, max_url: int, max_headers: int) -> None:
        self.app = app
        self.limit = limit
        self.max_url = max_url
        self.max_headers = max_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        url = len(scope.get("raw_path") or scope["path"].encode()) + len(
            scope.get("query_string", b""))
        if url > self.max_url:
            await problem(414, f"the URL is over the limit of {self.max_url} bytes "
                          "(GRAPHSVC_MAX_URL_BYTES)", "uri-too-long",
                          headers={"Connection": "close"})(scope, receive, send)
            return
        if sum(len(k) + len(v) + 4 for k, v in scope.get("headers", [])) > self.max_headers:
            await problem(431, f"the request headers are over the limit of {self.max_headers} "
                          "bytes (GRAPHSVC_MAX_HEADER_BYTES)", "headers-too-large",
                          headers={"Connection": "close"})(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        if b"content-length" in headers:
            try:
                declared = int(headers[b"content-length"])
            except ValueError:
                declared = 0
            if declared > self.limit:
                await self._refuse(scope, receive, send)
                return
        elif b"transfer-encoding" in headers:
            # a body of unknown length: read it (up to the limit) before the app sees it
            buffered: list[Message] = []
            received = 0
            while True:
                message = await receive()
                buffered.append(message)
                if message["type"] != "http.request":
                    break
                received += len(message.get("body", b""))
                if received > self.limit:
                    await self._refuse(scope, receive, send)
                    return
                if not message.get("more_body", False):
                    break

            async def replay() -> Message:
                return buffered.pop(0) if buffered else await receive()

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, f"the request body is over the limit of {self.limit} bytes "
                           "(GRAPHSVC_MAX_BODY_BYTES)", "body-too-large",
                           headers={"Connection": "close"})
        await response(scope, receive, send)
