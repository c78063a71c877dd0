// The form renderer's behaviour (api/ui/formulir.py, _formulir.html): rows added and removed (a <template>
// row cloned, every row renumbered so names stay `list.0.field`, `list.1.field`, ...), conditional parts shown
// by `data-tampil-jika`, files uploaded at once with a progress bar. Without it the form is a plain form.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js-formulir");
  if (window.ujikomFormulir) { window.ujikomFormulir.semua(document); return; }

  var ATTRS = ["name", "id", "for", "aria-describedby", "aria-labelledby", "data-baris", "data-tampil-jika"];

  function escape(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // Rename a row's paths: `list.old` -> `list.now` in names, `f-list-old` -> `f-list-now` in ids.
  function renumber(row, list, old, now) {
    var name = new RegExp("(^|[\\s\"])" + escape(list + "." + old) + "(?=[.\"\\s]|$)", "g");
    var id = new RegExp("(^|[\\s\"])" + escape("f-" + list.replace(/\./g, "-") + "-" + old) + "(?=[-\"\\s]|$)", "g");
    var nameTo = "$1" + list + "." + now, idTo = "$1f-" + list.replace(/\./g, "-") + "-" + now;
    [row].concat(Array.prototype.slice.call(row.querySelectorAll("*"))).forEach(function (el) {
      ATTRS.forEach(function (a) {
        var v = el.getAttribute(a);
        if (v !== null) { el.setAttribute(a, v.replace(name, nameTo).replace(id, idTo)); }
      });
    });
  }

  function rows(daftar) {
    return Array.prototype.slice.call(daftar.querySelector(".daftar-baris").children);
  }

  // A row's own title: the legend of its fieldset, else the label of its one control ("Bukti 2").
  function title(daftar, row, n) {
    var judul = daftar.dataset.judulBaris + " " + n, top = row.firstElementChild;
    var own = top && (top.tagName === "FIELDSET" ? top.querySelector(":scope > legend") : top.querySelector("label"));
    var text = own && own.firstChild;
    if (text && text.nodeType === 3) { text.nodeValue = judul + (text.nextSibling ? " " : ""); }
    row.querySelectorAll(":scope > [data-hapus] .sr, :scope > fieldset > [data-hapus] .sr").forEach(function (s) { s.textContent = " " + judul; });
    return judul;
  }

  function announce(daftar, text) {
    var live = daftar.querySelector("[data-umumkan]");
    if (live) { live.textContent = text; }
  }

  function add(daftar) {
    var list = daftar.dataset.daftar, n = rows(daftar).length;
    var row = daftar.querySelector(":scope > template").content.firstElementChild.cloneNode(true);
    renumber(row, list, "__i__", String(n));
    daftar.querySelector(".daftar-baris").appendChild(row);
    var judul = title(daftar, row, n + 1);
    conditions(row.closest("form") || document);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) { first.focus(); }
    announce(daftar, judul + " ditambahkan");
    changed(daftar);
  }

  function remove(row) {
    var daftar = row.closest("[data-daftar]"), list = daftar.dataset.daftar;
    var own = row.querySelector("[data-hapus] .sr"), judul = own ? own.textContent.trim() : "Baris";
    row.remove();
    rows(daftar).forEach(function (r, i) {
      var old = r.dataset.baris.slice(list.length + 1);
      if (old !== String(i)) { renumber(r, list, old, String(i)); }
      title(daftar, r, i + 1);
    });
    var tambah = daftar.querySelector("[data-tambah]");
    if (tambah) { tambah.focus(); }
    announce(daftar, judul + " dihapus");
    changed(daftar);
  }

  function changed(el) { el.dispatchEvent(new Event("change", { bubbles: true })); }

  // The value of the control named `nama` as the form would send it.
  function valueOf(scope, nama) {
    var els = scope.querySelectorAll("[name=\"" + nama.replace(/"/g, "\\\"") + "\"]"), value = "";
    els.forEach(function (el) {
      if (el.type === "radio") { if (el.checked) { value = el.value; } }
      else if (el.type === "checkbox") { value = el.checked ? el.value : (value || "false"); }
      else if (el.type !== "hidden" || els.length === 1) { value = el.value; }
    });
    return value;
  }

  function conditions(scope) {
    scope.querySelectorAll("[data-tampil-jika]").forEach(function (el) {
      if (el.closest("template")) { return; }
      var rule;
      try { rule = JSON.parse(el.dataset.tampilJika); } catch (e) { return; }
      var form = el.closest("form") || document;
      var show = rule.nilai.indexOf(valueOf(form, rule.nama)) >= 0 || !!el.querySelector("[aria-invalid=true]");
      el.toggleAttribute("data-mati", !show);
      // What is hidden is not sent: the data says only what the person saw and answered.
      el.querySelectorAll("[name]").forEach(function (c) { c.disabled = !show; });
    });
  }

  function size(n) {
    return n >= 1048576 ? (n / 1048576).toFixed(1).replace(".0", "").replace(".", ",") + " MB" : Math.max(1, Math.round(n / 1024)) + " KB";
  }

  function upload(input) {
    var box = input.closest("[data-berkas]"), file = input.files && input.files[0];
    var info = box.querySelector("[data-berkas-info]"), bar = box.querySelector("progress");
    if (!file) { return; }
    var max = parseInt(input.dataset.maks || "0", 10), accept = (input.accept || "").split(",").filter(Boolean);
    if (max && file.size > max) { info.textContent = "Berkas " + size(file.size) + " terlalu besar: paling besar " + size(max) + "."; input.value = ""; return; }
    if (accept.length && file.type && accept.indexOf(file.type) < 0) {
      var names = accept.map(function (a) { return { "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG" }[a] || a; });
      var said = names.length > 1 ? names.slice(0, -1).join(", ") + " atau " + names[names.length - 1] : names[0];
      info.textContent = "Jenis berkas ini tidak diterima: pilih " + said + "."; input.value = ""; return;
    }
    var xhr = new XMLHttpRequest(), data = new FormData();
    data.append("file", file);
    xhr.open("POST", input.dataset.unggah);
    if (document.body.dataset.csrf) { xhr.setRequestHeader("X-CSRF-Token", document.body.dataset.csrf); }
    bar.hidden = false; bar.value = 0;
    info.textContent = "Mengunggah " + file.name + "…";
    input.disabled = true;
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); bar.textContent = bar.value + "%"; } };
    xhr.onload = function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: say the status */ }
      input.disabled = false; bar.hidden = true;
      if (xhr.status >= 200 && xhr.status < 300 && body.id) {
        box.querySelector("[data-berkas-id]").value = body.id;
        info.textContent = "";
        var a = document.createElement("a");
        a.href = "/api/berkas/" + body.id; a.target = "_blank"; a.rel = "noopener";
        a.textContent = body.nama || file.name;
        var sr = document.createElement("span");
        sr.className = "sr"; sr.textContent = " (dibuka di tab baru)";
        info.appendChild(document.createTextNode("Terunggah: "));
        info.appendChild(a);
        a.appendChild(sr);
        info.appendChild(document.createTextNode(" (" + size(body.size || file.size) + ")"));
        if ((body.content_type || "").indexOf("image/") === 0) {
          var img = document.createElement("img");
          img.className = "pratinjau"; img.src = a.href; img.alt = "Pratinjau " + (body.nama || file.name);
          info.appendChild(img);
        }
        changed(box.querySelector("[data-berkas-id]"));
      } else {
        var msg = (body.errors && body.errors[0] && body.errors[0].message) || "Unggah gagal (" + xhr.status + "); coba lagi.";
        info.textContent = msg.charAt(0).toUpperCase() + msg.slice(1);
      }
      input.value = "";
    };
    xhr.onerror = function () { input.disabled = false; bar.hidden = true; info.textContent = "Unggah gagal: periksa sambungan lalu coba lagi."; };
    xhr.send(data);
  }

  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-tambah], [data-hapus]");
    if (!t) { return; }
    e.preventDefault();
    if (t.hasAttribute("data-tambah")) { add(t.closest("[data-daftar]")); } else { remove(t.closest(".baris")); }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("input[type=file][data-unggah]")) { upload(e.target); return; }
    conditions(e.target.closest ? (e.target.closest("form") || document) : document);
  });
  document.addEventListener("htmx:after:swap", function () { conditions(document); });
  window.ujikomFormulir = { semua: conditions };
  conditions(document);
})();
