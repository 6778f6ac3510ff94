"""The county and prefecture workbench roll-up (issue 16): the attendance to-dos (duty gaps this month,
last month's shortfalls) against the filings to-do as a reference, 3 runs each.

DATABASE_URL=sqlite:////tmp/demo.sqlite3 .venv/bin/python manage.py shell < bench/workbench_rollup.py
"""

import statistics
import time

from django.utils import timezone

from touyan.accounts.models import User
from touyan.core.todos import TodoContext
from touyan.dashboards.todos import attendance_todos, filing_todos
from touyan.regions.models import Region

for uname, code in (("admin_522301", "522301000000"), ("admin_5223", "522300000000")):
    u = User.objects.get(username=uname)
    r = Region.objects.get(code=code)
    ctx = TodoContext(region=r, today=timezone.localdate())
    for fn in (attendance_todos, filing_todos):
        ts = []
        for _ in range(3):
            t = time.perf_counter()
            fn(u, ctx)
            ts.append(time.perf_counter() - t)
        print(uname, fn.__name__, f"median {statistics.median(ts):.3f} s", [round(x, 3) for x in ts])
