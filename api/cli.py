"""The `ujikom` command: serve, worker, db upgrade, seed-demo, validate, deploy."""

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from api.settings import GENERATE_SECRET, Settings, get_settings, public_url_problem, secret_key_problem

if TYPE_CHECKING:  # the commands import what they need when they run: `ujikom --help` stays quick
    from api.engine.deployments import Problem


def _files(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {path.name: path.read_bytes()}
    if not path.is_dir():
        raise SystemExit(f"ujikom: {path} is neither a file nor a folder")
    found = sorted(path.glob("*.bpmn")) + sorted(path.glob("*.json"))
    # A process folder deploys with its forms: processes/ and forms/ sit side by side.
    forms_dir = path.parent / "forms"
    if path.name == "processes" and forms_dir.is_dir():
        found += sorted(forms_dir.glob("*.json"))
    return {p.name: p.read_bytes() for p in found}


def _print_problems(problems: Iterable["Problem"], label: str) -> None:
    """One line per problem, as the modeller lists it: file:line: [element] galat|peringatan: the designer's
    Indonesian message (what is wrong and what to do)."""
    for p in problems:
        where = f"{p.file}:{p.line}" if p.line else p.file
        element = f" [{p.element_id}]" if p.element_id else ""
        print(f"{where}:{element} {label}: {p.message}", file=sys.stderr)


def _refuse_weak_secret(settings: Settings, command: str) -> bool:
    """True (after saying why and how to fix it) when the signing secret is unusable."""
    problem = secret_key_problem(settings)
    if problem is None:
        return False
    print(
        f"ujikom {command}: refusing to start: {problem}.\n"
        "Set UJIKOM_SECRET_KEY (environment or .env) to at least 32 random bytes, e.g. the output of\n"
        f"  {GENERATE_SECRET}\n"
        "and keep it: tokens signed with one key are refused by another. `make run` keeps one in var/secret_key.",
        file=sys.stderr,
    )
    return True


def _refuse_private_url(settings: Settings, command: str) -> bool:
    """True (after saying why and how to fix it) when, in production, certificates would print a verification
    address no holder can open (the renderer of `serve` and of `worker` prints their QR codes)."""
    problem = public_url_problem(settings)
    if problem is None:
        return False
    print(
        f"ujikom {command}: refusing to start in production: {problem}.\n"
        "Set UJIKOM_PUBLIC_BASE_URL (environment or .env) to the address the public reaches this service at, e.g.\n"
        "  UJIKOM_PUBLIC_BASE_URL=https://lsp.example.ac.id",
        file=sys.stderr,
    )
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app
    from api.seed import has_demo_users
    from api.store.db import Database

    settings = get_settings()
    if _refuse_weak_secret(settings, "serve") or _refuse_private_url(settings, "serve"):
        return 2
    db = Database(settings.effective_database_url, settings.sqlite_synchronous)
    if settings.env == "production":
        with db.reading() as session:
            if has_demo_users(session):
                print(
                    "ujikom: refusing to serve in production with demo users present; "
                    "deactivate them (or unset UJIKOM_ENV=production for a demo)",
                    file=sys.stderr,
                )
                return 2
    # uvicorn stops on SIGINT and SIGTERM (its lifespan stops the embedded worker and its render processes), then
    # raises the signal again: SIGTERM raises KeyboardInterrupt as SIGINT does, which uvicorn.run takes as a
    # clean stop, so the service exits 0 rather than being killed by its own signal.
    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        # uvloop and httptools (pinned): uvicorn's fast event loop and HTTP parser, named so a missing one fails
        # loudly.
        uvicorn.run(
            create_app(settings, db), host=args.host, port=args.port, log_level="info", loop="uvloop", http="httptools"
        )
    except KeyboardInterrupt:
        pass  # a signal before uvicorn took over
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from api.background.worker import Worker
    from api.store.db import Database

    settings = get_settings()
    if _refuse_weak_secret(settings, "worker") or _refuse_private_url(settings, "worker"):
        return 2
    worker = Worker(Database(settings.effective_database_url, settings.sqlite_synchronous), settings)
    if args.once:
        print(f"applied/fired: {worker.run_until_idle()}")
        print(f"documents rendered: {worker.render_documents()}")
        print(f"notifications made and e-mails tried: {worker.notifier.run_until_idle()}")
        worker.renderer.close()
        return 0
    log = logging.getLogger(__name__)
    with _stop_signals() as wait_for_stop:
        worker.start()  # its loop, the renderer and the notifier, each in its thread
        log.info("worker running; Ctrl-C (SIGINT) or SIGTERM stops it")
        try:
            received = wait_for_stop()
            log.info("worker stopping (%s): the passes end after their current transaction", received.name)
        finally:
            worker.stop()  # the loops, then the render processes
    log.info("worker stopped")
    return 0


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def _stop_signals() -> Iterator[Callable[[], signal.Signals]]:
    """Within the block SIGINT and SIGTERM only wake the main thread, which waits for them with the function
    yielded: they never raise inside a transaction or a render wherever they land (as KeyboardInterrupt did),
    and SIGTERM no longer ends the process on the spot, leaving its render processes behind. A signal
    during the shutdown is noted and ignored: the shutdown is bounded (api/background/loop.py)."""
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in STOP_SIGNALS}
    wakeup = signal.set_wakeup_fd(write_end, warn_on_full_buffer=False)

    def wait_for_stop() -> signal.Signals:
        while True:  # the signal handler's C part writes each signal's number to the pipe
            number = os.read(read_end, 1)[0]
            if number in STOP_SIGNALS:
                return signal.Signals(number)

    try:
        yield wait_for_stop
    finally:
        signal.set_wakeup_fd(wakeup)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        os.close(read_end)
        os.close(write_end)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    from api.store.migrate import upgrade

    upgrade(get_settings().effective_database_url)
    print("database is at the latest schema")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from api.seed import deploy_shipped, seed_demo_logo, seed_users
    from api.store.db import Database

    settings = get_settings()
    with Database(settings.effective_database_url).transaction() as session:
        users = seed_users(session)
        seed_demo_logo(session, settings)
        deployment = deploy_shipped(session, settings)
    print(f"demo users created: {users} (password: <username>-demo; DEMO ONLY)")
    print(f"deployment: {deployment if deployment else 'processes already deployed, unchanged'}")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from sqlalchemy import inspect

    from api.engine.deployments import validate
    from api.store import master  # noqa: F401 - its tables are part of the schema
    from api.store.db import Base, Database

    settings = get_settings()
    database = Database(settings.effective_database_url)
    if not inspect(database.engine).has_table("process_definition"):
        # No migrated service here (a designer's checkout): check the files on their own.
        database = Database("sqlite://")
        Base.metadata.create_all(database.engine)
    with database.reading() as session:
        errors, warnings = validate(session, _files(Path(args.path)))
    _print_problems(warnings, "peringatan")
    _print_problems(errors, "galat")
    if errors:
        print(f"ujikom: {len(errors)} error(s); fix them before deploying", file=sys.stderr)
        return 1
    print("valid")
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    from api.clock import CLOCK
    from api.engine.deployments import DeploymentInvalid, deploy
    from api.store.db import Database

    settings = get_settings()
    try:
        with Database(settings.effective_database_url).transaction() as session:
            result = deploy(session, _files(Path(args.path)), args.user, CLOCK.now())
            lines = [f"{d.key} v{d.version}" for d in result.definitions]
            _print_problems(result.warnings, "peringatan")
    except DeploymentInvalid as exc:
        _print_problems(exc.errors, "galat")
        print(f"ujikom: deploy refused, {len(exc.errors)} error(s); nothing was deployed", file=sys.stderr)
        return 1
    if not result.created:
        print(f"unchanged: already deployed as deployment {result.deployment.id}: " + ", ".join(lines))
    elif result.menunggu_persetujuan:
        changes = ", ".join(
            f"{p['operator']} {p['perubahan']} in {p['proses']}" for p in result.deployment.penerbitan or []
        )
        print(f"deployment {result.deployment.id} awaits Ketua LSP's approval ({changes}); nothing is active yet")
    else:
        print(f"deployment {result.deployment.id}: " + ", ".join(lines))
    return 0


