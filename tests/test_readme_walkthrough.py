"""The README's curl walk through a period works against a real `ujikom serve` (with its worker)."""

import json
import subprocess
import urllib.request

from api.settings import PROJECT_ROOT
from tests.support.live_server import LiveServer


def _readme_walk(base: str) -> str:
    readme = (PROJECT_ROOT / "README.md").read_text()
    block = readme.split("```sh\nB=http://127.0.0.1:8000/api\n", 1)[1].split("```", 1)[0]
    return f"set -euo pipefail\nB={base}\n{block}"


def test_the_readme_walkthrough_runs_a_period_from_step_1_to_7_with_curl(live_server: LiveServer) -> None:
    base = f"{live_server.base}/api"
    walk = subprocess.run(
        ["bash", "-c", _readme_walk(base)], env=live_server.env, capture_output=True, text=True, timeout=600
    )
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
