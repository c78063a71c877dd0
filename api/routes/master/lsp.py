"""The LSP's profile."""

from fastapi import APIRouter

from api.auth import Caller
from api.permissions import MasterWriter
from api.routes.deps import Db, Now
from api.schemas.master import LspIn, LspOut
from api.services.master import lsp

router = APIRouter(prefix="/api", tags=["master data"])


@router.get("/lsp", response_model=LspOut)
def get_lsp(db: Db, now: Now, user: Caller) -> LspOut:
    """The LSP's profile: every signed-in user may read it (it heads every letter)."""
    return lsp.get(db, now)


@router.put("/lsp", response_model=LspOut)
def put_lsp(body: LspIn, db: Db, now: Now, user: MasterWriter) -> LspOut:
    return lsp.put(db, now, user, body)
