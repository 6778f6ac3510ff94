"""Loading the national division CSVs into Region (the import_divisions command and issue #2).

Owns the CSV format of the `china-division` package (provinces, cities, areas, streets,
villages; `.csv` or `.csv.gz`), its validation, and the idempotent, level-by-level upsert
into Region. It never deletes regions.

Codes are stored padded to 12 digits. A few source rows pad to the same 12 digits as their
parent (the areas 441900 东莞市, 442000 中山市 and 460400 儋州市 repeat their city; the street
and village 金门县 repeat their county): such a row is a placeholder for its parent, not a
region of its own, so it is counted as `merged` and its children hang on that parent.
"""

from __future__ import annotations

import csv
import gzip
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from django.db import transaction
from django.db.models import Q

from . import rules
from .models import Region

BUNDLED_SOURCE = Path(__file__).resolve().parent / "data" / "qianxinan-5223"
BATCH_SIZE = 5000
PROGRESS_EVERY = 100_000
NAME_MAX_LENGTH = Region._meta.get_field("name").max_length or 100


@dataclass(frozen=True)
class SourceFile:
    """One level's CSV: its stem, the column naming the parent, and the level's code length."""

    level: str
    stem: str
    parent_column: str | None

    @property
    def code_length(self) -> int:
        return rules.PREFIX_LENGTH[self.level]


FILES: tuple[SourceFile, ...] = (
    SourceFile(rules.PROVINCE, "provinces", None),
    SourceFile(rules.PREFECTURE, "cities", "provinceCode"),
    SourceFile(rules.COUNTY, "areas", "cityCode"),
    SourceFile(rules.TOWNSHIP, "streets", "areaCode"),
    SourceFile(rules.VILLAGE, "villages", "streetCode"),
)
LEVEL_LABELS: dict[str, str] = {
    rules.PROVINCE: "省",
    rules.PREFECTURE: "市(州)",
    rules.COUNTY: "县(市、区)",
    rules.TOWNSHIP: "乡镇(街道)",
    rules.VILLAGE: "村(社区)",
}


class DivisionImportError(ValueError):
    """The source is unusable: a missing file or column, or a bad row (named by file and line)."""


@dataclass(frozen=True)
class LevelCounts:
    """What one level's import did. `rows` counts the in-scope source rows."""

    level: str
    file: str
    rows: int
    created: int
    updated: int
    unchanged: int
    merged: int = 0

    @property
    def label(self) -> str:
        return LEVEL_LABELS[self.level]

    def summary(self) -> str:
        text = f"{self.label}: 新增 {self.created}, 更新 {self.updated}, 未变 {self.unchanged}"
        if self.merged:
            text += f", 并入上级 {self.merged}"
        return text


@dataclass(frozen=True)
class ImportReport:
    """Counts per level, in order province → village, and the elapsed seconds."""

    source: str
    within: str | None
    levels: tuple[LevelCounts, ...]
    seconds: float

    def __getitem__(self, level: str) -> LevelCounts:
        for counts in self.levels:
            if counts.level == level:
                return counts
        raise KeyError(level)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.levels)

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.levels)

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.levels)

    def summary(self) -> str:
        return f"合计: 新增 {self.created}, 更新 {self.updated}, 未变 {self.unchanged}; 用时 {self.seconds:.1f} 秒"


