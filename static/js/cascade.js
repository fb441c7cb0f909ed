// Region → province → commune: when a list changes, the next one is filled from the server.
// Without JavaScript the form still works: the server checks the choices and says what is wrong.
(function () {
  "use strict";
  document.querySelectorAll("select[data-cascade]").forEach(function (select) {
    select.addEventListener("change", function () {
      var target = document.getElementById(select.dataset.cascade);
      if (!target) { return; }
      var name = select.name.replace(/^.*-/, "");
      var url = select.dataset.cascadeUrl + "?" + encodeURIComponent(name) + "=" + encodeURIComponent(select.value);
      fetch(url, { headers: { "X-Requested-With": "fetch" } })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response); })
        .then(function (html) {
          target.innerHTML = html;
          target.dispatchEvent(new Event("change"));
        });
    });
  });
})();
