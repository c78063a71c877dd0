// ujikom pages: the little the server cannot do. Every page still works as plain HTML forms without it.
(function () {
  "use strict";
  // htmx requests carry the session's CSRF token (forms carry it as a hidden field too).
  document.addEventListener("htmx:config:request", function (event) {
    var csrf = document.body.dataset.csrf;
    if (csrf && event.detail && event.detail.ctx && event.detail.ctx.request) {
      event.detail.ctx.request.headers["X-CSRF-Token"] = csrf;
    }
  });
  // An error summary takes focus when a page (or a swapped fragment) shows one.
  function focusSummary(root) {
    var summary = (root || document).querySelector(".ringkasan-galat");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusSummary(document); });
  // A PDF preview (<object>) loading after the page may take the focus its autofocus control was given (the
  // second look's "Ya, kirim" beside the evidence): once everything has loaded, give it back.
  // Whenever it happens before the person has touched the page (a late preview can take it after "load" too);
  // a person who clicks or tabs into the preview keeps it there.
  var touched = false;
  ["pointerdown", "keydown"].forEach(function (type) {
    document.addEventListener(type, function () { touched = true; }, true);
  });
  function giveBack() {
    var auto = document.querySelector("[autofocus]");
    var active = document.activeElement;
    if (!touched && auto && active && active !== auto && active.tagName === "OBJECT") { auto.focus(); }
  }
  document.addEventListener("DOMContentLoaded", giveBack);
  window.addEventListener("load", giveBack);
  // The preview taking the focus fires no focusin on the <object> (Chromium), only a focusout on what had it:
  // look once the focus has settled.
  document.addEventListener("focusout", function () { setTimeout(giveBack, 0); });
  document.addEventListener("htmx:after:swap", function (event) { focusSummary(event.target); });
  window.ujikom = { focusSummary: focusSummary };
})();
