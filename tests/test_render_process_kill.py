"""The report's M3 probe against the real server: `kill -9` of the render processes of a running `ujikom serve`
(server -> forkserver -> render process); documents issued afterwards are rendered all the same."""

import os
import signal
import time
from pathlib import Path

import httpx

from tests.support import sop
from tests.support.api import Api
from tests.support.live_server import LiveServer
from tests.support.waiting import PATIENCE_SECONDS

DEADLINE_SECONDS = PATIENCE_SECONDS


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (from /proc: no psutil needed)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])  # the field after the state
        if parent == pid:
            found.append(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def server_pid(port: str) -> int:
    """`ujikom serve --port <port>`, found by its command line."""
    [pid] = [
        int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and f"--port {port}" in cmdline(int(p.name))
    ]
    return pid


def render_processes(server: int) -> list[int]:
    forkservers = [p for p in children(server) if "forkserver" in cmdline(p)]
    return [p for fs in forkservers for p in children(fs)]


def wait_until_rendered(api: Api, instance_id: int) -> dict[str, int]:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        progress: dict[str, int] = api.get("kabid_administrasi", f"/api/instances/{instance_id}").json()["dokumen"]
        if progress["done"] == progress["total"] or time.monotonic() > deadline:
            return progress
        time.sleep(0.2)


def test_documents_issued_after_the_servers_render_processes_were_killed_are_rendered(
    live_server: LiveServer,
) -> None:
    api = Api(httpx.Client(base_url=live_server.base, timeout=60), app=None)
    instance_id = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=instance_id)
    api.complete("direktur", t["id"], sop.TARGET)  # the Nota Dinas
    assert wait_until_rendered(api, instance_id) == {"done": 1, "total": 1, "failed": 0}

    server = server_pid(live_server.base.rsplit(":", 1)[1])
    killed = render_processes(server)
    assert killed, "the server has no render process"
    for pid in killed:
        os.kill(pid, signal.SIGKILL)

    t = sop.one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=instance_id)
    api.complete("ketua_lsp", t["id"], sop.rencana(api))  # the TOR, RAB and SK Jadwal
    assert wait_until_rendered(api, instance_id) == {"done": 4, "total": 4, "failed": 0}
    assert not set(render_processes(server)) & set(killed)  # new processes rendered them
    health = httpx.get(f"{live_server.base}/api/health", timeout=60).json()
    assert (health["status"], health["renderer"]["documents_waiting"]) == ("ok", 0)
    log = (live_server.data_dir / "serve.log").read_text(errors="replace")
    assert log.count("the render pool is rebuilt") == 1  # one incident, logged once
