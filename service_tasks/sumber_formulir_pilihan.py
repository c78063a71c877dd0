"""The choices a form offers (`x-sumber`): master data and earlier process data, narrowed to the eligible ones
by the same rules the validators apply (service_tasks/pemeriksaan)."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from api.store.enums import LANE_ROLES, Role
from api.store.master import Asesor, PengurusPleno, Peserta, Skema, Tuk
from api.store.models import User, UserRole
from service_tasks.data_induk import proses_list, tanggal_asesmen
from service_tasks.format_indonesia import hari_ini, tanggal
from service_tasks.guards import chunks, object_at, objects
from service_tasks.pemeriksaan._common import periode_tuk
from service_tasks.pengurus_pleno import bukan_pengambil_keputusan, pengurus_aktif
from service_tasks.sesi_jadwal import daftar_sesi
from service_tasks.sumber_formulir import Pilihan, SumberContext, pilihan

# How a person's role reads next to their name (the SOP's lane names).
PERAN = {role: lane for lane, role in LANE_ROLES.items()}
# Who may sit on a deciding body (pleno, tim banding): the LSP's staff and asesor, never a candidate.
PENGAMBIL_KEPUTUSAN = (Role.KETUA_LSP, Role.KABID_SERTIFIKASI, Role.KABID_ADMINISTRASI, Role.DIREKTUR, Role.ASESOR)


# --- titles ------------------------------------------------------------------------------------------------
def judul_skema(s: Skema) -> str:
    return f"{s.judul} ({s.nomor})"


def judul_peserta(p: Peserta) -> str:
    return f"{p.user.full_name} — {p.nim}, {p.prodi}"


def judul_asesor(a: Asesor) -> str:
    return f"{a.user.full_name} — {a.no_reg_met}, MET berlaku s.d. {tanggal(a.met_berlaku_sd)}"


def judul_tuk(t: Tuk) -> str:
    return f"{t.nama} ({t.kode}) — kapasitas {t.kapasitas} orang"


def judul_orang(ctx: SumberContext, row: dict[str, Any]) -> str:
    """A candidate named in process data ({username, nama, nim, prodi}), else as the master data knows them."""
    username = row.get("username")
    if row.get("nama") and row.get("nim"):
        return f"{row['nama']} — {row['nim']}, {row.get('prodi') or ''}".rstrip(", ")
    peserta = ctx.master.peserta(username)
    return judul_peserta(peserta) if peserta is not None else str(row.get("nama") or username)


def judul_calon(ctx: SumberContext, rows: list[dict[str, Any]]) -> list[Pilihan]:
    """Candidates of the process data as choices, their master records read in one query."""
    ctx.master.load_peserta(r.get("username") for r in rows if not (r.get("nama") and r.get("nim")))
    return [Pilihan(r.get("username"), judul_orang(ctx, r)) for r in rows]


# --- shared reads ------------------------------------------------------------------------------------------
def skema_aktif(ctx: SumberContext) -> list[Skema]:
    rows = ctx.service.session.scalars(select(Skema).where(Skema.aktif, Skema.dalam_lisensi).order_by(Skema.nomor))
    return list(rows)


def tuk_aktif(ctx: SumberContext) -> list[Tuk]:
    return list(ctx.service.session.scalars(select(Tuk).where(Tuk.aktif).order_by(Tuk.kode)))


def peserta_aktif(ctx: SumberContext) -> list[Peserta]:
    """Active candidates (with an active account) by NIM, read once per form."""
    if "peserta_aktif" not in ctx.memo:
        ctx.memo["peserta_aktif"] = list(
            ctx.service.session.scalars(
                select(Peserta)
                .join(Peserta.user)
                .where(Peserta.aktif, User.active)
                .order_by(Peserta.nim)
                .options(joinedload(Peserta.user).lazyload(User.roles))
            )
        )
    found: list[Peserta] = ctx.memo["peserta_aktif"]
    return found


def asesor_aktif(ctx: SumberContext, berlaku_pada: date) -> list[Asesor]:
    """Active asesor (with an active account) whose MET is valid on `berlaku_pada`, by name; read once per
    form (their skema and conflicts are read in bulk where needed, not with each record)."""
    key = f"asesor_aktif {berlaku_pada.isoformat()}"
    if key not in ctx.memo:
        rows = ctx.service.session.scalars(
            select(Asesor)
            .join(Asesor.user)
            .where(Asesor.aktif, User.active, Asesor.met_berlaku_sd >= berlaku_pada)
            .options(lazyload(Asesor.skema), lazyload(Asesor.konflik), joinedload(Asesor.user).lazyload(User.roles))
        )
        ctx.memo[key] = sorted(rows, key=lambda a: (a.user.full_name, a.user.username))
    found: list[Asesor] = ctx.memo[key]
    return found


def staf(ctx: SumberContext, roles: Iterable[Role] = PENGAMBIL_KEPUTUSAN) -> list[tuple[User, str]]:
    """Active users holding one of `roles`, each with the first of those roles (the order of `roles`)."""
    order = {r.value: i for i, r in enumerate(roles)}
    holders = select(UserRole.user_id).where(UserRole.role.in_(list(order)))
    users = ctx.service.session.scalars(select(User).where(User.active, User.id.in_(holders)))
    out: list[tuple[User, str]] = []
    for u in users:
        held = sorted((r.role for r in u.roles if r.role in order), key=order.__getitem__)
        if held:
            out.append((u, held[0]))
    return sorted(out, key=lambda p: (order[p[1]], p[0].full_name, p[0].username))


def judul_staf(user: User, role: str) -> str:
    return f"{user.full_name} — {PERAN.get(Role(role), role)}"


def peserta_dinilai(ctx: SumberContext) -> list[dict[str, Any]]:
    """The candidates the pleno decides: those assessed (`hasil_asesmen` with status dinilai)."""
    return [h for h in proses_list(ctx.data, "hasil_asesmen") if h.get("status") == "dinilai"]


def peserta_ditunda(ctx: SumberContext) -> list[dict[str, Any]]:
    """The candidates the pleno decided `ditunda` (its `pleno` in the process data), in the pleno's order, as the
    assessment results name them: the follow-up gathers evidence on them and decides them."""
    ditunda = [
        k.get("username")
        for k in objects(object_at(ctx.data, "pleno").get("keputusan"))
        if k.get("keputusan") == "ditunda"
    ]
    hasil = {h.get("username"): h for h in peserta_dinilai(ctx)}
    return [hasil.get(u) or {"username": u} for u in ditunda]


def calon_anggota_pleno(ctx: SumberContext) -> list[PengurusPleno]:
    """The LSP's eligible pleno staff (`pengurus_pleno`, active) who may sit on this pleno: never a candidate or
    an IT role, not a candidate of the period, not the asesor of anyone it decides; by name."""
    hasil = proses_list(ctx.data, "hasil_asesmen")
    peserta = proses_list(ctx.data, "peserta_asesmen")
    kandidat = {h.get("username") for h in hasil} | {p.get("username") for p in peserta}
    dinilai = {h.get("username") for h in peserta_dinilai(ctx)}
    asesor = {p.get("asesor") for p in peserta + hasil if p.get("username") in dinilai}
    return sorted(
        (
            p
            for u, p in pengurus_aktif(ctx.service.session).items()
            if u not in kandidat | asesor and bukan_pengambil_keputusan(p.user) is None
        ),
        key=lambda p: (p.nama, p.username),
    )


def bidang_diputuskan(ctx: SumberContext) -> list[str]:
    """The fields (`Skema.bidang`) of the skema of the candidates the pleno decides, each once."""
    out: list[str] = []
    for h in peserta_dinilai(ctx):
        skema = ctx.master.skema(h.get("skema_nomor"))
        if skema is not None and skema.bidang not in out:
            out.append(skema.bidang)
    return out


def judul_pengurus(p: PengurusPleno) -> str:
    bidang = f" (bidang {', '.join(p.bidang)})" if p.bidang else ""
    return f"{p.nama} — {p.jabatan}{bidang}"


def calon_tim_banding(ctx: SumberContext) -> list[tuple[User, str]]:
    """Staff independent of an appeal: not the candidate, not their asesor, not a member of the pleno."""
    peserta = object_at(ctx.data, "peserta_banding")
    bukan = {peserta.get("username"), peserta.get("asesor"), *(peserta.get("anggota_pleno") or [])}
    return [(u, r) for u, r in staf(ctx) if u.username not in bukan]


def asesor_untuk(ctx: SumberContext, rows: list[dict[str, Any]], pada: date) -> dict[str, list[str]]:
    """Per candidate ({username, skema_nomor}): the usernames (by name) of the asesor who may assess them on
    `pada`, by the rules of `asesor_boleh_menilai` (active with a MET valid on `pada`, competent for the
    skema, no declared conflict, never themself), read in bulk: a period of a thousand candidates costs a
    handful of queries, and candidates of one skema without conflicts share one list."""
    m = ctx.master
    calon = [(a.id, a.user.username) for a in asesor_aktif(ctx, pada)]
    ids = [i for i, _ in calon]
    if f"kompeten {pada}" not in ctx.memo:
        ctx.memo[f"kompeten {pada}"] = m.kompeten_skema(ids), m.konflik(ids)
    kompeten, konflik = ctx.memo[f"kompeten {pada}"]
    # the few candidates with a declared conflict, by username (not every candidate's record)
    konflik_peserta: dict[str, set[int]] = {}
    for chunk in chunks(list({p for _, p in konflik})):
        found = select(Peserta.id, User.username).join(Peserta.user).where(Peserta.id.in_(chunk))
        names = {peserta_id: username for peserta_id, username in ctx.service.session.execute(found)}
        for asesor_id, peserta_id in konflik:
            if peserta_id in names:
                konflik_peserta.setdefault(names[peserta_id], set()).add(asesor_id)
    per_skema: dict[int, list[tuple[int, str]]] = {}
    out: dict[str, list[str]] = {}
    for r in rows:
        username = str(r.get("username"))
        skema = m.skema(r.get("skema_nomor"))
        if skema is None:
            out[username] = []
            continue
        if skema.id not in per_skema:
            per_skema[skema.id] = [(i, u) for i, u in calon if (i, skema.id) in kompeten]
        bukan = konflik_peserta.get(username)
        if bukan is None and all(u != username for _, u in per_skema[skema.id]):
            out[username] = [u for _, u in per_skema[skema.id]]
        else:
            out[username] = [u for i, u in per_skema[skema.id] if i not in (bukan or ()) and u != username]
    return out


def unit_peserta(ctx: SumberContext) -> list[dict[str, Any]]:
    """The units of the candidate's skema (registration, assessment or appeal), as the master data has them."""
    for key in ("pendaftar", "peserta_asesmen", "peserta_banding", "peserta_pra_asesmen"):
        nomor = object_at(ctx.data, key).get("skema_nomor")
        if nomor:
            skema = ctx.master.skema(nomor)
            return [u for u in objects(skema.unit if skema is not None else []) if u.get("kode")]
    return []


