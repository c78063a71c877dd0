"""Master data over REST: the LSP profile, the institution it belongs to, skema, asesor (with conflicts of
interest), TUK, peserta and the staff eligible for a rapat pleno (pengurus pleno), one module each
(api/services/master/ holds the queries).

Staff and the administrator read everything; an asesor reads skema and TUK and their own record, a peserta
their own record. Admin, Ketua LSP and both Kabid write. Nothing is deleted: records that processes and
certificates refer to are deactivated instead (`POST /{id}/nonaktifkan`, undone by `/aktifkan`).
"""

from fastapi import APIRouter

from api.routes.master import asesor, institusi, lsp, pengurus_pleno, peserta, skema, tuk

router = APIRouter()
for _module in (lsp, institusi, skema, asesor, tuk, peserta, pengurus_pleno):
    router.include_router(_module.router)
