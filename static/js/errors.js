// Say so when a request made inside the page fails. htmx leaves the page as it was on an error
// answer or a lost connection, which looks like a dead link. The app's own error pages are
// swapped in by htmx (see the htmx-config meta in base.html); this covers the rest: errors of
// fragment requests that the app did not answer itself (a proxy, a timeout) and network errors.
// The messages come translated in the script tag's data attributes (no inline script).
(function () {
  "use strict";

  var texts = (document.currentScript && document.currentScript.dataset) || {};

  function show(text) {
    var box = document.getElementById("flashes");
    if (!box) {
      return;
    }
    var line = document.createElement("p");
    line.className = "flash flash-error";
    line.setAttribute("role", "alert");
    line.textContent = text;
    box.replaceChildren(line);
  }

  function serverError(status) {
    var text = texts.serverError || "The request failed (error {status}). Try again in a moment.";
    return text.replace("{status}", String(status));
  }

  function networkError() {
    return texts.networkError || "The server could not be reached. Check the connection and try again.";
  }

  // An error answer the app did not make for this fragment (no HX-Retarget) never replaces part
  // of the page; a boosted navigation still shows whatever page came back.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var detail = event.detail;
    var status = detail.xhr.status;
    if (status < 400 || status === 422 || detail.boosted) {
      return;
    }
    if (detail.xhr.getResponseHeader("HX-Retarget")) {
      return;
    }
    detail.shouldSwap = false;
    show(serverError(status));
  });

  document.addEventListener("htmx:responseError", function (event) {
    show(serverError(event.detail.xhr.status));
  });

  document.addEventListener("htmx:sendError", function () {
    show(networkError());
  });

  document.addEventListener("htmx:timeout", function () {
    show(networkError());
  });
})();