# --- the sources -------------------------------------------------------------------------------------------
@pilihan("skema_aktif")
def pilihan_skema_aktif(ctx: SumberContext) -> list[Pilihan]:
    """Skema aktif di dalam ruang lingkup lisensi LSP."""
    return [Pilihan(s.nomor, judul_skema(s)) for s in skema_aktif(ctx)]


@pilihan("skema_target")
def pilihan_skema_target(ctx: SumberContext) -> list[Pilihan]:
    """Skema yang ditargetkan periode ini (langkah 1)."""
    nomor = list(dict.fromkeys(t.get("skema_nomor") for t in proses_list(ctx.data, "target")))
    out = []
    for n in nomor:
        s = ctx.master.skema(n)
        out.append(Pilihan(n, judul_skema(s) if s is not None else str(n)))
    return out


@pilihan("tuk_aktif")
def pilihan_tuk_aktif(ctx: SumberContext) -> list[Pilihan]:
    """TUK aktif di data master."""
    return [Pilihan(t.kode, judul_tuk(t)) for t in tuk_aktif(ctx)]


@pilihan("tuk_periode")
def pilihan_tuk_periode(ctx: SumberContext) -> list[Pilihan]:
    """TUK yang dipilih rencana periode ini (langkah 2)."""
    out = []
    for kode in periode_tuk(ctx.data):
        t = ctx.master.tuk(kode)
        out.append(Pilihan(kode, judul_tuk(t) if t is not None else kode))
    return out


