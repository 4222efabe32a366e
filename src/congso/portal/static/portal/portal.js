// The portal's only script: the print / save button of an article (no inline handlers: CSP).
document.addEventListener("click", function (event) {
  var target = event.target;
  if (target instanceof Element && target.closest("[data-print]")) {
    window.print();
  }
});
