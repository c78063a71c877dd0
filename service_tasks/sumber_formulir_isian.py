"""The values a form opens with (`x-isian`): what the process already knows, so a person confirms rather
than types. A proposal obeys the rules the task's validator checks (an assignment within the ratio, a pleno
of independent members), so accepting it as it is passes."""

import math
from collections import Counter
from datetime import date, timedelta
from typing import Any

from api.store.enums import Role
from service_tasks.data_induk import proses_list, tanggal_asesmen
from service_tasks.format_indonesia import as_date, hari_ini
from service_tasks.guards import object_at, objects
from service_tasks.keputusan import hasil_kompeten, rekap, total_rab
from service_tasks.pemeriksaan._common import periode_tuk
from service_tasks.pengurus_pleno import kompeten_bidang
from service_tasks.peserta_dibawa import peserta_dibawa
from service_tasks.sesi_jadwal import daftar_sesi, jam_teks
from service_tasks.sumber_formulir import SumberContext, isian
from service_tasks.sumber_formulir_pilihan import (
    asesor_aktif,
    asesor_untuk,
    bidang_diputuskan,
    calon_anggota_pleno,
    calon_tim_banding,
    peserta_aktif,
    peserta_dinilai,
    peserta_ditunda,
    tuk_aktif,
    unit_peserta,
)

# Used when the process carries no time standard for a step (days).
HARI_BAWAAN = {"3": 7, "4": 1, "5": 7}


def _hari(ctx: SumberContext, step: str) -> int:
    standard = ctx.standar_langkah.get(step)
    if standard is None:
        return HARI_BAWAAN[step]
    return max(1, math.ceil(standard / timedelta(days=1)))


@isian("hari_ini")
def isian_hari_ini(ctx: SumberContext) -> str:
    """Tanggal hari ini (WIB)."""
    return hari_ini(ctx.service).isoformat()


@isian("periode")
def isian_periode(ctx: SumberContext) -> Any:
    """Nama periode yang diberikan saat periode dimulai."""
    periode = ctx.data.get("periode")
    return periode if isinstance(periode, str) and periode.strip() else None


@isian("jadwal_usulan")
def isian_jadwal(ctx: SumberContext) -> dict[str, Any]:
    """Jadwal dari standar waktu SOP (langkah 3, 4, 5) mulai hari ini; kuota minimum = jumlah target; sesi pagi
    (08.00–12.00) dan siang (13.00–16.00) setiap hari kerja masa asesmen.

    Pendaftaran selama standar langkah 3, asesmen sesudah verifikasi TUK (langkah 4) selama standar langkah 5."""
    mulai = hari_ini(ctx.service)
    selesai = mulai + timedelta(days=_hari(ctx, "3"))
    asesmen = selesai + timedelta(days=_hari(ctx, "4"))
    jumlah = sum(t["jumlah"] for t in proses_list(ctx.data, "target") if isinstance(t.get("jumlah"), int))
    return {
        "pendaftaran_mulai": mulai.isoformat(),
        "pendaftaran_selesai": selesai.isoformat(),
        "asesmen_mulai": asesmen.isoformat(),
        "asesmen_selesai": (asesmen + timedelta(days=_hari(ctx, "5") - 1)).isoformat(),
        "kuota_min": max(1, jumlah),
        "sesi": _sesi_usulan(asesmen, asesmen + timedelta(days=_hari(ctx, "5") - 1)),
    }


# The sessions proposed for each working day of an assessment window (WIB).
SESI_HARIAN = (("08.00", "12.00"), ("13.00", "16.00"))


def _sesi_usulan(mulai: date, selesai: date) -> list[dict[str, str]]:
    """A morning and an afternoon session on each day of the window from Monday to Friday (every day when the
    window has no weekday)."""
    hari = [mulai + timedelta(days=n) for n in range((selesai - mulai).days + 1)]
    kerja = [d for d in hari if d.weekday() < 5] or hari
    return [{"tanggal": d.isoformat(), "mulai": a, "selesai": b} for d in kerja for a, b in SESI_HARIAN]


