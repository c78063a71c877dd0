"""The SOP's output documents, one operator per document the SOP names.

Each stores the document's record (number and data); rendering to PDF reads these records, so each
document's data holds what the printed letter needs: the LSP's identity and signatory, the skema's
number and title (and units on a certificate), the asesor's No. Reg. MET, the candidate's NIM/NIK.
Master data is read here, at issue time, so the record keeps what was true when it was signed.

Every operator is idempotent per (instance, task): ``terbitkan`` returns the document already issued
for the same (kind, key), and ``terbitkan_sertifikat`` inserts each certificate row once.
"""

import secrets
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select

from api.store.master import Sertifikat
from api.store.models import ProcessInstance, User, UserRole
from service_tasks import operator
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import hari_ini, terbilang
from service_tasks.guards import object_at, objects, require_object, require_objects
from service_tasks.keputusan import (
    daftar_kompeten,
    diputuskan,
    jumlah_baris_rab,
    jumlah_keputusan,
    rekap,
    rekomendasi,
    total_rab,
    unit_kompeten,
)
from service_tasks.nomor_surat import terbitkan
from service_tasks.periode import tambah_tahun, tuk_data


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --------------------------------------------------------------------------------------------------
# What documents say about the LSP, people, skema and TUK


def _lsp(m: MasterData) -> dict[str, Any]:
    lsp = m.lsp()
    if lsp is None:
        return {"nama": None, "kode": None, "no_lisensi": None, "ketua": None}
    return {
        "nama": lsp.nama,
        "kode": lsp.kode,
        "no_lisensi": lsp.no_lisensi,
        "lisensi_berlaku_sd": _iso(lsp.lisensi_berlaku_sd),
        "alamat": lsp.alamat,
        "kota": lsp.kota,
        "telepon": lsp.telepon,
        "email": lsp.email,
        "website": lsp.website,
        # The logo as it was at issue time: a file in the content-addressed store, printed on the kop surat.
        "logo_sha256": lsp.logo_sha256,
        "logo_content_type": lsp.logo_content_type,
        "ketua": {"username": lsp.ketua.username, "nama": lsp.ketua.full_name} if lsp.ketua is not None else None,
    }


def _orang(m: MasterData, username: Any) -> dict[str, Any]:
    user = m.user(username)
    return {"username": username, "nama": user.full_name if user is not None else username}


def _asesor(m: MasterData, username: Any) -> dict[str, Any]:
    asesor = m.asesor(username)
    if asesor is None:
        return {**_orang(m, username), "no_reg_met": None, "met_berlaku_sd": None}
    return {
        "username": username,
        "nama": asesor.user.full_name,
        "no_reg_met": asesor.no_reg_met,
        "met_berlaku_sd": _iso(asesor.met_berlaku_sd),
    }


def _peserta(m: MasterData, p: dict[str, Any]) -> dict[str, Any]:
    """The candidate as a card or certificate prints them: process data completed from the master."""
    username = p.get("username")
    record = m.peserta(username)
    if record is None:
        return {
            "username": username,
            "nama": p.get("nama") or _orang(m, username)["nama"],
            "nim": p.get("nim"),
            "prodi": p.get("prodi"),
            "nik": None,
            "tempat_lahir": None,
            "tanggal_lahir": None,
            "jenis_kelamin": None,
        }
    return {
        "username": username,
        "nama": record.user.full_name,
        "nim": record.nim,
        "prodi": record.prodi,
        "nik": record.nik,
        "tempat_lahir": record.tempat_lahir,
        "tanggal_lahir": _iso(record.tanggal_lahir),
        "jenis_kelamin": record.jenis_kelamin,
        "alamat": record.alamat,
        "telepon": record.telepon,
        "email": record.email,
    }


def _skema(m: MasterData, nomor: Any, judul: Any = None, unit: bool = False) -> dict[str, Any]:
    skema = m.skema(nomor)
    if skema is None:
        return {"nomor": nomor, "judul": judul, **({"unit": []} if unit else {})}
    data: dict[str, Any] = {
        "nomor": skema.nomor,
        "judul": skema.judul,
        "jenis": skema.jenis,
        "level_kkni": skema.level_kkni,
        "bidang": skema.bidang,
    }
    if unit:
        data["unit"] = [
            {"kode": u.get("kode"), "judul": u.get("judul"), "jenis_standar": u.get("jenis_standar")}
            for u in skema.unit or []
        ]
    return data


def _tuk(m: MasterData, kode: Any, given: dict[str, Any] | None = None) -> dict[str, Any]:
    tuk = m.tuk(kode)
    if tuk is not None:
        return tuk_data(tuk)
    return dict(given) if given else {"kode": kode}


