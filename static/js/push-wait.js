// The push login page waits for the phone: it polls the request's state and submits the
// page's form as soon as the phone has answered (or the request has expired), so the login
// proceeds by itself. The server decides; this only saves the user a click.
(function () {
  "use strict";
  var form = document.getElementById("push-complete");
  if (!form) {
    return;
  }
  var stateText = document.getElementById("push-state");
  var url = form.getAttribute("data-status-url");
  var intervalMs = 1500;

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (body) {
        if (body.status === "pending") {
          window.setTimeout(poll, intervalMs);
          return;
        }
        if (stateText) {
          stateText.textContent = body.status === "approved" ? "Approved. Logging in…" : "Not approved.";
        }
        form.submit();
      })
      .catch(function () { window.setTimeout(poll, intervalMs * 2); });
  }

  window.setTimeout(poll, intervalMs);
})();
