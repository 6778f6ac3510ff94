from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from touyan.ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "用备份替换数据库的全部内容(全部成功或全部不变)。须加 --yes 确认。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="backup 命令写出的文件")
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")
        parser.add_argument("--force", action="store_true", help="数据密钥指纹不同也恢复")
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("恢复会覆盖当前数据库的全部内容;确认请加 --yes")
        try:
            manifest = restore(options["source"], alias=options["database"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {options['source']} ({manifest.get('created', '?')})")