def _target(m: MasterData, target: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for t in target:
        skema = _skema(m, t.get("skema_nomor"), t.get("skema_judul"))
        rows.append({**t, "skema_nomor": skema["nomor"], "skema_judul": skema["judul"]})
    return rows


def _penandatangan(m: MasterData, ctx: ServiceContext, jabatan: str) -> dict[str, Any]:
    return {"jabatan": jabatan, **_orang(m, ctx.actor)}


def _direktur(ctx: ServiceContext) -> dict[str, Any]:
    """The Direktur who approves the RAB [K: DOMAIN.md section 1]: the active user with role direktur."""
    user = ctx.session.scalars(
        select(User).join(UserRole).where(UserRole.role == "direktur", User.active.is_(True)).order_by(User.id)
    ).first()
    if user is None:
        return {"jabatan": "Direktur", "username": None, "nama": None}
    return {"jabatan": "Direktur", "username": user.username, "nama": user.full_name}


def _ketua(m: MasterData) -> dict[str, Any]:
    ketua = _lsp(m).get("ketua") or {"username": None, "nama": None}
    return {"jabatan": "Ketua LSP", **ketua}


# --------------------------------------------------------------------------------------------------
# Steps 1 and 2


@operator("terbitkan_nota_dinas")
def terbitkan_nota_dinas(ctx: ServiceContext, periode: str, target: list[dict[str, Any]]) -> dict[str, Any]:
    m = MasterData(ctx.session)
    rows = _target(m, require_objects("target", target))
    data = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": _lsp(m),
        "dari": _penandatangan(m, ctx, "Direktur"),
        "kepada": _ketua(m),
        "hal": f"Target uji kompetensi dan sertifikasi kompetensi {periode}",
        "target": rows,
        "jumlah_total": sum(int(t.get("jumlah", 0)) for t in rows),
    }
    return terbitkan(ctx, "nota_dinas", "ND", f"Nota Dinas target uji kompetensi {periode}", data)


@operator("terbitkan_tor")
def terbitkan_tor(
    ctx: ServiceContext,
    periode: str,
    target: list[dict[str, Any]],
    tor: dict[str, Any],
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    m = MasterData(ctx.session)
    data = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": _lsp(m),
        "target": _target(m, require_objects("target", target)),
        "tor": require_object("tor", tor),
        "jadwal": jadwal,
        "tuk": [_tuk(m, t.get("kode"), t) for t in require_objects("tuk", tuk or [])],
        "penandatangan": _ketua(m),
    }
    return terbitkan(ctx, "tor", "TOR", f"TOR uji kompetensi dan sertifikasi {periode}", data)


@operator("terbitkan_rab")
def terbitkan_rab(ctx: ServiceContext, periode: str, rab: list[dict[str, Any]]) -> dict[str, Any]:
    m = MasterData(ctx.session)
    baris = [{**item, "jumlah": jumlah_baris_rab(item)} for item in require_objects("rab", rab)]
    per_kelompok: dict[str, float] = defaultdict(float)
    for b in baris:
        per_kelompok[str(b.get("kelompok", "Lain-lain"))] += b["jumlah"]
    total = sum(per_kelompok.values())
    data = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": _lsp(m),
        "baris": baris,
        "subtotal": dict(per_kelompok),
        "total": total,
        "terbilang": f"{terbilang(round(total))} rupiah",
        "disusun_oleh": _penandatangan(m, ctx, "Ketua LSP"),
        "disetujui_oleh": _direktur(ctx),
    }
    return terbitkan(ctx, "rab", "RAB", f"RAB uji kompetensi {periode}", data)


@operator("terbitkan_sk_jadwal")
def terbitkan_sk_jadwal(
    ctx: ServiceContext,
    periode: str,
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]],
    target: list[dict[str, Any]] | None = None,
    keputusan_kuota: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """SK Jadwal Uji Kompetensi; with `keputusan_kuota` it is the revised SK of a postponed assessment."""
    m = MasterData(ctx.session)
    data: dict[str, Any] = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": _lsp(m),
        "jadwal": jadwal,
        "tuk": [_tuk(m, t.get("kode"), t) for t in require_objects("tuk", tuk)],
        "target": _target(m, require_objects("target", target or [])),
        "penandatangan": _ketua(m),
        "revisi": keputusan_kuota is not None,
    }
    if keputusan_kuota is not None:
        data["keputusan_kuota"] = keputusan_kuota
    judul = "SK Jadwal Uji Kompetensi" + (" (revisi)" if keputusan_kuota is not None else "")
    return terbitkan(ctx, "sk_jadwal", "SK", f"{judul} {periode}", data)


# --------------------------------------------------------------------------------------------------
# Step 3


