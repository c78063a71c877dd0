"""The SOP's output documents, one operator per document the SOP names.

Each stores the document's record (number and data); rendering to PDF reads these records.
"""

from collections import defaultdict
from typing import Any

from service_tasks import operator
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.nomor_surat import terbitkan


def _require_list(name: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ServiceTaskError(f"parameter {name!r} must be a list of objects")
    return value


@operator("terbitkan_nota_dinas")
def terbitkan_nota_dinas(ctx: ServiceContext, periode: str, target: list[dict[str, Any]]) -> dict[str, Any]:
    target = _require_list("target", target)
    data = {"periode": periode, "target": target, "jumlah_total": sum(int(t.get("jumlah", 0)) for t in target)}
    return terbitkan(ctx, "nota_dinas", "ND", f"Nota Dinas target uji kompetensi {periode}", data)


@operator("terbitkan_tor")
def terbitkan_tor(
    ctx: ServiceContext, periode: str, target: list[dict[str, Any]], tor: dict[str, Any], jadwal: dict[str, Any]
) -> dict[str, Any]:
    data = {"periode": periode, "target": target, "tor": tor, "jadwal": jadwal}
    return terbitkan(ctx, "tor", "TOR", f"TOR uji kompetensi dan sertifikasi {periode}", data)


@operator("terbitkan_rab")
def terbitkan_rab(ctx: ServiceContext, periode: str, rab: list[dict[str, Any]]) -> dict[str, Any]:
    baris = []
    for item in _require_list("rab", rab):
        jumlah = float(item.get("volume", 0)) * float(item.get("harga_satuan", 0))
        baris.append({**item, "jumlah": jumlah})
    per_kelompok: dict[str, float] = defaultdict(float)
    for b in baris:
        per_kelompok[str(b.get("kelompok", "Lain-lain"))] += b["jumlah"]
    data = {"periode": periode, "baris": baris, "subtotal": dict(per_kelompok), "total": sum(per_kelompok.values())}
    return terbitkan(ctx, "rab", "RAB", f"RAB uji kompetensi {periode}", data)


@operator("terbitkan_sk_jadwal")
def terbitkan_sk_jadwal(
    ctx: ServiceContext, periode: str, jadwal: dict[str, Any], tuk: list[dict[str, Any]]
) -> dict[str, Any]:
    data = {"periode": periode, "jadwal": jadwal, "tuk": _require_list("tuk", tuk)}
    return terbitkan(ctx, "sk_jadwal", "SK", f"SK Jadwal Uji Kompetensi {periode}", data)


@operator("terbitkan_kartu_peserta")
def terbitkan_kartu_peserta(
    ctx: ServiceContext, peserta: list[dict[str, Any]], jadwal: dict[str, Any], tuk: list[dict[str, Any]]
) -> dict[str, Any]:
    tuk_by_kode = {t.get("kode"): t for t in _require_list("tuk", tuk)}
    kartu = [
        terbitkan(
            ctx,
            "kartu_peserta",
            "KP",
            f"Kartu peserta uji kompetensi {p.get('nama') or p['username']}",
            {"peserta": p, "jadwal": jadwal, "tuk": tuk_by_kode.get(p.get("tuk_kode"), {})},
            key=p["username"],
            candidate=p["username"],
        )
        for p in _require_list("peserta", peserta)
    ]
    return {"jumlah": len(kartu), "dokumen": kartu}


@operator("terbitkan_surat_tugas_asesor")
def terbitkan_surat_tugas_asesor(
    ctx: ServiceContext, peserta: list[dict[str, Any]], jadwal: dict[str, Any]
) -> dict[str, Any]:
    per_asesor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in _require_list("peserta", peserta):
        per_asesor[p["asesor"]].append(p)
    surat = [
        terbitkan(
            ctx,
            "surat_tugas_asesor",
            "ST-AS",
            f"Surat tugas asesor kompetensi {asesor}",
            {"asesor": asesor, "jadwal": jadwal, "peserta": daftar, "jumlah_peserta": len(daftar)},
            key=asesor,
        )
        for asesor, daftar in sorted(per_asesor.items())
    ]
    return {"jumlah": len(surat), "dokumen": surat}


@operator("terbitkan_surat_tugas_verifikasi_tuk")
def terbitkan_surat_tugas_verifikasi_tuk(
    ctx: ServiceContext, tuk: list[dict[str, Any]], jadwal: dict[str, Any]
) -> dict[str, Any]:
    surat = [
        terbitkan(
            ctx,
            "surat_tugas_verifikasi_tuk",
            "ST-VT",
            f"Surat tugas verifikasi TUK {t.get('nama', t['kode'])}",
            {"tuk": t, "verifikator": t.get("verifikator"), "jadwal": jadwal},
            key=t["kode"],
        )
        for t in _require_list("tuk", tuk)
    ]
    return {"jumlah": len(surat), "dokumen": surat}


@operator("terbitkan_formulir_verifikasi_tuk")
def terbitkan_formulir_verifikasi_tuk(
    ctx: ServiceContext, tuk: dict[str, Any], verifikasi: dict[str, Any]
) -> dict[str, Any]:
    data = {"tuk": tuk, "verifikasi": verifikasi, "kesimpulan": verifikasi.get("kesimpulan")}
    return terbitkan(ctx, "formulir_verifikasi_tuk", "VT", f"Formulir hasil verifikasi TUK {tuk.get('nama', '')}", data)


def _kompeten(penilaian: dict[str, Any]) -> bool:
    unit = penilaian.get("unit") or []
    return bool(penilaian.get("hadir", True)) and bool(unit) and all(u.get("rekomendasi") == "K" for u in unit)


@operator("terbitkan_rekaman_asesmen")
def terbitkan_rekaman_asesmen(
    ctx: ServiceContext, peserta: dict[str, Any], penilaian: dict[str, Any]
) -> dict[str, Any]:
    data = {"peserta": peserta, "penilaian": penilaian, "rekomendasi": "K" if _kompeten(penilaian) else "BK"}
    return terbitkan(
        ctx,
        "rekaman_asesmen",
        "AK02",
        f"Rekaman asesmen kompetensi (FR.AK.02) {peserta.get('nama') or peserta['username']}",
        data,
        key=peserta["username"],
        candidate=peserta["username"],
    )


def _rekap(hasil: list[dict[str, Any]]) -> dict[str, Any]:
    k = sum(1 for h in hasil if h.get("rekomendasi") == "K")
    return {"jumlah_peserta": len(hasil), "jumlah_k": k, "jumlah_bk": len(hasil) - k}


@operator("terbitkan_berita_acara_asesmen")
def terbitkan_berita_acara_asesmen(
    ctx: ServiceContext, periode: str, hasil: list[dict[str, Any]], jadwal: dict[str, Any]
) -> dict[str, Any]:
    hasil = _require_list("hasil", hasil)
    data = {"periode": periode, "jadwal": jadwal, "hasil": hasil, **_rekap(hasil)}
    return terbitkan(ctx, "berita_acara_asesmen", "BA-AS", f"Berita acara asesmen {periode}", data)


@operator("terbitkan_berita_acara_pleno")
def terbitkan_berita_acara_pleno(
    ctx: ServiceContext, periode: str, pleno: dict[str, Any], hasil: list[dict[str, Any]]
) -> dict[str, Any]:
    data = {"periode": periode, "pleno": pleno, "hasil": _require_list("hasil", hasil)}
    return terbitkan(ctx, "berita_acara_pleno", "BA-PL", f"Berita acara rapat pleno {periode}", data)


@operator("terbitkan_sk_penetapan")
def terbitkan_sk_penetapan(
    ctx: ServiceContext, periode: str, pleno: dict[str, Any], hasil: list[dict[str, Any]]
) -> dict[str, Any]:
    keputusan = {k["username"]: k["keputusan"] for k in pleno.get("keputusan", [])}
    daftar = [{**h, "keputusan": keputusan.get(h["username"], "ditunda")} for h in _require_list("hasil", hasil)]
    data = {"periode": periode, "pleno": pleno, "daftar": daftar}
    return terbitkan(ctx, "sk_penetapan", "SK", f"SK penetapan hasil asesmen {periode}", data)


@operator("terbitkan_permohonan_blangko")
def terbitkan_permohonan_blangko(
    ctx: ServiceContext, periode: str, pleno: dict[str, Any], hasil: list[dict[str, Any]]
) -> dict[str, Any]:
    kompeten = {k["username"] for k in pleno.get("keputusan", []) if k.get("keputusan") == "K"}
    daftar = [h for h in _require_list("hasil", hasil) if h["username"] in kompeten]
    data = {"periode": periode, "daftar_kompeten": daftar, "jumlah_blangko": len(daftar)}
    return terbitkan(ctx, "permohonan_blangko", "PB", f"Surat permohonan blangko sertifikat {periode}", data)


@operator("terbitkan_sertifikat")
def terbitkan_sertifikat(
    ctx: ServiceContext, pleno: dict[str, Any], hasil: list[dict[str, Any]], nomor: dict[str, Any]
) -> dict[str, Any]:
    """Certificates for Kompeten candidates only, numbered with BNSP's numbers (never invented)."""
    kompeten = {k["username"] for k in pleno.get("keputusan", []) if k.get("keputusan") == "K"}
    hasil_by_user = {h["username"]: h for h in _require_list("hasil", hasil)}
    nomor_by_user = {s["username"]: s for s in _require_list("sertifikat", nomor.get("sertifikat", []))}
    missing = sorted(kompeten - set(nomor_by_user))
    if missing:
        raise ServiceTaskError(f"no BNSP certificate number for: {', '.join(missing)}")
    not_kompeten = sorted(set(nomor_by_user) - kompeten)
    if not_kompeten:
        raise ServiceTaskError(f"certificate numbers given for candidates not decided K: {', '.join(not_kompeten)}")
    sertifikat = []
    for username in sorted(kompeten):
        n = nomor_by_user[username]
        h = hasil_by_user.get(username, {"username": username})
        sertifikat.append(
            terbitkan(
                ctx,
                "sertifikat",
                None,
                f"Sertifikat kompetensi {h.get('nama') or username}",
                {
                    "peserta": h,
                    "no_sertifikat": n["no_sertifikat"],
                    "no_registrasi": n["no_registrasi"],
                    "no_blangko": n.get("no_blangko"),
                    "terbit": ctx.now.date().isoformat(),
                },
                key=username,
                candidate=username,
                number=n["no_sertifikat"],
            )
        )
    return {"jumlah": len(sertifikat), "dokumen": sertifikat}


@operator("terbitkan_laporan")
def terbitkan_laporan(
    ctx: ServiceContext,
    periode: str,
    target: list[dict[str, Any]],
    hasil: list[dict[str, Any]],
    sertifikasi: dict[str, Any],
    evaluasi: dict[str, Any],
) -> dict[str, Any]:
    hasil = _require_list("hasil", hasil)
    per_skema: dict[str, dict[str, int]] = defaultdict(lambda: {"target": 0, "peserta": 0, "k": 0, "bk": 0})
    for t in _require_list("target", target):
        per_skema[t["skema_kode"]]["target"] += int(t.get("jumlah", 0))
    for h in hasil:
        row = per_skema[h.get("skema_kode", "-")]
        row["peserta"] += 1
        row["k" if h.get("rekomendasi") == "K" else "bk"] += 1
    data = {
        "periode": periode,
        "per_skema": dict(per_skema),
        **_rekap(hasil),
        "jumlah_sertifikat": (sertifikasi.get("sertifikat") or {}).get("jumlah", 0),
        "evaluasi": evaluasi,
    }
    return terbitkan(ctx, "laporan", "LAP", f"Laporan uji kompetensi dan sertifikasi kompetensi {periode}", data)
