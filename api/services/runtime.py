"""The engine runtime for one transaction, with the app's clock and number format."""

from sqlalchemy.orm import Session

from api.clock import Clock
from api.engine.runtime import Runtime
from api.settings import Settings


def runtime_for(session: Session, clock: Clock, settings: Settings) -> Runtime:
    return Runtime(session, clock=clock, nomor_format=settings.nomor_format)
