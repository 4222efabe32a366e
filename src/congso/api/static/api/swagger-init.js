/* Starts the vendored Swagger UI on /api/v1/docs from the settings the page carries as JSON
   (no inline script: the Content-Security-Policy allows none, ADR 0101/0103). Calls made from
   the page with the caller's session send the CSRF token, as the session API requires. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = document.body.dataset.csrfToken;
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  config.requestInterceptor = function (req) {
    if (csrf) {
      req.headers["X-CSRFToken"] = csrf;
    }
    return req;
  };
  window.ui = SwaggerUIBundle(config);
})();
