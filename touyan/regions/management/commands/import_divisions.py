"""The import_divisions command: load the national division CSVs into Region (see regions.importer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from touyan.regions.importer import DivisionImportError, import_divisions


class Command(BaseCommand):
    help = (
        "导入统计用区划代码 (provinces/cities/areas/streets/villages 的 .csv 或 .csv.gz)。"
        "不给 --source 时导入内置的黔西南州 (5223) 数据。可重复运行。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--source", type=Path, help="含五个 CSV 的目录 (默认: 内置黔西南州数据)")
        parser.add_argument("--within", help="只导入该区划 (2/4/6/9 位代码) 及其下级, 外加其上级")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path | None = options.get("source")
        if source is not None and not source.is_dir():
            raise CommandError(f"--source 不是目录: {source}")
        try:
            report = import_divisions(source=source, within=options.get("within"), progress=self.stdout.write)
        except DivisionImportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(report.summary()))
