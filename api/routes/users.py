"""User administration (admin role)."""

from fastapi import APIRouter, status

from api.permissions import Admin
from api.routes.deps import Db, Now, UserCache
from api.schemas import UserIn, UserOut
from api.services import users

router = APIRouter(prefix="/api/users", tags=["users"])


@router.get("", response_model=list[UserOut])
def list_users(db: Db, user: Admin) -> list[UserOut]:
    return users.list_users(db)


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, db: Db, now: Now, cache: UserCache, user: Admin) -> UserOut:
    out = users.create(db, now, body)
    cache.pop(out.username, None)
    return out
