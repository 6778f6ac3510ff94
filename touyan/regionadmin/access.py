"""Routes of the region tree (accounts.access format): every signed-in role reads its region;
only an administrator writes the statistics."""

from __future__ import annotations

from touyan.accounts.access import REGION, Rule, allow, everyone

ROUTES: dict[str, Rule] = {
    "regions:detail_current": everyone(REGION),
    "regions:switch": everyone(REGION),
    "regions:detail": everyone(REGION),  # the page refuses a POST without regions.stats.write
    "GET /api/v1/regions/{code}": everyone(REGION),
    "GET /api/v1/regions/{code}/children": everyone(REGION),
    "GET /api/v1/regions/{code}/stats": everyone(REGION),
    "PUT /api/v1/regions/{code}/stats/{year}": allow(admin=REGION),
}
