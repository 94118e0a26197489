"""Interactive docs that work offline: Swagger UI and ReDoc served from the package."""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
PREFIX = "/static/docs"

# The pages load nothing but this package's files; the CSP makes the browser refuse anything else
# (ReDoc's sidebar links an image on its vendor's CDN: blocked, it hides itself).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; "
       "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'")

SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} – Swagger UI</title>
<link rel="icon" href="{prefix}/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="{prefix}/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{prefix}/swagger-ui/swagger-ui-bundle.js"></script>
<script src="{prefix}/swagger-init.js" data-openapi="{openapi}"></script>
</body></html>
"""

REDOC = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} – ReDoc</title>
<link rel="icon" href="{prefix}/swagger-ui/favicon-32x32.png"></head>
<body style="margin: 0"><div id="redoc"></div>
<script src="{prefix}/redoc/redoc.standalone.js"></script>
<script src="{prefix}/redoc-init.js" data-openapi="{openapi}"></script>
</body></html>
"""


def install(app: FastAPI) -> None:
    """Add /docs and /redoc (FastAPI's own pull their scripts from a CDN) and their assets."""
    app.mount(PREFIX, StaticFiles(directory=STATIC), name="docs-static")
    openapi = html.escape(app.openapi_url or "/openapi.json")
    swagger = SWAGGER.format(title=app.title, prefix=PREFIX, openapi=openapi)
    redoc = REDOC.format(title=app.title, prefix=PREFIX, openapi=openapi)

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger, headers={"Content-Security-Policy": CSP})

    @app.get("/redoc", include_in_schema=False)
    async def redoc_ui() -> HTMLResponse:
        return HTMLResponse(redoc, headers={"Content-Security-Policy": CSP})
