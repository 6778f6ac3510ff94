"""Compute the cockpit figures of every region at the given levels (and, without --prefix, the
national overview) into the cache, so that the cockpit pages of large regions and of the nation open
warm (docs/operations.md "Cockpit figures"). Run it from cron or a scheduler more often than
TOUYAN_DASHBOARD_CACHE_SECONDS; it does nothing when that is 0."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from touyan.dashboards import figures
from touyan.regions import rules as region_rules
from touyan.regions.models import Region


class Command(BaseCommand):
    help = "预先计算各级驾驶舱统计数据(写入缓存)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--level",
            action="append",
            choices=region_rules.LEVELS,
            help="区划层级,可重复;默认 province、prefecture、county",
        )
        parser.add_argument("--prefix", default="", help="只计算该区划代码前缀之下的区域")

    def handle(self, *args: Any, **options: Any) -> None:
        if figures.cache_seconds() <= 0:
            self.stdout.write("TOUYAN_DASHBOARD_CACHE_SECONDS 为 0:驾驶舱每次实时计算,无需预热。")
            return
        levels = options["level"] or [region_rules.PROVINCE, region_rules.PREFECTURE, region_rules.COUNTY]
        day = timezone.localdate()
        if not options["prefix"]:
            started = time.perf_counter()
            figures.nation_warm(day)
            self.stdout.write(f"全国: {time.perf_counter() - started:.2f} s")
        regions = Region.objects.filter(level__in=levels, code__startswith=options["prefix"]).order_by("code")
        for region in regions:
            started = time.perf_counter()
            figures.warm(region, day)
            self.stdout.write(f"{region.code} {region.name}: {time.perf_counter() - started:.2f} s")
