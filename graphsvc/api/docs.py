"""Interactive docs that work offline: Swagger UI and ReDoc served from the package."""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
PREFIX = "/static/docs"

SWAGGER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} – Swagger UI</title>
<link rel="icon" href="{prefix}/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="{prefix}/swagger-ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{prefix}/swagger-ui/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({{url: {openapi}, dom_id: "#swagger-ui", deepLinking: true,
  validatorUrl: null, presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"}});
</script></body></html>
"""

REDOC = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} – ReDoc</title>
<link rel="icon" href="{prefix}/swagger-ui/favicon-32x32.png">
<style>body {{ margin: 0; padding: 0; }}</style></head>
<body><div id="redoc"></div>
<script src="{prefix}/redoc/redoc.standalone.js"></script>
<script>Redoc.init({openapi}, {{hideDownloadButton: false}}, document.getElementById("redoc"));
</script></body></html>
"""


def install(app: FastAPI) -> None:
    """Add /docs and /redoc (FastAPI's own pull their scripts from a CDN) and their assets."""
    app.mount(PREFIX, StaticFiles(directory=STATIC), name="docs-static")
    openapi = json.dumps(app.openapi_url or "/openapi.json")
    swagger = SWAGGER.format(title=app.title, prefix=PREFIX, openapi=openapi)
    redoc = REDOC.format(title=app.title, prefix=PREFIX, openapi=openapi)

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger)

    @app.get("/redoc", include_in_schema=False)
    async def redoc_ui() -> HTMLResponse:
        return HTMLResponse(redoc)
