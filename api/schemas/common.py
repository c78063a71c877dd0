"""The machinery every request and list shares: `Input` (unknown fields refused), `Patch` (a partial update)
and `Page[T]` (one page of a list)."""

from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

T = TypeVar("T")


class Input(BaseModel):
    """A request body: a misspelt field is a 422, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class Patch(Input):
    """A partial update: fields left out stay as they are; `null` is refused except for `nullable` fields."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _not_null(cls, value: T, info: ValidationInfo) -> T:
        if value is None and info.field_name not in cls.nullable:
            raise PydanticCustomError("not_null", "tidak boleh null; tinggalkan field ini untuk tidak mengubahnya")
        return value

    def patch(self) -> dict[str, Any]:
        """The fields the request sent, by name."""
        return self.model_dump(exclude_unset=True)


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int
    page: int
    page_size: int
