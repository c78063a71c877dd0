"""The SOP's checks on submitted forms (validators named by a user task's ``validator`` property).

Each validator gets the task's data before the submission (``ctx.data``) and the submitted form data
(``data``, already valid against the form's JSON Schema) and returns a :class:`Refusal` per broken rule:
the dotted path into ``data`` and an Indonesian reason naming the person, skema or TUK. An empty list
lets the submission through.

Master data is read in bulk (one query per kind of record) so a period of a thousand candidates costs
a handful of queries, not a thousand.
"""

from collections import Counter, defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select

from api.store.master import (
    Asesor,
    Berkas,
    Skema,
)
from api.store.master import Sertifikat as SertifikatRow
from api.store.models import Event
from service_tasks import validator
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData, gabung_nama, proses_list, tanggal_asesmen
from service_tasks.format_indonesia import as_date, hari_ini, tanggal
from service_tasks.guards import blank, chunks, object_at, objects
from service_tasks.keputusan import hasil_kompeten


def _periode_tuk(data: dict[str, Any]) -> list[str]:
    kode = data.get("tuk_kode")
    if isinstance(kode, list) and kode:
        return [k for k in kode if isinstance(k, str)]
    return [t["kode"] for t in objects(data.get("tuk")) if isinstance(t.get("kode"), str)]


def _unit_skema(skema: Skema) -> list[str]:
    return [u.get("kode") for u in (skema.unit or []) if isinstance(u, dict)]


def _periksa_asesor(
    m: MasterData,
    asesor: Asesor | None,
    username: str,
    berlaku_pada: date,
    field: str,
    peran: str = "Asesor",
) -> list[Refusal]:
    """The asesor exists, is active (with an active user account) and their MET is valid on the date."""
    if asesor is None:
        return [Refusal(field, f"{peran} {m.nama(username)} tidak terdaftar sebagai asesor kompetensi LSP")]
    if not asesor.aktif or not asesor.user.active:
        return [Refusal(field, f"{peran} {m.nama(username)} tidak aktif")]
    if asesor.met_berlaku_sd < berlaku_pada:
        return [
            Refusal(
                field,
                f"Sertifikat asesor (MET) {m.nama(username)} No. Reg. {asesor.no_reg_met} berlaku sampai "
                f"{tanggal(asesor.met_berlaku_sd)}, tidak berlaku sampai {tanggal(berlaku_pada)}",
            )
        ]
    return []


# --------------------------------------------------------------------------------------------------
# Step 1: target


