"""Checks of SOP step 3 up to the assignment: registrants, FR.APL.01/02, the check of a candidate's
evidence, and the quota decision."""

from typing import Any

from sqlalchemy import select

from api.store.master import Berkas
from api.store.models import Event
from service_tasks import daftar_sertifikat as register
from service_tasks import pas_foto, validator
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData, gabung_nama, proses_list
from service_tasks.format_indonesia import as_date, hari_ini, tanggal
from service_tasks.guards import blank, chunks, object_at, objects
from service_tasks.pemeriksaan._common import (
    unit_skema,
)
from service_tasks.sesi_jadwal import periksa_sesi


@validator("periksa_pendaftar")
def periksa_pendaftar(ctx: ServiceContext, data: dict[str, Any]) -> list[Refusal]:
    m = MasterData(ctx.session)
    refusals: list[Refusal] = []
    daftar = objects(data.get("daftar_pendaftar"))
    if not daftar:
        return [Refusal("daftar_pendaftar", "Isi sekurang-kurangnya satu pendaftar")]
    target_skema = {t.get("skema_nomor") for t in proses_list(ctx.data, "target")}
    aktif = m.peserta_aktif(p.get("username") for p in daftar)
    seen: dict[Any, int] = {}
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
        if username not in aktif:
            refusals.append(
                Refusal(f"daftar_pendaftar.{i}.username", f"{username} tidak terdaftar di data master peserta")
            )
        elif not aktif[username]:
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
    foto_id = apl01.get("pas_foto_berkas_id")
    if isinstance(foto_id, int):
        foto = ctx.session.get(Berkas, foto_id) if 0 < foto_id < pas_foto.BATAS_ID else None
        if (salah := pas_foto.masalah(foto, foto_id, ctx.actor, ctx.instance_id)) is not None:
            refusals.append(Refusal(pas_foto.FIELD, salah))
    pendaftar = object_at(ctx.data, "pendaftar")
    nomor = pendaftar.get("skema_nomor")
    skema = m.skema(nomor)
    if skema is None:
        refusals.append(Refusal("apl02", f"Skema {nomor} pendaftaran ini tidak ada di data master skema"))
        return refusals
    units = unit_skema(skema)
    unit_master = {u.get("kode"): u for u in objects(skema.unit or [])}
    judul = {k: u.get("judul") for k, u in unit_master.items()}
    apl02 = objects(data.get("apl02"))
    dijawab: dict[Any, int] = {}
    for i, a in enumerate(apl02):
        kode = a.get("unit_kode")
        if kode in judul and kode not in dijawab:
            refusals += periksa_elemen(i, unit_master[kode], objects(a.get("elemen")))
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
    # One active certificate per holder and skema: a holder registers again only to be re-certified.
    lama = register.aktif(ctx.session, str(pendaftar.get("username")), skema.nomor, hari_ini(ctx))
    if lama is not None and not register.boleh_sertifikat_kedua(apl01.get("tujuan_asesmen")):
        nama = m.nama(pendaftar.get("username"))
        refusals.append(Refusal("apl01.tujuan_asesmen", register.pesan_aktif(nama, lama)))
    return refusals


def periksa_elemen(i: int, unit: dict[str, Any], jawaban: list[dict[str, Any]]) -> list[Refusal]:
    """FR.APL.02 asks per element: row `i` (unit `unit` of the skema) answers each of the unit's elements once, and
    only its elements (named by their title, as forms/apl01_apl02.json `elemen` offers them)."""
    kode = unit.get("kode")
    nama = f"{kode} ({unit.get('judul')})"
    elemen = [str(e.get("judul")) for e in objects(unit.get("elemen")) if e.get("judul")]
    refusals: list[Refusal] = []
    dijawab: dict[Any, int] = {}
    for j, a in enumerate(jawaban):
        judul = a.get("elemen")
        path = f"apl02.{i}.elemen.{j}.elemen"
        if judul not in elemen:
            refusals.append(Refusal(path, f"{judul} bukan elemen unit {nama}"))
        elif judul in dijawab:
            nomor = elemen.index(judul) + 1
            refusals.append(
                Refusal(path, f"Elemen {nomor} ({judul}) unit {kode} sudah diisi di baris {dijawab[judul] + 1}")
            )
        else:
            dijawab[judul] = j
    kurang = [f"elemen {n} ({e})" for n, e in enumerate(elemen, start=1) if e not in dijawab]
    if kurang:
        refusals.append(
            Refusal(f"apl02.{i}.elemen", f"Asesmen mandiri (FR.APL.02) unit {nama} belum mengisi {gabung_nama(kurang)}")
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
        jendela_sah = mulai is not None and selesai is not None and mulai <= selesai
        refusals.extend(
            periksa_sesi(
                kk.get("sesi"), mulai if jendela_sah else None, selesai if jendela_sah else None, "keputusan_kuota.sesi"
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
