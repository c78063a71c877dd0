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
    periods = {
        p.id: p
        for p in session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.steps).where(
                ProcessInstance.id.in_(root_ids)
            )
        )
    }
    people: dict[str, tuple[str, str | None]] = {}
    titles: dict[str, str] = {}
    if subjects:
        people = {
            r.username: (r.full_name, r.nim)
            for r in session.execute(
                select(User.username, User.full_name, Peserta.nim)
                .join(Peserta, Peserta.user_id == User.id)
                .where(User.username.in_(subjects))
            )
        }
        for kode, nama in session.execute(select(Tuk.kode, Tuk.nama).where(Tuk.kode.in_(subjects - set(people)))):
            people.setdefault(kode, (nama, None))
    if nomors:
        titles = {
            r.nomor: r.judul for r in session.execute(select(Skema.nomor, Skema.judul).where(Skema.nomor.in_(nomors)))
        }
    out = []
    for r in rows:
        row = dict(r)
        period = periods.get(row.pop("root_id"))
        name, nim = people.get(row["subject"] or "", (None, None))
        steps = (period.steps or {}) if period is not None else {}
        out.append(
            {
                **row,
                "period_id": period.id if period is not None else None,
                "period_key": period.business_key if period is not None else None,
                "step_name": steps.get(row["step"] or "", {}).get("name"),
                "subject_name": name,
                "subject_nim": nim,
                "skema_judul": titles.get(row["skema"]) if row["skema"] else None,
            }
        )
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