@operator("terbitkan_kartu_peserta")
def terbitkan_kartu_peserta(
    ctx: ServiceContext,
    peserta: list[dict[str, Any]],
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    m = MasterData(ctx.session)
    daftar = require_objects("peserta", peserta)
    m.load_peserta(p.get("username") for p in daftar)
    m.load_asesor(p.get("asesor") for p in daftar)
    tuk_by_kode = {t.get("kode"): t for t in require_objects("tuk", tuk or [])}
    lsp = _lsp(m)
    kartu = []
    for p in daftar:
        data = {
            "lsp": lsp,
            "peserta": _peserta(m, p),
            "skema": _skema(m, p.get("skema_nomor"), p.get("skema_judul")),
            "tuk": _tuk(m, p.get("tuk_kode"), tuk_by_kode.get(p.get("tuk_kode"))),
            "jadwal": {k: jadwal.get(k) for k in ("asesmen_mulai", "asesmen_selesai")} if jadwal else {},
            "asesor": _asesor(m, p.get("asesor")) if p.get("asesor") else None,
        }
        kartu.append(
            terbitkan(
                ctx,
                "kartu_peserta",
                "KP",
                f"Kartu peserta uji kompetensi {data['peserta']['nama'] or p['username']}",
                data,
                key=p["username"],
                candidate=p["username"],
            )
        )
    return {"jumlah": len(kartu), "dokumen": kartu}


@operator("terbitkan_surat_tugas_asesor")
def terbitkan_surat_tugas_asesor(
    ctx: ServiceContext,
    peserta: list[dict[str, Any]],
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]] | None = None,
    peserta_lengkap: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One letter per asesor in `peserta`, listing their candidates.

    On a re-issue (candidates moved to another TUK) `peserta` holds only the moved candidates; pass the
    whole `peserta_asesmen` as `peserta_lengkap` so each new letter lists all of that asesor's candidates.
    """
    m = MasterData(ctx.session)
    daftar = require_objects("peserta", peserta)
    asesor_list = sorted({p["asesor"] for p in daftar if p.get("asesor")})
    sumber = require_objects("peserta_lengkap", peserta_lengkap) if peserta_lengkap is not None else daftar
    per_asesor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in sumber:
        if p.get("asesor") in asesor_list:
            per_asesor[p["asesor"]].append(p)
    m.load_asesor(asesor_list)
    m.load_peserta(p.get("username") for p in sumber)
    tuk_by_kode = {t.get("kode"): t for t in require_objects("tuk", tuk or [])}
    lsp = _lsp(m)
    surat = []
    for asesor in asesor_list:
        calon = per_asesor[asesor]
        baris = [
            {
                "username": p["username"],
                "nama": _peserta(m, p)["nama"],
                "nim": _peserta(m, p)["nim"],
                "prodi": _peserta(m, p)["prodi"],
                "skema_nomor": p.get("skema_nomor"),
                "skema_judul": _skema(m, p.get("skema_nomor"), p.get("skema_judul"))["judul"],
                "tuk_kode": p.get("tuk_kode"),
            }
            for p in calon
        ]
        skema = [_skema(m, n) for n in dict.fromkeys(p.get("skema_nomor") for p in calon)]
        tuk_rows = [_tuk(m, k, tuk_by_kode.get(k)) for k in dict.fromkeys(p.get("tuk_kode") for p in calon)]
        data = {
            "lsp": lsp,
            "tanggal": hari_ini(ctx).isoformat(),
            "penandatangan": _ketua(m),
            "asesor": _asesor(m, asesor),
            "peran": "Asesor Kompetensi",
            "skema": skema,
            "tuk": tuk_rows,
            "jadwal": jadwal,
            "peserta": baris,
            "jumlah_peserta": len(baris),
        }
        surat.append(
            terbitkan(
                ctx,
                "surat_tugas_asesor",
                "ST-AS",
                f"Surat tugas asesor kompetensi {data['asesor']['nama']}",
                data,
                key=asesor,
            )
        )
    return {"jumlah": len(surat), "dokumen": surat}


@operator("terbitkan_surat_tugas_verifikasi_tuk")
def terbitkan_surat_tugas_verifikasi_tuk(
    ctx: ServiceContext,
    tuk: list[dict[str, Any]],
    jadwal: dict[str, Any],
    peserta: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One letter per TUK to verify (`tuk_verifikasi` rows: kode, nama, jenis, alamat, verifikator)."""
    m = MasterData(ctx.session)
    daftar = require_objects("tuk", tuk)
    calon = require_objects("peserta", peserta or [])
    m.load_asesor(t.get("verifikator") for t in daftar)
    lsp = _lsp(m)
    surat = []
    for t in daftar:
        di_tuk = [p for p in calon if p.get("tuk_kode") == t["kode"]]
        data = {
            "lsp": lsp,
            "tanggal": hari_ini(ctx).isoformat(),
            "penandatangan": _ketua(m),
            "verifikator": _asesor(m, t.get("verifikator")),
            "peran": "Verifikator TUK",
            "tuk": _tuk(m, t["kode"], t),
            "jadwal": jadwal,
            "skema": [_skema(m, n) for n in dict.fromkeys(p.get("skema_nomor") for p in di_tuk)],
            "jumlah_peserta": len(di_tuk) if peserta is not None else None,
        }
        surat.append(
            terbitkan(
                ctx,
                "surat_tugas_verifikasi_tuk",
                "ST-VT",
                f"Surat tugas verifikasi TUK {data['tuk'].get('nama') or t['kode']}",
                data,
                key=t["kode"],
            )
        )
    return {"jumlah": len(surat), "dokumen": surat}


