"""A page's weight on a student's metered phone connection: the heaviest form a candidate fills (FR.APL.01
and FR.APL.02, the registration wizard) with every style and script it loads, as the browser receives them."""

import gzip
import re

from fastapi.testclient import TestClient

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.pages import signed_in
from tests.support.sop_branches import Calon

LIMIT = 60 * 1024  # issue 11: a form page under 60 KB compressed


def _compressed(client: TestClient, path: str) -> int:
    answer = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert answer.status_code == 200, path
    if answer.headers.get("content-encoding") == "gzip":
        return int(answer.headers["content-length"])
    return len(gzip.compress(answer.content))


def test_the_registration_form_page_with_all_it_loads_weighs_under_60_kb_compressed(api: Api) -> None:
    b.registration_open(api, [Calon("peserta")])
    task = sop.one(api, "peserta", b.APL)
    with signed_in(api.app, "peserta") as phone:
        path = f"/tasks/{task['id']}"
        html = phone.get(path).text
        assert "FR.APL.01" in html
        assets = sorted(set(re.findall(r'(?:href|src)="(/(?:ui/static|vendor)/[^"]+)"', html)))
        assert "/vendor/htmx/htmx.min.js" in assets and "/ui/static/formulir.js" in assets
        sizes = {p: _compressed(phone, p) for p in [path, *assets]}
    total = sum(sizes.values())
    print(f"form page: {total / 1024:.1f} KB compressed", {p: round(n / 1024, 1) for p, n in sizes.items()})
    assert total < LIMIT, sizes
