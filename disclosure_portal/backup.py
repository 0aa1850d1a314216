"""One archive with the database and the uploaded files: ``manage.py backup`` / ``restore``.

The archive is a ``.tar.gz`` with ``manifest.json`` (engine, time, migrations applied), the
database (``database.pgdump`` from ``pg_dump --format=custom`` on PostgreSQL, or
``database.sqlite3`` copied with SQLite's online backup API, consistent while the portal
writes) and ``media/`` (the files under ``MEDIA_ROOT``). With object storage
(``MEDIA_STORAGE=s3``) the media stay where they are: the bucket's own versioning or
replication protects them, and the archive holds the database only.

Restore replaces the database's contents and the media folder's with the archive's; it
refuses an archive of the other engine, or one whose migrations the code does not know.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    pass


def _media_root() -> Path | None:
    """The folder holding the media, or None when they live in object storage."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def _pg_env(db: Mapping[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        # Passed in the environment, never on the command line where `ps` shows it.
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    # Fixed program names and the configured database settings; no shell.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _applied_migrations() -> list[str]:
    recorder = MigrationRecorder(connection)
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


def backup(output: Path) -> dict[str, Any]:
    """Write the archive to ``output``; returns its manifest."""
    db = connection.settings_dict
    vendor = connection.vendor
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "vendor": vendor,
        "created_at": timezone.now().isoformat(),
        "migrations": _applied_migrations(),
        "media": _media_root() is not None,
    }
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if vendor == "postgresql":
            args, env = _pg_env(db)
            _run(
                ["pg_dump", "--format=custom", "--no-owner", "--file", str(work / PG_DUMP), *args],
                env,
            )
            database_file = PG_DUMP
        elif vendor == "sqlite":
            connection.ensure_connection()
            target = sqlite3.connect(work / SQLITE_COPY)
            try:
                connection.connection.backup(target)
            finally:
                target.close()
            database_file = SQLITE_COPY
        else:
            raise BackupError(f"unsupported database: {vendor}")
        (work / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / "manifest.json", arcname="manifest.json")
            archive.add(work / database_file, arcname=database_file)
            media = _media_root()
            if media is not None and media.is_dir():
                archive.add(media, arcname="media")
        # Only a complete archive gets the name: a crash never leaves a truncated "backup".
        partial.replace(output)
    return manifest


def _safe_members(archive: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = archive.getmembers()
    for member in members:
        path = Path(member.name)
        if path.is_absolute() or ".." in path.parts or not (member.isfile() or member.isdir()):
            raise BackupError(f"unexpected entry in archive: {member.name}")
    return members


def restore(source: Path) -> dict[str, Any]:
    """Replace the database and the media with the archive's; returns its manifest."""
    vendor = connection.vendor
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(work, members=_safe_members(archive), filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("unknown archive format")
        if manifest.get("vendor") != vendor:
            raise BackupError(
                f"the archive holds a {manifest.get('vendor')} database; this is {vendor}"
            )
        known = set(_applied_migrations()) | _known_migrations()
        unknown = sorted(set(manifest["migrations"]) - known)
        if unknown:
            raise BackupError(f"the archive is newer than this code: {', '.join(unknown[:5])}")
        connection.close()
        if vendor == "postgresql":
            args, env = _pg_env(connection.settings_dict)
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    str(work / PG_DUMP),
                ],
                env,
            )
        else:
            connection.ensure_connection()
            source_db = sqlite3.connect(work / SQLITE_COPY)
            try:
                source_db.backup(connection.connection)
            finally:
                source_db.close()
            connection.close()
        media = _media_root()
        if media is not None and (work / "media").is_dir():
            _replace_folder(work / "media", media)
    return manifest


def _replace_folder(new: Path, target: Path) -> None:
    """Swap in the restored media: old folder aside, new one in, old one removed."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(target.name + ".restoring")
    if staged.exists():
        shutil.rmtree(staged)
    shutil.copytree(new, staged)
    old = target.with_name(target.name + ".before-restore")
    if old.exists():
        shutil.rmtree(old)
    if target.exists():
        target.rename(old)
    staged.rename(target)
    if old.exists():
        shutil.rmtree(old)


def _known_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}
