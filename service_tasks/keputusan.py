"""The SOP's decisions, in one place: K/BK per unit and per candidate, the final list of who is Kompeten
(appeals included), who goes on to the assessment after pra-asesmen and who may appeal, the tallies the
documents print and the RAB total.

Validators, document operators and the BPMN (through the operators ``susun_hasil_asesmen``,
``susun_hasil_banding``, ``susun_peserta_banding``, ``tetapkan_kompeten`` and ``susun_peserta_asesmen``)
all ask this module; none decides on its own.
"""

from collections.abc import Iterable
from typing import Any, Literal

from service_tasks import operator
from service_tasks.context import ServiceContext
from service_tasks.guards import objects, require_object, require_objects
from service_tasks.keputusan_tercatat import kompeten_tercatat, pleno_tercatat, sempitkan, tindak_lanjut_disetujui

Rekomendasi = Literal["K", "BK"]
# A decision as a letter, a notification or a record writes it out.
KATA_KEPUTUSAN: dict[str, str] = {"K": "Kompeten (K)", "BK": "Belum Kompeten (BK)"}


# --------------------------------------------------------------------------------------------------
# K/BK


def unit_kompeten(unit: Iterable[dict[str, Any]]) -> bool:
    """Kompeten on a skema: at least one unit assessed, and every unit K."""
    rows = list(unit)
    return bool(rows) and all(u.get("rekomendasi") == "K" for u in rows)


def hasil_kompeten(hasil: dict[str, Any]) -> bool:
    """An assessment result is Kompeten: by its units when it has them, else by its `kompeten` flag."""
    unit = objects(hasil.get("unit"))
    return unit_kompeten(unit) if unit else hasil.get("kompeten") is True


def rekomendasi(hasil: dict[str, Any]) -> Rekomendasi | None:
    """The asesor's K or BK on one result; None for a candidate not assessed (absent or refused FR.AK.01)."""
    if hasil.get("status") not in (None, "dinilai"):
        return None
    if hasil.get("kompeten") is True:
        return "K"
    if hasil.get("kompeten") is False:
        return "BK"
    nilai = hasil.get("rekomendasi")
    return "K" if nilai == "K" else "BK" if nilai == "BK" else None


# The keys under which a document's data records a decision or a recommendation: a pleno's or the tim banding's
# decision (an SK Penetapan's daftar, an SK Banding), an asesor's K/BK per unit and per candidate (FR.AK.02, the
# BA Asesmen, FR.AK.05), a pra-asesmen's recommendation.
KUNCI_KEPUTUSAN = frozenset({"keputusan", "keputusan_pleno", "rekomendasi", "rekomendasi_asesor", "kompeten"})