@pilihan("sesi_jadwal")
def pilihan_sesi_jadwal(ctx: SumberContext) -> list[Pilihan]:
    """Sesi jadwal periode ini (langkah 2, atau jadwal baru bila ditunda): hari, tanggal dan pukul."""
    return [Pilihan(s.nomor, s.judul) for s in daftar_sesi(object_at(ctx.data, "jadwal"))]


@pilihan("tuk_pengganti")
def pilihan_tuk_pengganti(ctx: SumberContext) -> list[Pilihan]:
    """TUK aktif lain yang sudah ditetapkan terverifikasi untuk periode ini (pengganti TUK yang belum sesuai)."""
    current = object_at(ctx.data, "tuk_verifikasi").get("kode")
    pada = tanggal_asesmen(ctx.data, hari_ini(ctx.service))
    return [
        Pilihan(t.kode, judul_tuk(t))
        for t in tuk_aktif(ctx)
        if t.kode != current and ctx.master.verifikasi_berlaku(t, ctx.service.root_id, pada) is not None
    ]


@pilihan("peserta_aktif")
def pilihan_peserta_aktif(ctx: SumberContext) -> list[Pilihan]:
    """Peserta aktif di data master (nama — NIM, prodi)."""
    return [Pilihan(p.user.username, judul_peserta(p)) for p in peserta_aktif(ctx)]


