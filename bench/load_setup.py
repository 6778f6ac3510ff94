"""Data for the load test (bench/load.py) beyond `load_demo`: the demo township's pay run of its
latest locked month, opened and calculated by the county administrator as the pages would (WF-8),
so that the run page lists payslips and the cadre has one. Idempotent; prints the run's id.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_load .venv/bin/python bench/load_setup.py
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description="Open and calculate the demo township's pay run.")
    parser.add_argument("--township", default="522301001000")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from touyan.accounts.models import User
    from touyan.attendance.models import MonthLock
    from touyan.payroll.models import PayRun
    from touyan.payroll.services.runs import payrun_calculate, payrun_open

    lock = MonthLock.objects.filter(region_id=args.township).order_by("-month").first()
    if lock is None:
        raise SystemExit(f"no locked month for {args.township}: run load_demo first")
    run = PayRun.objects.filter(region_id=args.township, month=lock.month).first()
    if run is None:
        admin = User.objects.get(username=f"admin_{args.township[:6]}")
        run = payrun_open(actor=admin, region_code=args.township, month=lock.month)
        run = payrun_calculate(actor=admin, run_id=run.pk)
    print(run.pk)


if __name__ == "__main__":
    main()
