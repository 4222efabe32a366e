"""Backup and restore of the database and uploaded files, for SQLite and PostgreSQL.

An archive is a gzip'd tar with ``manifest.json`` (format, engine, time, SHA-256 of every
member), the database (``database.sqlite3`` through SQLite's online backup API, or
``database.pgdump`` from ``pg_dump --format=custom``) and ``media/``. A restore checks the
whole archive before it changes anything (``verify_archive``: members and checksums, every
table of the current models, the migration state), saves what it replaces as a backup of its
own, and puts that back if the new data does not verify. Archives are written mode 0600.
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

from django.apps import apps
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
DB_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


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
    result = subprocess.run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            *args,
            "-f",
            str(target),
            str(connection.settings_dict["NAME"]),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(_("pg_dump thất bại: %(err)s") % {"err": result.stderr.strip()})
    return target


def backup_create(output: Path | None = None) -> BackupInfo:
    """Write a backup archive and return where it is."""
    engine = _engine()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    output = Path(output or Path(settings.VAR_DIR) / "backups" / f"congso-{stamp}.tar.gz")
    output.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
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
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "files": checksums,
        }
        manifest["audit_checkpoint"] = _audit_checkpoint()
        manifest["migrations"] = sorted(f"{app}.{name}" for app, name in _applied_migrations_live())
        partial = output.with_suffix(".partial")
        # Owner-only from the first byte: the archive holds password hashes, CCCD numbers, sessions.
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            data = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
            tar.add(db_file, arcname=db_file.name)
            for path in media_files:
                tar.add(path, arcname="media/" + path.relative_to(media_root).as_posix())
        partial.replace(output)  # never leave a half-written archive under the final name
    return BackupInfo(output, engine, len(media_files), output.stat().st_size)


def _audit_checkpoint() -> dict | None:
    """Anchor the audit chain with every backup; a broken chain does not stop the backup, the
    manifest says so instead."""
    from congso.audit.services import audit_checkpoint

    try:
        return audit_checkpoint().__dict__
    except ValueError as exc:
        return {"error": str(exc)}


def _reset_audit_checkpoints(manifest: dict) -> None:
    """After a restore the chain is the archive's: later checkpoints no longer apply. Keep them
    aside and start again from the archive's own checkpoint (if it had one)."""
    path = Path(settings.AUDIT_CHECKPOINT_FILE)
    if path.exists():
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        path.rename(path.with_name(f"{path.stem}.before-restore-{stamp}{path.suffix}"))
    point = manifest.get("audit_checkpoint")
    if isinstance(point, dict) and "seq" in point and "error" not in point:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as fh:
            fh.write(json.dumps(point) + "\n")


def _safe_members(tar: tarfile.TarFile) -> list[tarfile.TarInfo]:
    members = []
    for member in tar.getmembers():
        name = Path(member.name)
        if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
            raise BackupError(
                _("Tệp sao lưu chứa đường dẫn không hợp lệ: %(n)s") % {"n": member.name}
            )
        members.append(member)
    return members


def _expected_tables() -> set[str]:
    """Every table the installed models (and so the current migrations) create."""
    tables = {"django_migrations"}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return tables


def _known_migrations() -> set[tuple[str, str]]:
    """The migrations of this version of the code (on disk), whether applied or not."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _applied_migrations_live() -> set[tuple[str, str]]:
    return set(MigrationLoader(connection, ignore_no_migrations=True).applied_migrations)


def _sqlite_state(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """(tables, applied migrations) of a SQLite file, after its integrity check."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(
                    _(
                        "Cơ sở dữ liệu trong bản sao lưu bị hỏng (kiểm tra toàn vẹn SQLite thất bại)."
                    )
                )
            tables = {
                row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            applied: set[tuple[str, str]] = set()
            if "django_migrations" in tables:
                applied = {(a, n) for a, n in db.execute("SELECT app, name FROM django_migrations")}
        finally:
            db.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            _("Cơ sở dữ liệu trong bản sao lưu không đọc được: %(e)s") % {"e": exc}
        ) from exc
    return tables, applied


