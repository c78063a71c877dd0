"""What running BPMN Python in an evaluator process costs per call, against running it in the host.

For each case, the median of --samples calls, in the same run, interleaved:

- **host**: `sandbox.evaluate` / `sandbox.execute` in this process, no limit (what a cheap expression costs now);
- **host + tracer**: the same under the line-trace deadline the sandbox used before the evaluator pool
  (`sys.settrace`; a script could catch it and C code never reached it);
- **pool**: `POOL.run`, one round trip to a warm evaluator process (pickle in, run under RLIMIT_CPU /
  RLIMIT_AS, pickle back).

    .venv/bin/python bench/script_cost.py [--samples 300] [--n 2000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from api.engine import sandbox  # noqa: E402
from api.engine.evaluator import POOL  # noqa: E402
from api.engine.sandbox import StepDeadlines  # noqa: E402


def traced(fn: Callable[[], Any], limit_s: float = 2.0) -> Any:
    """The old limit: a line tracer that raises past the deadline (reproduced here to compare against)."""
    deadline = time.monotonic() + limit_s

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename in ("<script>", "<expression>"):
            if time.monotonic() > deadline:
                raise TimeoutError
            return tracer
        return None

    sys.settrace(tracer)
    try:
        return fn()
    finally:
        sys.settrace(None)


def candidates(n: int) -> list[dict[str, Any]]:
    return [
        {
            "username": f"peserta{i}",
            "nama": f"Peserta Nomor {i}",
            "nim": f"2024{i:06d}",
            "prodi": "Sistem Informasi Industri Otomotif",
            "skema_nomor": "SKM/LSP-STMI/001/2024",
            "skema_judul": "Junior Web Developer",
            "status": "diterima" if i % 10 else "dikembalikan",
            "tuk_kode": "TUK-01",
        }
        for i in range(n)
    ]


SCRIPT_ONE = """hasil_pendaftaran = {
    'username': pendaftar['username'],
    'nama': pendaftar['nama'],
    'skema_nomor': pendaftar['skema_nomor'],
    'status': 'diterima' if pemeriksaan['keputusan'] == 'diterima' else 'dikembalikan',
}
"""
SCRIPT_PERIOD = """pendaftar_diterima = [
    {'username': h['username'], 'nama': h['nama'], 'nim': h['nim'], 'skema_nomor': h['skema_nomor']}
    for h in hasil_pendaftaran if h['status'] == 'diterima'
]
jumlah_diterima = len(pendaftar_diterima)
"""


def cases(n: int) -> list[tuple[str, str, str, dict[str, Any], dict[str, Any]]]:
    one = candidates(1)[0]
    deadlines = {"batas_langkah": StepDeadlines({"3": "2026-12-01T00:00:00+00:00"}, None, "uji_kompetensi")}
    return [
        ("condition `keputusan_kuota['keputusan'] == 'gabung'`", "eval",
         "keputusan_kuota['keputusan'] == 'gabung'", {"keputusan_kuota": {"keputusan": "gabung"}}, {}),
        ("timer `batas_langkah('3')`", "eval", "batas_langkah('3')", {}, deadlines),
        ("condition with a comprehension, 2,000 rows", "eval",
         "len([h for h in hasil if h['status'] == 'diterima']) > 0", {"hasil": candidates(n)}, {}),
        ("a candidate's script (hasil_pendaftaran)", "exec", SCRIPT_ONE,
         {"pendaftar": one, "pemeriksaan": {"keputusan": "diterima"}}, {}),
        (f"the period's script over {n:,} candidates", "exec", SCRIPT_PERIOD,
         {"hasil_pendaftaran": candidates(n)}, {}),
    ]  # fmt: skip


def host(mode: str, code: str, context: dict[str, Any], external: dict[str, Any]) -> Callable[[], Any]:
    if mode == "eval":
        return lambda: sandbox.evaluate(code, context, external)
    return lambda: sandbox.execute(code, dict(context), external)


def median_ms(fn: Callable[[], Any], samples: list[float]) -> None:
    t0 = time.perf_counter()
    fn()
    samples.append((time.perf_counter() - t0) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    POOL.warm()
    print(f"{'case':<56} {'host':>9} {'+tracer':>9} {'pool':>9} {'pool/host':>10} {'pool/tracer':>12} cheap?")
    for label, mode, code, context, external in cases(args.n):
        in_host = host(mode, code, context, external)
        runs: dict[str, tuple[Callable[[], Any], list[float]]] = {
            "host": (in_host, []),
            "tracer": (partial(traced, in_host), []),
            "pool": (partial(POOL.run, mode, code, context, external, 10.0), []),
        }
        samples = args.samples if len(str(context)) < 10_000 else max(10, args.samples // 10)
        for fn, _ in runs.values():
            fn()  # warm: compile caches, the evaluator's own
        for _ in range(samples):
            for fn, out in runs.values():
                median_ms(fn, out)
        m = {k: statistics.median(v) for k, (_, v) in runs.items()}
        cheap = "yes (host)" if mode == "eval" and sandbox.is_cheap(code) else "no (pool)"
        print(
            f"{label:<56} {m['host']:>8.3f}  {m['tracer']:>8.3f}  {m['pool']:>8.3f}  "
            f"{m['pool'] / m['host']:>9.1f}x {m['pool'] / m['tracer']:>11.2f}x  {cheap}"
        )
    POOL.stop()
    print("(median ms per call; 'cheap?' says where the service runs it: cheap expressions stay in the host)")


if __name__ == "__main__":
    main()
