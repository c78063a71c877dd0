"""Beside "Menugaskan asesor dan verifikator TUK" (forms/menugaskan_asesor.json): per accepted candidate the
proposed (or drafted) asesor, TUK and session, how many asesor may assess them, each asesor's load against the
LSP's ratio ("7/10") and the candidates per session and TUK. The pickers in the form offer only the eligible
(`x-sumber`); the validator decides."""

from collections import Counter
from typing import Any

from api.auth import CurrentUser
from api.services import antrian
from api.store.db import Database
from api.ui.konteks import konteks


def _rows(value: Any) -> list[dict[str, Any]]:
    return [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []


def _field(schema: dict[str, Any], *path: str) -> dict[str, Any]:
    node: Any = schema
    for key in path:
        node = (node.get("properties") or {}).get(key) if key != "*" else node.get("items")
        if not isinstance(node, dict):
            return {}
    return node


def _titles(field: dict[str, Any]) -> dict[Any, str]:
    return {c["const"]: str(c.get("title") or c["const"]) for c in field.get("oneOf") or [] if isinstance(c, dict)}


def eligible_per_candidate(row_schema: dict[str, Any], field: str) -> dict[Any, int]:
    """How many choices of `field` each candidate has, from the row's per-candidate conditions (`allOf` of
    if/then the served form carries, api/engine/form_sources.py)."""
    out: dict[Any, int] = {}
    for rule in row_schema.get("allOf") or []:
        test = (((rule.get("if") or {}).get("properties") or {}).get("username") or {}).get("enum") or []
        then = (((rule.get("then") or {}).get("properties") or {}).get(field) or {}).get("oneOf") or []
        for username in test:
            out[username] = len(then)
    return out


@konteks("menugaskan_asesor.json", template="penugasan.html")
def build(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    schema = task.form.schema_ or {}
    draft = task.draft.data if task.draft is not None and isinstance(task.draft.data, dict) else {}
    field = _field(schema, "penugasan_asesor")
    rows = _rows(draft.get("penugasan_asesor") if "penugasan_asesor" in draft else field.get("default"))
    by_candidate = {r.get("username"): r for r in rows}
    row_schema = field.get("items") or {}
    asesor_titles = _titles(_field(schema, "penugasan_asesor", "*", "asesor"))
    tuk_titles = _titles(_field(schema, "penugasan_asesor", "*", "tuk_kode"))
    sesi_titles = _titles(_field(schema, "penugasan_asesor", "*", "sesi"))
    eligible = eligible_per_candidate(row_schema, "asesor")
    data = task.data or {}
    diterima = [dict(p) for p in _rows(data.get("pendaftar_diterima")) or _rows(data.get("daftar_pendaftar_diterima"))]
    rasio = antrian.rasio_asesor(db)
    load = Counter(r.get("asesor") for r in rows if r.get("asesor"))
    names: dict[Any, str] = dict(antrian.nama_pengguna(db, {str(a) for a in load} | {str(a) for a in asesor_titles}))
    titles = antrian.judul_skema(db, {str(p.get("skema_nomor")) for p in diterima if p.get("skema_nomor")})
    for p in diterima:
        p["skema_judul"] = p.get("skema_judul") or titles.get(str(p.get("skema_nomor")))
    skema_of: dict[Any, set[str]] = {}
    for p in diterima:
        a = (by_candidate.get(p.get("username")) or {}).get("asesor")
        if a:
            skema_of.setdefault(a, set()).add(str(p.get("skema_judul") or p.get("skema_nomor") or ""))
    beban = [
        {
            "nama": names.get(a, a),
            "jumlah": load.get(a, 0),
            "lebih": load.get(a, 0) > rasio,
            "skema": sorted(skema_of.get(a, set())),
        }
        for a in sorted(set(asesor_titles) | set(load), key=lambda a: (-load.get(a, 0), names.get(a, a)))
    ]
    peserta = [
        {
            "nama": p.get("nama") or p.get("username"),
            "nim": p.get("nim"),
            "prodi": p.get("prodi"),
            "skema": p.get("skema_judul") or p.get("skema_nomor"),
            "asesor": names.get(a, a) if (a := (by_candidate.get(p.get("username")) or {}).get("asesor")) else "",
            "tuk": tuk_titles.get(t, t) if (t := (by_candidate.get(p.get("username")) or {}).get("tuk_kode")) else "",
            "sesi": sesi_titles.get(s, s) if (s := (by_candidate.get(p.get("username")) or {}).get("sesi")) else "",
            "memenuhi": eligible.get(p.get("username")),
        }
        for p in diterima
    ]
    tuk = Counter(r.get("tuk_kode") for r in rows if r.get("tuk_kode"))
    per_sesi = Counter((r.get("sesi"), r.get("tuk_kode")) for r in rows if r.get("sesi") and r.get("tuk_kode"))
    return {
        "rasio": rasio,
        "beban": beban,
        "peserta": peserta,
        "tuk": [(tuk_titles.get(kode, kode), n) for kode, n in sorted(tuk.items())],
        # candidates per session and TUK (a TUK holds its capacity in each session; the validator checks it)
        "sesi": [
            (sesi_titles.get(s, f"Sesi {s}"), tuk_titles.get(kode, kode), n)
            for (s, kode), n in sorted(per_sesi.items(), key=lambda item: (str(item[0][0]).zfill(4), str(item[0][1])))
        ],
        "dari_draf": "penugasan_asesor" in draft,
        "tanpa_asesor": sum(1 for p in peserta if not p["asesor"]),
    }
