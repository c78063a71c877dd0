"""The SOP's checks on submitted forms (validators named by a user task's ``validator`` property).

Each validator gets the task's data before the submission (``ctx.data``) and the submitted form data
(``data``, already valid against the form's JSON Schema) and returns a :class:`Refusal` per broken rule:
the dotted path into ``data`` and an Indonesian reason naming the person, skema or TUK. An empty list
lets the submission through.

Master data is read in bulk (one query per kind of record) so a period of a thousand candidates costs
a handful of queries, not a thousand.
"""

# Importing the stages registers their validators.
from service_tasks.pemeriksaan import (  # noqa: F401
    asesmen,
    pendaftaran,
    penugasan,
    perencanaan,
    sertifikasi,
    verifikasi_tuk,
)
