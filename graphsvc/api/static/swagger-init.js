// Starts Swagger UI on the page's OpenAPI URL (a file, not an inline script: the CSP allows 'self' only).
window.ui = SwaggerUIBundle({
  url: document.currentScript.dataset.openapi,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
});
