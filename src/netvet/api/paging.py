"""Page parameters every list endpoint takes: ?page=1&page_size=100."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query

from netvet.api.schemas import MAX_PAGE_SIZE

DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True)
class PageRequest:
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


async def page_request(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="1 is the first page.")] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> PageRequest:
    return PageRequest(page, page_size)


Paging = Annotated[PageRequest, Depends(page_request)]
