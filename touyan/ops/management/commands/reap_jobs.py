from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from touyan.ops.reaper import reap_stale_jobs


class Command(BaseCommand):
    help = "将长时间未完成的后台任务判为失败,并删除已结束任务的上传文件。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--minutes", type=int, default=None, help="超过多少分钟算中断")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["minutes"]
        out = reap_stale_jobs(older_than=dt.timedelta(minutes=minutes) if minutes else None)
        self.stdout.write(f"failed {out.failed} stale job(s), removed {out.uploads_removed} upload(s)")
