"""The certificates of SOP step 6: one per Kompeten candidate, numbered with BNSP's numbers."""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from api.store.db import replayable_token
from api.store.master import Sertifikat
from service_tasks import daftar_sertifikat as register
from service_tasks import operator, pas_foto, snapshot
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import hari_ini
from service_tasks.guards import require_objects
from service_tasks.jenis_dokumen import JENIS_DOKUMEN
from service_tasks.keputusan import daftar_kompeten
from service_tasks.keputusan_tercatat import kompeten_tercatat, sempitkan
from service_tasks.nomor_surat import Terbitan, summary, terbitkan_bernomor
from service_tasks.periode import tambah_tahun

MASA_BERLAKU_BAWAAN = 3  # years, when the LSP profile does not say


@dataclass(frozen=True)
class NomorSertifikat:
    """BNSP's numbers for one candidate's certificate."""

    no_sertifikat: str
    no_registrasi: str
    no_blangko: str | None


def _nomor_per_peserta(nomor: dict[str, Any] | list[dict[str, Any]], kompeten: set[Any]) -> dict[Any, dict[str, Any]]:
    """The `nomor_sertifikat` rows by candidate: each at most once, and only for a Kompeten candidate."""
    baris = nomor.get("sertifikat", []) if isinstance(nomor, dict) else nomor
    found: dict[Any, dict[str, Any]] = {}
    for n in require_objects("nomor.sertifikat", baris):
        if n.get("username") in found:
            raise ServiceTaskError(f"{n.get('username')}: dua nomor sertifikat")
        found[n.get("username")] = n
    bukan = sorted(str(u) for u in set(found) - kompeten)
    if bukan:
        raise ServiceTaskError(
            "sertifikat hanya untuk peserta yang diputuskan kompeten dalam SK yang disetujui Ketua LSP; "
            f"tidak kompeten: {', '.join(bukan)}"
        )
    return found


@dataclass
class Terdaftar:
    """What the register already holds for the numbers of one issuance, read once for all its candidates, and
    the numbers this issuance has used so far (a number twice in one list is caught as in the register)."""

    pola: register.Pola
    bernomor: dict[str, Sertifikat]
    blangko: dict[str, Sertifikat]
    aktif: dict[tuple[str, str], Sertifikat]
    dipakai: dict[str, str] = field(default_factory=dict)  # number or blangko serial -> the holder it went to

    @classmethod
    def baca(cls, ctx: ServiceContext, nomor_by_user: dict[Any, dict[str, Any]]) -> "Terdaftar":
        rows = list(nomor_by_user.values())
        numbers = [str(n.get(k) or "").strip() for n in rows for k in ("no_sertifikat", "no_registrasi")]
        serials = [str(n.get("no_blangko") or "").strip() for n in rows]
        return cls(
            register.pola(ctx.session),
            register.bernomor(ctx.session, [x for x in numbers if x]),
            register.blangko_terpakai(ctx.session, [x for x in serials if x]),
            register.aktif_semua(ctx.session, [str(u) for u in nomor_by_user], hari_ini(ctx)),
        )


