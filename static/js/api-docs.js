// The API's docs page: Swagger UI (vendored) drawing /api/v1/openapi.json. A file, not an
// inline script, so that the page keeps the app's Content-Security-Policy.
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    validatorUrl: null, // never call swagger.io: no external call at run time
    tryItOutEnabled: false,
    persistAuthorization: false,
  });
})();