@validator("periksa_target")
def periksa_target(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    lsp = m.lsp()
    today = hari_ini(ctx)
    if lsp is None:
        refusals.append(Refusal("target", "Profil LSP (nomor dan masa berlaku lisensi) belum diisi di data master"))
    elif lsp.lisensi_berlaku_sd < today:
        refusals.append(
            Refusal(
                "target",
                f"Lisensi {lsp.nama} No. {lsp.no_lisensi} berlaku sampai {tanggal(lsp.lisensi_berlaku_sd)}: "
                "sudah kedaluwarsa, uji kompetensi tidak boleh ditargetkan",
            )
        )
    target = objects(data.get("target"))
    if not target:
        refusals.append(Refusal("target", "Isi sekurang-kurangnya satu target (skema, prodi, jumlah)"))
    seen: dict[tuple[str, str], int] = {}
    for i, t in enumerate(target):
        nomor = t.get("skema_nomor")
        skema = m.skema(nomor)
        if skema is None:
            refusals.append(Refusal(f"target.{i}.skema_nomor", f"Skema {nomor} tidak ada di data master skema"))
        elif not skema.dalam_lisensi:
            refusals.append(
                Refusal(
                    f"target.{i}.skema_nomor",
                    f"Skema {skema.nomor} ({skema.judul}) di luar ruang lingkup lisensi LSP",
                )
            )
        elif not skema.aktif:
            refusals.append(Refusal(f"target.{i}.skema_nomor", f"Skema {skema.nomor} ({skema.judul}) tidak aktif"))
        prodi = str(t.get("prodi") or "").strip()
        key = (str(nomor), prodi.casefold())
        if key in seen:
            refusals.append(
                Refusal(
                    f"target.{i}",
                    f"Target skema {nomor} untuk prodi {prodi} sudah ada di baris {seen[key] + 1}: gabungkan jumlahnya",
                )
            )
        else:
            seen[key] = i
        jumlah = t.get("jumlah")
        if not isinstance(jumlah, int) or isinstance(jumlah, bool) or jumlah < 1:
            refusals.append(Refusal(f"target.{i}.jumlah", f"Jumlah target skema {nomor} sekurang-kurangnya 1"))
    return refusals


# --------------------------------------------------------------------------------------------------
# Step 2: rencana


@validator("periksa_rencana")
def periksa_rencana(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    jadwal = object_at(data, "jadwal")
    nama_tanggal = {
        "pendaftaran_mulai": "mulai pendaftaran",
        "pendaftaran_selesai": "akhir pendaftaran",
        "asesmen_mulai": "mulai asesmen",
        "asesmen_selesai": "akhir asesmen",
    }
    d: dict[str, date] = {}
    for key, label in nama_tanggal.items():
        value = as_date(jadwal.get(key))
        if value is None:
            refusals.append(Refusal(f"jadwal.{key}", f"Tanggal {label} tidak valid (format YYYY-MM-DD)"))
        else:
            d[key] = value
    if {"pendaftaran_mulai", "pendaftaran_selesai"} <= d.keys() and d["pendaftaran_mulai"] > d["pendaftaran_selesai"]:
        refusals.append(
            Refusal(
                "jadwal.pendaftaran_selesai",
                f"Akhir pendaftaran ({tanggal(d['pendaftaran_selesai'])}) sebelum mulai pendaftaran "
                f"({tanggal(d['pendaftaran_mulai'])})",
            )
        )
    if {"pendaftaran_selesai", "asesmen_mulai"} <= d.keys() and d["pendaftaran_selesai"] >= d["asesmen_mulai"]:
        refusals.append(
            Refusal(
                "jadwal.asesmen_mulai",
                f"Asesmen ({tanggal(d['asesmen_mulai'])}) harus dimulai setelah pendaftaran ditutup "
                f"({tanggal(d['pendaftaran_selesai'])})",
            )
        )
    if {"asesmen_mulai", "asesmen_selesai"} <= d.keys() and d["asesmen_mulai"] > d["asesmen_selesai"]:
        refusals.append(
            Refusal(
                "jadwal.asesmen_selesai",
                f"Akhir asesmen ({tanggal(d['asesmen_selesai'])}) sebelum mulai asesmen ({tanggal(d['asesmen_mulai'])})",
            )
        )
    today = hari_ini(ctx)
    if "pendaftaran_selesai" in d and d["pendaftaran_selesai"] < today:
        refusals.append(
            Refusal(
                "jadwal.pendaftaran_selesai",
                f"Akhir pendaftaran ({tanggal(d['pendaftaran_selesai'])}) sudah lewat (hari ini {tanggal(today)})",
            )
        )
    kuota_min = jadwal.get("kuota_min")
    kuota_ok = isinstance(kuota_min, int) and not isinstance(kuota_min, bool) and kuota_min >= 1
    if not kuota_ok:
        refusals.append(Refusal("jadwal.kuota_min", "Kuota minimum peserta sekurang-kurangnya 1"))

    kode_list = data.get("tuk_kode") if isinstance(data.get("tuk_kode"), list) else []
    if not kode_list:
        refusals.append(Refusal("tuk_kode", "Pilih sekurang-kurangnya satu TUK"))
    kapasitas = 0
    seen: set[str] = set()
    for i, kode in enumerate(kode_list):
        tuk = m.tuk(kode)
        if kode in seen:
            refusals.append(Refusal(f"tuk_kode.{i}", f"TUK {kode} dipilih lebih dari sekali"))
            continue
        seen.add(kode)
        if tuk is None:
            refusals.append(Refusal(f"tuk_kode.{i}", f"TUK {kode} tidak ada di data master TUK"))
        elif not tuk.aktif:
            refusals.append(Refusal(f"tuk_kode.{i}", f"TUK {tuk.kode} ({tuk.nama}) tidak aktif"))
        else:
            kapasitas += int(tuk.kapasitas)
    if kuota_ok and seen and kapasitas < kuota_min and not any(r.field.startswith("tuk_kode.") for r in refusals):
        refusals.append(
            Refusal(
                "tuk_kode",
                f"Kapasitas TUK yang dipilih ({kapasitas} orang) kurang dari kuota minimum peserta ({kuota_min})",
            )
        )
    return refusals


# --------------------------------------------------------------------------------------------------
# Step 3: pendaftaran


@validator("periksa_pendaftar")
def periksa_pendaftar(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    daftar = objects(data.get("daftar_pendaftar"))
    if not daftar:
        return [Refusal("daftar_pendaftar", "Isi sekurang-kurangnya satu pendaftar")]
    target_skema = {t.get("skema_nomor") for t in proses_list(ctx.data, "target")}
    m.load_peserta(p.get("username") for p in daftar)
    seen: dict[str, int] = {}
    for i, p in enumerate(daftar):
        username = p.get("username")
        if username in seen:
            refusals.append(
                Refusal(
                    f"daftar_pendaftar.{i}.username",
                    f"{m.nama(username)} sudah didaftarkan di baris {seen[username] + 1}",
                )
            )
            continue
        seen[username] = i
        peserta = m.peserta(username)
        if peserta is None:
            refusals.append(
                Refusal(f"daftar_pendaftar.{i}.username", f"{username} tidak terdaftar di data master peserta")
            )
        elif not peserta.aktif or not peserta.user.active:
            refusals.append(Refusal(f"daftar_pendaftar.{i}.username", f"Peserta {m.nama(username)} tidak aktif"))
        nomor = p.get("skema_nomor")
        if nomor not in target_skema:
            skema = m.skema(nomor)
            judul = f" ({skema.judul})" if skema is not None else ""
            refusals.append(
                Refusal(
                    f"daftar_pendaftar.{i}.skema_nomor",
                    f"Skema {nomor}{judul} untuk {m.nama(username)} tidak termasuk target periode ini",
                )
            )
    return refusals


@validator("periksa_apl")
def periksa_apl(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    apl01 = object_at(data, "apl01")
    bukti = objects(apl01.get("bukti"))
    ids = [b.get("berkas_id") for b in bukti]
    found: dict[int, Berkas] = {}
    for chunk in chunks(i for i in ids if isinstance(i, int)):
        found.update({b.id: b for b in ctx.session.scalars(select(Berkas).where(Berkas.id.in_(chunk)))})
    seen: dict[Any, int] = {}
    for i, b in enumerate(bukti):
        berkas_id = b.get("berkas_id")
        nama = b.get("nama") or f"bukti ke-{i + 1}"
        row = found.get(berkas_id) if isinstance(berkas_id, int) else None
        if berkas_id in seen:
            refusals.append(
                Refusal(
                    f"apl01.bukti.{i}.berkas_id",
                    f"Berkas {berkas_id} ({nama}) sudah dipakai untuk bukti ke-{seen[berkas_id] + 1}",
                )
            )
            continue
        seen[berkas_id] = i
        if row is None or row.uploaded_by != ctx.actor or row.instance_id != ctx.instance_id:
            refusals.append(
                Refusal(
                    f"apl01.bukti.{i}.berkas_id",
                    f"Berkas {berkas_id} untuk bukti {nama} tidak ditemukan di antara berkas yang Anda unggah "
                    "untuk pendaftaran ini: unggah berkasnya dahulu",
                )
            )
    pendaftar = object_at(ctx.data, "pendaftar")
    nomor = pendaftar.get("skema_nomor")
    skema = m.skema(nomor)
    if skema is None:
        refusals.append(Refusal("apl02", f"Skema {nomor} pendaftaran ini tidak ada di data master skema"))
        return refusals
    units = _unit_skema(skema)
    judul = {u.get("kode"): u.get("judul") for u in skema.unit or []}
    apl02 = objects(data.get("apl02"))
    dijawab: dict[Any, int] = {}
    for i, a in enumerate(apl02):
        kode = a.get("unit_kode")
        if kode not in judul:
            refusals.append(
                Refusal(
                    f"apl02.{i}.unit_kode", f"Unit {kode} bukan unit kompetensi skema {skema.nomor} ({skema.judul})"
                )
            )
        elif kode in dijawab:
            refusals.append(
                Refusal(f"apl02.{i}.unit_kode", f"Unit {kode} ({judul[kode]}) sudah diisi di baris {dijawab[kode] + 1}")
            )
        else:
            dijawab[kode] = i
    kurang = [f"{k} ({judul[k]})" for k in units if k not in dijawab]
    if kurang:
        refusals.append(
            Refusal(
                "apl02", f"Asesmen mandiri (FR.APL.02) belum mengisi unit skema {skema.nomor}: {gabung_nama(kurang)}"
            )
        )
    return refusals


def pendaftaran_ditutup(ctx: ServiceContext) -> bool:
    """The period has signalled its registrations closed (by Kabid Administrasi or at the window's end)."""
    sent = ctx.session.scalars(
        select(Event.data).where(Event.root_id == ctx.root_id, Event.type == "signal_sent")
    ).all()
    return any(d.get("signal") == "pendaftaran_ditutup" for d in sent)


@validator("periksa_berkas")
def periksa_berkas(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    refusals: list[Refusal] = []
    pemeriksaan = object_at(data, "pemeriksaan")
    apl01 = object_at(ctx.data, "apl01")
    diajukan = {
        b.get("berkas_id"): b.get("nama") or f"berkas {b.get('berkas_id')}" for b in objects(apl01.get("bukti"))
    }
    marked: dict[Any, int] = {}
    tidak_ada: list[str] = []
    for i, b in enumerate(objects(pemeriksaan.get("bukti"))):
        berkas_id = b.get("berkas_id")
        if berkas_id is None:
            refusals.append(
                Refusal(f"pemeriksaan.bukti.{i}.berkas_id", f"Sebutkan berkas_id bukti {b.get('nama') or i + 1}")
            )
        elif berkas_id not in diajukan:
            refusals.append(
                Refusal(
                    f"pemeriksaan.bukti.{i}.berkas_id", f"Berkas {berkas_id} tidak termasuk bukti yang diajukan peserta"
                )
            )
        elif berkas_id in marked:
            refusals.append(
                Refusal(
                    f"pemeriksaan.bukti.{i}.berkas_id",
                    f"Bukti {diajukan[berkas_id]} sudah diperiksa di baris {marked[berkas_id] + 1}",
                )
            )
        else:
            marked[berkas_id] = i
            if b.get("status") == "tidak_ada":
                tidak_ada.append(diajukan[berkas_id])
    belum = [nama for berkas_id, nama in diajukan.items() if berkas_id not in marked]
    if belum:
        refusals.append(Refusal("pemeriksaan.bukti", f"Bukti yang belum diperiksa: {gabung_nama(belum)}"))
    keputusan = pemeriksaan.get("keputusan")
    if keputusan in ("dikembalikan", "ditolak") and blank(pemeriksaan.get("alasan")):
        refusals.append(
            Refusal("pemeriksaan.alasan", f"Tuliskan alasan berkas {keputusan} agar peserta dapat menindaklanjuti")
        )
    if keputusan == "dikembalikan" and pendaftaran_ditutup(ctx):
        refusals.append(
            Refusal(
                "pemeriksaan.keputusan",
                "Pendaftaran sudah ditutup: berkas tidak dapat dikembalikan untuk direvisi; terima atau tolak",
            )
        )
    if keputusan == "diterima" and tidak_ada:
        refusals.append(
            Refusal(
                "pemeriksaan.keputusan",
                f"Berkas tidak dapat diterima: bukti tidak ada ({gabung_nama(tidak_ada)}); kembalikan atau tolak",
            )
        )
    return refusals


@validator("periksa_keputusan_kuota")
def periksa_keputusan_kuota(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    refusals: list[Refusal] = []
    kk = object_at(data, "keputusan_kuota")
    keputusan = kk.get("keputusan")
    if keputusan == "tunda":
        mulai, selesai = as_date(kk.get("asesmen_mulai")), as_date(kk.get("asesmen_selesai"))
        if mulai is None:
            refusals.append(Refusal("keputusan_kuota.asesmen_mulai", "Isi tanggal mulai asesmen yang baru"))
        if selesai is None:
            refusals.append(Refusal("keputusan_kuota.asesmen_selesai", "Isi tanggal akhir asesmen yang baru"))
        today = hari_ini(ctx)
        if mulai is not None and mulai <= today:
            refusals.append(
                Refusal(
                    "keputusan_kuota.asesmen_mulai",
                    f"Asesmen yang ditunda harus dimulai setelah hari ini ({tanggal(today)})",
                )
            )
        if mulai is not None and selesai is not None and mulai > selesai:
            refusals.append(
                Refusal(
                    "keputusan_kuota.asesmen_selesai",
                    f"Akhir asesmen ({tanggal(selesai)}) sebelum mulai asesmen ({tanggal(mulai)})",
                )
            )
        jumlah = ctx.data.get("jumlah_diterima")
        if not isinstance(jumlah, int) or jumlah < 1:
            refusals.append(
                Refusal(
                    "keputusan_kuota.keputusan",
                    "Tidak ada peserta yang diterima: asesmen tidak dapat ditunda, pilih gabung atau batal",
                )
            )
    elif keputusan == "gabung" and blank(kk.get("digabung_ke")):
        refusals.append(Refusal("keputusan_kuota.digabung_ke", "Isi periode atau jadwal tujuan penggabungan"))
    if blank(kk.get("alasan")):
        refusals.append(Refusal("keputusan_kuota.alasan", "Tuliskan alasan keputusan kuota"))
    return refusals


@validator("periksa_penugasan")
def periksa_penugasan(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """Kabid Sertifikasi assigns an asesor to each accepted candidate and a verifikator to each TUK used.

    Refused: a candidate not accepted, assigned twice or not at all; an asesor who is not an active asesor,
    whose MET is not valid through the end of the assessment, who is not competent for the candidate's
    skema, who declared a conflict of interest with the candidate, who is the candidate, or beyond the
    LSP's asesor:asesi ratio; a TUK outside the period's; a TUK used without exactly one verifikator, a
    verifikator for a TUK not used, a verifikator who is not an active asesor with a valid MET.
    """
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    today = hari_ini(ctx)
    akhir = tanggal_asesmen(ctx.data, today, akhir=True)
    mulai = tanggal_asesmen(ctx.data, today, akhir=False)
    diterima = {p.get("username"): p for p in proses_list(ctx.data, "pendaftar_diterima")}
    periode_tuk = set(_periode_tuk(ctx.data))
    rasio = m.rasio()
    penugasan = objects(data.get("penugasan_asesor"))
    verifikator = objects(data.get("penugasan_verifikator"))

    asesor_names = {p.get("asesor") for p in penugasan} | {v.get("verifikator") for v in verifikator}
    m.load_asesor(asesor_names)
    m.load_peserta(diterima)
    asesor_ids = [a.id for a in (m.asesor(n) for n in asesor_names) if a is not None]
    kompeten = m.kompeten_skema(asesor_ids)
    konflik = m.konflik(asesor_ids)

    assigned: dict[Any, int] = {}
    beban: Counter[str] = Counter()
    tuk_dipakai: dict[str, int] = {}
    for i, p in enumerate(penugasan):
        username, nama_asesor, kode = p.get("username"), p.get("asesor"), p.get("tuk_kode")
        field = f"penugasan_asesor.{i}"
        if username not in diterima:
            refusals.append(
                Refusal(
                    f"{field}.username", f"{m.nama(username)} bukan peserta yang berkasnya diterima pada periode ini"
                )
            )
            continue
        if username in assigned:
            refusals.append(
                Refusal(f"{field}.username", f"{m.nama(username)} sudah ditugaskan di baris {assigned[username] + 1}")
            )
            continue
        assigned[username] = i
        if kode not in periode_tuk:
            refusals.append(Refusal(f"{field}.tuk_kode", f"TUK {kode} untuk {m.nama(username)} bukan TUK periode ini"))
        else:
            tuk_dipakai.setdefault(kode, i)
        if nama_asesor == username:
            refusals.append(Refusal(f"{field}.asesor", f"{m.nama(username)} tidak boleh menilai dirinya sendiri"))
            continue
        asesor = m.asesor(nama_asesor)
        masalah = _periksa_asesor(m, asesor, nama_asesor, akhir, f"{field}.asesor")
        if masalah:
            refusals.extend(masalah)
            continue
        assert asesor is not None
        nomor = diterima[username].get("skema_nomor")
        skema = m.skema(nomor)
        if skema is None or (asesor.id, skema.id) not in kompeten:
            judul = f" ({skema.judul})" if skema is not None else ""
            refusals.append(
                Refusal(
                    f"{field}.asesor",
                    f"Asesor {m.nama(nama_asesor)} tidak kompeten untuk skema {nomor}{judul} "
                    f"yang diambil {m.nama(username)}",
                )
            )
            continue
        peserta = m.peserta(username)
        if peserta is not None and (asesor.id, peserta.id) in konflik:
            refusals.append(
                Refusal(
                    f"{field}.asesor",
                    f"Asesor {m.nama(nama_asesor)} telah menyatakan konflik kepentingan dengan {m.nama(username)}",
                )
            )
            continue
        beban[nama_asesor] += 1
        if beban[nama_asesor] > rasio:
            refusals.append(
                Refusal(
                    f"{field}.asesor",
                    f"Asesor {m.nama(nama_asesor)} melebihi rasio asesor:asesi 1:{rasio}: "
                    f"{m.nama(username)} adalah asesi ke-{beban[nama_asesor]}",
                )
            )
    belum = [m.nama(u) for u in diterima if u not in assigned]
    if belum:
        refusals.append(Refusal("penugasan_asesor", f"Peserta yang belum ditugaskan asesor: {gabung_nama(belum)}"))

    diverifikasi: dict[Any, int] = {}
    for j, v in enumerate(verifikator):
        kode, nama_v = v.get("tuk_kode"), v.get("verifikator")
        field = f"penugasan_verifikator.{j}"
        if kode not in tuk_dipakai:
            tuk = m.tuk(kode)
            label = f"TUK {kode} ({tuk.nama})" if tuk is not None else f"TUK {kode}"
            refusals.append(Refusal(f"{field}.tuk_kode", f"{label} tidak dipakai oleh peserta mana pun"))
            continue
        if kode in diverifikasi:
            refusals.append(
                Refusal(f"{field}.tuk_kode", f"TUK {kode} sudah punya verifikator di baris {diverifikasi[kode] + 1}")
            )
            continue
        diverifikasi[kode] = j
        refusals.extend(_periksa_asesor(m, m.asesor(nama_v), nama_v, mulai, f"{field}.verifikator", "Verifikator"))
    tanpa = [f"TUK {k}" for k in tuk_dipakai if k not in diverifikasi]
    if tanpa:
        refusals.append(Refusal("penugasan_verifikator", f"Tugaskan verifikator untuk: {gabung_nama(tanpa)}"))
    return refusals


# --------------------------------------------------------------------------------------------------
# Step 4: verifikasi TUK


@validator("periksa_tindak_lanjut_tuk")
def periksa_tindak_lanjut_tuk(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    tl = object_at(data, "tindak_lanjut_tuk")
    if blank(tl.get("catatan")):
        refusals.append(Refusal("tindak_lanjut_tuk.catatan", "Tuliskan catatan tindak lanjut TUK"))
    if tl.get("tindakan") != "pindah":
        return refusals
    current = object_at(ctx.data, "tuk_verifikasi")
    kode = tl.get("tuk_pengganti")
    field = "tindak_lanjut_tuk.tuk_pengganti"
    if blank(kode):
        refusals.append(Refusal(field, "Pilih TUK pengganti"))
        return refusals
    if kode == current.get("kode"):
        refusals.append(Refusal(field, f"TUK pengganti harus berbeda dari TUK {kode} yang belum sesuai"))
        return refusals
    tuk = m.tuk(kode)
    if tuk is None:
        refusals.append(Refusal(field, f"TUK {kode} tidak ada di data master TUK"))
    elif not tuk.aktif:
        refusals.append(Refusal(field, f"TUK {tuk.kode} ({tuk.nama}) tidak aktif"))
    else:
        pada = tanggal_asesmen(ctx.data, hari_ini(ctx))
        if m.verifikasi_berlaku(tuk, ctx.root_id, pada) is None:
            refusals.append(
                Refusal(
                    field,
                    f"TUK {tuk.kode} ({tuk.nama}) belum terverifikasi untuk periode ini: "
                    "pindahkan hanya ke TUK yang sudah ditetapkan terverifikasi",
                )
            )
    return refusals


# --------------------------------------------------------------------------------------------------
# Step 5: penilaian (and re-assessment in banding)


@validator("periksa_penilaian")
def periksa_penilaian(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    peserta = ctx.data.get("peserta_asesmen")
    if not isinstance(peserta, dict):
        peserta = object_at(ctx.data, "peserta_banding")
    nomor = peserta.get("skema_nomor")
    skema = m.skema(nomor)
    penilaian = object_at(data, "penilaian")
    unit = objects(penilaian.get("unit"))
    if skema is None:
        return [Refusal("penilaian.unit", f"Skema {nomor} peserta ini tidak ada di data master skema")]
    judul = {u.get("kode"): u.get("judul") for u in skema.unit or []}
    dinilai: dict[Any, int] = {}
    for i, u in enumerate(unit):
        kode = u.get("kode")
        if kode not in judul:
            refusals.append(
                Refusal(
                    f"penilaian.unit.{i}.kode", f"Unit {kode} bukan unit kompetensi skema {skema.nomor} ({skema.judul})"
                )
            )
            continue
        if kode in dinilai:
            refusals.append(
                Refusal(
                    f"penilaian.unit.{i}.kode",
                    f"Unit {kode} ({judul[kode]}) sudah dinilai di baris {dinilai[kode] + 1}",
                )
            )
            continue
        dinilai[kode] = i
        if u.get("rekomendasi") == "BK" and blank(u.get("catatan")):
            refusals.append(
                Refusal(
                    f"penilaian.unit.{i}.catatan",
                    f"Unit {kode} ({judul[kode]}) dinilai BK: tuliskan catatan bukti yang belum memadai",
                )
            )
    belum = [f"{k} ({judul[k]})" for k in _unit_skema(skema) if k not in dinilai]
    if belum:
        refusals.append(Refusal("penilaian.unit", f"Unit skema {skema.nomor} yang belum dinilai: {gabung_nama(belum)}"))
    return refusals


# --------------------------------------------------------------------------------------------------
# Step 6: pleno, banding, certificate numbers


def _aktif(m: MasterData, username: Any) -> bool:
    user = m.user(username)
    return user is not None and bool(user.active)


@validator("periksa_pleno")
def periksa_pleno(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    pleno = object_at(data, "pleno")
    anggota = pleno.get("anggota") if isinstance(pleno.get("anggota"), list) else []
    keputusan = objects(pleno.get("keputusan"))
    hasil = {h.get("username"): h for h in proses_list(ctx.data, "hasil_asesmen")}
    dinilai = {u: h for u, h in hasil.items() if h.get("status") == "dinilai"}
    asesor_of: dict[Any, set[Any]] = defaultdict(set)
    for p in proses_list(ctx.data, "peserta_asesmen") + list(hasil.values()):
        if p.get("asesor"):
            asesor_of[p.get("asesor")].add(p.get("username"))
    peserta_periode = set(hasil) | {p.get("username") for p in proses_list(ctx.data, "peserta_asesmen")}
    # The pleno decides every assessed candidate: an asesor of any of them may not sit on it.
    diputuskan_user = set(dinilai) | {k.get("username") for k in keputusan}
    m.load_users(set(anggota) | set(dinilai))

    if len(set(anggota)) < 2:
        refusals.append(Refusal("pleno.anggota", "Rapat pleno sekurang-kurangnya 2 anggota"))
    seen: set[Any] = set()
    for i, a in enumerate(anggota):
        field = f"pleno.anggota.{i}"
        if a in seen:
            refusals.append(Refusal(field, f"{m.nama(a)} tercantum lebih dari sekali"))
            continue
        seen.add(a)
        if not _aktif(m, a):
            refusals.append(Refusal(field, f"{m.nama(a)} bukan pengguna aktif"))
        elif a in peserta_periode:
            refusals.append(
                Refusal(field, f"{m.nama(a)} adalah peserta uji kompetensi: tidak boleh menjadi anggota pleno")
            )
        else:
            diasesori = sorted(str(u) for u in asesor_of.get(a, set()) & diputuskan_user)
            if diasesori:
                refusals.append(
                    Refusal(
                        field,
                        f"{m.nama(a)} adalah asesor dari {gabung_nama(m.nama(u) for u in diasesori)}: "
                        "pengambil keputusan tidak boleh asesor peserta yang diputuskan",
                    )
                )

    decided: dict[Any, int] = {}
    for i, k in enumerate(keputusan):
        username = k.get("username")
        field = f"pleno.keputusan.{i}"
        if username not in dinilai:
            alasan = "tidak hadir atau tidak dinilai" if username in hasil else "bukan peserta asesmen periode ini"
            refusals.append(Refusal(f"{field}.username", f"{m.nama(username)} {alasan}: tidak diputuskan pleno"))
            continue
        if username in decided:
            refusals.append(
                Refusal(f"{field}.username", f"{m.nama(username)} sudah diputuskan di baris {decided[username] + 1}")
            )
            continue
        decided[username] = i
        if k.get("keputusan") == "K":
            h = dinilai[username]
            if not hasil_kompeten(h):
                bk = [str(u.get("kode")) for u in objects(h.get("unit")) if u.get("rekomendasi") != "K"]
                rincian = f" (unit BK: {gabung_nama(bk)})" if bk else ""
                refusals.append(
                    Refusal(
                        f"{field}.keputusan",
                        f"{m.nama(username)} tidak dapat diputuskan Kompeten{rincian}: "
                        "Kompeten hanya bila semua unit K",
                    )
                )
    belum = [m.nama(u) for u in dinilai if u not in decided]
    if belum:
        refusals.append(Refusal("pleno.keputusan", f"Peserta yang belum diputuskan: {gabung_nama(belum)}"))
    return refusals


@validator("periksa_tim_banding")
def periksa_tim_banding(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    tim = object_at(data, "tim_banding")
    anggota = tim.get("anggota") if isinstance(tim.get("anggota"), list) else []
    peserta = object_at(ctx.data, "peserta_banding")
    kandidat, asesor = peserta.get("username"), peserta.get("asesor")
    pleno = set(peserta.get("anggota_pleno") or [])
    m.load_users(anggota)
    if len(set(anggota)) < 3:
        refusals.append(Refusal("tim_banding.anggota", "Tim banding sekurang-kurangnya 3 orang yang berbeda"))
    seen: set[Any] = set()
    for i, a in enumerate(anggota):
        field = f"tim_banding.anggota.{i}"
        if a in seen:
            refusals.append(Refusal(field, f"{m.nama(a)} tercantum lebih dari sekali"))
            continue
        seen.add(a)
        if not _aktif(m, a):
            refusals.append(Refusal(field, f"{m.nama(a)} bukan pengguna aktif"))
        elif a == kandidat:
            refusals.append(Refusal(field, f"{m.nama(a)} adalah peserta yang mengajukan banding"))
        elif a == asesor:
            refusals.append(Refusal(field, f"{m.nama(a)} adalah asesor peserta ini: tim banding harus independen"))
        elif a in pleno:
            refusals.append(
                Refusal(field, f"{m.nama(a)} anggota rapat pleno yang memutuskan: tim banding harus independen")
            )
    return refusals


@validator("periksa_asesor_ulang")
def periksa_asesor_ulang(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    field = "asesor_ulang.asesor"
    ulang = object_at(data, "asesor_ulang")
    username = ulang.get("asesor")
    peserta = object_at(ctx.data, "peserta_banding")
    kandidat = peserta.get("username")
    if username == peserta.get("asesor"):
        return [Refusal(field, f"Asesmen ulang harus oleh asesor lain, bukan {m.nama(username)} yang menilai semula")]
    if username == kandidat:
        return [Refusal(field, f"{m.nama(username)} tidak boleh menilai dirinya sendiri")]
    asesor = m.asesor(username)
    masalah = _periksa_asesor(m, asesor, username, hari_ini(ctx), field)
    if masalah:
        return masalah
    assert asesor is not None
    nomor = peserta.get("skema_nomor")
    skema = m.skema(nomor)
    if skema is None or (asesor.id, skema.id) not in m.kompeten_skema([asesor.id]):
        judul = f" ({skema.judul})" if skema is not None else ""
        return [Refusal(field, f"Asesor {m.nama(username)} tidak kompeten untuk skema {nomor}{judul}")]
    p = m.peserta(kandidat)
    if p is not None and (asesor.id, p.id) in m.konflik([asesor.id]):
        return [
            Refusal(field, f"Asesor {m.nama(username)} telah menyatakan konflik kepentingan dengan {m.nama(kandidat)}")
        ]
    return []


@validator("periksa_nomor_sertifikat")
def periksa_nomor_sertifikat(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    ns = object_at(data, "nomor_sertifikat")
    rows = objects(ns.get("sertifikat"))
    kompeten = [k.get("username") for k in proses_list(ctx.data, "kompeten")]
    kompeten_set = set(kompeten)
    m.load_users(set(kompeten) | {r.get("username") for r in rows})
    base = "nomor_sertifikat.sertifikat"
    seen_user: dict[Any, int] = {}
    seen_no: dict[tuple[str, str], int] = {}
    label = {"no_sertifikat": "Nomor sertifikat", "no_registrasi": "Nomor registrasi", "no_blangko": "Nomor blangko"}
    for i, r in enumerate(rows):
        username = r.get("username")
        if username not in kompeten_set:
            refusals.append(
                Refusal(
                    f"{base}.{i}.username",
                    f"{m.nama(username)} tidak diputuskan kompeten: sertifikat hanya untuk peserta kompeten",
                )
            )
            continue
        if username in seen_user:
            refusals.append(
                Refusal(f"{base}.{i}.username", f"{m.nama(username)} sudah diisi di baris {seen_user[username] + 1}")
            )
            continue
        seen_user[username] = i
        for key in ("no_sertifikat", "no_registrasi", "no_blangko"):
            value = r.get(key)
            if blank(value):
                if key != "no_blangko":
                    refusals.append(Refusal(f"{base}.{i}.{key}", f"{label[key]} {m.nama(username)} belum diisi"))
                continue
            norm = (key, str(value).strip())
            if norm in seen_no:
                refusals.append(
                    Refusal(f"{base}.{i}.{key}", f"{label[key]} {value} sudah dipakai di baris {seen_no[norm] + 1}")
                )
            else:
                seen_no[norm] = i
    belum = [m.nama(u) for u in kompeten if u not in seen_user]
    if belum:
        refusals.append(Refusal(base, f"Peserta kompeten yang belum diisi nomor sertifikatnya: {gabung_nama(belum)}"))
    for key in ("no_sertifikat", "no_registrasi"):
        values = {v: i for (k, v), i in seen_no.items() if k == key}
        for chunk in chunks(values):
            column = getattr(SertifikatRow, key)
            for used in ctx.session.scalars(select(SertifikatRow).where(column.in_(chunk))):
                value = getattr(used, key)
                refusals.append(
                    Refusal(
                        f"{base}.{values[value]}.{key}",
                        f"{label[key]} {value} sudah dipakai sertifikat {used.nama} ({used.peserta_username})",
                    )
                )
    return refusals
