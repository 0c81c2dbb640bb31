"""Pagination of every list route: `limit` and an opaque `cursor` in, a page and the cursor of
the next one out."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel, Field

from api.schemas.common import QueryInteger
from ledger.errors import InvalidInput

T = TypeVar("T")
MAX_LIMIT = 200
DEFAULT_LIMIT = 50
_PREFIX = "o:"


class Page(BaseModel, Generic[T]):
    """One page of a list; ask again with `cursor=next_cursor` for the next one."""

    items: list[T]
    next_cursor: str | None = Field(description="Cursor of the next page; null on the last page")


class PageRequest(BaseModel):
    limit: int
    offset: int

    def page(self, items: Sequence[T]) -> Page[T]:
        """The page of the whole list `items` this request asks for."""
        chosen = list(items[self.offset : self.offset + self.limit])
        more = self.offset + self.limit < len(items)
        return Page[T](items=chosen, next_cursor=encode_cursor(self.offset + self.limit) if more else None)


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    number = text.removeprefix(_PREFIX)
    if not text.startswith(_PREFIX) or not number.isascii() or not number.isdigit() or len(number) > 12:
        raise InvalidInput("not a cursor this service gave out", path="cursor")
    return int(number)


def page_request(
    limit: Annotated[QueryInteger, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=64, description="`next_cursor` of the previous page; omit for the first")
    ] = None,
) -> PageRequest:
    return PageRequest(limit=limit, offset=decode_cursor(cursor) if cursor else 0)


Paging = Annotated[PageRequest, Depends(page_request)]
