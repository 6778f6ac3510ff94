"""A short cache of the public village page (云公开 is read far more than it changes).

Each village has a version in the cache; every change the page shows (an item published, an
objection filed or answered) sets a new version after its transaction commits, so a cached page is
never older than the last change, and at most `TTL` seconds old for what it shows from elsewhere
(the 两委 board). The page carries no session, cookie or CSRF token, so one rendering serves everyone.
"""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db import transaction

TTL = 300


def _key(code: str) -> str:
    return f"touyan:public:ver:{code}"


def version(code: str) -> int:
    value = cache.get(_key(code))
    if value is None:
        value = time.time_ns()
        cache.set(_key(code), value, None)
    return int(value)


def changed(code: str) -> None:
    """The village's public page changes: a new version now, and again when the current transaction
    commits (a page read in between, under the first new version, may not show the change yet)."""
    cache.set(_key(code), time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(_key(code), time.time_ns(), None))


def page_key(code: str, query: str) -> str:
    return f"touyan:public:page:{code}:{version(code)}:{query}"
