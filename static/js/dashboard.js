/* Senim dashboard: filter forms apply on change; "Print" buttons print the report. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
    select.addEventListener("change", function () {
      var form = select.form;
      if (select.name === "metric" || select.name === "segment") {
        var period = form.querySelector("select[name=period]");
        if (period && select.name === "metric") { period.disabled = true; } /* latest period of the new metric */
      }
      form.submit();
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
