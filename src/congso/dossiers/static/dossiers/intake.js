// The intake page at the one-stop counter (issue #12 §4). No inline script or handler: the
// page's Content-Security-Policy allows scripts from our own static files only.
//
// - Procedure search: ArrowDown / ArrowUp move through the results, Enter opens the one marked.
// - A USB QR scanner reading a chip-based CCCD types one line, "identity number|old ID|name|
//   ddmmyyyy|sex|address|ddmmyyyy", then Enter, into whichever field has the focus. The line
//   is recognised in any field, removed from it, and the applicant's fields are filled.
// - A returning applicant: after the identity number is filled, the desk's earlier dossiers
//   give the missing contact fields, and a warning shows an open dossier of the same procedure.
// - The desk chooser submits itself when changed.
(function () {
  "use strict";

  // The same rule as congso.dossiers.identity.parse_cccd_qr.
  var QR_LINE = /(\d{12})\|([^|]*)\|([^|]+)\|([^|]*)\|([^|]*)\|([^|]*)(?:\|(\d{0,8}))?\s*$/;

  function parseQr(text) {
    var value = (text || "").normalize("NFC");
    var match = QR_LINE.exec(value);
    if (!match) return null;
    var birth = match[4].trim();
    var iso = /^\d{8}$/.test(birth) ? birth.slice(4) + "-" + birth.slice(2, 4) + "-" + birth.slice(0, 2) : "";
    var sex = match[5].trim().toLowerCase();
    return {
      before: value.slice(0, match.index),
      idNumber: match[1],
      name: match[3].replace(/\s+/g, " ").trim(),
      birthDate: iso,
      sex: sex === "nam" ? "male" : (sex === "nữ" || sex === "nu") ? "female" : "",
      address: match[6].replace(/\s+/g, " ").trim()
    };
  }

  function field(form, name) {
    return form.querySelector("[name='" + name + "']");
  }

  function setValue(form, name, value, onlyIfEmpty) {
    var input = field(form, name);
    if (!input || !value) return;
    if (onlyIfEmpty && input.value.trim()) return;
    input.value = value;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function show(form, id, text, kind) {
    var box = form.querySelector("#" + id);
    if (!box) return;
    box.textContent = text || "";
    box.hidden = !text;
    if (kind) box.className = "notice notice-" + kind;
  }

  function lookUp(form) {
    var input = field(form, "applicant_id_number");
    var url = form.getAttribute("data-lookup-url");
    if (!input || !url || !/^\d{12}$/.test(input.value.trim())) {
      show(form, "applicant-known", "");
      show(form, "applicant-duplicate", "");
      return;
    }
    var query = "?so=" + encodeURIComponent(input.value.trim()) +
      "&thu_tuc=" + encodeURIComponent(field(form, "thu_tuc").value) +
      "&don_vi=" + encodeURIComponent(field(form, "don_vi").value);
    fetch(url + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) return;
        if (data.known) {
          setValue(form, "applicant_name", data.name, true);
          setValue(form, "applicant_birth_date", data.birth_date, true);
          setValue(form, "applicant_address", data.address, true);
          setValue(form, "applicant_phone", data.phone, true);
          setValue(form, "applicant_email", data.email, true);
        }
        show(form, "applicant-known", data.message || "", "info");
        show(form, "applicant-duplicate", data.warning || "", "warning");
      })
      .catch(function () { /* the form works without the lookup */ });
  }

  function fillFromQr(form, target, card) {
    target.value = card.before;  // the field keeps what it held before the scan
    setValue(form, "applicant_kind", "individual", false);
    setValue(form, "applicant_id_number", card.idNumber, false);
    setValue(form, "applicant_name", card.name, false);
    setValue(form, "applicant_birth_date", card.birthDate, false);
    setValue(form, "applicant_address", card.address, false);
    var sex = field(form, "applicant_sex");
    if (sex) sex.value = card.sex;
    show(form, "qr-read", form.getAttribute("data-qr-message") || "", "info");
    lookUp(form);
    var next = field(form, "applicant_phone");
    if (next) next.focus();
  }

  function initIntakeForm(form) {
    // Server-side limits still apply; in the browser a 14-character field must be able to
    // take the whole scanned line for it to be recognised.
    form.querySelectorAll("input[maxlength]").forEach(function (input) {
      if (input.type === "text" || input.type === "tel" || input.type === "email" || input.type === "search") {
        input.setAttribute("data-maxlength", input.getAttribute("maxlength"));
        input.removeAttribute("maxlength");
      }
    });
    var timer = null;
    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !event.target.matches("input")) return;
      var card = parseQr(event.target.value);
      if (card) {
        event.preventDefault();  // the scanner's Enter must not submit the form
        fillFromQr(form, event.target, card);
      }
    });
    form.addEventListener("input", function (event) {
      var target = event.target;
      if (!target.matches("input, textarea")) return;
      clearTimeout(timer);
      // A scanner set up without a final Enter: wait for it to stop typing.
      timer = setTimeout(function () {
        var card = parseQr(target.value);
        if (card) fillFromQr(form, target, card);
      }, 120);
    });
    var id = field(form, "applicant_id_number");
    if (id) id.addEventListener("change", function () { lookUp(form); });
  }

  function initSearch(input) {
    var active = -1;
    function options() {
      return Array.prototype.slice.call(document.querySelectorAll("#procedure-results a.result"));
    }
    function mark(index) {
      var list = options();
      if (!list.length) { active = -1; return; }
      active = (index + list.length) % list.length;
      list.forEach(function (a, i) {
        a.setAttribute("aria-selected", i === active ? "true" : "false");
        a.classList.toggle("active", i === active);
      });
      input.setAttribute("aria-activedescendant", list[active].id);
      list[active].scrollIntoView({ block: "nearest" });
    }
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") { event.preventDefault(); mark(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); mark(active - 1); }
      else if (event.key === "Enter") {
        var list = options();
        var chosen = list[active >= 0 ? active : 0];
        if (chosen) { event.preventDefault(); window.location.href = chosen.href; }
      }
    });
    // New results (htmx swapped them in): nothing is marked until the officer presses a key.
    document.body.addEventListener("htmx:afterSwap", function () {
      active = -1;
      input.removeAttribute("aria-activedescendant");
    });
  }

  function init() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    var search = document.getElementById("q");
    if (search) initSearch(search);
    var form = document.getElementById("intake-form");
    if (form) initIntakeForm(form);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
