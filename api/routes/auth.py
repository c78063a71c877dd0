"""Log in (OAuth2 password flow) and who am I."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from api.auth import Caller, authenticate, create_token
from api.schemas import Me, Token

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/token", response_model=Token)
def login(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> Token:
    settings = request.app.state.settings
    with request.app.state.db.reading() as session:
        user = authenticate(session, form.username, form.password)
        if user is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED,
                detail="wrong username or password",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return Token(
            access_token=create_token(
                user.username, settings.secret_key, settings.token_minutes, request.app.state.clock.now()
            )
        )


@router.get("/me", response_model=Me)
def me(user: Caller) -> Me:
    return Me(username=user.username, full_name=user.full_name, roles=sorted(user.roles))
