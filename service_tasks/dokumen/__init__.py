"""The SOP's output documents, one operator per document the SOP names, one module per SOP stage.

Each stores the document's record (number and data); rendering to PDF reads these records, so each
document's data holds what the printed letter needs (see :mod:`service_tasks.snapshot`): the LSP's
identity and signatory, the skema's number and title (and units on a certificate), the asesor's No. Reg.
MET, the candidate's NIM/NIK. Master data is read at issue time, so the record keeps what was true when
it was signed. Each document kind, its register and its template are in :mod:`service_tasks.jenis_dokumen`.

Every operator is idempotent per (instance, task): issuing returns the document already issued for the
same (kind, key), and ``terbitkan_sertifikat`` inserts each certificate row once.
"""

# Importing the stages registers their operators.
from service_tasks.dokumen import (  # noqa: F401
    asesmen,
    laporan,
    pendaftaran,
    perencanaan,
    sertifikasi,
    sertifikat,
    verifikasi_tuk,
)
