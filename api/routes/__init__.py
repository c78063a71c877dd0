"""The REST API, one module per resource."""

from fastapi import Request
from sqlalchemy.orm import Session

from api.engine.runtime import Runtime


def runtime_for(request: Request, session: Session) -> Runtime:
    """The engine runtime for one request's transaction, with the app's clock and settings."""
    state = request.app.state
    return Runtime(session, clock=state.clock, nomor_format=state.settings.nomor_format)
