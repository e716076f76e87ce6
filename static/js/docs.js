// Starts Swagger UI on /docs. A file of its own because the page allows no inline script.
const root = document.getElementById("swagger-ui");
// eslint-disable-next-line no-undef
globalThis.SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  domNode: root,
  deepLinking: true,
  layout: "BaseLayout",
  // eslint-disable-next-line no-undef
  presets: [globalThis.SwaggerUIBundle.presets.apis],
});
