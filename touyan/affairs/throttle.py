"""Per-client rate limit of villagers' objections (R-OPEN-03: no login, so a limit instead).

A fixed window counted in Django's cache: `cache.add` then `cache.incr`, both atomic in Redis and
memcached, so every worker process shares one count per client. The default LocMemCache counts per
process only: production sets CACHES to Redis (docs/operations.md, config/settings/production.py),
where the counters live beside the sessions of nobody — a public page keeps no session.

The client is the connection's address; behind a reverse proxy set TOUYAN_TRUSTED_PROXY_HOPS to the
number of proxies that append to X-Forwarded-For (nginx: 1), or every villager shares the proxy's
address. The address is hashed before it is used as a key and never stored in the database.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def _rate() -> tuple[int, int]:
    raw = getattr(settings, "TOUYAN_OBJECTION_RATE", "20/3600")
    count, _, seconds = str(raw).partition("/")
    return max(int(count), 1), max(int(seconds or 3600), 1)


def client_of(request: HttpRequest) -> str:
    hops = int(getattr(settings, "TOUYAN_TRUSTED_PROXY_HOPS", 0))
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return str(request.META.get("REMOTE_ADDR", ""))


def allow(request: HttpRequest, scope: str = "objection") -> tuple[bool, int]:
    """Count one request of this client; (allowed, seconds until the window resets)."""
    limit, window = _rate()
    now = int(time.time())
    slot = now // window
    who = hashlib.sha256(f"{settings.SECRET_KEY}:{client_of(request)}".encode()).hexdigest()[:32]
    key = f"touyan:rate:{scope}:{who}:{slot}"
    if cache.add(key, 1, timeout=window + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window + 5)
            count = 1
    return count <= limit, (slot + 1) * window - now
