"""Backup and restore of the database and uploaded files, for SQLite and PostgreSQL.

An archive is a gzip'd tar with ``manifest.json`` (format, engine, time, SHA-256 of every
member), the database (``database.sqlite3`` through SQLite's online backup API, or
``database.pgdump`` from ``pg_dump --format=custom``) and ``media/``. A restore checks the
whole archive before it changes anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator (Vietnamese)."""


@dataclass
class BackupInfo:
    path: Path
    engine: str
    media_files: int
    size: int


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Chưa hỗ trợ sao lưu cơ sở dữ liệu loại %(v)s.") % {"v": vendor})
    return vendor


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env_args() -> tuple[dict[str, str], list[str]]:
    conf = connection.settings_dict
    env = {**os.environ}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    args = []
    if conf.get("HOST"):
        args += ["-h", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["-p", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["-U", str(conf["USER"])]
    return env, args


def _dump_database(work: Path, engine: str) -> Path:
    if engine == "sqlite":
        target = work / "database.sqlite3"
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        try:
            connection.connection.backup(dest)  # consistent even while others write (WAL)
        finally:
            dest.close()
        return target
    target = work / "database.pgdump"
    env, args = _pg_env_args()
    result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", *args, "-f", str(target),
                             str(connection.settings_dict["NAME"])], env=env, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        raise BackupError(_("pg_dump thất bại: %(err)s") % {"err": result.stderr.strip()})
    return target


def backup_create(output: Path | None = None) -> BackupInfo:
    """Write a backup archive and return where it is."""
    engine = _engine()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    output = Path(output or Path(settings.VAR_DIR) / "backups" / f"congso-{stamp}.tar.gz")
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db_file = _dump_database(work, engine)
        checksums = {db_file.name: _sha256(db_file)}
        media_files = []
        if media_root.exists():
            media_files = sorted(p for p in media_root.rglob("*") if p.is_file())
        for path in media_files:
            checksums["media/" + path.relative_to(media_root).as_posix()] = _sha256(path)
        manifest = {"format": FORMAT, "engine": engine, "created_at": timezone.now().isoformat(),
                    "files": checksums}
        partial = output.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for path in media_files:
                tar.add(path, arcname="media/" + path.relative_to(media_root).as_posix())
        partial.replace(output)  # never leave a half-written archive under the final name
    return BackupInfo(output, engine, len(media_files), output.stat().st_size)


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(_("Tệp sao lưu chứa đường dẫn không hợp lệ: %(n)s") % {"n": member.name})
        members.append(member)
    return members


def backup_restore(archive: Path) -> BackupInfo:
    """Replace the database and uploaded files with those of ``archive``.

    The archive is unpacked and every checksum verified first; a damaged, foreign or
    wrong-engine archive changes nothing."""
    engine = _engine()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("Không tìm thấy tệp sao lưu %(p)s.") % {"p": archive})
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, members=_safe_members(tar), filter="data")
            manifest = json.loads((work / "manifest.json").read_text())
        except (tarfile.TarError, OSError, ValueError, KeyError) as exc:
            raise BackupError(_("Tệp sao lưu bị hỏng hoặc không đúng định dạng: %(e)s") % {"e": exc})
        if manifest.get("format") != FORMAT:
            raise BackupError(_("Định dạng tệp sao lưu không được hỗ trợ."))
        if manifest.get("engine") != engine:
            raise BackupError(_("Tệp sao lưu của cơ sở dữ liệu %(a)s, không khôi phục được vào %(b)s.")
                              % {"a": manifest.get("engine"), "b": engine})
        for name, digest in manifest["files"].items():
            path = work / name
            if not path.is_file() or _sha256(path) != digest:
                raise BackupError(_("Tệp %(n)s trong bản sao lưu bị thiếu hoặc sai mã kiểm tra.") % {"n": name})
        _restore_database(work, engine)
        media_count = _restore_media(work / "media")
    return BackupInfo(archive, engine, media_count, archive.stat().st_size)


def _restore_database(work: Path, engine: str) -> None:
    if engine == "sqlite":
        source = sqlite3.connect(work / "database.sqlite3")
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()
        return
    connections.close_all()
    env, args = _pg_env_args()
    result = subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                             *args, "-d", str(connection.settings_dict["NAME"]), str(work / "database.pgdump")],
                            env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(_("pg_restore thất bại: %(err)s") % {"err": result.stderr.strip()})


def _restore_media(source: Path) -> int:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = media_root.with_name(media_root.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    if source.exists():
        shutil.copytree(source, staging)
    else:
        staging.mkdir()
    old = media_root.with_name(media_root.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if media_root.exists():
        media_root.rename(old)
    staging.rename(media_root)
    shutil.rmtree(old, ignore_errors=True)
    return sum(1 for p in media_root.rglob("*") if p.is_file())