@pilihan("peserta_diterima")
def pilihan_peserta_diterima(ctx: SumberContext) -> list[Pilihan]:
    """Peserta yang berkasnya diterima pada periode ini (langkah 3)."""
    return judul_calon(ctx, proses_list(ctx.data, "pendaftar_diterima"))


@pilihan("peserta_dinilai")
def pilihan_peserta_dinilai(ctx: SumberContext) -> list[Pilihan]:
    """Peserta yang telah dinilai asesor, yang diputuskan pleno."""
    return judul_calon(ctx, peserta_dinilai(ctx))


@pilihan("peserta_ditunda")
def pilihan_peserta_ditunda(ctx: SumberContext) -> list[Pilihan]:
    """Peserta yang keputusannya ditunda rapat pleno (menunggu bukti tambahan)."""
    return judul_calon(ctx, peserta_ditunda(ctx))


@pilihan("peserta_kelompok_ditunda")
def pilihan_peserta_kelompok_ditunda(ctx: SumberContext) -> list[Pilihan]:
    """Peserta ditunda yang dinilai asesor ini, yang bukti tambahannya ia tinjau."""
    return judul_calon(ctx, objects(object_at(ctx.data, "kelompok_ditunda").get("peserta")))


@pilihan("peserta_kompeten")
def pilihan_peserta_kompeten(ctx: SumberContext) -> list[Pilihan]:
    """Peserta yang diputuskan kompeten (penerima sertifikat)."""
    return judul_calon(ctx, proses_list(ctx.data, "kompeten"))


@pilihan("asesor_penilai", per="username")
def pilihan_asesor_penilai(ctx: SumberContext) -> list[Pilihan]:
    """Asesor yang boleh menilai sekurang-kurangnya satu peserta diterima (MET, kompetensi, konflik).

    Aktif, MET berlaku sampai akhir asesmen, kompeten pada skema peserta, tanpa konflik kepentingan."""
    pada = tanggal_asesmen(ctx.data, hari_ini(ctx.service), akhir=True)
    boleh = asesor_untuk(ctx, proses_list(ctx.data, "pendaftar_diterima"), pada)
    untuk: dict[str, set[str]] = {}
    for peserta, calon in boleh.items():
        for asesor in calon:
            untuk.setdefault(asesor, set()).add(peserta)
    return [
        Pilihan(a.user.username, judul_asesor(a), frozenset(untuk[a.user.username]))
        for a in asesor_aktif(ctx, pada)
        if a.user.username in untuk
    ]