def _periksa_nomor(
    ctx: ServiceContext, terdaftar: Terdaftar, username: Any, n: dict[str, Any], skema_nomor: Any
) -> tuple[NomorSertifikat, Sertifikat | None]:
    """The candidate's numbers, filled in, in BNSP's shapes and not used by another certificate, the blangko
    never printed before, no other active certificate of the skema (unless re-certifying); with the row this
    task already inserted for them, if any (a retry). The validator said all this to the user already: here
    it guards the register against a process that skipped it."""
    no_sertifikat = str(n.get("no_sertifikat") or "").strip()
    no_registrasi = str(n.get("no_registrasi") or "").strip()
    if not no_sertifikat or not no_registrasi:
        raise ServiceTaskError(f"{username}: nomor sertifikat dan nomor registrasi BNSP wajib diisi")
    for key, value in (("no_sertifikat", no_sertifikat), ("no_registrasi", no_registrasi)):
        if salah := register.bentuk_salah(terdaftar.pola, key, value):
            raise ServiceTaskError(f"{username}: {salah}")
    row = terdaftar.bernomor.get(no_sertifikat) or terdaftar.bernomor.get(no_registrasi)
    if row is not None and (row.instance_id != ctx.instance_id or row.peserta_username != username):
        pemegang: str | None = row.peserta_username  # another certificate: an earlier period's or another holder's
    else:
        pemegang = next(
            (
                terdaftar.dipakai[x]
                for x in (no_sertifikat, no_registrasi)
                if terdaftar.dipakai.get(x, username) != username
            ),
            None,
        )
    if pemegang is not None:
        raise ServiceTaskError(
            f"{username}: nomor {no_sertifikat} / {no_registrasi} sudah dipakai sertifikat {pemegang}"
        )
    no_blangko = str(n.get("no_blangko") or "").strip() or None
    if row is None:
        if no_blangko is not None and (used := terdaftar.blangko.get(no_blangko)) is not None:
            raise ServiceTaskError(f"{username}: {register.pesan_blangko(no_blangko, used)}")
        if no_blangko is not None and terdaftar.dipakai.get(no_blangko, username) != username:
            raise ServiceTaskError(
                f"{username}: nomor blangko {no_blangko} sudah dipakai sertifikat {terdaftar.dipakai[no_blangko]}: "
                "satu blangko hanya dicetak sekali"
            )
        lama = terdaftar.aktif.get((str(username), str(skema_nomor)))
        # The registration's purpose is read (from the period's history) only for a holder of an active one.
        if lama is not None and not register.boleh_sertifikat_kedua(
            register.tujuan_pendaftaran(ctx.session, ctx.root_id, str(username))
        ):
            raise ServiceTaskError(f"{username}: {register.pesan_aktif(str(username), lama)}")
    for used_now in (no_sertifikat, no_registrasi, no_blangko):
        if used_now is not None:
            terdaftar.dipakai[used_now] = str(username)
    return NomorSertifikat(no_sertifikat, no_registrasi, no_blangko), row


def _sertifikat(
    ctx: ServiceContext,
    m: MasterData,
    d: dict[str, Any],
    nomor: NomorSertifikat,
    row: Sertifikat | None,
    tahun: int,
    foto: dict[str, str] | None,
) -> tuple[Terbitan, Sertifikat]:
    """One candidate's certificate: its document and its `sertifikat` row (the row a retry already inserted, or a
    new one, linked to its document once the batch is issued)."""
    username = str(d.get("username"))
    lsp_data = snapshot.lsp(m)
    peserta = {**snapshot.peserta(m, d), "foto": foto}
    skema = snapshot.skema(m, d.get("skema_nomor"), d.get("skema_judul"), unit=True)
    if not skema["unit"] and d.get("unit"):
        skema["unit"] = [{"kode": u.get("kode"), "judul": u.get("judul")} for u in d["unit"]]
    terbit: date = row.terbit if row is not None else hari_ini(ctx)
    berlaku_sd: date = row.berlaku_sd if row is not None else tambah_tahun(terbit, tahun)
    kode_verifikasi = row.kode_verifikasi if row is not None else replayable_token(12)
    terbitan = Terbitan(
        key=username,
        title=f"Sertifikat kompetensi {peserta['nama'] or username}",
        data={
            "lsp": lsp_data,
            "penandatangan": {**snapshot.ketua(m), "atas_nama": "Badan Nasional Sertifikasi Profesi"},
            "peserta": peserta,
            "skema": {k: v for k, v in skema.items() if k != "unit"},
            "unit": skema["unit"],
            "no_sertifikat": nomor.no_sertifikat,
            "no_registrasi": nomor.no_registrasi,
            "no_blangko": nomor.no_blangko,
            "terbit": terbit.isoformat(),
            "berlaku_sd": berlaku_sd.isoformat(),
            "masa_berlaku_tahun": tahun,
            "tempat": lsp_data.get("kota"),
            "kode_verifikasi": kode_verifikasi,
        },
        number=nomor.no_sertifikat,
        candidate=username,
    )
    if row is None:
        row = Sertifikat(
            kode_verifikasi=kode_verifikasi,
            peserta_username=username,
            nama=str(peserta["nama"] or username),
            skema_nomor=str(skema["nomor"]),
            skema_judul=str(skema["judul"] or ""),
            no_sertifikat=nomor.no_sertifikat,
            no_registrasi=nomor.no_registrasi,
            no_blangko=nomor.no_blangko,
            terbit=terbit,
            berlaku_sd=berlaku_sd,
            status="aktif",
            instance_id=ctx.instance_id,
            root_id=ctx.root_id,
            created_at=ctx.now,
        )
    return terbitan, row


