/* Public lookup: "not found" (404) and "too many look-ups" (429) are answers to show in place, not errors.
   htmx does not swap error responses by default; this lets the lookup form's answers through. */
(function () {
  "use strict";
  document.body.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 404 || status === 429 || status === 400) && event.detail.target.id === "lookup-result") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
})();