@isian("tuk_usulan")
def isian_tuk(ctx: SumberContext) -> list[str] | None:
    """Semua TUK aktif."""
    return [t.kode for t in tuk_aktif(ctx)] or None


@isian("jadwal_tunda_mulai")
def isian_tunda_mulai(ctx: SumberContext) -> str:
    """Mulai asesmen yang ditunda: sesudah satu standar waktu pendaftaran (langkah 3) dari hari ini."""
    return (hari_ini(ctx.service) + timedelta(days=_hari(ctx, "3"))).isoformat()


@isian("jadwal_tunda_selesai")
def isian_tunda_selesai(ctx: SumberContext) -> str:
    """Akhir asesmen yang ditunda: sepanjang jadwal asesmen semula."""
    jadwal = object_at(ctx.data, "jadwal")
    mulai, selesai = as_date(jadwal.get("asesmen_mulai")), as_date(jadwal.get("asesmen_selesai"))
    lama = (selesai - mulai) if mulai is not None and selesai is not None and selesai >= mulai else timedelta(0)
    return (date.fromisoformat(isian_tunda_mulai(ctx)) + lama).isoformat()


@isian("jadwal_tunda_sesi")
def isian_tunda_sesi(ctx: SumberContext) -> list[dict[str, str]]:
    """Sesi jadwal semula digeser sejauh penundaan (hari mulai semula ke hari mulai yang baru)."""
    jadwal = object_at(ctx.data, "jadwal")
    semula = as_date(jadwal.get("asesmen_mulai"))
    baru = date.fromisoformat(isian_tunda_mulai(ctx))
    geser = baru - semula if semula is not None else timedelta(0)
    rows = [
        {"tanggal": (s.tanggal + geser).isoformat(), "mulai": jam_teks(s.mulai), "selesai": jam_teks(s.selesai)}
        for s in daftar_sesi(jadwal)
    ]
    return rows or _sesi_usulan(baru, date.fromisoformat(isian_tunda_selesai(ctx)))