def keputusan_dalam(data: Any, path: str = "data") -> dict[str, Any]:
    """Every decision a document's data records, by path (`data.daftar.1.keputusan` -> "ditunda"): the text, yes/no
    or absence under a key of `KUNCI_KEPUTUSAN`. A correction may change how a document words things, never these:
    a decision is the process's, kept in its records, which every later step reads."""
    found: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if key in KUNCI_KEPUTUSAN and (value is None or isinstance(value, str | bool)):
                found[f"{path}.{key}"] = value
            else:
                found |= keputusan_dalam(value, f"{path}.{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found |= keputusan_dalam(value, f"{path}.{i}")
    return found


def keputusan_pleno(pleno: dict[str, Any] | None) -> dict[Any, Any]:
    """username -> the pleno's decision (K, BK or ditunda)."""
    return {k.get("username"): k.get("keputusan") for k in objects((pleno or {}).get("keputusan"))}


def diputuskan(pleno: dict[str, Any] | None, keputusan: str) -> list[Any]:
    """The candidates the pleno decided `keputusan`, in the pleno's order."""
    return [k.get("username") for k in objects((pleno or {}).get("keputusan")) if k.get("keputusan") == keputusan]


@operator("susun_hasil_asesmen")
def susun_hasil_asesmen(
    ctx: ServiceContext, peserta: dict[str, Any], penilaian: dict[str, Any], kehadiran: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One candidate's assessment result (step 5): the candidate, K when every unit is K, the units, and the
    day of the assessment as the asesor recorded it with the attendance (with the reason when it lies
    outside the SK Jadwal)."""
    peserta = require_object("peserta", peserta)
    unit = require_object("penilaian", penilaian).get("unit")
    hadir = kehadiran if isinstance(kehadiran, dict) else {}
    return {
        **{k: peserta.get(k) for k in ("username", "skema_nomor", "asesor", "tuk_kode")},
        "status": "dinilai",
        "alasan": "",
        "tanggal": hadir.get("tanggal"),
        "alasan_di_luar_jadwal": hadir.get("alasan_di_luar_jadwal") or "",
        "kompeten": unit_kompeten(objects(unit)),
        "unit": unit,
    }


@operator("susun_hasil_banding")
def susun_hasil_banding(
    ctx: ServiceContext,
    peserta: dict[str, Any],
    asesor_ulang: Any,
    penilaian: dict[str, Any],
    pertimbangan: Any,
    keputusan: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An upheld appeal's result: the re-assessing asesor, the units, and K when the tim banding decided K on the
    re-assessment (`keputusan`, checked against the units: every one K). Without the tim's decision (a
    process version before it), K by the units alone; the final decision reads the database anyway."""
    unit = require_object("penilaian", penilaian).get("unit")
    kompeten = unit_kompeten(objects(unit))
    diputuskan = None
    if keputusan is not None:
        diputuskan = require_object("keputusan", keputusan).get("keputusan")
        kompeten = kompeten and diputuskan == "K"
    return {
        "username": require_object("peserta", peserta).get("username"),
        "status": "diterima",
        "asesor_ulang": asesor_ulang,
        "kompeten": kompeten,
        "keputusan_tim": diputuskan,
        "unit": unit,
        "alasan": pertimbangan,
    }


def setelah_tindak_lanjut(pleno: dict[str, Any] | None, lanjutan: dict[str, Any] | None) -> dict[Any, Any]:
    """username -> the pleno's decision, a postponed (ditunda) one replaced by the follow-up pleno's K or BK
    (`lanjutan`: its `keputusan` rows; a candidate carried to a later batch stays ditunda)."""
    putusan = keputusan_pleno(pleno)
    for k in objects((lanjutan or {}).get("keputusan")):
        if putusan.get(k.get("username")) == "ditunda" and k.get("keputusan") in ("K", "BK"):
            putusan[k.get("username")] = k.get("keputusan")
    return putusan


def peserta_banding(
    hasil: list[dict[str, Any]], pleno: dict[str, Any], batas_banding: Any, lanjutan: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Who may appeal (FR.AK.04): the candidates assessed and decided BK by the pleno, or by the follow-up pleno
    on those it postponed (`lanjutan`; its members then count as the appealed pleno's too)."""
    putusan = setelah_tindak_lanjut(pleno, lanjutan)
    anggota = list(pleno.get("anggota") or [])
    anggota += [a for a in (lanjutan or {}).get("anggota") or [] if a not in anggota]
    return [
        {
            **{k: h.get(k) for k in ("username", "skema_nomor", "asesor", "tuk_kode")},
            "keputusan": putusan.get(h.get("username")),
            "anggota_pleno": anggota,
            "batas_banding": batas_banding,
        }
        for h in hasil
        if h.get("status") == "dinilai" and putusan.get(h.get("username")) == "BK"
    ]


@operator("susun_peserta_banding")
def susun_peserta_banding(
    ctx: ServiceContext, hasil: list[dict[str, Any]], pleno: dict[str, Any], batas_banding: Any
) -> list[dict[str, Any]]:
    """See :func:`peserta_banding`, for the process's `daftar_peserta_banding`: the BK decisions are the
    pleno's and the follow-up pleno's as Kabid Sertifikasi recorded them, so a rewritten `pleno` takes no one's
    appeal away."""
    tercatat = pleno_tercatat(ctx, require_object("pleno", pleno))
    lanjutan = tindak_lanjut_disetujui(ctx.session, ctx.instance_id)
    rapat = {**lanjutan[0].data("pleno_lanjutan"), "keputusan": list(lanjutan[1].values())} if lanjutan else None
    return peserta_banding(require_objects("hasil", hasil), tercatat, batas_banding, rapat)


# --------------------------------------------------------------------------------------------------
# The final Kompeten list


def kompeten_akhir(
    hasil: list[dict[str, Any]],
    pleno: dict[str, Any] | None,
    hasil_banding: list[dict[str, Any]],
    lanjutan: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """Who is Kompeten at the end of step 6: decided K by the pleno (or, for those it postponed, by the follow-up
    pleno `lanjutan`), then those whose appeal was upheld and whose re-assessment was K (with the re-assessing
    asesor and the new units)."""
    putusan = setelah_tindak_lanjut(pleno, lanjutan)
    banding = {b.get("username"): b for b in hasil_banding if b.get("status") == "diterima" and b.get("kompeten")}

    def baris(h: dict[str, Any], asesor: Any, unit: Any, melalui_banding: bool) -> dict[str, Any]:
        return {
            "username": h.get("username"),
            "skema_nomor": h.get("skema_nomor"),
            "asesor": asesor,
            "tuk_kode": h.get("tuk_kode"),
            "unit": unit,
            "melalui_banding": melalui_banding,
        }

    pleno_k = [baris(h, h.get("asesor"), h.get("unit"), False) for h in hasil if putusan.get(h.get("username")) == "K"]
    lewat_banding = [
        baris(h, banding[h.get("username")].get("asesor_ulang"), banding[h.get("username")].get("unit"), True)
        for h in hasil
        if h.get("username") in banding
    ]
    return pleno_k + lewat_banding


def daftar_kompeten(
    kompeten: list[dict[str, Any]] | None, pleno: dict[str, Any] | None, hasil: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The candidates decided competent as a document lists them: `kompeten` (the final list), else the
    pleno's K decisions; each completed from `hasil` (skema etc.)."""
    by_user = {h.get("username"): h for h in hasil}
    if kompeten is not None:
        rows = require_objects("kompeten", kompeten)
    else:
        rows = [{"username": u} for u in diputuskan(pleno, "K")]
    return [{**by_user.get(r.get("username"), {}), **r} for r in rows]


@operator("tetapkan_kompeten", issuing=("penerbitan_sertifikat",))
def tetapkan_kompeten(
    ctx: ServiceContext,
    hasil: list[dict[str, Any]],
    pleno: dict[str, Any],
    hasil_banding: list[dict[str, Any]] | None = None,
    pleno_lanjutan: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The final Kompeten list (see :func:`kompeten_akhir`), for the process's `kompeten`, narrowed to the
    candidates the database records K (the approved SK Penetapan as amended, upheld appeals, the follow-up
    pleno on those postponed)."""
    banding = require_objects("hasil_banding", hasil_banding or [])
    lanjutan = require_object("pleno_lanjutan", pleno_lanjutan) if pleno_lanjutan is not None else None
    rows = kompeten_akhir(require_objects("hasil", hasil), pleno, banding, lanjutan)
    return sempitkan(rows, kompeten_tercatat(ctx))


# --------------------------------------------------------------------------------------------------
# After pra-asesmen (step 3)


def peserta_asesmen(
    peserta_pra: list[dict[str, Any]],
    hasil_pra: list[dict[str, Any]],
    tuk: list[dict[str, Any]],
    penugasan_verifikator: list[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """Who goes on to the assessment (pra-asesmen `lanjut`), who does not (advised training or withdrawn),
    and one TUK to verify per TUK those candidates use, with its verifikator (the first assigned)."""
    hasil = {h.get("username"): h for h in hasil_pra}

    def pra(p: dict[str, Any]) -> dict[str, Any]:
        return hasil.get(p.get("username")) or {}

    def lanjut(p: dict[str, Any]) -> bool:
        return pra(p).get("rekomendasi") == "lanjut"

    kolom = ("username", "skema_nomor", "asesor", "tuk_kode", "sesi")  # ids: names and titles stay in the master data
    asesmen = [{k: p.get(k) for k in kolom} for p in peserta_pra if lanjut(p)]
    tidak_lanjut = [
        {
            **{k: p.get(k) for k in ("username", "skema_nomor", "asesor")},
            "catatan": pra(p).get("catatan"),
        }
        for p in peserta_pra
        if not lanjut(p)
    ]
    dipakai = {p.get("tuk_kode") for p in asesmen}
    verifikator: dict[Any, Any] = {}
    for v in penugasan_verifikator:
        verifikator.setdefault(v.get("tuk_kode"), v.get("verifikator"))
    tuk_verifikasi = [
        {
            "kode": t.get("kode"),
            "nama": t.get("nama"),
            "jenis": t.get("jenis"),
            "alamat": t.get("alamat"),
            "verifikator": verifikator[t.get("kode")],
        }
        for t in tuk
        if t.get("kode") in dipakai and t.get("kode") in verifikator
    ]
    return {"peserta_asesmen": asesmen, "tidak_lanjut": tidak_lanjut, "tuk_verifikasi": tuk_verifikasi}


@operator("susun_peserta_asesmen")
def susun_peserta_asesmen(
    ctx: ServiceContext,
    peserta_pra_asesmen: list[dict[str, Any]],
    hasil_pra_asesmen: list[dict[str, Any]],
    tuk: list[dict[str, Any]],
    penugasan_verifikator: list[dict[str, Any]],
) -> dict[str, list[dict[str, Any]]]:
    """See :func:`peserta_asesmen`; the process unpacks the three lists into its own variables. Like the
    pre-assessment list, the assessment list carries ids (username, skema, asesor, TUK): the candidates' name,
    NIM, prodi and the skema's title are read from the master data where a page or document shows them."""
    return peserta_asesmen(
        require_objects("peserta_pra_asesmen", peserta_pra_asesmen),
        require_objects("hasil_pra_asesmen", hasil_pra_asesmen),
        require_objects("tuk", tuk),
        require_objects("penugasan_verifikator", penugasan_verifikator),
    )


# --------------------------------------------------------------------------------------------------
# Tallies and totals


TIDAK_HADIR = "tidak_hadir"
TIDAK_SETUJU = "tidak_setuju"


def tidak_dinilai(hasil: dict[str, Any]) -> str | None:
    """Why a candidate was not assessed: `tidak_setuju` when present but refusing FR.AK.01 (a refusal, never
    absence), `tidak_hadir` when absent; None for a candidate assessed."""
    if rekomendasi(hasil) is not None:
        return None
    return TIDAK_SETUJU if hasil.get("status") == TIDAK_SETUJU else TIDAK_HADIR


def rekap(hasil: list[dict[str, Any]]) -> dict[str, int]:
    """Candidates; present (assessed, or present and refusing FR.AK.01); assessed; absent; refusing FR.AK.01;
    K and BK among assessment results."""
    rek = [rekomendasi(h) for h in hasil]
    k, bk = rek.count("K"), rek.count("BK")
    alasan = [tidak_dinilai(h) for h in hasil]
    menolak, absen = alasan.count(TIDAK_SETUJU), alasan.count(TIDAK_HADIR)
    return {
        "jumlah_peserta": len(hasil),
        "jumlah_hadir": k + bk + menolak,
        "jumlah_dinilai": k + bk,
        "jumlah_tidak_hadir": absen,
        "jumlah_tidak_setuju": menolak,
        "jumlah_k": k,
        "jumlah_bk": bk,
    }


def jumlah_keputusan(rows: Iterable[dict[str, Any]], keputusan: str) -> int:
    """How many of the pleno's decision rows are `keputusan`."""
    return sum(1 for r in rows if r.get("keputusan") == keputusan)


def jumlah_baris_rab(baris: dict[str, Any]) -> float:
    """One RAB line: volume times unit price."""
    return float(baris.get("volume", 0)) * float(baris.get("harga_satuan", 0))


def total_rab(rab: Iterable[dict[str, Any]]) -> float:
    return sum(jumlah_baris_rab(b) for b in rab)