# --------------------------------------------------------------------------------------------------
# Step 4


@operator("terbitkan_formulir_verifikasi_tuk")
def terbitkan_formulir_verifikasi_tuk(
    ctx: ServiceContext, tuk: dict[str, Any], verifikasi: dict[str, Any]
) -> dict[str, Any]:
    m = MasterData(ctx.session)
    tuk = require_object("tuk", tuk)
    verifikasi = require_object("verifikasi", verifikasi)
    data = {
        "lsp": _lsp(m),
        "tuk": _tuk(m, tuk.get("kode"), tuk),
        "verifikator": _asesor(m, tuk.get("verifikator") or ctx.actor),
        "tanggal": verifikasi.get("tanggal") or hari_ini(ctx).isoformat(),
        "verifikasi": verifikasi,
        "kesimpulan": verifikasi.get("kesimpulan"),
    }
    return terbitkan(
        ctx,
        "formulir_verifikasi_tuk",
        "VT",
        f"Formulir hasil verifikasi TUK {data['tuk'].get('nama') or tuk.get('kode', '')}",
        data,
    )


# --------------------------------------------------------------------------------------------------
# Step 5


@operator("terbitkan_rekaman_asesmen")
def terbitkan_rekaman_asesmen(
    ctx: ServiceContext, peserta: dict[str, Any], penilaian: dict[str, Any], asesor: str | None = None
) -> dict[str, Any]:
    """FR.AK.02 of one candidate; in banding the re-assessing asesor (`asesor`, else `asesor_ulang`)."""
    m = MasterData(ctx.session)
    peserta = require_object("peserta", peserta)
    penilaian = require_object("penilaian", penilaian)
    ulang = object_at(ctx.data, "asesor_ulang")
    penilai = asesor or ulang.get("asesor") or peserta.get("asesor")
    skema = _skema(m, peserta.get("skema_nomor"), peserta.get("skema_judul"), unit=True)
    judul = {u["kode"]: u["judul"] for u in skema.get("unit", [])}
    unit = [{**u, "judul": u.get("judul") or judul.get(u.get("kode"))} for u in penilaian.get("unit") or []]
    data = {
        "lsp": _lsp(m),
        "peserta": _peserta(m, peserta),
        "skema": {k: v for k, v in skema.items() if k != "unit"},
        "tuk": _tuk(m, peserta.get("tuk_kode")) if peserta.get("tuk_kode") else None,
        "asesor": _asesor(m, penilai) if penilai else None,
        "asesmen_ulang": bool(asesor or ulang.get("asesor")),
        "tanggal": hari_ini(ctx).isoformat(),
        "penilaian": {**penilaian, "unit": unit},
        "rekomendasi": "K" if unit_kompeten(objects(penilaian.get("unit"))) else "BK",
    }
    return terbitkan(
        ctx,
        "rekaman_asesmen",
        "AK02",
        f"Rekaman asesmen kompetensi (FR.AK.02) {data['peserta']['nama'] or peserta['username']}",
        data,
        key=peserta["username"],
        candidate=peserta["username"],
    )


