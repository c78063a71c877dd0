"""How long documents take to render: each kind of a real period (HTML and PDF, in this process), and a
period's 500 certificates through the renderer (the worker's render queue) with 1 and 2 render processes.

    .venv/bin/python bench/documents.py              # 500 certificates, 5 samples per kind
    .venv/bin/python bench/documents.py --n 200 --samples 3

SQLite in a temp dir, the real app in-process (see latency.py); the period is the test suite's walk
(tests/sop.py). The 500 certificates are copies of one real certificate of that period with their own names,
numbers and verification codes (inserted as rows: issuing them is the service task's cost, not rendering's).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from fastapi.testclient import TestClient
from sqlalchemy import insert, select

from api.background.renderer import job_for
from api.store.models import Dokumen
from service_tasks.render import html, pdf, render, warm_up
from tests.support import sop
from tests.support.api import Api


def pdf_style_inline(job) -> bytes:
    """The PDF as it was rendered before the shared style was parsed once per process: the style in the page."""
    from weasyprint import HTML

    from service_tasks.render import DOCUMENTS_DIR, _font_config, url_fetcher

    document = HTML(string=html(job), base_url=str(DOCUMENTS_DIR), url_fetcher=url_fetcher())
    return document.write_pdf(font_config=_font_config())


def per_kind(app, samples: int) -> list[tuple[str, int, float, float, float, int, int]]:
    """kind, count in the period, median HTML ms, median PDF ms, median PDF ms with the style in the page (the
    renderer before the style was parsed once; measured alternately with the other, in the same run), pages,
    bytes."""
    import io

    from pypdf import PdfReader

    settings = app.state.settings
    with app.state.db.reading() as session:
        docs = session.scalars(select(Dokumen).order_by(Dokumen.id)).all()
        jobs: dict[str, list] = {}
        for d in docs:
            jobs.setdefault(d.kind, []).append(job_for(session, d, settings, {}))
    out = []
    for kind, kind_jobs in jobs.items():
        job = kind_jobs[0]
        if kind.endswith("_lampiran"):
            t0 = time.perf_counter()
            for _ in range(samples):
                rendered = render(job)
            ms = (time.perf_counter() - t0) / samples * 1000
            out.append((kind, len(kind_jobs), float("nan"), ms, float("nan"), 1, rendered.size or 0))
            continue
        html_ms, pdf_ms, inline_ms = [], [], []
        content = b""
        for _ in range(samples):
            t0 = time.perf_counter()
            html(job)
            html_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            content = pdf(job)
            pdf_ms.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            pdf_style_inline(job)
            inline_ms.append((time.perf_counter() - t0) * 1000)
        pages = len(PdfReader(io.BytesIO(content)).pages)
        out.append(
            (
                kind,
                len(kind_jobs),
                statistics.median(html_ms),
                statistics.median(pdf_ms),
                statistics.median(inline_ms),
                pages,
                len(content),
            )
        )
    return out


def add_certificates(app, n: int, tag: str) -> None:
    with app.state.db.transaction() as session:
        cert = session.scalars(select(Dokumen).where(Dokumen.kind == "sertifikat").order_by(Dokumen.id)).first()
        rows = []
        for i in range(n):
            data = {
                **cert.data,
                "peserta": {**cert.data["peserta"], "nama": f"Peserta Bench {tag}{i:04d}", "username": f"b{tag}{i}"},
                "no_sertifikat": f"62090 2512 4 {i:07d} 9{tag}",
                "no_registrasi": f"TIK 1234 {i:05d} 9{tag}",
                "kode_verifikasi": f"bench-{tag}-{i:05d}",
            }
            rows.append(
                {
                    "instance_id": cert.instance_id,
                    "root_id": cert.root_id,
                    "task_id": cert.task_id,
                    "element_id": cert.element_id,
                    "kind": "sertifikat",
                    "key": f"bench-{tag}-{i}",
                    "title": f"Sertifikat kompetensi Peserta Bench {i}",
                    "number": data["no_sertifikat"],
                    "month": cert.month,
                    "year": cert.year,
                    "candidate": f"b{tag}{i}",
                    "data": data,
                    "created_at": cert.created_at,
                    "version": 1,
                    "render_attempts": 0,
                }
            )
        session.execute(insert(Dokumen), rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=500, help="certificates to render through the queue")
    parser.add_argument("--samples", type=int, default=5, help="renders per kind")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp())
    app, db = harness.build(f"sqlite:///{data_dir / 'documents.sqlite3'}", data_dir)
    with TestClient(app) as client:
        api = Api(client, app)
        sop.walk_period(api)
        app.state.settings.render_processes = 0
        t0 = time.perf_counter()
        count = app.state.worker.render_documents()
        period_s = time.perf_counter() - t0
        warm_up()

        print(f"Per document (median of {args.samples}, one process, after warm-up):")
        head = f"{'kind':32} {'in period':>9} {'HTML ms':>8} {'PDF ms':>8} {'inline':>8} {'ratio':>6}"
        print(f"{head} {'pages':>5} {'KB':>6}")
        total = total_inline = 0.0
        for kind, n, html_ms, pdf_ms, inline_ms, pages, size in per_kind(app, args.samples):
            ratio = pdf_ms / inline_ms if inline_ms == inline_ms else float("nan")
            if inline_ms == inline_ms:
                total, total_inline = total + n * pdf_ms, total_inline + n * inline_ms
            row = f"{kind:32} {n:9d} {html_ms:8.1f} {pdf_ms:8.1f} {inline_ms:8.1f} {ratio:6.2f}"
            print(f"{row} {pages:5d} {size / 1024:6.1f}")
        print(
            f"The period's PDFs, each kind's median times its count: {total / 1000:.2f} s, "
            f"{total_inline / 1000:.2f} s with the style in the page ({total / total_inline:.2f}x)"
        )
        print(f"\nThe walked period's {count} documents through the queue, one process (cold): {period_s:.2f} s")

        for processes in (1, 2):
            tag = str(processes)
            add_certificates(app, args.n, tag)
            app.state.settings.render_processes = processes
            worker = app.state.worker
            t0 = time.perf_counter()
            rendered = worker.render_documents()
            elapsed = time.perf_counter() - t0
            worker.renderer.close()
            print(
                f"{args.n} certificates, {processes} render process(es), pool start included: "
                f"{elapsed:.1f} s ({rendered / elapsed:.1f} documents/s, {elapsed / rendered * 1000:.0f} ms each)"
            )
        with db.reading() as session:
            pending = session.scalars(select(Dokumen.id).where(Dokumen.rendered_at.is_(None))).all()
        assert not pending, f"{len(pending)} documents not rendered"
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
