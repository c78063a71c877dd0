"""Beside the evidence check (forms/memeriksa_berkas.json): the candidate's FR.APL.01 and each evidence item
shown inline (an image, a PDF in a same-origin frame served by `/berkas/{id}/lihat`), with the earlier check's
verdict when the registration was returned; a summary of the FR.APL.02 self-assessment.

Only the files the candidate uploaded in the period and the user may read are shown
(`services.antrian.bukti_pemeriksaan`): an id of someone else's file in the data shows nothing.
"""

import functools
import json
from typing import Any

from api.auth import CurrentUser
from api.services import antrian
from api.settings import PROJECT_ROOT
from api.store.db import Database
from api.ui.konteks import konteks


@functools.cache
def _judul_apl() -> dict[str, dict[Any, str]]:
    """The titles of the APL's choices (tujuan asesmen, jenis bukti), from its form file."""
    try:
        form = json.loads((PROJECT_ROOT / "forms" / "apl01_apl02.json").read_text(encoding="utf-8"))
        apl01 = form["properties"]["apl01"]["properties"]
        pilihan = {
            "tujuan": apl01["tujuan_asesmen"]["oneOf"],
            "jenis": apl01["bukti"]["items"]["properties"]["jenis"]["oneOf"],
        }
        return {k: {c["const"]: c["title"] for c in v} for k, v in pilihan.items()}
    except (OSError, KeyError, TypeError, ValueError):
        return {"tujuan": {}, "jenis": {}}


def _dibaca(kode: Any) -> str:
    return str(kode or "").replace("_", " ").capitalize()


STATUS: dict[Any, str] = {
    "ada_memenuhi": "Ada dan memenuhi syarat",
    "ada_tidak_memenuhi": "Ada tetapi tidak memenuhi syarat",
    "tidak_ada": "Tidak ada",
}
KEPUTUSAN: dict[Any, str] = {
    "diterima": "Diterima",
    "dikembalikan": "Dikembalikan untuk direvisi",
    "ditolak": "Ditolak",
}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


@konteks("memeriksa_berkas.json", template="pemeriksaan.html")
def build(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    data = _dict(task.data)
    pendaftar = _dict(data.get("pendaftar"))
    if isinstance(pendaftar.get("username"), str):  # the period hands ids: name, NIM, prodi from the master data
        pendaftar = antrian.data_peserta(db, [pendaftar])[0]
    apl01 = _dict(data.get("apl01"))
    candidate = task.subject or pendaftar.get("username")
    judul = _judul_apl()
    earlier = _dict(data.get("pemeriksaan"))
    earlier_items: dict[Any, dict[str, Any]] = {b.get("berkas_id"): b for b in _list(earlier.get("bukti"))}
    earlier_by_name: dict[Any, dict[str, Any]] = {b.get("nama"): b for b in _list(earlier.get("bukti"))}
    items = _list(apl01.get("bukti"))
    ids = [b["berkas_id"] for b in items if isinstance(b.get("berkas_id"), int)]
    foto = apl01.get("pas_foto_berkas_id")
    if isinstance(foto, int):
        ids.append(foto)
    files = antrian.bukti_pemeriksaan(db, user, task.period_id or task.instance_id, candidate, ids)
    bukti = []
    for i, b in enumerate(items):
        # The earlier verdict on this item: by its file, else (a file replaced in the revision) by its name.
        before = _dict(earlier_items.get(b.get("berkas_id")) or earlier_by_name.get(b.get("nama")))
        bukti.append(
            {
                "nomor": i + 1,
                "indeks": i,
                "nama": b.get("nama") or f"Bukti {i + 1}",
                "jenis": judul["jenis"].get(b.get("jenis"), _dibaca(b.get("jenis"))) if b.get("jenis") else "",
                "berkas": files.get(b["berkas_id"]) if isinstance(b.get("berkas_id"), int) else None,
                "sebelumnya": STATUS.get(before.get("status"), "") if before else "",
                "catatan_sebelumnya": before.get("catatan") or "",
            }
        )
    # Per unit: K when every element the candidate answered is K (a submission answering per unit keeps its answer).
    apl02 = [
        {
            **u,
            "elemen": _list(u.get("elemen")),
            "kompeten": u["kompeten"]
            if isinstance(u.get("kompeten"), bool)
            else bool(_list(u.get("elemen"))) and all(e.get("kompeten") is True for e in _list(u.get("elemen"))),
        }
        for u in _list(data.get("apl02"))
    ]
    pekerjaan = {k: v for k, v in _dict(apl01.get("pekerjaan")).items() if v}
    return {
        "task_id": task.id,
        "terbuka": task.state == "ready",
        "peserta": {
            "nama": pendaftar.get("nama") or task.subject_name or candidate,
            "nim": pendaftar.get("nim") or task.subject_nim,
            "prodi": pendaftar.get("prodi"),
            "skema": pendaftar.get("skema_judul") or task.skema_judul,
            "skema_nomor": pendaftar.get("skema_nomor") or task.skema,
        },
        "tujuan": judul["tujuan"].get(apl01.get("tujuan_asesmen"), _dibaca(apl01.get("tujuan_asesmen"))),
        "pendidikan": apl01.get("pendidikan"),
        "pekerjaan": pekerjaan,
        "pas_foto": files.get(foto) if isinstance(foto, int) else None,
        "bukti": bukti,
        "sebelumnya": {
            "keputusan": KEPUTUSAN.get(earlier.get("keputusan"), ""),
            "alasan": earlier.get("alasan") or "",
        }
        if earlier.get("keputusan")
        else None,
        "apl02": apl02,
        "apl02_k": sum(1 for u in apl02 if u.get("kompeten") is True),
    }