def import_divisions(
    source: Path | None = None,
    within: str | None = None,
    progress: Callable[[str], None] | None = None,
    *,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Create or update the regions in `source` (default: the bundled Qianxinan subset).

    `within` (a 2/4/6/9-digit code) limits the load to that region's subtree and its
    ancestors. Each level is written in one transaction, parents' level first; a bad row
    raises DivisionImportError and leaves that level as it was.
    """
    started = time.monotonic()
    folder = Path(source) if source is not None else BUNDLED_SOURCE
    scope = _check_within(within)
    paths = [_find_file(folder, spec.stem) for spec in FILES]
    say = progress or (lambda _message: None)
    results: list[LevelCounts] = []
    parents: set[str] = set()
    for spec, path in zip(FILES, paths, strict=True):
        say(f"{LEVEL_LABELS[spec.level]}: 读取 {path.name}")
        with transaction.atomic():
            counts, codes = _import_level(spec, path, scope, parents, say, batch_size)
        results.append(counts)
        say(counts.summary())
        parents = codes
    return ImportReport(source=str(folder), within=scope, levels=tuple(results), seconds=time.monotonic() - started)


def _check_within(within: str | None) -> str | None:
    if within is None:
        return None
    code = within.strip()
    if not code.isdigit() or len(code) not in (2, 4, 6, 9):
        raise DivisionImportError(f"范围代码应为 2、4、6 或 9 位数字: {within!r}")
    return code


def _find_file(folder: Path, stem: str) -> Path:
    if not folder.is_dir():
        raise DivisionImportError(f"区划数据目录不存在: {folder}")
    found = [p for p in (folder / f"{stem}.csv", folder / f"{stem}.csv.gz") if p.is_file()]
    if not found:
        raise DivisionImportError(f"{folder} 中缺少 {stem}.csv 或 {stem}.csv.gz")
    if len(found) > 1:
        raise DivisionImportError(f"{folder} 中 {stem}.csv 与 {stem}.csv.gz 同时存在, 请只保留一个")
    return found[0]


def _open_text(path: Path) -> TextIO:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    return path.open(encoding="utf-8", newline="")


def _in_scope(code: str, scope: str | None) -> bool:
    """True when a source code is the `within` region, inside it, or one of its ancestors."""
    if scope is None:
        return True
    if len(code) < len(scope):
        return scope.startswith(code)
    return code.startswith(scope)


def _rows(spec: SourceFile, path: Path, scope: str | None) -> Iterator[tuple[int, str, str, str | None]]:
    """(line, raw code, name, raw parent code) of each in-scope row; checks the header."""
    with _open_text(path) as text:
        reader = csv.reader(text)
        header = next(reader, [])
        needed = ["code", "name"] + ([spec.parent_column] if spec.parent_column else [])
        missing = [c for c in needed if c not in header]
        if missing:
            raise DivisionImportError(f"{path.name} 第 1 行: 缺少列 {', '.join(missing)}")
        i_code, i_name = header.index("code"), header.index("name")
        i_parent = header.index(spec.parent_column) if spec.parent_column else None
        width = len(header)
        try:
            for row in reader:
                if len(row) != width:
                    if not row:
                        continue
                    raise DivisionImportError(
                        f"{path.name} 第 {reader.line_num} 行: 应有 {width} 列, 实有 {len(row)} 列"
                    )
                code = row[i_code].strip()
                if scope is not None and not _in_scope(code, scope):
                    continue
                parent = row[i_parent].strip() if i_parent is not None else None
                yield reader.line_num, code, row[i_name].strip(), parent
        except (csv.Error, UnicodeDecodeError, OSError, EOFError) as exc:
            raise DivisionImportError(f"{path.name} 第 {reader.line_num} 行: 无法读取: {exc}") from exc


def _import_level(
    spec: SourceFile,
    path: Path,
    scope: str | None,
    parents: set[str],
    say: Callable[[str], None],
    batch_size: int,
) -> tuple[LevelCounts, set[str]]:
    """Validate and upsert one level. Returns its counts and the 12-digit codes children may name."""
    label = LEVEL_LABELS[spec.level]
    existing = _existing(spec.level, scope)
    seen: set[str] = set()
    merged = created = updated = rows = 0
    new: list[Region] = []
    changed: list[Region] = []
    for line, raw, name, raw_parent in _rows(spec, path, scope):
        code, parent = _check_row(spec, path.name, line, raw, name, raw_parent, parents)
        if code in seen:
            raise DivisionImportError(f"{path.name} 第 {line} 行: 区划代码 {raw} 重复")
        seen.add(code)
        rows += 1
        if rows % PROGRESS_EVERY == 0:
            say(f"{label}: 已处理 {rows} 行")
        if code == parent:
            merged += 1  # a placeholder repeating its parent's 12-digit code (see module docstring)
            continue
        old = existing.get(code)
        if old is None:
            created += 1
            new.append(Region(code=code, name=name, level=spec.level, parent_id=parent))
            if len(new) >= batch_size:
                _create(new, batch_size)
        elif old != (name, parent, spec.level):
            changed.append(Region(code=code, name=name, level=spec.level, parent_id=parent))
            if len(changed) >= batch_size:
                updated += _update(changed, batch_size)
    _create(new, batch_size)
    updated += _update(changed, batch_size)
    if scope is not None and spec.code_length <= len(scope) and rows == 0:
        raise DivisionImportError(f"{path.name} 中没有区划代码 {scope[: spec.code_length]}")
    unchanged = rows - merged - created - updated
    counts = LevelCounts(spec.level, path.name, rows, created, updated, unchanged, merged)
    return counts, seen


def _existing(level: str, scope: str | None) -> dict[str, tuple[str, str | None, str]]:
    """code → (name, parent code, level) of the stored regions whose code has this level's shape.

    Selected by the code's trailing zeros rather than the `level` column, so that a row stored
    with another level is found (and corrected) instead of colliding on insert.
    """
    index = rules.LEVELS.index(level)
    length = rules.PREFIX_LENGTH[level]
    shape = Q(code__endswith="0" * (rules.CODE_LENGTH - length)) if length < rules.CODE_LENGTH else Q()
    if index > 0:
        shape &= ~Q(code__endswith="0" * (rules.CODE_LENGTH - rules.PREFIX_LENGTH[rules.LEVELS[index - 1]]))
    query = Region.objects.filter(shape)
    if scope is not None:
        if length < len(scope):
            query = query.filter(code=scope[:length].ljust(rules.CODE_LENGTH, "0"))
        else:
            query = query.filter(code__startswith=scope)
    rows = query.order_by().values_list("code", "name", "parent_id", "level").iterator(chunk_size=20_000)
    return {code: (name, parent, lvl) for code, name, parent, lvl in rows}


def _create(batch: list[Region], batch_size: int) -> None:
    if batch:
        Region.objects.bulk_create(batch, batch_size=batch_size)
        batch.clear()


def _update(batch: list[Region], batch_size: int) -> int:
    count = len(batch)
    if batch:
        Region.objects.bulk_update(batch, ["name", "parent", "level"], batch_size=batch_size)
        batch.clear()
    return count


def _check_row(
    spec: SourceFile,
    file: str,
    line: int,
    raw: str,
    name: str,
    raw_parent: str | None,
    parents: set[str],
) -> tuple[str, str | None]:
    """The row's 12-digit code and 12-digit parent code, or DivisionImportError naming the line."""
    where = f"{file} 第 {line} 行"
    if not raw.isdigit() or len(raw) != spec.code_length:
        raise DivisionImportError(f"{where}: 区划代码应为 {spec.code_length} 位数字: {raw!r}")
    if not name:
        raise DivisionImportError(f"{where}: 名称为空 (区划代码 {raw})")
    if len(name) > NAME_MAX_LENGTH:
        raise DivisionImportError(f"{where}: 名称超过 {NAME_MAX_LENGTH} 字 (区划代码 {raw})")
    code = raw.ljust(rules.CODE_LENGTH, "0")
    if spec.parent_column is None or raw_parent is None:
        return code, None
    if not raw_parent or not raw.startswith(raw_parent):
        raise DivisionImportError(f"{where}: 区划代码 {raw} 与上级代码 {spec.parent_column}={raw_parent!r} 不符")
    try:
        parent = rules.normalize_code(raw_parent)
    except rules.BadCode as exc:
        raise DivisionImportError(f"{where}: {exc}") from exc
    if parent not in parents:
        raise DivisionImportError(f"{where}: 上级区划 {raw_parent} 不存在 (区划代码 {raw})")
    return code, parent
