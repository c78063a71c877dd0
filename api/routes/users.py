"""User administration (admin role)."""

from typing import Annotated

from fastapi import APIRouter, Request, status
from sqlalchemy import select

from api.auth import CurrentUser, hash_password, require_roles
from api.errors import ApiError
from api.schemas import UserIn, UserOut
from api.store.models import ROLES, User, UserRole

router = APIRouter(prefix="/api/users", tags=["users"])
Admin = Annotated[CurrentUser, require_roles("admin")]


@router.get("", response_model=list[UserOut])
def list_users(request: Request, user: Admin) -> list[UserOut]:
    with request.app.state.db.reading() as session:
        return [
            UserOut(username=u.username, full_name=u.full_name, roles=u.role_codes, active=u.active)
            for u in session.scalars(select(User).order_by(User.username))
        ]


@router.post("", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def create_user(body: UserIn, request: Request, user: Admin) -> UserOut:
    unknown = sorted(set(body.roles) - set(ROLES))
    if unknown:
        raise ApiError(422, "unknown role", [{"path": "roles", "message": f"unknown role(s): {', '.join(unknown)}"}])
    with request.app.state.db.transaction() as session:
        if session.scalars(select(User).where(User.username == body.username)).first():
            raise ApiError(409, f"user {body.username!r} exists")
        u = User(
            username=body.username,
            full_name=body.full_name,
            password_hash=hash_password(body.password),
            active=True,
            created_at=request.app.state.clock.now(),
            roles=[UserRole(role=r) for r in sorted(set(body.roles))],
        )
        session.add(u)
        session.flush()
        request.app.state.user_cache.pop(u.username, None)
        return UserOut(username=u.username, full_name=u.full_name, roles=u.role_codes, active=u.active)
