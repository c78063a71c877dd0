"""Log in (OAuth2 password flow) and who am I."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import Caller
from api.routes.deps import AppSettings, Db, Now
from api.schemas import Me, Token
from api.services import users

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=Token)
def login(db: Db, settings: AppSettings, now: Now, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    access_token = users.token(db, settings, now, form.username, form.password)
    if access_token is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail="wrong username or password", headers={"WWW-Authenticate": "Bearer"}
        )
    return Token(access_token=access_token)


@router.get("/me", response_model=Me)
def me(user: Caller) -> Me:
    return Me(username=user.username, full_name=user.full_name, roles=sorted(user.roles))