# SpiffWorkflow logs every task's state change at INFO ("spiff.task", "spiff.workflow", ...): thousands of lines
# a minute under load that say nothing an operator needs; its warnings and errors still show.
QUIET_LOGGERS = ("spiff",)


def configure_logging() -> None:
    """The service's logging (`serve`, `worker` and the other commands): INFO, less SpiffWorkflow's chatter."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    configure_logging()
    parser = argparse.ArgumentParser(prog="ujikom", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the REST API (with the embedded worker)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser("worker", help="apply child completions, fire timers, render documents")
    worker.add_argument("--once", action="store_true", help="work until idle, then exit")
    worker.set_defaults(func=cmd_worker)
    db = sub.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="migrate to the latest schema").set_defaults(func=cmd_db_upgrade)
    sub.add_parser("seed-demo", help="demo users and the shipped processes (DEMO ONLY)").set_defaults(
        func=cmd_seed_demo
    )
    validate = sub.add_parser("validate", help="check BPMN and form files without deploying")
    validate.add_argument("path", help="a .bpmn file or a folder (processes/ also takes ../forms)")
    validate.set_defaults(func=cmd_validate)
    deploy = sub.add_parser("deploy", help="deploy BPMN and form files")
    deploy.add_argument("path")
    deploy.add_argument("--user", default="cli", help="recorded as the deployer")
    deploy.set_defaults(func=cmd_deploy)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
