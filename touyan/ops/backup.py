"""Backup and restore of the database (issue 21; docs/operations.md).

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), a consistent copy while the
  application runs (WAL readers and a writer go on); restore copies it back the same way.
- PostgreSQL: `pg_dump -Fc` (custom format, compressed, a consistent snapshot) and
  `pg_restore --clean --if-exists --single-transaction` (all or nothing).

Beside each backup a small manifest (`<file>.json`) names the database kind, the time, the applied
migrations and a fingerprint of the data key: a restore refuses a backup written under another
`TOUYAN_DATA_KEY` (its ID numbers would not decrypt) unless forced. The key itself is never in a
backup: keep it apart (R-DATA-03).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


def key_fingerprint() -> str:
    return hmac.new(settings.TOUYAN_DATA_KEY.encode(), b"touyan-backup-fingerprint", hashlib.sha256).hexdigest()[:16]


def _db(alias: str) -> dict[str, Any]:
    return connections[alias].settings_dict


def _vendor(alias: str) -> str:
    return connections[alias].vendor


def _pg_url(alias: str) -> tuple[str, dict[str, str]]:
    d = _db(alias)
    user = quote(d.get("USER") or "", safe="")
    host = d.get("HOST") or "localhost"
    port = d.get("PORT") or "5432"
    url = f"postgresql://{user + '@' if user else ''}{host}:{port}/{quote(d['NAME'], safe='')}"
    env = os.environ.copy()
    if d.get("PASSWORD"):
        env["PGPASSWORD"] = d["PASSWORD"]
    return url, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} 未安装(PostgreSQL 客户端),请安装与服务器同版本的 postgresql-client")
    return path


def _migrations(alias: str) -> list[str]:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [f"{app}.{name}" for app, name in cursor.fetchall()]


def default_target(alias: str = DEFAULT_DB_ALIAS) -> Path:
    folder = Path(getattr(settings, "TOUYAN_BACKUP_DIR", None) or Path(settings.BASE_DIR) / "backups")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return folder / f"touyan-{stamp}.{'sqlite3' if _vendor(alias) == 'sqlite' else 'dump'}"


def backup(target: Path | None = None, *, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a consistent backup of the database to `target` (and its manifest); returns the path."""
    path = Path(target or default_target(alias))
    path.parent.mkdir(parents=True, exist_ok=True)
    vendor = _vendor(alias)
    if vendor == "sqlite":
        source = sqlite3.connect(_db(alias)["NAME"])
        dest = sqlite3.connect(str(path))
        try:
            with dest:
                source.backup(dest)
        finally:
            dest.close()
            source.close()
    elif vendor == "postgresql":
        url, env = _pg_url(alias)
        run = subprocess.run(  # noqa: S603 (our own arguments)
            [_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(path), "--dbname", url],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if run.returncode != 0:
            raise BackupError(f"pg_dump 失败:{run.stderr.strip()[-500:]}")
    else:
        raise BackupError(f"不支持的数据库:{vendor}")
    os.chmod(path, 0o600)  # personal data (encrypted ID numbers, names): the owner only
    manifest = {
        "vendor": vendor, "created": dt.datetime.now(dt.UTC).isoformat(), "key_fingerprint": key_fingerprint(),
        "migrations": _migrations(alias), "bytes": path.stat().st_size,
    }  # fmt: skip
    Path(f"{path}.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def restore(source: Path, *, alias: str = DEFAULT_DB_ALIAS, force: bool = False) -> dict[str, Any]:
    """Replace the database's contents with a backup (all or nothing); returns its manifest."""
    path = Path(source)
    if not path.is_file():
        raise BackupError(f"找不到备份文件 {path}")
    manifest_path = Path(f"{path}.json")
    manifest: dict[str, Any] = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.is_file() else {}
    vendor = _vendor(alias)
    if manifest and manifest.get("vendor") != vendor:
        raise BackupError(f"备份来自 {manifest.get('vendor')} 数据库,当前是 {vendor}")
    if manifest.get("key_fingerprint") not in (None, key_fingerprint()) and not force:
        raise BackupError("备份时的 TOUYAN_DATA_KEY 与当前不同:身份证号将无法解密。请使用原密钥,或加 --force")
    connections[alias].close()
    if vendor == "sqlite":
        source_db = sqlite3.connect(str(path))
        dest = sqlite3.connect(_db(alias)["NAME"])
        try:
            with dest:
                source_db.backup(dest)
        finally:
            dest.close()
            source_db.close()
    elif vendor == "postgresql":
        url, env = _pg_url(alias)
        run = subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
             "--exit-on-error", "--dbname", url, str(path)],
            env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if run.returncode != 0:
            raise BackupError(f"pg_restore 失败:{run.stderr.strip()[-500:]}")
    else:
        raise BackupError(f"不支持的数据库:{vendor}")
    return manifest