@operator("terbitkan_sertifikat", issuing=("penerbitan_sertifikat",))
def terbitkan_sertifikat(
    ctx: ServiceContext,
    nomor: dict[str, Any] | list[dict[str, Any]],
    kompeten: list[dict[str, Any]] | None = None,
    hasil: list[dict[str, Any]] | None = None,
    pleno: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Certificates for competent candidates only, numbered with BNSP's numbers (never invented).

    `nomor` is the `nomor_sertifikat` form data ({sertifikat: [{username, no_sertifikat, no_registrasi,
    no_blangko}]}) or its list. Every numbered candidate must be in `kompeten` (else the pleno's K) AND be
    recorded K in the SK Penetapan Ketua LSP approved (or by an upheld appeal): the workflow data narrows
    the recorded decisions, never widens them (:mod:`service_tasks.keputusan_tercatat`). Each certificate
    is a document and a `sertifikat` row (with a code for the public verification page).
    """
    m = MasterData(ctx.session)
    daftar = sempitkan(daftar_kompeten(kompeten, pleno, require_objects("hasil", hasil or [])), kompeten_tercatat(ctx))
    by_user = {d.get("username"): d for d in daftar}
    nomor_by_user = _nomor_per_peserta(nomor, set(by_user))
    lsp = m.lsp()
    tahun = (
        int(lsp.masa_berlaku_sertifikat_tahun)
        if lsp is not None and lsp.masa_berlaku_sertifikat_tahun
        else MASA_BERLAKU_BAWAAN
    )
    m.load_peserta(nomor_by_user)
    tanpa_nomor = [u for u in by_user if u not in nomor_by_user]
    terdaftar = Terdaftar.baca(ctx, nomor_by_user)
    foto = pas_foto.foto_peserta(ctx.session, ctx.root_id, [str(u) for u in nomor_by_user])
    # Every candidate's numbers are checked before anything is written; then the documents are issued in one
    # batch and the new register rows inserted in one more (a period's 2,000 certificates in a few statements).
    batch: list[tuple[Any, NomorSertifikat, Terbitan, Sertifikat]] = []
    for username in [u for u in by_user if u in nomor_by_user]:
        skema_nomor = by_user[username].get("skema_nomor")
        nomor_ini, row = _periksa_nomor(ctx, terdaftar, username, nomor_by_user[username], skema_nomor)
        terbitan, row = _sertifikat(ctx, m, by_user[username], nomor_ini, row, tahun, foto.get(str(username)))
        batch.append((username, nomor_ini, terbitan, row))
    docs = terbitkan_bernomor(ctx, JENIS_DOKUMEN["sertifikat"], [t for _, _, t, _ in batch])
    baru = [row for _, _, t, row in batch if row.id is None]
    for row in baru:
        row.document_id = docs[row.peserta_username].id
    if baru:
        ctx.session.add_all(baru)
        ctx.session.flush()
    sertifikat = [summary(docs[t.key]) for _, _, t, _ in batch]
    rows = [
        {
            "username": username,
            "no_sertifikat": nomor_ini.no_sertifikat,
            "no_registrasi": nomor_ini.no_registrasi,
            "kode_verifikasi": row.kode_verifikasi,
            "berlaku_sd": row.berlaku_sd.isoformat(),
            "document_id": docs[t.key].id,
        }
        for username, nomor_ini, t, row in batch
    ]
    return {"jumlah": len(sertifikat), "dokumen": sertifikat, "sertifikat": rows, "tanpa_nomor": tanpa_nomor}
