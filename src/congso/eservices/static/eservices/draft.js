// The online application form: a second click while the first submit is on its way is
// ignored (the server's idempotency key protects too). A file's "Xoá" button is a submit of
// its own and reloads the page, so it is not held back.
document.querySelectorAll("form[data-draft]").forEach(function (form) {
  form.addEventListener("submit", function (event) {
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
  });
});
