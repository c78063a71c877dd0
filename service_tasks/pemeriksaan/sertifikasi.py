"""Checks of SOP step 6: the pleno, the tim banding and re-assessment of an appeal, and BNSP's
certificate numbers."""

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import select

from api.store.master import PengurusPleno
from api.store.master import Sertifikat as SertifikatRow
from service_tasks import daftar_sertifikat as register
from service_tasks import validator
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData, gabung_nama, proses_list
from service_tasks.format_indonesia import as_date, hari_ini, tanggal
from service_tasks.guards import blank, chunks, list_at, object_at, objects
from service_tasks.keputusan import TIDAK_HADIR, TIDAK_SETUJU, hasil_kompeten
from service_tasks.pemeriksaan._common import (
    anggota_independen,
    asesor_boleh_menilai,
    tanggal_kejadian,
)
from service_tasks.pengurus_pleno import bukan_pengambil_keputusan, kompeten_bidang, pengurus_aktif
from service_tasks.sesi_jadwal import jam, jam_teks


@validator("periksa_pleno")
def periksa_pleno(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    pleno = object_at(data, "pleno")
    keputusan = objects(pleno.get("keputusan"))
    hasil = {h.get("username"): h for h in proses_list(ctx.data, "hasil_asesmen")}
    dinilai = {u: h for u, h in hasil.items() if h.get("status") == "dinilai"}
    # The pleno decides every assessed candidate: an asesor of any of them may not sit on it.
    refusals.extend(
        _susunan_pleno(ctx, m, pleno, "pleno", set(dinilai) | {k.get("username") for k in keputusan}, dinilai)
    )
    # The pleno has been held, and after the last assessment it decides on.
    pada, salah = tanggal_kejadian(pleno.get("tanggal"), "pleno.tanggal", "rapat pleno", hari_ini(ctx))
    refusals.extend(salah)
    diasesmen = [(d, u) for u, h in hasil.items() if (d := as_date(h.get("tanggal"))) is not None]
    if pada is not None and diasesmen:
        terakhir, siapa = max(diasesmen, key=lambda du: (du[0], str(du[1])))
        if pada < terakhir:
            refusals.append(
                Refusal(
                    "pleno.tanggal",
                    f"Tanggal rapat pleno {tanggal(pada)} sebelum asesmen terakhir ({tanggal(terakhir)}, "
                    f"{m.nama(siapa)}): pleno memutuskan setelah asesmen",
                )
            )

    decided: dict[Any, int] = {}
    for i, k in enumerate(keputusan):
        username = k.get("username")
        field = f"pleno.keputusan.{i}"
        if username not in dinilai:
            alasan = (
                {
                    TIDAK_HADIR: "tidak hadir pada asesmen",
                    TIDAK_SETUJU: "menolak asesmen (FR.AK.01)",
                }.get(str(hasil[username].get("status")), "tidak dinilai")
                if username in hasil
                else ("bukan peserta asesmen periode ini")
            )
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


def _susunan_pleno(
    ctx: ServiceContext,
    m: MasterData,
    pleno: dict[str, Any],
    field: str,
    diputuskan_user: set[Any],
    dinilai: dict[Any, dict[str, Any]],
) -> list[Refusal]:
    """Who sits on a pleno (the first or a follow-up one): LSP pleno staff, never a candidate of the period nor the
    asesor of a candidate it decides (`diputuskan_user`), present with the notulis, one competent in each field of
    the skema of `dinilai`. Refusals name `field`.anggota, .notulis, .hadir."""
    anggota = list_at(pleno, "anggota")
    hasil = {h.get("username"): h for h in proses_list(ctx.data, "hasil_asesmen")}
    asesor_of: dict[Any, set[Any]] = defaultdict(set)
    for p in proses_list(ctx.data, "peserta_asesmen") + list(hasil.values()):
        if p.get("asesor"):
            asesor_of[p.get("asesor")].add(p.get("username"))
    peserta_periode = set(hasil) | {p.get("username") for p in proses_list(ctx.data, "peserta_asesmen")}
    m.load_users(set(anggota) | set(dinilai))
    pengurus = pengurus_aktif(ctx.session, anggota)

    def tidak_independen(a: Any) -> str | None:
        if a in peserta_periode:
            return f"{m.nama(a)} adalah peserta uji kompetensi: tidak boleh menjadi anggota pleno"
        diasesori = sorted(str(u) for u in asesor_of.get(a, set()) & diputuskan_user)
        if diasesori:
            return (
                f"{m.nama(a)} adalah asesor dari {gabung_nama(m.nama(u) for u in diasesori)}: "
                "pengambil keputusan tidak boleh asesor peserta yang diputuskan"
            )
        user = m.user(a)
        if user is not None and (alasan := bukan_pengambil_keputusan(user)) is not None:
            return alasan
        if a not in pengurus:
            return f"{m.nama(a)} bukan pengurus pleno yang ditetapkan LSP: tidak boleh menjadi anggota pleno"
        return None

    refusals = anggota_independen(
        m, anggota, f"{field}.anggota", 2, "Rapat pleno sekurang-kurangnya 2 anggota", tidak_independen
    )
    refusals.extend(_kehadiran_dan_bidang(m, pleno, anggota, pengurus, list(dinilai.values()), field))
    return refusals


def _kehadiran_dan_bidang(
    m: MasterData,
    pleno: dict[str, Any],
    anggota: list[Any],
    pengurus: dict[str, PengurusPleno],
    dinilai: list[dict[str, Any]],
    field: str = "pleno",
) -> list[Refusal]:
    """The notulis is LSP staff; the daftar hadir lists only members and the notulis, the notulis among them and
    at least two members; of the members present, one is competent in the field of each skema decided."""
    refusals: list[Refusal] = []
    notulis = pleno.get("notulis")
    hadir = list_at(pleno, "hadir")
    m.load_users([notulis, *hadir])
    user = m.user(notulis)
    if user is None or not user.active:
        refusals.append(Refusal(f"{field}.notulis", f"Notulis {m.nama(notulis)} bukan pengguna aktif"))
    elif bukan_pengambil_keputusan(user) is not None:
        refusals.append(
            Refusal(
                f"{field}.notulis", f"Notulis {m.nama(notulis)} bukan pengurus LSP: notulis rapat pleno pengurus LSP"
            )
        )
    boleh = set(anggota) | {notulis}
    for i, h in enumerate(hadir):
        if h not in boleh:
            refusals.append(
                Refusal(f"{field}.hadir.{i}", f"{m.nama(h)} bukan anggota pleno atau notulis: tidak masuk daftar hadir")
            )
    if notulis not in hadir and user is not None:
        refusals.append(Refusal(f"{field}.hadir", f"Notulis {m.nama(notulis)} tidak tercantum di daftar hadir"))
    anggota_hadir = [a for a in anggota if a in hadir]
    if len(set(anggota_hadir)) < 2:
        refusals.append(Refusal(f"{field}.hadir", "Rapat pleno dihadiri sekurang-kurangnya 2 anggota pleno"))
    skema_diputuskan: dict[str, Any] = {}
    for h in dinilai:
        skema = m.skema(h.get("skema_nomor"))
        if skema is not None:
            skema_diputuskan.setdefault(skema.bidang, skema)
    for bidang, skema in skema_diputuskan.items():
        if not any(kompeten_bidang(pengurus.get(a), bidang) for a in anggota_hadir):
            refusals.append(
                Refusal(
                    f"{field}.anggota",
                    f"Tidak ada anggota pleno yang hadir dan kompeten di bidang {bidang} (skema {skema.judul}): "
                    "sekurang-kurangnya satu anggota kompeten di bidang skema yang diputuskan",
                )
            )
    return refusals


@validator("periksa_tim_banding")
def periksa_tim_banding(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    tim = object_at(data, "tim_banding")
    anggota = list_at(tim, "anggota")
    peserta = object_at(ctx.data, "peserta_banding")
    kandidat, asesor = peserta.get("username"), peserta.get("asesor")
    pleno = set(peserta.get("anggota_pleno") or [])

    def tidak_independen(a: Any) -> str | None:
        if a == kandidat:
            return f"{m.nama(a)} adalah peserta yang mengajukan banding"
        if a == asesor:
            return f"{m.nama(a)} adalah asesor peserta ini: tim banding harus independen"
        if a in pleno:
            return f"{m.nama(a)} anggota rapat pleno yang memutuskan: tim banding harus independen"
        return None

    return anggota_independen(
        m, anggota, "tim_banding.anggota", 3, "Tim banding sekurang-kurangnya 3 orang yang berbeda", tidak_independen
    )


@validator("periksa_keputusan_banding")
def periksa_keputusan_banding(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """The appeal decision is recorded by someone who did not sit on the appealed pleno (nor stands in for
    one who did)."""
    m = MasterData(ctx.session)
    pleno = set(object_at(ctx.data, "peserta_banding").get("anggota_pleno") or [])
    for siapa in (ctx.actor, ctx.atas_nama):
        if siapa is not None and siapa in pleno:
            wakil = f" (a.n. {m.nama(ctx.atas_nama)})" if ctx.atas_nama is not None else ""
            return [
                Refusal(
                    "keputusan_banding",
                    f"{m.nama(ctx.actor)}{wakil}: {m.nama(siapa)} anggota rapat pleno yang keputusannya dibanding; "
                    "keputusan banding dicatat oleh orang yang tidak duduk di pleno tersebut",
                )
            ]
    return []


@validator("periksa_keputusan_asesmen_ulang")
def periksa_keputusan_asesmen_ulang(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """The tim banding's decision on the re-assessment is recorded by someone who sat on neither the appealed pleno
    nor the re-assessment (nor stands in for one who did); K only when every re-assessed unit is K."""
    m = MasterData(ctx.session)
    field = "keputusan_asesmen_ulang"
    pleno = set(object_at(ctx.data, "peserta_banding").get("anggota_pleno") or [])
    asesor = object_at(ctx.data, "asesor_ulang").get("asesor")
    wakil = f" (a.n. {m.nama(ctx.atas_nama)})" if ctx.atas_nama is not None else ""
    for siapa in (ctx.actor, ctx.atas_nama):
        if siapa is not None and siapa in pleno:
            return [
                Refusal(
                    field,
                    f"{m.nama(ctx.actor)}{wakil}: {m.nama(siapa)} anggota rapat pleno yang keputusannya dibanding; "
                    "keputusan atas asesmen ulang dicatat oleh orang yang tidak duduk di pleno tersebut",
                )
            ]
        if siapa is not None and siapa == asesor:
            return [
                Refusal(
                    field,
                    f"{m.nama(ctx.actor)}{wakil}: {m.nama(siapa)} asesor asesmen ulang; keputusan sertifikasi "
                    "tidak diambil oleh asesor yang menilai",
                )
            ]
    keputusan = object_at(data, field).get("keputusan")
    unit = objects(object_at(ctx.data, "penilaian").get("unit"))
    if keputusan == "K" and not hasil_kompeten({"unit": unit}):
        bk = [str(u.get("kode")) for u in unit if u.get("rekomendasi") != "K"]
        rincian = f" (unit BK: {gabung_nama(bk)})" if bk else ""
        return [
            Refusal(
                f"{field}.keputusan",
                f"{m.nama(object_at(ctx.data, 'peserta_banding').get('username'))} tidak dapat diputuskan "
                f"Kompeten{rincian}: Kompeten hanya bila semua unit asesmen ulang K",
            )
        ]
    return []


def _ditunda(ctx: ServiceContext) -> dict[Any, dict[str, Any]]:
    """username -> assessment result of each candidate the pleno (`pleno` in the process data) decided ditunda."""
    hasil = {h.get("username"): h for h in proses_list(ctx.data, "hasil_asesmen") if h.get("status") == "dinilai"}
    return {
        k.get("username"): hasil.get(k.get("username")) or {"username": k.get("username")}
        for k in objects(object_at(ctx.data, "pleno").get("keputusan"))
        if k.get("keputusan") == "ditunda"
    }


def _satu_baris_per_ditunda(
    m: MasterData,
    rows: list[dict[str, Any]],
    field: str,
    kolom: str,
    ditunda: dict[Any, dict[str, Any]],
    asing: str = "tidak ditunda oleh rapat pleno periode ini",
) -> list[Refusal]:
    """Each row one candidate the pleno postponed, each of them once, K only when every unit is K."""
    refusals: list[Refusal] = []
    seen: dict[Any, int] = {}
    for i, r in enumerate(rows):
        username = r.get("username")
        if username not in ditunda:
            refusals.append(Refusal(f"{field}.{i}.username", f"{m.nama(username)} {asing}"))
            continue
        if username in seen:
            refusals.append(
                Refusal(f"{field}.{i}.username", f"{m.nama(username)} sudah tercantum di baris {seen[username] + 1}")
            )
            continue
        seen[username] = i
        h = ditunda[username]
        if r.get(kolom) == "K" and not hasil_kompeten(h):
            bk = [str(u.get("kode")) for u in objects(h.get("unit")) if u.get("rekomendasi") != "K"]
            rincian = f" (unit BK: {gabung_nama(bk)})" if bk else ""
            refusals.append(
                Refusal(
                    f"{field}.{i}.{kolom}",
                    f"{m.nama(username)} tidak dapat diputuskan Kompeten{rincian}: Kompeten hanya bila semua unit K",
                )
            )
    belum = [m.nama(u) for u in ditunda if u not in seen]
    if belum:
        refusals.append(Refusal(field, f"Peserta ditunda yang belum dicatat: {gabung_nama(belum)}"))
    return refusals


@validator("periksa_bukti_tambahan")
def periksa_bukti_tambahan(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """One row per candidate the pleno postponed, each once: the evidence gathered (the asesor recommends on it)."""
    m = MasterData(ctx.session)
    ditunda = _ditunda(ctx)
    m.load_users(ditunda)
    rows = objects(object_at(data, "bukti_tambahan").get("peserta"))
    return _satu_baris_per_ditunda(m, rows, "bukti_tambahan.peserta", "rekomendasi", ditunda)


@validator("periksa_rekomendasi_ditunda")
def periksa_rekomendasi_ditunda(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """The asesor's recommendation on the additional evidence: one row per postponed candidate they assessed
    (`kelompok_ditunda`), each once, K only when every unit is K."""
    m = MasterData(ctx.session)
    kelompok = {p.get("username"): p for p in objects(object_at(ctx.data, "kelompok_ditunda").get("peserta"))}
    m.load_users(kelompok)
    rows = objects(object_at(data, "rekomendasi_ditunda").get("peserta"))
    return _satu_baris_per_ditunda(
        m, rows, "rekomendasi_ditunda.peserta", "rekomendasi", kelompok, "bukan peserta ditunda yang Anda nilai"
    )


@validator("periksa_keputusan_ditunda")
def periksa_keputusan_ditunda(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    """The follow-up pleno on the postponed candidates: members by the pleno's rules (staff, independent of the
    candidates it decides and of their asesor, one competent in each field), held after the pleno that postponed
    and not in the future; every postponed candidate decided once (K only when every unit is K)."""
    m = MasterData(ctx.session)
    rapat = object_at(data, "pleno_lanjutan")
    ditunda = _ditunda(ctx)
    refusals = _susunan_pleno(ctx, m, rapat, "pleno_lanjutan", set(ditunda), ditunda)
    pada, salah = tanggal_kejadian(
        rapat.get("tanggal"), "pleno_lanjutan.tanggal", "rapat pleno lanjutan", hari_ini(ctx)
    )
    refusals.extend(salah)
    pleno = as_date(object_at(ctx.data, "pleno").get("tanggal"))
    if pada is not None and pleno is not None and pada < pleno:
        refusals.append(
            Refusal(
                "pleno_lanjutan.tanggal",
                f"Tanggal rapat pleno lanjutan {tanggal(pada)} sebelum rapat pleno yang menunda ({tanggal(pleno)})",
            )
        )
    rows = objects(rapat.get("keputusan"))
    refusals.extend(_satu_baris_per_ditunda(m, rows, "pleno_lanjutan.keputusan", "keputusan", ditunda))
    return refusals


@validator("periksa_asesor_ulang")
def periksa_asesor_ulang(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    field = "asesor_ulang.asesor"
    ulang = object_at(data, "asesor_ulang")
    username = ulang.get("asesor")
    peserta = object_at(ctx.data, "peserta_banding")
    kandidat = peserta.get("username")
    refusals = jendela_asesmen_ulang(ulang, hari_ini(ctx))
    if username == peserta.get("asesor"):
        return [
            Refusal(field, f"Asesmen ulang harus oleh asesor lain, bukan {m.nama(username)} yang menilai semula"),
            *refusals,
        ]
    return [
        *asesor_boleh_menilai(
            m, username, kandidat, peserta.get("skema_nomor"), hari_ini(ctx), field, sebut_peserta=False
        ),
        *refusals,
    ]


def jendela_asesmen_ulang(ulang: dict[str, Any], hari: date) -> list[Refusal]:
    """The re-assessment's window, as its surat tugas prints it: it starts today or later, ends on or after it
    starts; on its first day it ends after the hour it begins (FR.AK.01 prints both)."""
    refusals: list[Refusal] = []
    mulai, selesai = ulang.get("tanggal_mulai"), ulang.get("tanggal_selesai")
    awal = as_date(mulai) if not blank(mulai) else hari
    if not blank(mulai) and awal is not None and awal < hari:
        refusals.append(
            Refusal(
                "asesor_ulang.tanggal_mulai",
                f"Asesmen ulang mulai {tanggal(awal)} sudah lewat: tidak boleh sebelum hari ini ({tanggal(hari)})",
            )
        )
    akhir = as_date(selesai) if not blank(selesai) else None
    if akhir is not None and awal is not None and akhir < awal:
        refusals.append(
            Refusal(
                "asesor_ulang.tanggal_selesai",
                f"Batas asesmen ulang {tanggal(akhir)} sebelum mulainya ({tanggal(awal)})",
            )
        )
    pukul_mulai, pukul_selesai = jam(ulang.get("pukul_mulai")), jam(ulang.get("pukul_selesai"))
    if pukul_mulai is not None and pukul_selesai is not None and pukul_selesai <= pukul_mulai:
        refusals.append(
            Refusal(
                "asesor_ulang.pukul_selesai",
                f"Asesmen ulang selesai pukul {jam_teks(pukul_selesai)}, tidak sesudah mulainya pukul "
                f"{jam_teks(pukul_mulai)}",
            )
        )
    return refusals


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
    refusals.extend(_register(ctx, m, rows, seen_user, seen_no))
    return refusals


def _register(
    ctx: ServiceContext,
    m: MasterData,
    rows: list[dict[str, Any]],
    seen_user: dict[Any, int],
    seen_no: dict[tuple[str, str], int],
) -> list[Refusal]:
    """The register's rules (:mod:`service_tasks.daftar_sertifikat`): BNSP's shapes, numbers and blangko
    serials not used by any certificate before, no second active certificate of the skema."""
    base = "nomor_sertifikat.sertifikat"
    refusals: list[Refusal] = []
    p = register.pola(ctx.session)
    for (key, value), i in seen_no.items():
        if key != "no_blangko" and (salah := register.bentuk_salah(p, key, value)):
            refusals.append(Refusal(f"{base}.{i}.{key}", salah))
    for key in ("no_sertifikat", "no_registrasi"):
        values = {v: i for (k, v), i in seen_no.items() if k == key}
        reported: set[str] = set()
        for chunk in chunks(values):
            column = getattr(SertifikatRow, key)
            for used in ctx.session.scalars(select(SertifikatRow).where(column.in_(chunk))):
                value = getattr(used, key)
                if value in reported:
                    continue
                reported.add(value)
                refusals.append(
                    Refusal(
                        f"{base}.{values[value]}.{key}",
                        f"{register.LABEL[key]} {value} sudah dipakai sertifikat {used.nama} ({used.peserta_username})",
                    )
                )
    blangko = {v: i for (k, v), i in seen_no.items() if k == "no_blangko"}
    for chunk in chunks(blangko):
        for value, used in register.blangko_terpakai(ctx.session, list(chunk)).items():
            refusals.append(Refusal(f"{base}.{blangko[value]}.no_blangko", register.pesan_blangko(value, used)))
    skema_of = {k.get("username"): k.get("skema_nomor") for k in proses_list(ctx.data, "kompeten")}
    aktif = register.aktif_semua(ctx.session, [str(u) for u in seen_user], hari_ini(ctx))
    for username, i in seen_user.items():
        lama = aktif.get((str(username), str(skema_of.get(username) or rows[i].get("skema_nomor"))))
        if lama is None or lama.instance_id == ctx.instance_id:
            continue
        if not register.boleh_sertifikat_kedua(register.tujuan_pendaftaran(ctx.session, ctx.root_id, str(username))):
            refusals.append(Refusal(f"{base}.{i}.username", register.pesan_aktif(m.nama(username), lama)))
    return refusals
