// The application wizard: autosave as you type, budget totals as you type, rows added on demand.
// Every page works without it: the buttons save each step on the server.
(function () {
  "use strict";
  var status = document.querySelector("[data-autosave-status]");

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function autosave(form) {
    var url = form.dataset.autosave;
    var timer = null;
    var dirty = false;
    function send() {
      timer = null;
      if (!dirty) { return; }
      dirty = false;
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        headers: { "X-CSRFToken": csrf(form), "X-Requested-With": "fetch" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (data) {
          if (status) {
            status.textContent = data.message || "";
            status.classList.toggle("text-danger", !response.ok);
          }
        });
      }).catch(function () {
        dirty = true;
        if (status) { status.classList.add("text-danger"); }
      });
    }
    function schedule() {
      dirty = true;
      if (timer) { clearTimeout(timer); }
      timer = setTimeout(send, 1500);
    }
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    // Leaving the page or closing the tab: send what is left, even as the page goes away.
    function flush() {
      if (dirty && navigator.sendBeacon) {
        dirty = false;
        navigator.sendBeacon(url, new FormData(form));
      }
    }
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { flush(); }
    });
    form.addEventListener("submit", function () { dirty = false; if (timer) { clearTimeout(timer); } });
  }

  function number(value) {
    var parsed = parseFloat(String(value || "").replace(/\s/g, "").replace(",", "."));
    return isNaN(parsed) ? 0 : parsed;
  }

  function formatAmount(value) {
    var fixed = value.toFixed(2).split(".");
    return fixed[0].replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0") + "," + fixed[1];
  }

  function budget(form) {
    function recompute() {
      var sums = { total: 0, association_share: 0, cofunding_share: 0 };
      form.querySelectorAll("[data-formset=lines] [data-row]").forEach(function (row) {
        var removed = row.querySelector("input[type=checkbox][name$=DELETE]");
        if (removed && removed.checked) { return; }
        Object.keys(sums).forEach(function (name) {
          var input = row.querySelector("[data-sum=" + name + "]");
          if (input) { sums[name] += number(input.value); }
        });
      });
      Object.keys(sums).forEach(function (name) {
        var cell = form.querySelector("[data-total=" + name + "]");
        if (cell) { cell.textContent = formatAmount(sums[name]); }
      });
      var fundable = sums.total - sums.association_share - sums.cofunding_share;
      var fundableCell = form.querySelector("[data-total=fundable]");
      if (fundableCell) { fundableCell.textContent = formatAmount(fundable); }
      var requested = form.querySelector("[data-requested]");
      var warning = form.querySelector("[data-budget-warning]");
      if (requested && warning) {
        var cap = form.dataset.cap ? number(form.dataset.cap) : Infinity;
        var asked = number(requested.value);
        warning.hidden = !(asked > fundable || asked > cap);
      }
    }
    form.addEventListener("input", recompute);
    form.addEventListener("change", recompute);
    recompute();
  }

  function addRows(form) {
    form.querySelectorAll("[data-add-row]").forEach(function (button) {
      var prefix = button.dataset.addRow;
      var template = form.querySelector("template[data-empty-row=" + prefix + "]");
      var body = form.querySelector("[data-formset=" + prefix + "] tbody");
      var total = form.querySelector("input[name=" + prefix + "-TOTAL_FORMS]");
      button.addEventListener("click", function () {
        var index = parseInt(total.value, 10);
        var html = template.innerHTML.replace(/__prefix__/g, String(index));
        body.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        var first = body.lastElementChild.querySelector("input, select");
        if (first) { first.focus(); }
      });
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(autosave);
  document.querySelectorAll("form[data-budget]").forEach(function (form) { budget(form); addRows(form); });
})();
