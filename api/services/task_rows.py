"""Who and what an inbox row is about, for a page of tasks: the period, the SOP step's name, the subject's
name and NIM (or the TUK's name, or the asesor's name), the skema's title.

A bounded number of queries per page (the periods, the candidates, the TUKs, the skema of the page's
rows), never one per row.
"""

from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from api.store.master import Peserta, Skema, Tuk
from api.store.models import ProcessInstance, User


def describe(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows (with `root_id`, `step`, `subject`, `skema`) with `period_id`, `period_key`, `step_name`,
    `subject_name`, `subject_nim`, `skema_judul` in place of `root_id`."""
    if not rows:
        return rows
    subjects = {r["subject"] for r in rows if r["subject"]}
    nomors = {r["skema"] for r in rows if r["skema"]}
    # Core execution (column statements: the ORM's loading steps would only add time).
    db = session.connection()
    periods = _periods(session, {(r["root_id"], r["step"]) for r in rows})
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
        # An asesor (a task per asesor: their FR.AK.05, their review of a postponed candidate's evidence).
        if others := subjects - set(people):
            for username, full_name in db.execute(
                select(User.username, User.full_name).where(User.username.in_(others))
            ):
                people.setdefault(username, (full_name, None))
    if nomors:
        found = db.execute(select(Skema.nomor, Skema.judul).where(Skema.nomor.in_(nomors)))
        titles = {nomor: judul for nomor, judul in found}
    out = []
    for r in rows:
        row = dict(r)
        root_id = row.pop("root_id")
        period = periods.get(root_id)
        name, nim = people.get(row["subject"] or "", (None, None))
        row["period_id"] = root_id if period is not None else None
        row["period_key"] = period.key if period is not None else None
        row["step_name"] = period.step_names.get(row["step"] or "") if period is not None else None
        row["subject_name"] = name
        row["subject_nim"] = nim
        row["skema_judul"] = titles.get(row["skema"]) if row["skema"] else None
        out.append(row)
    return out


@dataclass(frozen=True)
class _Period:
    key: str | None
    step_names: dict[str, str | None]


# What a page says about its periods, kept per database and process: a period's business key never changes
# and a step's name is written once, when the step starts (api/engine/projections.py), so an entry is only
# read again for a step it does not know yet. Reading and parsing the periods' steps was most of a page's cost.
_PERIODS: "WeakKeyDictionary[Any, dict[int, _Period]]" = WeakKeyDictionary()
PERIODS_KEPT = 10_000


def _periods(session: Session, wanted: set[tuple[int, str | None]]) -> dict[int, _Period]:
    """The periods (root instances) of a page's rows, with the names of their steps the rows name."""
    known = _PERIODS.setdefault(session.get_bind(), {})
    missing = {
        root_id
        for root_id, step in wanted
        if root_id not in known or (step is not None and step not in known[root_id].step_names)
    }
    if missing:
        if len(known) + len(missing) > PERIODS_KEPT:
            known.clear()
        found = session.connection().execute(
            select(ProcessInstance.id, ProcessInstance.business_key, ProcessInstance.steps).where(
                ProcessInstance.id.in_(missing)
            )
        )
        for id_, key, steps in found:
            known[id_] = _Period(key, {step: s.get("name") for step, s in (steps or {}).items()})
        # A step the rows name that their period (read in the rows' own transaction) has not noted is one it never
        # will: a step is noted in the transaction that creates its first task (or starts its child), or never
        # (no time standard). Kept as known, without a name, so such a row does not make every page read again.
        for root_id, step in wanted:
            if root_id in missing and root_id in known and step is not None:
                known[root_id].step_names.setdefault(step, None)
    return {root_id: known[root_id] for root_id, _ in wanted if root_id in known}


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
