"""The query parameters every master-data list takes."""

from typing import Annotated

from fastapi import Query

PageNumber = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=500)]
Search = Annotated[str | None, Query(max_length=100, description="case-insensitive part of a code, number or name")]