@isian("pendaftar_usulan")
def isian_pendaftar(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Lebih dulu peserta yang dibawa dari periode sebelumnya (keputusan ditunda, belum diterima pendaftarannya di
    periode lain) bila skemanya termasuk target; lalu per baris target sebanyak jumlah target (dikurangi peserta
    dibawa prodi dan skema itu), peserta aktif prodi itu (urut NIM) dengan skema target itu."""
    by_prodi: dict[str, list[str]] = {}
    prodi_of: dict[str, str] = {}
    for p in peserta_aktif(ctx):
        prodi = p.prodi.strip().casefold()
        by_prodi.setdefault(prodi, []).append(p.user.username)
        prodi_of[p.user.username] = prodi
    target = proses_list(ctx.data, "target")
    skema_target = {t.get("skema_nomor") for t in target}
    dibawa_ke_sini = [
        d
        for d in peserta_dibawa(ctx.service.session, ctx.service.root_id)
        if d.username in prodi_of and d.skema_nomor in skema_target
    ]
    rows: list[dict[str, Any]] = [{"username": d.username, "skema_nomor": d.skema_nomor} for d in dibawa_ke_sini]
    taken = {d.username for d in dibawa_ke_sini}
    dibawa: Counter[tuple[str, Any]] = Counter((prodi_of[d.username], d.skema_nomor) for d in dibawa_ke_sini)
    for t in target:
        prodi = str(t.get("prodi") or "").strip().casefold()
        jumlah = t["jumlah"] if isinstance(t.get("jumlah"), int) else 0
        sudah = min(jumlah, dibawa[(prodi, t.get("skema_nomor"))])
        dibawa[(prodi, t.get("skema_nomor"))] -= sudah
        calon = [u for u in by_prodi.get(prodi, []) if u not in taken]
        for username in calon[: max(0, jumlah - sudah)]:
            taken.add(username)
            rows.append({"username": username, "skema_nomor": t.get("skema_nomor")})
    return rows or None


@isian("unit_apl02")
def isian_unit_apl02(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Satu baris per unit skema pendaftar (kode unit) dengan satu baris per elemennya, penilaian diri diisi
    peserta."""
    return [
        {"unit_kode": u["kode"], "elemen": [{"elemen": e["judul"]} for e in objects(u.get("elemen")) if e.get("judul")]}
        for u in unit_peserta(ctx)
    ] or None


@isian("unit_penilaian")
def isian_unit_penilaian(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Satu baris per unit skema peserta (kode dan judul), rekomendasi dan metode diisi asesor."""
    return [{"kode": u["kode"], "judul": u.get("judul") or ""} for u in unit_peserta(ctx)] or None


@isian("bukti_pendaftar")
def isian_bukti(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Satu baris per bukti FR.APL.01 pendaftar (berkas dan nama), status diisi pemeriksa."""
    bukti = objects(object_at(ctx.data, "apl01").get("bukti"))
    return [{"berkas_id": b["berkas_id"], "nama": b.get("nama") or ""} for b in bukti if "berkas_id" in b] or None


def _penugasan(ctx: SumberContext) -> dict[str, list[dict[str, Any]]]:
    """An assignment the validator accepts where the data allows one: each accepted candidate to the least
    loaded asesor who may assess them, within the ratio (the candidates with fewest eligible asesor first), at
    the first TUK of the period with room; each TUK used to a verifikator with a valid MET, preferably one who
    assesses no one there."""
    if "penugasan" in ctx.memo:
        result: dict[str, list[dict[str, Any]]] = ctx.memo["penugasan"]
        return result
    today = hari_ini(ctx.service)
    diterima = proses_list(ctx.data, "pendaftar_diterima")
    boleh = asesor_untuk(ctx, diterima, tanggal_asesmen(ctx.data, today, akhir=True))
    rasio = ctx.master.rasio()
    beban: Counter[str] = Counter()
    pilihan: dict[str, str] = {}
    for username in sorted(boleh, key=lambda u: len(boleh[u])):
        calon = [a for a in boleh[username] if beban[a] < rasio]
        if calon:
            asesor = min(calon, key=beban.__getitem__)  # min keeps the first (by name) of equal load
            beban[asesor] += 1
            pilihan[username] = asesor
    kapasitas = {k: (t.kapasitas if (t := ctx.master.tuk(k)) is not None else 0) for k in periode_tuk(ctx.data)}
    nomor_sesi = [s.nomor for s in daftar_sesi(object_at(ctx.data, "jadwal"))] or [0]
    # Places in session order, each TUK of the period in every session; an asesor stays at one TUK per session.
    sisa = {(s, k): n for s in nomor_sesi for k, n in kapasitas.items()}
    tempat: dict[tuple[str, int], str] = {}
    rows = []
    for p in diterima:
        username = str(p.get("username"))
        penilai = pilihan.get(username)
        slot = next(
            ((s, k) for (s, k), n in sisa.items() if n > 0 and (penilai is None or tempat.get((penilai, s), k) == k)),
            next(iter(sisa), None),
        )
        row: dict[str, Any] = {"username": username}
        if penilai is not None:
            row["asesor"] = penilai
        if slot is not None:
            sisa[slot] -= 1
            row["tuk_kode"] = slot[1]
            if slot[0]:
                row["sesi"] = slot[0]
            if penilai is not None:
                tempat.setdefault((penilai, slot[0]), slot[1])
        rows.append(row)
    verifikator = []
    penilai_di: dict[str, set[str]] = {}
    for r in rows:
        penilai_di.setdefault(r.get("tuk_kode", ""), set()).add(r.get("asesor", ""))
    calon_v = [a.user.username for a in asesor_aktif(ctx, tanggal_asesmen(ctx.data, today, akhir=False))]
    dipakai: Counter[str] = Counter()
    for kode in dict.fromkeys(r["tuk_kode"] for r in rows if "tuk_kode" in r):
        if calon_v:
            v = min(calon_v, key=lambda a: (a in penilai_di.get(kode, set()), dipakai[a]))
            dipakai[v] += 1
            verifikator.append({"tuk_kode": kode, "verifikator": v})
    ctx.memo["penugasan"] = {"asesor": rows, "verifikator": verifikator}
    return ctx.memo["penugasan"]


@isian("penugasan_asesor_usulan")
def isian_penugasan_asesor(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Setiap peserta diterima dengan asesor yang boleh menilainya (beban merata dalam rasio) dan TUK periode."""
    return _penugasan(ctx)["asesor"] or None


@isian("penugasan_verifikator_usulan")
def isian_penugasan_verifikator(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Setiap TUK yang dipakai usulan penugasan dengan verifikator ber-MET berlaku, sebisanya bukan asesornya."""
    return _penugasan(ctx)["verifikator"] or None


@isian("keputusan_pleno_usulan")
def isian_keputusan_pleno(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Satu baris per peserta yang dinilai, dengan rekomendasi asesornya (K bila semua unit K, selain itu BK)."""
    return [
        {"username": h.get("username"), "keputusan": "K" if hasil_kompeten(h) else "BK", "catatan": ""}
        for h in peserta_dinilai(ctx)
    ] or None


@isian("bukti_tambahan_usulan")
def isian_bukti_tambahan(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Satu baris per peserta yang ditunda; bukti yang dikumpulkan diisi Kabid Sertifikasi."""
    return [{"username": p.get("username"), "bukti": ""} for p in peserta_ditunda(ctx)] or None


@isian("rekomendasi_ditunda_usulan")
def isian_rekomendasi_ditunda(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Satu baris per peserta ditunda yang dinilai asesor ini, dengan rekomendasi asesmennya semula (K bila semua
    unit K, selain itu BK); alasannya diisi asesor."""
    return [
        {"username": p.get("username"), "rekomendasi": "K" if hasil_kompeten(p) else "BK", "alasan": ""}
        for p in objects(object_at(ctx.data, "kelompok_ditunda").get("peserta"))
    ] or None


@isian("keputusan_ditunda_usulan")
def isian_keputusan_ditunda(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Satu baris per peserta yang ditunda, dengan rekomendasi asesornya atas bukti tambahan (dibawa ke periode
    berikutnya bila asesor tidak memberikannya)."""
    rekomendasi = {
        r.get("username"): r
        for kelompok in proses_list(ctx.data, "rekomendasi_ditunda")
        for r in objects(kelompok.get("peserta"))
    }
    # A process version without the asesor's review had Kabid Sertifikasi record the recommendation.
    for r in objects(object_at(ctx.data, "bukti_tambahan").get("peserta")):
        if r.get("rekomendasi") and r.get("username") not in rekomendasi:
            rekomendasi[r.get("username")] = r
    return [
        {
            "username": p.get("username"),
            "keputusan": (rekomendasi.get(p.get("username")) or {}).get("rekomendasi") or "dibawa",
            "alasan": (rekomendasi.get(p.get("username")) or {}).get("alasan") or "",
        }
        for p in peserta_ditunda(ctx)
    ] or None


def _anggota_pleno_usulan(ctx: SumberContext) -> list[str]:
    """The proposed pleno: for each field decided, a member competent in it, then others up to two; LSP staff
    before asesor (who may be asked to re-assess after an appeal), the Ketua LSP last: they record the appeal
    decisions, which no member of the appealed pleno may."""
    if "anggota_pleno_usulan" not in ctx.memo:
        calon = sorted(
            calon_anggota_pleno(ctx),
            key=lambda p: (Role.KETUA_LSP in p.user.role_codes, Role.ASESOR in p.user.role_codes),
        )
        pilih: list[str] = []
        for bidang in bidang_diputuskan(ctx):
            if not any(kompeten_bidang(p, bidang) for p in calon if p.username in pilih):
                pilih += [p.username for p in calon if kompeten_bidang(p, bidang)][:1]
        pilih += [p.username for p in calon if p.username not in pilih][: max(0, 2 - len(pilih))]
        ctx.memo["anggota_pleno_usulan"] = pilih
    found: list[str] = ctx.memo["anggota_pleno_usulan"]
    return found


@isian("anggota_pleno_usulan")
def isian_anggota_pleno(ctx: SumberContext) -> list[str] | None:
    """Pengurus pleno yang boleh duduk di pleno ini, sekurang-kurangnya satu kompeten di bidang setiap skema
    yang diputuskan, dua orang bila cukup; pengurus sebelum asesor, Ketua LSP (yang memutuskan banding)
    terakhir."""
    calon = _anggota_pleno_usulan(ctx)
    return calon if len(calon) >= 2 else None


@isian("notulis_pleno_usulan")
def isian_notulis_pleno(ctx: SumberContext) -> str | None:
    """Anggota pleno terakhir yang diusulkan mencatat jalannya rapat."""
    calon = _anggota_pleno_usulan(ctx)
    return calon[-1] if len(calon) >= 2 else None


@isian("hadir_pleno_usulan")
def isian_hadir_pleno(ctx: SumberContext) -> list[str] | None:
    """Daftar hadir: semua anggota pleno yang diusulkan (notulis termasuk di antaranya)."""
    calon = _anggota_pleno_usulan(ctx)
    return list(calon) if len(calon) >= 2 else None


@isian("tim_banding_usulan")
def isian_tim_banding(ctx: SumberContext) -> list[str] | None:
    """Tiga pengurus pertama yang independen dari banding."""
    calon = [u.username for u, _ in calon_tim_banding(ctx)]
    return calon[:3] if len(calon) >= 3 else None


@isian("asesor_ulang_usulan")
def isian_asesor_ulang(ctx: SumberContext) -> str | None:
    """Asesor pertama (urut nama) yang boleh menilai ulang peserta banding."""
    peserta = object_at(ctx.data, "peserta_banding")
    boleh = asesor_untuk(ctx, [peserta], hari_ini(ctx.service)).get(str(peserta.get("username")), [])
    return next((a for a in boleh if a != peserta.get("asesor")), None)


@isian("sertifikat_kompeten")
def isian_sertifikat(ctx: SumberContext) -> list[dict[str, Any]] | None:
    """Satu baris per peserta kompeten; nomor sertifikat, registrasi dan blangko dari BNSP diisi."""
    return [{"username": k.get("username")} for k in proses_list(ctx.data, "kompeten")] or None


@isian("anggaran_rencana")
def isian_anggaran(ctx: SumberContext) -> float | None:
    """Total RAB rencana periode (langkah 2), untuk dikoreksi dengan realisasinya."""
    rab = proses_list(ctx.data, "rab")
    return total_rab(rab) if rab else None


@isian("ringkasan_periode")
def isian_ringkasan(ctx: SumberContext) -> str | None:
    """Ringkasan dari data periode: pendaftar, diterima, hadir, K dan BK hasil asesmen."""
    hasil = proses_list(ctx.data, "hasil_asesmen")
    if not hasil:
        return None
    r = rekap(hasil)
    daftar = len(proses_list(ctx.data, "pendaftar"))
    diterima = len(proses_list(ctx.data, "pendaftar_diterima"))
    return (
        f"Uji kompetensi periode {ctx.data.get('periode') or ''}: {daftar} pendaftar, {diterima} diterima, "
        f"{r['jumlah_hadir']} hadir dan dinilai asesor ({r['jumlah_k']} K, {r['jumlah_bk']} BK), "
        f"{r['jumlah_tidak_hadir']} tidak hadir."
    ).replace("periode :", "periode:")
