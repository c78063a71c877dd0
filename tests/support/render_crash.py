"""A render that kills its own process, as the OOM killer or a WeasyPrint crash would: `render_or_die` stands in
for `render_many` in a render process (it is imported there by name, so it must live in a module)."""

import os
import signal

from service_tasks.render import Rendered, RenderJob, render_many

# A document with this title kills the render process that takes it.
KILLS_ITS_PROCESS = "Dokumen yang mematikan proses render"


def render_or_die(jobs: list[RenderJob]) -> list[Rendered]:
    if any(job.title == KILLS_ITS_PROCESS for job in jobs):
        os.kill(os.getpid(), signal.SIGKILL)
    return render_many(jobs)