@operator("terbitkan_berita_acara_asesmen")
def terbitkan_berita_acara_asesmen(
    ctx: ServiceContext,
    periode: str,
    hasil: list[dict[str, Any]],
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Berita Acara Asesmen: per skema and TUK, its asesor (No. Reg. MET) and each candidate's K/BK."""
    m = MasterData(ctx.session)
    hasil = require_objects("hasil", hasil)
    m.load_peserta(h.get("username") for h in hasil)
    m.load_asesor(h.get("asesor") for h in hasil)
    tuk_by_kode = {t.get("kode"): t for t in require_objects("tuk", tuk or [])}
    kelompok: dict[tuple[Any, Any], list[dict[str, Any]]] = defaultdict(list)
    for h in hasil:
        kelompok[(h.get("skema_nomor"), h.get("tuk_kode"))].append(h)
    rows = []
    for (nomor, kode), anggota in sorted(kelompok.items(), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        rows.append(
            {
                "skema": _skema(m, nomor, anggota[0].get("skema_judul")),
                "tuk": _tuk(m, kode, tuk_by_kode.get(kode)),
                "asesor": [_asesor(m, a) for a in dict.fromkeys(h.get("asesor") for h in anggota) if a],
                "peserta": [
                    {
                        "no": i,
                        "username": h.get("username"),
                        "nama": _peserta(m, h)["nama"],
                        "nim": _peserta(m, h)["nim"],
                        "prodi": _peserta(m, h)["prodi"],
                        "telepon": _peserta(m, h).get("telepon"),
                        "asesor": h.get("asesor"),
                        "status": h.get("status"),
                        "rekomendasi": rekomendasi(h),
                        "alasan": h.get("alasan"),
                    }
                    for i, h in enumerate(anggota, start=1)
                ],
                **rekap(anggota),
            }
        )
    data = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": _lsp(m),
        "jadwal": jadwal,
        "kelompok": rows,
        "hasil": hasil,
        **rekap(hasil),
    }
    return terbitkan(ctx, "berita_acara_asesmen", "BA-AS", f"Berita acara asesmen {periode}", data)


# --------------------------------------------------------------------------------------------------
# Step 6


def _keputusan_pleno(m: MasterData, pleno: dict[str, Any], hasil: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pleno's decision per candidate, with the asesor (No. Reg. MET) and the asesor's recommendation."""
    by_user = {h.get("username"): h for h in hasil}
    m.load_peserta(by_user)
    m.load_asesor(h.get("asesor") for h in hasil)
    rows = []
    for i, k in enumerate(require_objects("pleno.keputusan", pleno.get("keputusan") or []), start=1):
        h = by_user.get(k.get("username"), {"username": k.get("username")})
        rows.append(
            {
                "no": i,
                "username": k.get("username"),
                "nama": _peserta(m, h)["nama"],
                "nim": _peserta(m, h)["nim"],
                "skema_nomor": h.get("skema_nomor"),
                "skema_judul": _skema(m, h.get("skema_nomor"), h.get("skema_judul"))["judul"],
                "tuk_kode": h.get("tuk_kode"),
                "asesor": _asesor(m, h.get("asesor")) if h.get("asesor") else None,
                "rekomendasi_asesor": rekomendasi(h),
                "keputusan": k.get("keputusan"),
                "catatan": k.get("catatan"),
            }
        )
    return rows


@operator("terbitkan_berita_acara_pleno")
def terbitkan_berita_acara_pleno(
    ctx: ServiceContext, periode: str, pleno: dict[str, Any], hasil: list[dict[str, Any]]
) -> dict[str, Any]:
    m = MasterData(ctx.session)
    pleno = require_object("pleno", pleno)
    hasil = require_objects("hasil", hasil)
    keputusan = _keputusan_pleno(m, pleno, hasil)
    anggota = pleno.get("anggota") or []
    m.load_users(anggota)
    m.load_asesor(anggota)
    data = {
        "periode": periode,
        "lsp": _lsp(m),
        "pleno": {k: v for k, v in pleno.items() if k not in ("anggota", "keputusan")},
        "anggota": [_asesor(m, a) if m.asesor(a) is not None else _orang(m, a) for a in anggota],
        "keputusan": keputusan,
        "tidak_dinilai": [
            {"username": h.get("username"), "nama": _peserta(m, h)["nama"], "status": h.get("status")}
            for h in hasil
            if rekomendasi(h) is None
        ],
        "jumlah_asesi": len(hasil),
        "jumlah_k": jumlah_keputusan(keputusan, "K"),
        "jumlah_bk": jumlah_keputusan(keputusan, "BK"),
        "jumlah_ditunda": jumlah_keputusan(keputusan, "ditunda"),
        "hasil": hasil,
    }
    return terbitkan(ctx, "berita_acara_pleno", "BA-PL", f"Berita acara rapat pleno {periode}", data)


@operator("terbitkan_sk_penetapan")
def terbitkan_sk_penetapan(
    ctx: ServiceContext, periode: str, pleno: dict[str, Any], hasil: list[dict[str, Any]]
) -> dict[str, Any]:
    """SK Penetapan hasil asesmen; lampiran: No | Nama asesi | Asesor (No. Reg. MET) | K/BK, citing the pleno."""
    m = MasterData(ctx.session)
    pleno = require_object("pleno", pleno)
    daftar = _keputusan_pleno(m, pleno, require_objects("hasil", hasil))
    data = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": _lsp(m),
        "penandatangan": _ketua(m),
        "pleno": {k: v for k, v in pleno.items() if k not in ("keputusan",)},
        "daftar": daftar,
        "jumlah_k": jumlah_keputusan(daftar, "K"),
        "jumlah_bk": jumlah_keputusan(daftar, "BK"),
    }
    return terbitkan(ctx, "sk_penetapan", "SK", f"SK penetapan hasil asesmen {periode}", data)


@operator("terbitkan_sk_banding")
def terbitkan_sk_banding(
    ctx: ServiceContext,
    peserta: dict[str, Any],
    tim: dict[str, Any],
    keputusan: dict[str, Any],
    banding: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """SK hasil banding (FR.AK.04): the candidate, the independent tim banding and its decision."""
    m = MasterData(ctx.session)
    peserta = require_object("peserta", peserta)
    tim = require_object("tim", tim)
    keputusan = require_object("keputusan", keputusan)
    anggota = tim.get("anggota") or []
    m.load_users(anggota)
    data = {
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": _lsp(m),
        "penandatangan": _ketua(m),
        "peserta": _peserta(m, peserta),
        "skema": _skema(m, peserta.get("skema_nomor"), peserta.get("skema_judul")),
        "asesor": _asesor(m, peserta.get("asesor")) if peserta.get("asesor") else None,
        "keputusan_pleno": peserta.get("keputusan"),
        "banding": banding,
        "tim_banding": [_orang(m, a) for a in anggota],
        "keputusan": keputusan.get("keputusan"),
        "pertimbangan": keputusan.get("pertimbangan"),
    }
    username = peserta.get("username")
    return terbitkan(
        ctx,
        "sk_banding",
        "SK",
        f"SK hasil banding asesmen {data['peserta']['nama'] or username}",
        data,
        key=str(username or ""),
        candidate=username,
    )


@operator("terbitkan_permohonan_blangko")
def terbitkan_permohonan_blangko(
    ctx: ServiceContext,
    periode: str,
    hasil: list[dict[str, Any]],
    pleno: dict[str, Any] | None = None,
    kompeten: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Surat permohonan blangko: the K candidates as BNSP's list wants them (nama, NIK, lahir, skema)."""
    m = MasterData(ctx.session)
    hasil = require_objects("hasil", hasil)
    daftar = daftar_kompeten(kompeten, pleno, hasil)
    m.load_peserta([d.get("username") for d in daftar] + [h.get("username") for h in hasil])
    kompeten_user = {d.get("username") for d in daftar}
    # BK is what the pleno decided (and an appeal did not overturn): a candidate whose decision was
    # postponed (ditunda) is neither K nor BK and is not reported to BNSP.
    diputuskan_bk = set(diputuskan(pleno, "BK"))
    rows = []
    for i, d in enumerate(daftar, start=1):
        skema = _skema(m, d.get("skema_nomor"), d.get("skema_judul"))
        rows.append({"no": i, **_peserta(m, d), "skema_nomor": skema["nomor"], "skema_judul": skema["judul"]})
    # The attachment lists every assessed candidate, K and BK, per skema (BNSP's list wants both).
    asesi = []
    for h in sorted(hasil, key=lambda h: (str(h.get("skema_nomor")), str(h.get("username")))):
        if h.get("username") in kompeten_user:
            hasil_akhir = "K"
        elif h.get("username") in diputuskan_bk:
            hasil_akhir = "BK"
        else:
            continue
        skema = _skema(m, h.get("skema_nomor"), h.get("skema_judul"))
        asesi.append(
            {
                "no": len(asesi) + 1,
                **_peserta(m, h),
                "skema_nomor": skema["nomor"],
                "skema_judul": skema["judul"],
                "tuk_kode": h.get("tuk_kode"),
                "hasil": hasil_akhir,
            }
        )
    per_skema: dict[Any, dict[str, Any]] = {}
    for h in hasil:
        nomor = h.get("skema_nomor")
        row = per_skema.setdefault(nomor, {"skema": _skema(m, nomor, h.get("skema_judul")), "k": 0, "bk": 0})
        if h.get("username") in kompeten_user:
            row["k"] += 1
        elif h.get("username") in diputuskan_bk:
            row["bk"] += 1
    data = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": _lsp(m),
        "penandatangan": _ketua(m),
        "kepada": "Badan Nasional Sertifikasi Profesi (BNSP)",
        "daftar_kompeten": rows,
        "rekap_skema": list(per_skema.values()),
        "jumlah_blangko": len(rows),
        "lampiran": "1 (satu) berkas daftar asesi (.xlsx)",
    }
    surat = terbitkan(ctx, "permohonan_blangko", "PB", f"Surat permohonan blangko sertifikat {periode}", data)
    # The candidate list in a spreadsheet, as BNSP's portal takes it: its own document carrying the letter's number.
    terbitkan(
        ctx,
        "permohonan_blangko_lampiran",
        "PB",
        f"Lampiran surat permohonan blangko: daftar asesi {periode}",
        {
            "periode": periode,
            "lsp": data["lsp"],
            "tanggal": data["tanggal"],
            "nomor_surat": surat["nomor"],
            "asesi": asesi,
        },
        key="lampiran",
        number=surat["nomor"],
    )
    return surat


@operator("terbitkan_sertifikat")
def terbitkan_sertifikat(
    ctx: ServiceContext,
    nomor: dict[str, Any] | list[dict[str, Any]],
    kompeten: list[dict[str, Any]] | None = None,
    hasil: list[dict[str, Any]] | None = None,
    pleno: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Certificates for competent candidates only, numbered with BNSP's numbers (never invented).

    `nomor` is the `nomor_sertifikat` form data ({sertifikat: [{username, no_sertifikat, no_registrasi,
    no_blangko}]}) or its list. Every numbered candidate must be in `kompeten` (else the pleno's K);
    each certificate is a document and a `sertifikat` row (with a code for the public verification page).
    """
    m = MasterData(ctx.session)
    daftar = daftar_kompeten(kompeten, pleno, require_objects("hasil", hasil or []))
    by_user = {d.get("username"): d for d in daftar}
    baris = nomor.get("sertifikat", []) if isinstance(nomor, dict) else nomor
    nomor_by_user: dict[str, dict[str, Any]] = {}
    for n in require_objects("nomor.sertifikat", baris):
        if n.get("username") in nomor_by_user:
            raise ServiceTaskError(f"{n.get('username')}: dua nomor sertifikat")
        nomor_by_user[n.get("username")] = n
    bukan = sorted(str(u) for u in set(nomor_by_user) - set(by_user))
    if bukan:
        raise ServiceTaskError(f"sertifikat hanya untuk peserta kompeten; tidak kompeten: {', '.join(bukan)}")
    lsp = m.lsp()
    tahun = int(lsp.masa_berlaku_sertifikat_tahun) if lsp is not None and lsp.masa_berlaku_sertifikat_tahun else 3
    lsp_data = _lsp(m)
    m.load_peserta(nomor_by_user)
    tanpa_nomor = [u for u in by_user if u not in nomor_by_user]
    sertifikat, rows = [], []
    for username in [u for u in by_user if u in nomor_by_user]:
        d, n = by_user[username], nomor_by_user[username]
        no_sertifikat = str(n.get("no_sertifikat") or "").strip()
        no_registrasi = str(n.get("no_registrasi") or "").strip()
        if not no_sertifikat or not no_registrasi:
            raise ServiceTaskError(f"{username}: nomor sertifikat dan nomor registrasi BNSP wajib diisi")
        no_blangko = str(n.get("no_blangko") or "").strip() or None
        row = ctx.session.scalars(
            select(Sertifikat).where(
                or_(Sertifikat.no_sertifikat == no_sertifikat, Sertifikat.no_registrasi == no_registrasi)
            )
        ).first()
        if row is not None and (row.instance_id != ctx.instance_id or row.peserta_username != username):
            raise ServiceTaskError(
                f"{username}: nomor {no_sertifikat} / {no_registrasi} sudah dipakai sertifikat {row.peserta_username}"
            )
        peserta = _peserta(m, d)
        skema = _skema(m, d.get("skema_nomor"), d.get("skema_judul"), unit=True)
        if not skema["unit"] and d.get("unit"):
            skema["unit"] = [{"kode": u.get("kode"), "judul": u.get("judul")} for u in d["unit"]]
        terbit = row.terbit if row is not None else hari_ini(ctx)
        berlaku_sd = row.berlaku_sd if row is not None else tambah_tahun(terbit, tahun)
        kode_verifikasi = row.kode_verifikasi if row is not None else secrets.token_urlsafe(12)
        doc = terbitkan(
            ctx,
            "sertifikat",
            None,
            f"Sertifikat kompetensi {peserta['nama'] or username}",
            {
                "lsp": lsp_data,
                "penandatangan": {**_ketua(m), "atas_nama": "Badan Nasional Sertifikasi Profesi"},
                "peserta": peserta,
                "skema": {k: v for k, v in skema.items() if k != "unit"},
                "unit": skema["unit"],
                "no_sertifikat": no_sertifikat,
                "no_registrasi": no_registrasi,
                "no_blangko": no_blangko,
                "terbit": terbit.isoformat(),
                "berlaku_sd": berlaku_sd.isoformat(),
                "masa_berlaku_tahun": tahun,
                "tempat": lsp_data.get("kota"),
                "kode_verifikasi": kode_verifikasi,
            },
            key=username,
            candidate=username,
            number=no_sertifikat,
        )
        if row is None:
            row = Sertifikat(
                kode_verifikasi=kode_verifikasi,
                peserta_username=username,
                nama=str(peserta["nama"] or username),
                skema_nomor=str(skema["nomor"]),
                skema_judul=str(skema["judul"] or ""),
                no_sertifikat=no_sertifikat,
                no_registrasi=no_registrasi,
                no_blangko=no_blangko,
                terbit=terbit,
                berlaku_sd=berlaku_sd,
                status="aktif",
                instance_id=ctx.instance_id,
                root_id=ctx.root_id,
                document_id=doc["id"],
                created_at=ctx.now,
            )
            ctx.session.add(row)
            ctx.session.flush()
        sertifikat.append(doc)
        rows.append(
            {
                "username": username,
                "no_sertifikat": no_sertifikat,
                "no_registrasi": no_registrasi,
                "kode_verifikasi": row.kode_verifikasi,
                "berlaku_sd": row.berlaku_sd.isoformat(),
                "document_id": doc["id"],
            }
        )
    return {"jumlah": len(sertifikat), "dokumen": sertifikat, "sertifikat": rows, "tanpa_nomor": tanpa_nomor}


# --------------------------------------------------------------------------------------------------
# Step 7


# The SOP's seven steps by name (the step activities of uji_kompetensi.bpmn carry `sopStep` 1-7).
LANGKAH_SOP = {
    "1": "Menetapkan target uji kompetensi",
    "2": "Menyusun rencana uji kompetensi",
    "3": "Melaksanakan pendaftaran uji kompetensi",
    "4": "Memverifikasi tempat uji kompetensi (TUK)",
    "5": "Melaksanakan uji kompetensi",
    "6": "Melaksanakan penerbitan sertifikat kompetensi",
    "7": "Evaluasi dan pelaporan",
}


def _waktu_langkah(ctx: ServiceContext) -> list[dict[str, Any]]:
    """Each SOP step's time against its standard, from the period's step record (started, due, completed)."""
    root = ctx.session.get(ProcessInstance, ctx.root_id)
    steps = (root.steps if root is not None else None) or {}
    rows = []
    for step, nama in LANGKAH_SOP.items():
        s = steps.get(step) or {}
        mulai = datetime.fromisoformat(s["started_at"]) if s.get("started_at") else None
        batas = datetime.fromisoformat(s["due_at"]) if s.get("due_at") else None
        selesai = datetime.fromisoformat(s["completed_at"]) if s.get("completed_at") else None
        rows.append(
            {
                "langkah": step,
                "nama": nama,
                "mulai": mulai.isoformat() if mulai else None,
                "selesai": selesai.isoformat() if selesai else None,
                "standar_detik": (batas - mulai).total_seconds() if mulai and batas else None,
                "durasi_detik": (selesai - mulai).total_seconds() if mulai and selesai else None,
                "tepat_waktu": (selesai <= batas) if selesai and batas else None,
            }
        )
    return rows


@operator("terbitkan_laporan")
def terbitkan_laporan(
    ctx: ServiceContext,
    periode: str,
    target: list[dict[str, Any]],
    hasil: list[dict[str, Any]],
    sertifikasi: dict[str, Any] | None,
    evaluasi: dict[str, Any],
    rab: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Laporan: target vs realisation per skema; per TUK and asesor K/BK/absent; certificates; budget."""
    m = MasterData(ctx.session)
    hasil = require_objects("hasil", hasil)
    sertifikasi = sertifikasi if isinstance(sertifikasi, dict) else {}

    def baru() -> dict[str, int]:
        return {"peserta": 0, "k": 0, "bk": 0, "tidak_hadir": 0}

    per_skema: dict[str, dict[str, Any]] = defaultdict(lambda: {"target": 0, **baru(), "sertifikat": 0})
    per_tuk: dict[str, dict[str, Any]] = defaultdict(baru)
    per_asesor: dict[str, dict[str, Any]] = defaultdict(baru)
    for t in require_objects("target", target):
        per_skema[str(t.get("skema_nomor") or t.get("skema_kode") or "-")]["target"] += int(t.get("jumlah", 0))
    for h in hasil:
        rek = rekomendasi(h)
        kolom = {"K": "k", "BK": "bk"}.get(rek or "", "tidak_hadir")
        for table, key in (
            (per_skema, h.get("skema_nomor") or h.get("skema_kode")),
            (per_tuk, h.get("tuk_kode")),
            (per_asesor, h.get("asesor")),
        ):
            row = table[str(key or "-")]
            row["peserta"] += 1
            row[kolom] += 1
    for kode, row in per_tuk.items():
        row["nama"] = _tuk(m, kode).get("nama")
    for username, row in per_asesor.items():
        row.update({k: v for k, v in _asesor(m, username).items() if k in ("nama", "no_reg_met")})
    # Certificates issued in this period (banding upheld included), per skema: the realisation of the target.
    terbit = ctx.session.execute(
        select(Sertifikat.skema_nomor, func.count())
        .where(Sertifikat.root_id == ctx.root_id)
        .group_by(Sertifikat.skema_nomor)
    ).all()
    for nomor, jumlah in terbit:
        per_skema[str(nomor)]["sertifikat"] += int(jumlah)
    for nomor, row in per_skema.items():
        row["judul"] = _skema(m, nomor)["judul"]
    jumlah_sertifikat = sum(int(j) for _, j in terbit)
    banding = [b for b in sertifikasi.get("banding") or sertifikasi.get("hasil_banding") or [] if isinstance(b, dict)]
    anggaran = total_rab(require_objects("rab", rab or []))
    data = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": _lsp(m),
        "penandatangan": _ketua(m),
        "target": _target(m, target),
        "langkah": _waktu_langkah(ctx),
        "per_skema": dict(per_skema),
        "per_tuk": dict(per_tuk),
        "per_asesor": dict(per_asesor),
        **rekap(hasil),
        "jumlah_sertifikat": jumlah_sertifikat,
        "banding": {
            "diajukan": sum(1 for b in banding if b.get("status") in ("ditolak", "diterima")),
            "diterima": sum(1 for b in banding if b.get("status") == "diterima"),
            "ditolak": sum(1 for b in banding if b.get("status") == "ditolak"),
        },
        "anggaran": anggaran if rab is not None else None,
        "realisasi_anggaran": evaluasi.get("realisasi_anggaran") if isinstance(evaluasi, dict) else None,
        "evaluasi": evaluasi,
    }
    return terbitkan(ctx, "laporan", "LAP", f"Laporan uji kompetensi dan sertifikasi kompetensi {periode}", data)
