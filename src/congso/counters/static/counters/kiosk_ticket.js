// The issued ticket: printed by the browser (80 mm layout) when the kiosk has no ESC/POS
// printer, then back to the kiosk's first page after 12 s.
(function () {
  "use strict";
  var ticket = document.getElementById("ticket");
  if (!ticket) return;
  if (ticket.dataset.print === "1" && !/[?&]in=khong/.test(location.search)) {
    setTimeout(function () { window.print(); }, 300);
  }
  setTimeout(function () { location.href = ticket.dataset.back; }, 12000);
})();
