"""Fail closed on personal data: a query that would return every row, run while a request is
being served, raises instead (the way PostHog's team-scoped managers fail closed).

A model opts in with `objects = FailClosedQuerySet.as_manager()`. Inside a request (marked by the
access middleware, accounts.enforce) a queryset of it with no condition at all — no region, no
person, no id — raises `UnscopedQuery` when it is evaluated, counted, tested or changed in bulk.
Any filter (a region prefix from `accounts.scope.scope_filter`, a primary key, an id hash) is a
scope. Where every row is truly meant — the national administrator's scope, a batch — the code
says so with `.unscoped()`; background tasks and management commands run outside any request and
are never refused.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Self, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

_in_request: contextvars.ContextVar[bool] = contextvars.ContextVar("touyan_in_request", default=False)


class UnscopedQuery(RuntimeError):
    """A query over personal data with no scope, during a request."""


@contextmanager
def serving_request() -> Iterator[None]:
    token = _in_request.set(True)
    try:
        yield
    finally:
        _in_request.reset(token)


def in_request() -> bool:
    return _in_request.get()


def every_row(qs: QuerySet[M]) -> QuerySet[M]:
    """`qs` over every row on purpose: `.unscoped()` for a fail-closed queryset, else `qs` itself."""
    return qs.unscoped() if isinstance(qs, FailClosedQuerySet) else qs


class FailClosedQuerySet(QuerySet[M]):
    _unscoped_ok = False

    def unscoped(self) -> Self:
        """Every row, on purpose (the national scope, a batch)."""
        clone = self._chain()  # type: ignore[attr-defined]
        clone._unscoped_ok = True
        return clone

    def _clone(self) -> Self:
        clone = super()._clone()  # type: ignore[misc]
        clone._unscoped_ok = self._unscoped_ok
        return clone  # type: ignore[no-any-return]

    def _guard(self) -> None:
        if self._unscoped_ok or not _in_request.get() or self.query.where or self.query.is_empty():
            return
        raise UnscopedQuery(
            f"{self.model.__name__}: a query over every row during a request; "
            "scope it (accounts.scope.scope_filter) or say .unscoped()"
        )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._guard()
        super()._fetch_all()  # type: ignore[misc]

    def count(self) -> int:
        self._guard()
        return super().count()

    def exists(self) -> bool:
        self._guard()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._guard()
        return super().aggregate(*args, **kwargs)

    def iterator(self, chunk_size: int | None = None) -> Iterator[M]:
        self._guard()
        return super().iterator(chunk_size=chunk_size)

    def update(self, **kwargs: Any) -> int:
        self._guard()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._guard()
        return super().delete()
