"""One "today" for the whole system: the organisation departments' local date (TIME_ZONE,
Asia/Shanghai), never the host's. Between 16:00 and 24:00 UTC the two differ by a day, and a
guard reading one with a due date written from the other is a day off (a review due on the
wrong day, a publicity period over a day early)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parents[2]
HOST_TODAY = re.compile(r"\bdate\.today\(\)|\bdatetime\.now\(\)(?!\.astimezone)")


def test_no_code_reads_the_hosts_date() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in sorted(ROOT.rglob("*.py"))
        if "/tests/" not in str(path) and "/migrations/" not in str(path)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HOST_TODAY.search(line)
    ]
    assert found == [], "use timezone.localdate() / timezone.now(): " + ", ".join(found)


def test_local_today_is_shanghais_after_16_utc(settings) -> None:
    settings.TIME_ZONE = "Asia/Shanghai"
    evening = dt.datetime(2026, 12, 7, 17, 0, tzinfo=dt.UTC)
    assert timezone.localdate(evening) == dt.date(2026, 12, 8)
