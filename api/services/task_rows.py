"""Who and what an inbox row is about, for a page of tasks: the period, the SOP step's name, the subject's
name and NIM (or the TUK's name), the skema's title.

A bounded number of queries per page (the periods, the candidates, the TUKs, the skema of the page's
rows), never one per row.
"""

from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from api.store.master import Peserta, Skema, Tuk
from api.store.models import ProcessInstance, User


def describe(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows (with `root_id`, `step`, `subject`, `skema`) with `period_id`, `period_key`, `step_name`,
    `subject_name`, `subject_nim`, `skema_judul` in place of `root_id`."""
    if not rows:
        return rows
    root_ids = {r["root_id"] for r in rows}
    subjects = {r["subject"] for r in rows if r["subject"]}
    nomors = {r["skema"] for r in rows if r["skema"]}
    # Core execution (column statements: the ORM's loading steps would only add time).
    db = session.connection()
    periods = {
        id_: (key, steps or {})
        for id_, key, steps in db.execute(
            select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.steps).where(
                ProcessInstance.id.in_(root_ids)
            )
        )
    }
    people: dict[str, tuple[str, str | None]] = {}
    titles: dict[str, str] = {}
    if subjects:
        people = {
            username: (full_name, nim)
            for username, full_name, nim in db.execute(
                select(User.username, User.full_name, Peserta.nim)
                .join(Peserta, Peserta.user_id == User.id)
                .where(User.username.in_(subjects))
            )
        }
        for kode, nama in db.execute(select(Tuk.kode, Tuk.nama).where(Tuk.kode.in_(subjects - set(people)))):
            people.setdefault(kode, (nama, None))
    if nomors:
        found = db.execute(select(Skema.nomor, Skema.judul).where(Skema.nomor.in_(nomors)))
        titles = {nomor: judul for nomor, judul in found}
    no_period: tuple[None, dict[str, Any]] = (None, {})
    out = []
    for r in rows:
        row = dict(r)
        root_id = row.pop("root_id")
        period_key, steps = periods.get(root_id, no_period)
        name, nim = people.get(row["subject"] or "", (None, None))
        row["period_id"] = root_id if root_id in periods else None
        row["period_key"] = period_key
        row["step_name"] = steps.get(row["step"] or "", {}).get("name")
        row["subject_name"] = name
        row["subject_nim"] = nim
        row["skema_judul"] = titles.get(row["skema"]) if row["skema"] else None
        out.append(row)
    return out


def like_pattern(text: str) -> str:
    """`text` as a case-insensitive LIKE pattern matching it anywhere (a wildcard in it is a plain character)."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def subjects_named() -> Select[tuple[str]]:
    """The subjects (candidates' usernames, TUK codes) whose name, NIM, username, TUK name or code matches
    the parameter `q` (a `like_pattern`): searched in the master data, small next to the open tasks."""

    def contains(column: Any) -> ColumnElement[bool]:
        return func.lower(column).like(bindparam("q"), escape="\\")

    candidates = (
        select(User.username)
        .join(Peserta, Peserta.user_id == User.id)
        .where(or_(contains(User.username), contains(User.full_name), contains(Peserta.nim)))
    )
    tuks = select(Tuk.kode).where(or_(contains(Tuk.kode), contains(Tuk.nama)))
    return candidates.union(tuks)  # type: ignore[return-value]
