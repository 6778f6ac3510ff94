from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from touyan.ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库:SQLite 用在线备份接口,PostgreSQL 用 pg_dump -Fc(旁边写一个 .json 清单)。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", type=Path, default=None, help="备份文件路径(默认 backups/ 下按时间命名)")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path = backup(options["output"], alias=options["database"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
