"""Beside "Membuka pendaftaran" (forms/membuka_pendaftaran.json): a picker over every active candidate for
hundreds of them (search by name or NIM, "pilih semua prodi X", the count chosen against the period's
target per prodi), and the candidates earlier periods carried over to this one (postponed, then carried to a
later batch: the form proposes them first when the period targets their skema). The picker fills the form's
rows as the user's draft (`POST /pendaftaran/{task}/pilihan`, `services.drafts`); the form itself (the
renderer) is what is sent, checked by the form and the SOP validator.
"""

from collections import Counter
from typing import Any

from api.auth import CurrentUser
from api.services import antrian
from api.store.db import Database
from api.ui.konteks import konteks


def _rows(value: Any) -> list[dict[str, Any]]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def skema_per_prodi(target: list[dict[str, Any]]) -> dict[str, list[str]]:
    """The target skema of each prodi (case-insensitive), in the order of the target."""
    out: dict[str, list[str]] = {}
    for t in target:
        prodi, nomor = str(t.get("prodi") or "").strip().casefold(), t.get("skema_nomor")
        if prodi and isinstance(nomor, str) and nomor not in out.setdefault(prodi, []):
            out[prodi].append(nomor)
    return out


def chosen_rows(task: Any) -> list[dict[str, Any]]:
    """The rows the form opens with: the user's draft, else the proposal served with the form."""
    if task.draft is not None and isinstance(task.draft.data, dict) and "daftar_pendaftar" in task.draft.data:
        return _rows(task.draft.data.get("daftar_pendaftar"))
    schema = task.form.schema_ or {}
    return _rows(((schema.get("properties") or {}).get("daftar_pendaftar") or {}).get("default"))


def _skema_titles(task: Any) -> dict[Any, str]:
    schema = task.form.schema_ or {}
    field = (
        (((schema.get("properties") or {}).get("daftar_pendaftar") or {}).get("items") or {}).get("properties") or {}
    ).get("skema_nomor") or {}
    return {c["const"]: c.get("title") or c["const"] for c in field.get("oneOf") or [] if isinstance(c, dict)}


@konteks("membuka_pendaftaran.json", template="pendaftaran_buka.html")
def build(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    target = _rows((task.data or {}).get("target"))
    per_prodi = skema_per_prodi(target)
    titles = _skema_titles(task)
    skema_target = list(dict.fromkeys(n for nomors in per_prodi.values() for n in nomors)) or list(titles)
    chosen: dict[Any, Any] = {r.get("username"): r.get("skema_nomor") for r in chosen_rows(task)}
    peserta = antrian.peserta_pilihan(db, user)
    rows: list[dict[str, Any]] = []
    for i, p in enumerate(peserta):
        own = per_prodi.get(p.prodi.strip().casefold(), [])
        rows.append(
            {
                "i": i,
                "p": p,
                "dipilih": p.username in chosen,
                "skema": chosen.get(p.username) or (own[0] if own else ""),
                "tetap": len(own) == 1,  # the prodi's one target skema: nothing to choose
            }
        )
    by_prodi = Counter(p.prodi for p in peserta)
    chosen_by_prodi = Counter(p.prodi for p in peserta if p.username in chosen)
    targets = [
        {
            "prodi": t.get("prodi"),
            "skema": titles.get(t.get("skema_nomor"), t.get("skema_nomor")),
            "jumlah": t.get("jumlah"),
            "dipilih": chosen_by_prodi.get(str(t.get("prodi")), 0),
        }
        for t in target
    ]
    dibawa = [
        {**d, "di_target": d.get("skema_nomor") in skema_target, "dipilih": d.get("username") in chosen}
        for d in antrian.peserta_dibawa(db, user, task.period_id or task.instance_id)
    ]
    return {
        "task_id": task.id,
        "dibawa": dibawa,
        "baris": rows,
        "prodi": sorted(by_prodi.items()),
        "target": targets,
        "skema_target": [(n, titles.get(n, n)) for n in skema_target],
        "judul_skema": titles,
        "jumlah_dipilih": sum(1 for r in rows if r["dipilih"]),
        "dari_draf": task.draft is not None,
    }
