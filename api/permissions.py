"""Who may do what: role sets, predicates and ready `Annotated` dependencies, in one place.

Routes ask this module (`user: Staff`, `permissions.may_work_on(...)`); they never list roles themselves.
"""

from typing import Annotated

from api.auth import CurrentUser, require_roles
from api.store.enums import Role

# The LSP's staff (the SOP lanes above asesor and peserta) and the administrator: they read every instance,
# document and evidence file.
STAFF: frozenset[Role] = frozenset(
    {Role.ADMIN, Role.DIREKTUR, Role.KETUA_LSP, Role.KABID_ADMINISTRASI, Role.KABID_SERTIFIKASI}
)
# Who edits master data and corrects documents: the staff who run the SOP's steps, and the administrator.
MASTER_WRITERS: frozenset[Role] = frozenset(
    {Role.ADMIN, Role.KETUA_LSP, Role.KABID_ADMINISTRASI, Role.KABID_SERTIFIKASI}
)
DOCUMENT_CORRECTORS = MASTER_WRITERS
# Who revokes a certificate.
REVOKERS: frozenset[Role] = frozenset({Role.ADMIN, Role.KETUA_LSP})
# Who validates and deploys BPMN and forms.
DESIGNERS: frozenset[Role] = frozenset({Role.DESAINER, Role.ADMIN})


def _sorted(roles: frozenset[Role]) -> tuple[str, ...]:
    return tuple(sorted(roles))


Staff = Annotated[CurrentUser, require_roles(*_sorted(STAFF))]
StaffOrAsesor = Annotated[CurrentUser, require_roles(*_sorted(STAFF | {Role.ASESOR}))]
MasterWriter = Annotated[CurrentUser, require_roles(*_sorted(MASTER_WRITERS))]
DocumentCorrector = Annotated[CurrentUser, require_roles(*_sorted(DOCUMENT_CORRECTORS))]
Revoker = Annotated[CurrentUser, require_roles(*_sorted(REVOKERS))]
Designer = Annotated[CurrentUser, require_roles(*_sorted(DESIGNERS))]
Admin = Annotated[CurrentUser, require_roles(Role.ADMIN)]


def is_staff(user: CurrentUser) -> bool:
    return user.has_any(*STAFF)
