"""Checks of SOP steps 1 and 2: the target and the plan (schedule, quota, TUK)."""

from datetime import date
from typing import Any

from service_tasks import validator
from service_tasks.context import Refusal, ServiceContext
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import as_date, hari_ini, tanggal
from service_tasks.guards import list_at, object_at, objects
from service_tasks.sesi_jadwal import periksa_sesi


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
                f"Akhir asesmen ({tanggal(d['asesmen_selesai'])}) sebelum mulai asesmen "
                f"({tanggal(d['asesmen_mulai'])})",
            )
        )
    jendela_sah = {"asesmen_mulai", "asesmen_selesai"} <= d.keys() and d["asesmen_mulai"] <= d["asesmen_selesai"]
    refusals.extend(
        periksa_sesi(
            jadwal.get("sesi"),
            d["asesmen_mulai"] if jendela_sah else None,
            d["asesmen_selesai"] if jendela_sah else None,
            "jadwal.sesi",
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

    kode_list = list_at(data, "tuk_kode")
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
    if (
        isinstance(kuota_min, int)
        and kuota_ok
        and seen
        and kapasitas < kuota_min
        and not any(r.field.startswith("tuk_kode.") for r in refusals)
    ):
        refusals.append(
            Refusal(
                "tuk_kode",
                f"Kapasitas TUK yang dipilih ({kapasitas} orang) kurang dari kuota minimum peserta ({kuota_min})",
            )
        )
    return refusals