def _pg_state(path: Path) -> tuple[set[str], set[tuple[str, str]]]:
    """(tables, applied migrations) of a pg_dump archive, read without restoring it."""
    listing = subprocess.run(
        ["pg_restore", "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise BackupError(
            _("Bản kết xuất PostgreSQL không đọc được: %(e)s") % {"e": listing.stderr.strip()}
        )
    tables = set()
    for line in listing.stdout.splitlines():
        parts = line.split()
        # "123; 1259 16390 TABLE public accounts_user postgres"
        if len(parts) >= 6 and parts[3] == "TABLE" and not line.startswith(";"):
            tables.add(parts[5])
    data = subprocess.run(
        ["pg_restore", "--data-only", "--table=django_migrations", "-f", "-", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    applied: set[tuple[str, str]] = set()
    in_copy = False
    for line in data.stdout.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            in_copy = True
        elif in_copy and line == "\\.":
            in_copy = False
        elif in_copy:
            cols = line.split("\t")
            if len(cols) >= 3:
                applied.add((cols[1], cols[2]))
    return tables, applied


def _check_database(work: Path, engine: str) -> None:
    """Refuse a database file that lacks a table of the current models or whose migration
    state is not exactly this version's (older and newer are both refused, see docs)."""
    db_file = work / DB_FILES[engine]
    tables, applied = _sqlite_state(db_file) if engine == "sqlite" else _pg_state(db_file)
    missing = sorted(_expected_tables() - tables)
    if missing:
        raise BackupError(
            _("Bản sao lưu thiếu %(n)s bảng dữ liệu (ví dụ %(t)s): không khôi phục.")
            % {"n": len(missing), "t": ", ".join(missing[:5])}
        )
    known = _known_migrations()
    newer = sorted(f"{a}.{n}" for a, n in applied - known)
    if newer:
        raise BackupError(
            _(
                "Bản sao lưu được tạo bởi phiên bản CongSo mới hơn (có migration %(m)s mà mã "
                "nguồn này không biết): hãy khôi phục bằng phiên bản đó."
            )
            % {"m": ", ".join(newer[:5])}
        )
    older = sorted(f"{a}.{n}" for a, n in known - applied)
    if older:
        raise BackupError(
            _(
                "Bản sao lưu được tạo bởi phiên bản CongSo cũ hơn (chưa có migration %(m)s): hãy "
                "khôi phục bằng phiên bản đã tạo nó rồi nâng cấp (manage.py migrate), sau đó sao "
                "lưu lại."
            )
            % {"m": ", ".join(older[:5])}
        )


def verify_archive(archive: Path, work: Path) -> dict:
    """Unpack ``archive`` into ``work`` and check all of it; return its manifest. Nothing
    outside ``work`` is touched. Raises BackupError naming the first fault."""
    engine = _engine()
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(_("Không tìm thấy tệp sao lưu %(p)s.") % {"p": archive})
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = _safe_members(tar)
            tar.extractall(work, members=members, filter="data")
        manifest = json.loads((work / "manifest.json").read_text())
    except (tarfile.TarError, OSError, ValueError, EOFError, KeyError) as exc:
        raise BackupError(
            _("Tệp sao lưu bị hỏng hoặc không đúng định dạng: %(e)s") % {"e": exc}
        ) from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise BackupError(_("Tệp sao lưu bị hỏng hoặc không đúng định dạng: thiếu danh sách tệp."))
    if manifest.get("format") != FORMAT:
        raise BackupError(_("Định dạng tệp sao lưu không được hỗ trợ."))
    if manifest.get("engine") != engine:
        raise BackupError(
            _("Tệp sao lưu của cơ sở dữ liệu %(a)s, không khôi phục được vào %(b)s.")
            % {"a": manifest.get("engine"), "b": engine}
        )
    files: dict = manifest["files"]
    if DB_FILES[engine] not in files:
        raise BackupError(
            _("Tệp sao lưu không chứa cơ sở dữ liệu (%(n)s).") % {"n": DB_FILES[engine]}
        )
    present = {m.name for m in members if m.isfile()} - {"manifest.json"}
    extra = sorted(present - set(files))
    if extra:
        raise BackupError(
            _("Tệp sao lưu chứa tệp không có trong bản kê: %(n)s") % {"n": ", ".join(extra[:5])}
        )
    for name, digest in files.items():
        path = work / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(
                _("Tệp %(n)s trong bản sao lưu bị thiếu hoặc sai mã kiểm tra.") % {"n": name}
            )
    _check_database(work, engine)
    return manifest


def backup_restore(archive: Path) -> BackupInfo:
    """Replace the database and uploaded files with those of ``archive``.

    The whole archive is verified first (``verify_archive``); a damaged, foreign, incomplete or
    wrong-version archive changes nothing. What is replaced is first saved as a backup
    (``var/backups/pre-restore-<time>.tar.gz``); if the restored data does not verify, it is
    put back and the restore is refused."""
    engine = _engine()
    archive = Path(archive)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        manifest = verify_archive(archive, work)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        saved = backup_create(Path(settings.VAR_DIR) / "backups" / f"pre-restore-{stamp}.tar.gz")
        media_old = _restore_media(work / "media")
        try:
            _restore_database(work, engine)
            _verify_restored(manifest)
        except Exception as exc:
            _rollback(saved.path, media_old)
            raise BackupError(
                _("Khôi phục thất bại, dữ liệu cũ đã được đặt lại (%(p)s): %(e)s")
                % {"p": saved.path, "e": exc}
            ) from exc
        if media_old is not None:
            shutil.rmtree(media_old, ignore_errors=True)
        _reset_audit_checkpoints(manifest)
    media_root = Path(settings.MEDIA_ROOT)
    media_count = sum(1 for p in media_root.rglob("*") if p.is_file()) if media_root.exists() else 0
    return BackupInfo(archive, engine, media_count, archive.stat().st_size)


def _verify_restored(manifest: dict) -> None:
    """The live data now is the archive's: every table, the same migrations, the same files."""
    connection.close()
    tables = set(connection.introspection.table_names())
    missing = _expected_tables() - tables
    if missing:
        raise BackupError(
            _("sau khi khôi phục thiếu bảng %(t)s") % {"t": ", ".join(sorted(missing)[:5])}
        )
    if _applied_migrations_live() != _known_migrations():
        raise BackupError(_("trạng thái migration sau khi khôi phục không khớp"))
    media_root = Path(settings.MEDIA_ROOT)
    for name, digest in manifest["files"].items():
        if name.startswith("media/"):
            path = media_root / name.removeprefix("media/")
            if not path.is_file() or _sha256(path) != digest:
                raise BackupError(_("tệp %(n)s sau khi khôi phục không khớp") % {"n": name})


def _rollback(saved: Path, media_old: Path | None) -> None:
    """Put back the database and files a failed restore replaced."""
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(saved, "r:gz") as tar:
            tar.extractall(work, members=_safe_members(tar), filter="data")
        _restore_database(work, _engine())
    media_root = Path(settings.MEDIA_ROOT)
    if media_old is not None:
        shutil.rmtree(media_root, ignore_errors=True)
        media_old.rename(media_root)


def _restore_database(work: Path, engine: str) -> None:
    if engine == "sqlite":
        source = sqlite3.connect(work / "database.sqlite3")
        try:
            connection.ensure_connection()
            source.backup(connection.connection)  # one step: the live file changes all at once
        finally:
            source.close()
        return
    connections.close_all()
    env, args = _pg_env_args()
    result = subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            "-d",
            str(connection.settings_dict["NAME"]),
            str(work / "database.pgdump"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(_("pg_restore thất bại: %(err)s") % {"err": result.stderr.strip()})


def _restore_media(source: Path) -> Path | None:
    """Swap the archive's files in by renames; return where the old files were moved (kept
    until the restore is verified), or None if there were none."""
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
    moved = None
    if media_root.exists():
        media_root.rename(old)
        moved = old
    staging.rename(media_root)
    return moved


def secure_sqlite_files(sender: object = None, connection: object = None, **kwargs: object) -> None:
    """``connection_created`` hook: the SQLite file and its -wal/-shm readable by the owner only
    (they hold password hashes, CCCD numbers and session keys). SQLite gives new -wal/-shm files
    the mode of the database file, so once this ran they are created 0600 as well."""
    if getattr(connection, "vendor", "") != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")  # type: ignore[attr-defined]
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(name + suffix)
        try:
            if path.exists() and path.stat().st_mode & 0o077:
                path.chmod(0o600)
        except OSError:  # another process may remove -shm/-journal meanwhile
            continue
