// A form in steps (the registration wizard): a context panel names the steps in `data-langkah` as lists of
// parts (a field's id as the form renderer gives it, or an element of the panel); this shows one step at a
// time, saves the draft at each step and shows everything on the last one ("Periksa & kirim"), with the
// form's submit buttons. The renderer's markup is untouched: without JavaScript every part shows on one page.
(function () {
  "use strict";

  function part(id) {
    var el = /^[.#\[]/.test(id) ? document.querySelector(id) : document.getElementById(id);
    if (!el) { return null; }
    if (/^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName)) { return el.closest(".bidang") || el; }
    return el;
  }

  function draftButton(form) {
    // The task page's "Simpan draf" (api/ui/templates/tugas_kerjakan.html): a submit to /tasks/{id}/draft.
    return form.querySelector("button[formaction$='/draft'], [data-simpan-draf]");
  }

  function saveDraft(form, status) {
    var button = draftButton(form);
    if (!button || !window.fetch) { return; }
    var body = new FormData(form);
    if (button.name) { body.append(button.name, button.value); }
    // As htmx's autosave asks: the draft route answers with the one line "Draf tersimpan 14.05 WIB".
    var headers = { "HX-Request": "true" };
    if (document.body.dataset.csrf) { headers["X-CSRF-Token"] = document.body.dataset.csrf; }
    var action = button.getAttribute("formaction") || form.getAttribute("action") || window.location.pathname;
    var line = document.getElementById("status-draf") || status;
    line.textContent = "Menyimpan draf…";
    fetch(action, { method: "POST", body: body, headers: headers, credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (t) { return [r.ok, t]; }); })
      .then(function (res) {
        var box = document.createElement("div");
        box.innerHTML = res[1];
        line.textContent = res[0] ? (box.textContent.trim() || "Draf tersimpan.") : "Draf belum tersimpan. Coba lagi dengan tombol Simpan draf.";
      })
      .catch(function () { line.textContent = "Draf belum tersimpan: periksa koneksi Anda."; });
  }

  // The check's notes go beside the evidence item they are about (matched by the uploaded file, else by row).
  function placeNotes(form) {
    var notes = document.querySelectorAll(".catatan-pemeriksaan[data-berkas], .catatan-pemeriksaan[data-baris]");
    Array.prototype.forEach.call(notes, function (note) {
      var row = null;
      var berkas = note.getAttribute("data-berkas");
      if (berkas) {
        var hidden = form.querySelector("input[type='hidden'][value='" + berkas.replace(/[^0-9]/g, "") + "'][name$='.berkas_id']");
        row = hidden && hidden.closest(".kelompok-baris");
      }
      var baris = note.getAttribute("data-baris");
      if (!row && baris !== "") { row = document.getElementById("f-apl01-bukti-" + baris.replace(/[^0-9]/g, "")); }
      if (!row) { return; }
      var legend = row.querySelector("legend");
      var copy = note.cloneNode(true);
      copy.removeAttribute("data-berkas");
      copy.removeAttribute("data-baris");
      var box = document.createElement("div");
      box.className = "catatan-pemeriksaan";
      box.setAttribute("role", "note");
      box.innerHTML = copy.innerHTML;
      if (legend && legend.nextSibling) { row.insertBefore(box, legend.nextSibling); } else { row.appendChild(box); }
    });
  }

  function init() {
    var spec = document.querySelector("[data-langkah]");
    if (!spec) { return; }
    var steps;
    try { steps = JSON.parse(spec.getAttribute("data-langkah")); } catch (e) { return; }
    var anchor = null;
    steps.forEach(function (s) { (s.bagian || []).forEach(function (id) { if (!anchor && /^f-/.test(id)) { anchor = part(id); } }); });
    var form = anchor && anchor.closest("form");
    if (!form) { return; }
    var isi = form.querySelector(".formulir-isi") || anchor.parentNode;

    // The panel's parts move into the form, above the fields, so each step reads top to bottom.
    var top = document.createElement("div");
    top.className = "langkah-konteks";
    isi.parentNode.insertBefore(top, isi);
    var parts = {};
    steps.forEach(function (s) {
      (s.bagian || []).forEach(function (id) {
        var el = part(id);
        if (!el) { return; }
        if (!form.contains(el)) { top.appendChild(el); }
        parts[id] = el;
      });
    });
    placeNotes(form);
    // The panel gave its parts to the form: an empty panel goes, and the form takes the page's width.
    var panel = spec.closest(".panel-konteks");
    if (panel && !panel.querySelector("section:not(.langkah-sembunyi), dl, p")) {
      panel.classList.add("langkah-sembunyi");
      var layout = panel.parentNode;
      if (layout && layout.classList.contains("tata-tugas")) { layout.classList.add("tanpa-konteks"); }
    }

    var nav = document.createElement("nav");
    nav.setAttribute("aria-label", "Langkah pengisian");
    var list = document.createElement("ol");
    list.className = "langkah-indikator";
    nav.appendChild(list);
    var heading = document.createElement("h2");
    heading.className = "langkah-judul";
    heading.tabIndex = -1;
    form.insertBefore(heading, form.firstChild);
    form.insertBefore(nav, heading);
    var status = document.createElement("p");
    status.className = "langkah-status";
    status.setAttribute("role", "status");
    var bar = document.createElement("div");
    bar.className = "langkah-navigasi";
    var back = document.createElement("button");
    back.type = "button";
    back.className = "tombol";
    var next = document.createElement("button");
    next.type = "button";
    next.className = "tombol tombol-utama";
    bar.appendChild(back);
    bar.appendChild(next);
    isi.parentNode.insertBefore(bar, isi.nextSibling);
    bar.parentNode.insertBefore(status, bar.nextSibling);

    var submits = Array.prototype.filter.call(
      form.querySelectorAll("button[type='submit'], input[type='submit'], button:not([type])"),
      function (b) { return b !== draftButton(form); }
    );
    var buttons = steps.map(function (s, i) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = (i + 1) + ". " + s.judul;
      b.addEventListener("click", function () { show(i, true); });
      li.appendChild(b);
      list.appendChild(li);
      return b;
    });

    // A group holding parts (FR.APL.01 around its fields) shows only while one of its parts does.
    var groups = [];
    Object.keys(parts).forEach(function (id) {
      for (var el = parts[id].parentNode; el && el !== isi && el !== form; el = el.parentNode) {
        if (el.tagName === "FIELDSET" && groups.indexOf(el) < 0) { groups.push(el); }
      }
    });

    var current = 0;
    function show(i, focus) {
      current = Math.max(0, Math.min(steps.length - 1, i));
      var step = steps[current];
      Object.keys(parts).forEach(function (id) {
        var on = step.semua || (step.bagian || []).indexOf(id) >= 0;
        parts[id].classList.toggle("langkah-sembunyi", !on);
      });
      groups.forEach(function (g) {
        var any = Object.keys(parts).some(function (id) {
          return g.contains(parts[id]) && !parts[id].classList.contains("langkah-sembunyi");
        });
        g.classList.toggle("langkah-sembunyi", !any);
      });
      buttons.forEach(function (b, j) {
        if (j === current) { b.setAttribute("aria-current", "step"); } else { b.removeAttribute("aria-current"); }
      });
      heading.textContent = "Langkah " + (current + 1) + " dari " + steps.length + ": " + step.judul;
      var last = current === steps.length - 1;
      submits.forEach(function (b) { b.classList.toggle("langkah-sembunyi", !last); });
      back.textContent = current > 0 ? "Kembali: " + steps[current - 1].judul : "";
      back.classList.toggle("langkah-sembunyi", current === 0);
      next.textContent = last ? "" : "Lanjut: " + steps[current + 1].judul;
      next.classList.toggle("langkah-sembunyi", last);
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", "#langkah-" + (current + 1));
      }
      if (focus) {
        heading.focus();
        heading.scrollIntoView({ block: "start" });
      }
    }
    back.addEventListener("click", function () { show(current - 1, true); });
    next.addEventListener("click", function () { saveDraft(form, status); show(current + 1, true); });

    // After a refused submission the error summary and every field show at once: the last step.
    var start = 0;
    var m = /^#langkah-(\d+)$/.exec(window.location.hash);
    if (m) { start = parseInt(m[1], 10) - 1; }
    if (document.querySelector(".ringkasan-galat")) { start = steps.length - 1; }
    spec.classList.add("langkah-aktif");
    show(start, false);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