@pilihan("asesor_verifikator")
def pilihan_asesor_verifikator(ctx: SumberContext) -> list[Pilihan]:
    """Asesor aktif yang MET-nya berlaku pada awal asesmen (verifikator TUK)."""
    pada = tanggal_asesmen(ctx.data, hari_ini(ctx.service), akhir=False)
    return [Pilihan(a.user.username, judul_asesor(a)) for a in asesor_aktif(ctx, pada)]


@pilihan("asesor_ulang")
def pilihan_asesor_ulang(ctx: SumberContext) -> list[Pilihan]:
    """Asesor lain yang boleh menilai ulang peserta banding (bukan asesor semula)."""
    peserta = object_at(ctx.data, "peserta_banding")
    pada = hari_ini(ctx.service)
    boleh = set(asesor_untuk(ctx, [peserta], pada).get(str(peserta.get("username")), []))
    return [
        Pilihan(a.user.username, judul_asesor(a))
        for a in asesor_aktif(ctx, pada)
        if a.user.username in boleh and a.user.username != peserta.get("asesor")
    ]


@pilihan("anggota_pleno")
def pilihan_anggota_pleno(ctx: SumberContext) -> list[Pilihan]:
    """Pengurus pleno yang ditetapkan LSP dan boleh duduk di pleno ini: bukan peserta, bukan peran TI, bukan
    asesor peserta yang diputuskan."""
    return [Pilihan(p.username, judul_pengurus(p)) for p in calon_anggota_pleno(ctx)]


@pilihan("notulis_pleno")
def pilihan_notulis_pleno(ctx: SumberContext) -> list[Pilihan]:
    """Pengurus LSP yang mencatat rapat pleno (notulis): bukan peserta periode ini."""
    kandidat = {h.get("username") for h in proses_list(ctx.data, "hasil_asesmen")}
    return [Pilihan(u.username, judul_staf(u, r)) for u, r in staf(ctx) if u.username not in kandidat]


@pilihan("hadir_pleno")
def pilihan_hadir_pleno(ctx: SumberContext) -> list[Pilihan]:
    """Yang dapat tercatat di daftar hadir rapat pleno: anggota pleno dan notulis."""
    anggota = pilihan_anggota_pleno(ctx)
    sudah = {p.const for p in anggota}
    return anggota + [p for p in pilihan_notulis_pleno(ctx) if p.const not in sudah]


@pilihan("anggota_tim_banding")
def pilihan_anggota_tim_banding(ctx: SumberContext) -> list[Pilihan]:
    """Pengurus LSP yang independen dari banding: bukan peserta, bukan asesornya, bukan anggota pleno."""
    return [Pilihan(u.username, judul_staf(u, r)) for u, r in calon_tim_banding(ctx)]


@pilihan("unit_skema")
def pilihan_unit_skema(ctx: SumberContext) -> list[Pilihan]:
    """Unit kompetensi skema peserta (kode — judul)."""
    return [Pilihan(u["kode"], f"{u['kode']} — {u.get('judul') or ''}".rstrip(" —")) for u in unit_peserta(ctx)]


@pilihan("elemen_skema")
def pilihan_elemen_skema(ctx: SumberContext) -> list[Pilihan]:
    """Elemen setiap unit skema peserta dengan kriteria unjuk kerjanya (kode unit · elemen n: judul — KUK)."""
    out = []
    for u in unit_peserta(ctx):
        for n, e in enumerate(objects(u.get("elemen")), start=1):
            if not e.get("judul"):
                continue
            kuk = "; ".join(f"{n}.{i} {k}" for i, k in enumerate(e.get("kuk") or [], start=1))
            out.append(
                Pilihan(e["judul"], f"{u['kode']} · Elemen {n}: {e['judul']}" + (f" — KUK {kuk}" if kuk else ""))
            )
    return out


@pilihan("berkas_pendaftar")
def pilihan_berkas_pendaftar(ctx: SumberContext) -> list[Pilihan]:
    """Berkas bukti yang diunggah pendaftar pada FR.APL.01."""
    bukti = objects(object_at(ctx.data, "apl01").get("bukti"))
    return [Pilihan(b["berkas_id"], str(b.get("nama") or b["berkas_id"])) for b in bukti if "berkas_id" in b]
