from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from touyan.ops.retention import purge_all


class Command(BaseCommand):
    help = "按保存期限删除过期数据(R-DATA-07:考勤与请假 5 年,联审原始结果用毕即删)。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        for name, n in purge_all(options["today"]).deleted.items():
            self.stdout.write(f"{name}: {n}")
