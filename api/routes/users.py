"""User administration (admin role): list, create, correct a name or NIP, deactivate (ending the user's sessions)
and reactivate."""

from typing import Annotated

from fastapi import APIRouter, Path, status

from api.permissions import Admin
from api.routes.deps import Db, Now, UserCache
from api.schemas import UserIn, UserOut, UserUpdate
from api.services import users

router = APIRouter(prefix="/api/users", tags=["users"])
Username = Annotated[str, Path(pattern=r"^[a-z0-9_.\-]{2,64}$")]


@router.get("", response_model=list[UserOut])
def list_users(db: Db, user: Admin) -> list[UserOut]:
    return users.list_users(db)


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, db: Db, now: Now, cache: UserCache, user: Admin) -> UserOut:
    out = users.create(db, now, user.username, body)
    cache.pop(out.username, None)
    return out


@router.patch("/{username}", response_model=UserOut)
def update_user(username: Username, body: UserUpdate, db: Db, now: Now, cache: UserCache, user: Admin) -> UserOut:
    """Correct the name printed for the user or their NIP (documents issued before keep what they printed)."""
    out = users.update(db, now, user.username, username, body)
    cache.pop(username, None)
    return out


@router.post("/{username}/nonaktifkan", response_model=UserOut)
def deactivate(username: Username, db: Db, now: Now, cache: UserCache, user: Admin) -> UserOut:
    """The user can no longer log in, and every token issued to them is refused from now on."""
    out = users.set_active(db, now, user.username, username, False)
    cache.pop(username, None)
    return out


@router.post("/{username}/aktifkan", response_model=UserOut)
def activate(username: Username, db: Db, now: Now, cache: UserCache, user: Admin) -> UserOut:
    """Undo a deactivation; the user logs in again (old tokens stay refused)."""
    out = users.set_active(db, now, user.username, username, True)
    cache.pop(username, None)
    return out
