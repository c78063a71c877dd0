// The candidate picker (Membuka pendaftaran): filter as you type, "pilih semua prodi X" and "kosongkan" at once,
// the count chosen. Without it the same buttons post to the server, which does the same.
(function () {
  "use strict";
  function pasang(form) {
    var rows = Array.prototype.slice.call(form.querySelectorAll("tbody tr[data-teks]"));
    var jumlah = form.querySelector("[data-jumlah]");
    var hasil = form.querySelector("[data-hasil]");
    var cari = form.querySelector("[data-cari]");
    var section = form.closest("section") || document;
    function hitung() {
      var per = {};
      var n = 0;
      rows.forEach(function (tr) {
        var box = tr.querySelector("input[type=checkbox]");
        if (box && box.checked) {
          n += 1;
          per[tr.dataset.prodi] = (per[tr.dataset.prodi] || 0) + 1;
        }
      });
      if (jumlah) { jumlah.textContent = n.toLocaleString("id-ID"); }
      section.querySelectorAll("[data-dipilih-prodi]").forEach(function (td) {
        td.textContent = (per[td.dataset.dipilihProdi] || 0).toLocaleString("id-ID");
      });
    }
    form.querySelectorAll("[data-prodi]").forEach(function (btn) {
      if (btn.tagName !== "BUTTON") { return; }
      btn.addEventListener("click", function (event) {
        event.preventDefault();
        rows.forEach(function (tr) {
          if (tr.dataset.prodi === btn.dataset.prodi) { tr.querySelector("input[type=checkbox]").checked = true; }
        });
        hitung();
      });
    });
    var kosong = form.querySelector("[data-kosongkan]");
    if (kosong) {
      kosong.addEventListener("click", function (event) {
        event.preventDefault();
        rows.forEach(function (tr) { tr.querySelector("input[type=checkbox]").checked = false; });
        hitung();
      });
    }
    form.addEventListener("change", hitung);
    if (cari) {
      form.querySelector("[data-cari-wadah]").hidden = false;
      cari.addEventListener("input", function () {
        var q = cari.value.trim().toLowerCase();
        var tampil = 0;
        rows.forEach(function (tr) {
          var cocok = !q || tr.dataset.teks.indexOf(q) !== -1;
          tr.hidden = !cocok;
          if (cocok) { tampil += 1; }
        });
        if (hasil) { hasil.textContent = q ? tampil.toLocaleString("id-ID") + " peserta cocok" : ""; }
      });
      // Enter in the search filters; it never sends the form.
      cari.addEventListener("keydown", function (event) { if (event.key === "Enter") { event.preventDefault(); } });
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-pemilih]").forEach(pasang);
  });
})();
// The evidence check: working on the verdict of item n brings item n's file into view in the evidence panel.
(function () {
  "use strict";
  document.addEventListener("focusin", function (event) {
    var row = event.target.closest && event.target.closest("[id^='f-pemeriksaan-bukti-']");
    var panel = document.querySelector(".periksa-bukti");
    if (!row || !panel) { return; }
    var m = /^f-pemeriksaan-bukti-(\d+)/.exec(row.id);
    var item = m && document.getElementById("bukti-" + (Number(m[1]) + 1));
    if (item && panel.scrollHeight > panel.clientHeight) {
      var top = panel.scrollTop + item.getBoundingClientRect().top - panel.getBoundingClientRect().top;
      panel.scrollTo({ top: top, behavior: "smooth" });
    }
  });
})();
