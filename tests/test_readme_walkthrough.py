"""The README's curl walk through a period works against a real `ujikom serve` (with its worker)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from api.settings import PROJECT_ROOT

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _readme_walk(base: str) -> str:
    readme = (PROJECT_ROOT / "README.md").read_text()
    block = readme.split("```sh\nB=http://127.0.0.1:8000/api\n", 1)[1].split("```", 1)[0]
    return f"set -euo pipefail\nB={base}\n{block}"


def test_the_readme_walkthrough_runs_a_period_from_step_1_to_7_with_curl(tmp_path: Path) -> None:
    if not (BIN / "ujikom").exists():
        pytest.fail("needs the installed `ujikom` command: run `make setup`")
    env = {**os.environ, "UJIKOM_DATA_DIR": str(tmp_path), "UJIKOM_WORKER_POLL_SECONDS": "0.2"}
    env.pop("UJIKOM_DATABASE_URL", None)
    for args in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([BIN / "ujikom", *args], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [BIN / "ujikom", "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}/api"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        walk = subprocess.run(["bash", "-c", _readme_walk(base)], env=env, capture_output=True, text=True, timeout=300)
        assert walk.returncode == 0, walk.stdout[-3000:] + walk.stderr[-3000:]
        assert '"detail"' not in walk.stdout, walk.stdout[-3000:]
        token = json.loads(
            urllib.request.urlopen(
                urllib.request.Request(f"{base}/auth/token", data=b"username=admin&password=admin-demo")
            ).read()
        )["access_token"]
        request = urllib.request.Request(
            f"{base}/instances?business_key=2026-GENAP", headers={"Authorization": f"Bearer {token}"}
        )
        period = json.loads(urllib.request.urlopen(request).read())["items"][0]
        assert period["status"] == "completed"
        assert sorted(period["steps"]) == ["1", "2", "3", "4", "5", "6", "7"]
    finally:
        server.terminate()
        server.wait(timeout=10)
