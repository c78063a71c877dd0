"""Synthetic padding for the latency bench: open `human_task` rows bulk inserted to reach N open tasks.

The rows are SYNTHETIC, inserted only to give the inbox its size; see bench/README.md ("How N open
tasks are reached").
"""

from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from harness import open_task_count
from sqlalchemy import delete, insert, select, text

from api import seed
from api.engine.process_models import MODELS, properties
from api.services.instances import latest_definitions
from api.store.db import Database
from api.store.models import LANE_ROLES, HumanTask, ProcessInstance

PAD_CHUNK = 5000


# --- synthetic padding ----------------------------------------------------------------------
@dataclass
class Template:
    process_key: str
    element_id: str
    name: str
    lane: str
    role: str
    form: str | None
    ui_form: str | None
    sop_step: str | None
    narrowed: bool  # the task carries an `assignee` expression: narrowed to one user


class Padding:
    """Synthetic open tasks, bulk inserted to bring the `human_task` table to N ready rows.

    Each row copies a real row (the first task of a started instance: its columns and context) and
    takes its element, name, lane, role and forms from one of the shipped processes' user tasks, so
    rows spread over the six lanes; tasks whose BPMN narrows them (`assignee`) go to many distinct
    users (peserta: ~3 tasks per candidate, asesor: ~40 per asesor), the demo users among them.
    They point at real instances the bench has finished measuring, so no measured request loads them."""

    def __init__(self, db: Database, seed_value: int = 42) -> None:
        self.db = db
        self.ids: list[str] = []
        self.rng = random.Random(seed_value)
        self.templates: dict[str, list[Template]] = {}
        self.base: dict[str, Any] | None = None

    def _load_templates(self) -> None:
        with self.db.reading() as session:
            seen: set[tuple[str, str]] = set()
            for definition in latest_definitions(session):
                model = MODELS.get(session, definition)
                # A caller's subprocess_specs repeat its called processes: count each user task once.
                specs = [model.spec, *model.subprocess_specs.values()]
                for spec in specs:
                    for ts in spec.task_specs.values():
                        lane = getattr(ts, "lane", None)
                        if not getattr(ts, "manual", False) or lane not in LANE_ROLES:
                            continue
                        if (spec.name, ts.name) in seen:
                            continue
                        seen.add((spec.name, ts.name))
                        props = properties(ts)
                        self.templates.setdefault(lane, []).append(
                            Template(
                                process_key=spec.name,
                                element_id=ts.bpmn_id or ts.name,
                                name=ts.bpmn_name or ts.bpmn_id or ts.name,
                                lane=lane,
                                role=LANE_ROLES[lane],
                                form=props.get("formJsonSchemaFilename"),
                                ui_form=props.get("formUiSchemaFilename"),
                                sop_step=props.get("sopStep"),
                                narrowed=bool(props.get("assignee")),
                            )
                        )
            real = session.scalars(select(HumanTask).order_by(HumanTask.created_at).limit(1)).first()
            assert real is not None, "padding needs one real task to copy"
            self.base = {c.key: getattr(real, c.key) for c in HumanTask.__mapper__.column_attrs}

    def _users(self, role: str, count: int) -> list[str]:
        demo = [u for u, _, roles in seed.DEMO_USERS if role in roles]
        per_user = {"peserta": 3, "asesor": 40}.get(role, 20)
        synthetic = [f"bench_{role}_{i:05d}" for i in range(max(1, count // per_user))]
        return demo + synthetic

    def fill_to(self, target: int) -> tuple[int, float]:
        """Insert or delete synthetic rows until exactly `target` tasks are open. Returns (delta, seconds)."""
        t0 = time.perf_counter()
        current = open_task_count(self.db)
        delta = target - current
        if delta > 0:
            self._insert(delta)
        elif delta < 0:
            drop = min(-delta, len(self.ids))
            gone, self.ids = self.ids[len(self.ids) - drop :], self.ids[: len(self.ids) - drop]
            with self.db.transaction() as session:
                for i in range(0, len(gone), PAD_CHUNK):
                    session.execute(delete(HumanTask).where(HumanTask.id.in_(gone[i : i + PAD_CHUNK])))
        if self.db.is_postgres:  # autovacuum would analyze a table after such a bulk change within a minute
            with self.db.engine.connect() as conn:
                conn.execute(text("ANALYZE human_task"))
                conn.commit()
        return delta, time.perf_counter() - t0

    def _insert(self, count: int) -> None:
        if self.base is None:
            self._load_templates()
        assert self.base is not None
        with self.db.reading() as session:
            instance_ids = list(
                session.scalars(select(ProcessInstance.id).where(ProcessInstance.status == "cancelled"))
            )
        assert instance_ids, "padding needs finished (retired) real instances to point at"
        rng = self.rng
        lanes = sorted(self.templates)
        per_lane = count // len(lanes) + 1
        users = {LANE_ROLES[lane]: self._users(LANE_ROLES[lane], per_lane) for lane in lanes}
        now = datetime.now(UTC)
        rows = []
        for _ in range(count):
            lane = lanes[rng.randrange(len(lanes))]
            t = rng.choice(self.templates[lane])
            created = now - timedelta(seconds=rng.uniform(0, 90 * 86400))
            due = None if rng.random() < 0.05 else created + timedelta(seconds=rng.uniform(1, 21) * 86400)
            pool = users[t.role]
            assignee = rng.choice(pool) if t.narrowed else None
            claimed = rng.choice(pool) if rng.random() < 0.03 else None
            iid = rng.choice(instance_ids)
            tid = str(uuid.uuid4())
            self.ids.append(tid)
            rows.append(
                {
                    **self.base,
                    "id": tid,
                    "instance_id": iid,
                    "root_id": iid,
                    "process_key": t.process_key,
                    "business_key": f"BENCH-PAD-{iid}",
                    "element_id": t.element_id,
                    "name": t.name,
                    "lane": t.lane,
                    "role": t.role,
                    "assignee": assignee,
                    "claimed_by": claimed,
                    "form": t.form,
                    "ui_form": t.ui_form,
                    "sop_step": t.sop_step,
                    "state": "ready",
                    "created_at": created,
                    "due_at": due,
                    "completed_at": None,
                    "completed_by": None,
                }
            )
        with self.db.transaction() as session:
            for i in range(0, len(rows), PAD_CHUNK):
                session.execute(insert(HumanTask), rows[i : i + PAD_CHUNK])
