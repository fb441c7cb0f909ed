// Progressive enhancements; every page works without them. No inline scripts (strict CSP).
(function () {
  "use strict";
  document.querySelectorAll(".js-language-form").forEach(function (form) {
    var select = form.querySelector("select");
    form.querySelectorAll(".js-hide-if-script").forEach(function (el) { el.hidden = true; });
    select.addEventListener("change", function () { form.submit(); });
  });
  // htmx sends Django's CSRF token with every request.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.value; }
  });
})();
