// The satisfaction terminal: "Không hài lòng" asks for an optional reason first; the page
// goes back to its waiting screen a few seconds after a rating and follows the counter (it
// reloads when another ticket comes up to be rated).
(function () {
  "use strict";
  var root = document.getElementById("terminal");
  if (!root) return;
  var reason = document.getElementById("reason");
  var levels = document.getElementById("levels");
  if (levels && reason) {
    levels.addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (b && b.value === "1" && reason.hidden) {
        e.preventDefault();
        reason.hidden = false;
        document.getElementById("ly_do").focus();
      }
    });
  }
  var reset = Number(root.dataset.reset || 0);
  if (reset) {
    setTimeout(function () { location.href = root.dataset.home; }, reset * 1000);
    return;
  }
  var shown = root.dataset.ticket || "";
  setInterval(function () {
    if (reason && !reason.hidden) return;
    fetch(root.dataset.state, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s && (s.ticket || "") !== shown) location.reload(); })
      .catch(function () {});
  }, 3000);
})();
