// The kiosk: one tap on a group issues the ticket; a second tap while the page is sending is
// ignored (the server gives distinct numbers anyway). Idle for 60 s: the priority choice resets.
(function () {
  "use strict";
  var form = document.getElementById("kiosk-form");
  if (!form) return;
  var sent = false;
  form.addEventListener("submit", function (e) {
    if (sent) { e.preventDefault(); return; }
    sent = true;
  });
  var idle;
  function reset() {
    clearTimeout(idle);
    idle = setTimeout(function () {
      var none = form.querySelector("input[name=uu_tien][value='']");
      if (none) none.checked = true;
    }, 60000);
  }
  document.addEventListener("pointerdown", reset);
  reset();
})();
