"""An instance's large data values are kept apart from its state row (api/engine/state_blobs.py): stored once
under their hash, referred to from the state, and read back whole; a client's own data that looks like a
reference is read back as it was sent."""

import json
from typing import Any

from sqlalchemy import func, select

from api.engine import state_blobs
from api.engine.state_blobs import Shrinker
from api.store.db import Database
from api.store.models import StateBlob

PESERTA = [{"username": f"peserta{i:04d}", "skema_nomor": "SKM/LSP-STMI/001/2024", "hasil": "K"} for i in range(200)]


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _workflow(**data: Any) -> dict[str, Any]:
    """The shape of a serialized workflow the state is made of: its data, a task's data, a subprocess's."""
    return {
        "data": dict(data),
        "tasks": {
            "t1": {"state": 64, "data": {"kompeten": data.get("kompeten")}, "internal_data": {}},
            # SpiffWorkflow 3 keeps a task's data as what it changed.
            "t3": {"delta": {"updates": {"kompeten": data.get("kompeten")}, "deletions": ["lama"]}},
        },
        "subprocesses": {"s1": {"data": {}, "tasks": {"t2": {"data": {"salinan": data.get("kompeten")}}}}},
    }


def _store(db: Database, wf: dict[str, Any]) -> tuple[str, Shrinker]:
    shrinker = Shrinker(_dumps)
    text = _dumps(shrinker.shrink(json.loads(_dumps(wf))))
    with db.transaction() as session:
        state_blobs.save(session, shrinker.blobs)
    return text, shrinker


def _blobs(db: Database) -> int:
    with db.reading() as session:
        return int(session.scalar(select(func.count()).select_from(StateBlob)) or 0)


def test_a_collection_held_in_three_places_is_stored_once_and_read_back_whole(db: Database) -> None:
    wf = _workflow(kompeten=PESERTA, hasil_sertifikasi={"kompeten": PESERTA, "jumlah": 200}, periode="2026/1")
    before = _blobs(db)
    text, _ = _store(db, wf)
    # The list (about 14 KB) is one blob; the composite holding it keeps its reference in the state.
    assert _blobs(db) - before == 1
    assert len(text) < 1000
    assert "peserta0199" not in text and '"periode":"2026/1"' in text
    state_blobs.forget()  # read from the database, not from this process's cache
    with db.reading() as session:
        assert state_blobs.loads(session, text) == wf


def test_saving_the_same_data_again_writes_nothing_and_a_changed_value_one_blob(db: Database) -> None:
    wf = _workflow(kompeten=PESERTA)
    _store(db, wf)
    with db.reading() as session:  # a load makes the hashes known to this process
        state_blobs.loads(session, _store(db, wf)[0])
    after_first = _blobs(db)
    _store(db, wf)
    assert _blobs(db) == after_first
    changed = [*PESERTA[:-1], {**PESERTA[-1], "hasil": "BK"}]
    _store(db, _workflow(kompeten=changed))
    assert _blobs(db) == after_first + 1


def test_a_clients_data_shaped_like_a_reference_is_read_back_as_it_was_sent(db: Database) -> None:
    tricky = {"\x00blob": "0" * 64}
    nested = {"\x00esc": [["a", 1]], "lain": {"\x00blob": "x"}}
    wf = _workflow(kecil=tricky, besar=[{"n": i, "isi": tricky, "juga": nested} for i in range(100)], dalam=nested)
    text, shrinker = _store(db, wf)
    assert len(shrinker.blobs) == 1
    state_blobs.forget()
    with db.reading() as session:
        assert state_blobs.loads(session, text) == wf


def test_a_state_written_before_values_were_kept_apart_reads_as_it_is(db: Database) -> None:
    old = _dumps(_workflow(kompeten=PESERTA))
    with db.reading() as session:
        assert state_blobs.loads(session, old) == _workflow(kompeten=PESERTA)


def test_saving_leaves_the_live_workflows_data_as_it_was() -> None:
    # The serializer hands over a root task's own data dict: references go into the state, never into it.
    live = {"kompeten": PESERTA, "periode": "2026/1"}
    dct = {"data": {}, "tasks": {"root": {"data": live, "delta": {}}}, "subprocesses": {}}
    shrunk = Shrinker(_dumps).shrink(dct)
    assert live == {"kompeten": PESERTA, "periode": "2026/1"}
    assert "\x00blob" in shrunk["tasks"]["root"]["data"]["kompeten"]
