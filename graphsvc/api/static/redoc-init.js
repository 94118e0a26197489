// Starts ReDoc on the page's OpenAPI URL (a file, not an inline script: the CSP allows 'self' only).
Redoc.init(document.currentScript.dataset.openapi, {}, document.getElementById("redoc"));
