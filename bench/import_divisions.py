"""Benchmark of touyan.regions.importer (issue #2): a first full import, then an idempotent rerun.

Owns nothing but its printout. Runs `migrate` on the DATABASE_URL database first; for a clean
first run give it an empty database:

    psql -h 127.0.0.1 -U postgres -c 'drop database if exists touyan_bench' -c 'create database touyan_bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/touyan_bench .venv/bin/python bench/import_divisions.py \\
        --source /work/shared/data/divisions-2023
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def peak_rss_mib() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description="Time import_divisions: first run and idempotent rerun.")
    parser.add_argument("--source", type=Path, default=None, help="folder of the five CSVs (default: bundled)")
    parser.add_argument("--within", default=None, help="2/4/6/9-digit code to restrict the import")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from touyan.regions.importer import import_divisions
    from touyan.regions.models import Region

    call_command("migrate", verbosity=0, interactive=False)
    vendor = connection.vendor
    with connection.cursor() as cursor:
        cursor.execute("select version()" if vendor == "postgresql" else "select sqlite_version()")
        server = cursor.fetchone()[0]
    print(f"database: {vendor} {connection.settings_dict['NAME']} ({server})")
    print(f"python {platform.python_version()}, {os.cpu_count()} cpus")
    print(f"regions before: {Region.objects.count()}")

    for run in ("first", "second"):
        started = time.perf_counter()
        report = import_divisions(source=args.source, within=args.within)
        elapsed = time.perf_counter() - started
        print(f"\n{run} run: {elapsed:.1f} s, peak RSS so far {peak_rss_mib():.0f} MiB")
        print(f"  {'level':<11} {'rows':>8} {'created':>8} {'updated':>8} {'unchanged':>9} {'merged':>6}")
        for c in report.levels:
            print(f"  {c.level:<11} {c.rows:>8} {c.created:>8} {c.updated:>8} {c.unchanged:>9} {c.merged:>6}")
        print(
            f"  {'total':<11} {sum(c.rows for c in report.levels):>8} {report.created:>8} "
            f"{report.updated:>8} {report.unchanged:>9} {sum(c.merged for c in report.levels):>6}"
        )
    print(f"\nregions after: {Region.objects.count()}; peak RSS {peak_rss_mib():.0f} MiB")


if __name__ == "__main__":
    main()
