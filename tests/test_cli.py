"""The `ujikom` command line, run in-process against a temporary SQLite database."""

import logging
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import create_engine, func, select, update

from api import cli
from api.settings import PROJECT_ROOT, get_settings
from api.store.models import Deployment, ProcessDefinition, User
from tests.support import sop
from tests.support.api import Api

BAD_CONDITION = '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">periode ==</bpmn:conditionExpression>'
START_FLOW = '<bpmn:sequenceFlow id="flow_mulai_menetapkan_target" sourceRef="mulai" targetRef="menetapkan_target"/>'


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in (
        "UJIKOM_ENV",
        "UJIKOM_SECRET_KEY",
        "UJIKOM_PUBLIC_BASE_URL",
        "UJIKOM_PROCESSES_DIR",
        "UJIKOM_FORMS_DIR",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("UJIKOM_DATABASE_URL", url)
    monkeypatch.setenv("UJIKOM_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def _count(url: str, model: Any) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(model)).scalar_one()
    finally:
        engine.dispose()


@pytest.fixture
def seeded(database: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["db", "upgrade"]) == 0
    assert cli.main(["seed-demo"]) == 0
    capsys.readouterr()
    return database


@pytest.fixture
def broken_copy(tmp_path: Path) -> tuple[Path, int]:
    """processes/ and forms/ side by side, with an invalid condition on the SOP's first flow."""
    processes = tmp_path / "copy" / "processes"
    shutil.copytree(PROJECT_ROOT / "processes", processes)
    shutil.copytree(PROJECT_ROOT / "forms", tmp_path / "copy" / "forms")
    bpmn = processes / "uji_kompetensi.bpmn"
    text = bpmn.read_text()
    assert text.count(START_FLOW) == 1
    bpmn.write_text(text.replace(START_FLOW, START_FLOW[:-2] + ">" + BAD_CONDITION + "</bpmn:sequenceFlow>"))
    line = next(i for i, s in enumerate(bpmn.read_text().splitlines(), 1) if 'id="flow_mulai_menetapkan_target"' in s)
    return processes, line


def test_db_upgrade_then_seed_demo_twice_deploys_only_once(database: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["db", "upgrade"]) == 0
    assert "latest schema" in capsys.readouterr().out
    assert cli.main(["seed-demo"]) == 0
    out = capsys.readouterr().out
    assert "demo users created: 50" in out and "deployment: 1" in out
    assert cli.main(["seed-demo"]) == 0
    out = capsys.readouterr().out
    assert "demo users created: 0" in out
    assert "processes already deployed, unchanged" in out
    assert _count(database, Deployment) == 1
    assert _count(database, ProcessDefinition) == 9
    assert cli.main(["db", "upgrade"]) == 0  # idempotent


def test_validate_accepts_the_shipped_processes(seeded: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["validate", str(PROJECT_ROOT / "processes")]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "valid"
    assert " galat: " not in captured.err


def test_validate_reports_file_line_element_and_message_and_exits_1(
    seeded: str, broken_copy: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    processes, line = broken_copy
    assert cli.main(["validate", str(processes)]) == 1
    err = capsys.readouterr().err
    expected = (
        f"uji_kompetensi.bpmn:{line}: [flow_mulai_menetapkan_target] galat: "
        "Kondisi ini bukan ekspresi Python yang sah: baris 1: sintaks tidak sah"
    )
    assert expected in err
    assert "1 error(s); fix them before deploying" in err


def test_deploy_of_a_broken_file_exits_1_and_deploys_nothing(
    seeded: str, broken_copy: tuple[Path, int], capsys: pytest.CaptureFixture[str]
) -> None:
    processes, line = broken_copy
    assert cli.main(["deploy", str(processes / "uji_kompetensi.bpmn"), "--user", "tester"]) == 1
    err = capsys.readouterr().err
    assert f"uji_kompetensi.bpmn:{line}: [flow_mulai_menetapkan_target] galat: Kondisi ini bukan ekspresi" in err
    assert "nothing was deployed" in err
    assert _count(seeded, Deployment) == 1
    assert _count(seeded, ProcessDefinition) == 9


def test_deploy_of_a_changed_file_makes_a_new_version(
    seeded: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bpmn = tmp_path / "uji_kompetensi.bpmn"
    text = (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text()
    bpmn.write_text(text.replace('name="Menetapkan target uji kompetensi"', 'name="Menetapkan target lulusan"'))
    assert cli.main(["deploy", str(bpmn)]) == 0
    assert capsys.readouterr().out.strip() == "deployment 2: uji_kompetensi v2"


@pytest.fixture
def no_server(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(kw))
    return started


def test_serve_refuses_production_while_demo_users_exist(
    seeded: str, monkeypatch: pytest.MonkeyPatch, no_server: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UJIKOM_ENV", "production")
    monkeypatch.setenv("UJIKOM_SECRET_KEY", "a-long-random-production-secret-0123456789abcdef")
    monkeypatch.setenv("UJIKOM_PUBLIC_BASE_URL", "https://lsp.stmi.example.ac.id")
    get_settings.cache_clear()
    assert cli.main(["serve"]) == 2
    assert "refusing to serve in production with demo users present" in capsys.readouterr().err
    assert no_server == []


def test_serve_refuses_production_without_a_secret_or_a_public_address_and_serves_once_all_are_fixed(
    seeded: str, monkeypatch: pytest.MonkeyPatch, no_server: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    engine = create_engine(seeded)
    with engine.begin() as conn:
        conn.execute(update(User).where(User.is_demo.is_(True)).values(active=False))
    engine.dispose()
    monkeypatch.setenv("UJIKOM_ENV", "production")
    get_settings.cache_clear()
    assert cli.main(["serve"]) == 2
    assert "UJIKOM_SECRET_KEY is not set" in capsys.readouterr().err
    assert no_server == []

    monkeypatch.setenv("UJIKOM_SECRET_KEY", "a-long-random-production-secret-0123456789abcdef")
    get_settings.cache_clear()
    # The default public address is this machine's own: no certificate's QR code may point there.
    assert cli.main(["serve"]) == 2
    assert (
        "ujikom serve: refusing to start in production: UJIKOM_PUBLIC_BASE_URL is http://127.0.0.1:8000: a "
        "certificate's QR code and verification address would point at this machine itself"
    ) in capsys.readouterr().err
    assert no_server == []

    monkeypatch.setenv("UJIKOM_PUBLIC_BASE_URL", "https://lsp.stmi.example.ac.id")
    get_settings.cache_clear()
    assert cli.main(["serve", "--port", "8123"]) == 0
    assert no_server == [
        {"host": "127.0.0.1", "port": 8123, "log_level": "info", "loop": "uvloop", "http": "httptools"}
    ]


WEAK_SECRETS = [
    (None, "UJIKOM_SECRET_KEY is not set"),
    ("dev-only-secret-change-me-in-production-0123456789", "a value published with ujikom"),
    ("a", "has 1 characters; at least 43 are needed"),
    ("x" * 64, "does not look random"),
    ("passwordpasswordpasswordpasswordpasswordpassword", "does not look random"),
]


@pytest.mark.parametrize(("secret", "reason"), WEAK_SECRETS)
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_and_worker_refuse_a_missing_or_weak_secret_in_development_and_say_how_to_make_one(
    seeded: str,
    monkeypatch: pytest.MonkeyPatch,
    no_server: list[Any],
    capsys: pytest.CaptureFixture[str],
    command: str,
    secret: str | None,
    reason: str,
) -> None:
    if secret is not None:
        monkeypatch.setenv("UJIKOM_SECRET_KEY", secret)
    get_settings.cache_clear()
    assert cli.main([command, "--once"] if command == "worker" else [command]) == 2
    err = capsys.readouterr().err
    assert f"ujikom {command}: refusing to start: " in err and reason in err
    assert 'python -c "import secrets; print(secrets.token_urlsafe(48))"' in err
    assert no_server == []


def test_the_worker_starts_with_a_random_secret(
    seeded: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("UJIKOM_SECRET_KEY", secrets.token_urlsafe(32))
    get_settings.cache_clear()
    assert cli.main(["worker", "--once"]) == 0
    assert "documents rendered: 0" in capsys.readouterr().out


def test_serve_keeps_spiffworkflow_state_changes_out_of_its_log(
    seeded: str,
    monkeypatch: pytest.MonkeyPatch,
    no_server: list[Any],
    caplog: pytest.LogCaptureFixture,
    api: Api,
) -> None:
    spiff = logging.getLogger("spiff")
    monkeypatch.setattr(spiff, "level", logging.NOTSET)  # as in a new process (restored after the test)
    spiff.setLevel(logging.NOTSET)  # also clears the loggers' cached levels
    caplog.set_level(logging.INFO)
    monkeypatch.setenv("UJIKOM_SECRET_KEY", secrets.token_urlsafe(32))
    get_settings.cache_clear()
    assert cli.main(["serve"]) == 0  # the service's logging is set up; uvicorn itself is not started here
    caplog.clear()

    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)  # SpiffWorkflow moves tasks through their states, logging each at INFO

    assert [r.getMessage() for r in caplog.records if r.name.startswith("spiff") and r.levelno < logging.WARNING] == []
    assert logging.getLogger("spiff.task").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("spiff.workflow").getEffectiveLevel() == logging.WARNING
