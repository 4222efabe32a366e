"""Page-number pagination for the API with bounded numbers (issue #11, finding 7).

ninja's ``PageNumberPagination`` accepts any page number: ``?page=10**30`` becomes an OFFSET
no database takes (SQLite: "datatype mismatch", PostgreSQL: bigint out of range) and a
server error. Here the page and the page size are bounded by the schema, so a number beyond
them is a 422 with the field named, like any other invalid parameter."""

from __future__ import annotations

from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# 10⁶ pages is far beyond any list the API serves.
MAX_PAGE = 1_000_000


class Pages(PageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)  # capped by max_page_size, as in ninja
