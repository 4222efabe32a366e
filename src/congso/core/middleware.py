"""Optional per-request query counter (``CONGSO_QUERY_COUNT_HEADER=true``): adds
``X-Query-Count`` to every response so load benchmarks can show that a page's query count does
not grow with the data. Off by default; it costs a wrapper call per query."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse


@contextmanager
def counting_queries() -> Iterator[list[int]]:
    """Count the queries run inside the block; the count is ``box[0]`` afterwards."""
    box = [0]

    def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        box[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        yield box


class QueryCountHeaderMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with counting_queries() as count:
            response = self.get_response(request)
        response["X-Query-Count"] = str(count[0])
        return response
