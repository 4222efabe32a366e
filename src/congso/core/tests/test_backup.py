from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from congso.core.backup import BackupError, backup_create, backup_restore
from congso.org.models import Unit, UnitKind

pytestmark = pytest.mark.django_db(transaction=True)


def _media(settings) -> Path:
    root = Path(settings.MEDIA_ROOT)
    (root / "dossiers" / "2026").mkdir(parents=True, exist_ok=True)
    return root


def test_round_trip_restores_database_and_files(settings, tmp_path, demo_org):
    media = _media(settings)
    (media / "dossiers" / "2026" / "scan.pdf").write_bytes(b"%PDF-1.7 ban chup giay to")
    unit = Unit.objects.create(
        parent=demo_org.district, kind=UnitKind.OTHER, name="Tổ công tác số hoá"
    )
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=str(archive))
    assert archive.exists()

    # Damage after the backup: delete a row, change a file, add a stray file.
    Unit.objects.filter(pk=unit.pk).delete()
    (media / "dossiers" / "2026" / "scan.pdf").write_bytes(b"changed")
    (media / "stray.txt").write_text("x")

    call_command("restore", str(archive), yes=True)
    connection.close()
    assert Unit.objects.get(pk=unit.pk).name == "Tổ công tác số hoá"
    assert (media / "dossiers" / "2026" / "scan.pdf").read_bytes() == b"%PDF-1.7 ban chup giay to"
    assert not (media / "stray.txt").exists()


def test_damaged_archive_changes_nothing(settings, tmp_path, demo_org):
    media = _media(settings)
    (media / "a.txt").write_text("gốc")
    info = backup_create(tmp_path / "b.tar.gz")
    # Rewrite the archive with one media file altered but the manifest unchanged.
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(info.path, "r:gz") as src, tarfile.open(bad, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read() if member.isfile() else None
            if member.name == "media/a.txt":
                data = b"tampered"
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data) if data is not None else None)
    Unit.objects.create(parent=demo_org.district, kind=UnitKind.OTHER, name="Sau sao lưu")
    with pytest.raises(BackupError, match="sai mã kiểm tra"):
        backup_restore(bad)
    assert Unit.objects.filter(name="Sau sao lưu").exists()
    assert (media / "a.txt").read_text() == "gốc"


def test_foreign_or_missing_archive_is_refused(tmp_path, db):
    with pytest.raises(CommandError, match="Không tìm thấy"):
        call_command("restore", str(tmp_path / "none.tar.gz"), yes=True)
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar")
    with pytest.raises(BackupError, match="bị hỏng"):
        backup_restore(junk)
    other = tmp_path / "other.tar.gz"
    with tarfile.open(other, "w:gz") as tar:
        data = json.dumps({"format": 1, "engine": "oracle", "files": {}}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="oracle"):
        backup_restore(other)


def test_path_traversal_member_is_refused(tmp_path, db):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(evil, "w:gz") as tar:
        data = b"x"
        info = tarfile.TarInfo("../../etc/evil")
        info.size = 1
        tar.addfile(info, io.BytesIO(data))
    with pytest.raises(BackupError, match="không hợp lệ"):
        backup_restore(evil)


# --- Issue 11, item 3: a restore verifies the whole archive before it touches anything. ---------


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    return settings.VAR_DIR


def _state(settings) -> tuple[int, int, dict[str, bytes]]:
    from congso.accounts.models import User

    root = Path(settings.MEDIA_ROOT)
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    return Unit.objects.count(), User.objects.count(), files


def _pack(path: Path, members: dict[str, bytes], manifest: dict | None) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        items = dict(members)
        if manifest is not None:
            items = {"manifest.json": json.dumps(manifest).encode(), **items}
        for name, data in items.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _repack_with_database(tmp_path: Path, good: Path, db_bytes: bytes, name: str) -> Path:
    """The good archive with another database file and a manifest whose checksums all hold."""
    members = _members(good)
    manifest = json.loads(members.pop("manifest.json"))
    db_name = next(n for n in members if n.startswith("database."))
    members[db_name] = db_bytes
    manifest["files"][db_name] = _sha(db_bytes)
    return _pack(tmp_path / name, members, manifest)


def _bad_archives(tmp_path: Path, good: Path) -> dict[str, Path]:
    import sqlite3
    import zipfile

    engine = connection.vendor
    raw = good.read_bytes()
    bad = {}
    bad["truncated"] = tmp_path / "truncated.tar.gz"
    bad["truncated"].write_bytes(raw[: len(raw) // 2])
    bad["manifest-only"] = _pack(
        tmp_path / "manifest-only.tar.gz", {}, {"format": 1, "engine": engine, "files": {}}
    )
    db_name = "database.sqlite3" if engine == "sqlite" else "database.pgdump"
    bad["empty-database"] = _pack(
        tmp_path / "empty.tar.gz",
        {db_name: b""},
        {"format": 1, "engine": engine, "files": {db_name: _sha(b"")}},
    )
    foreign_zip = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign_zip, "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": 1, "engine": engine, "files": {}}))
    bad["foreign-zip"] = foreign_zip
    bad["foreign-tar"] = _pack(
        tmp_path / "foreign.tar.gz", {"README": b"another project's archive"}, None
    )
    members = _members(good)
    manifest = json.loads(members["manifest.json"])
    broken = dict(members)
    db_member = next(n for n in members if n.startswith("database."))
    broken[db_member] = members[db_member][:-10] + b"0123456789"
    bad["checksum-broken"] = _pack(
        tmp_path / "broken.tar.gz",
        {k: v for k, v in broken.items() if k != "manifest.json"},
        manifest,
    )
    bad["extra-member"] = _pack(
        tmp_path / "extra.tar.gz",
        {**{k: v for k, v in members.items() if k != "manifest.json"}, "media/evil.html": b"<x>"},
        manifest,
    )
    if engine == "sqlite":
        # A real SQLite file, checksums right, but tables missing / migrations older.
        for label, sql in (
            ("missing-table", "DROP TABLE org_unit"),
            (
                "older-migrations",
                "DELETE FROM django_migrations WHERE app = 'audit' AND name = '0002_chain_head_row'",
            ),
        ):
            path = tmp_path / f"{label}.sqlite3"
            path.write_bytes(members[db_member])
            db = sqlite3.connect(path)
            db.execute("PRAGMA foreign_keys=OFF")
            db.execute(sql)
            db.commit()
            db.close()
            bad[label] = _repack_with_database(tmp_path, good, path.read_bytes(), f"{label}.tar.gz")
    return bad


REFUSALS = {
    "truncated": "bị hỏng",
    "manifest-only": "không chứa cơ sở dữ liệu",
    "empty-database": "thiếu|không đọc được",
    "foreign-zip": "bị hỏng",
    "foreign-tar": "bị hỏng",
    "checksum-broken": "sai mã kiểm tra",
    "extra-member": "không có trong bản kê",
    "missing-table": "thiếu",
    "older-migrations": "cũ hơn",
}


def test_every_malformed_archive_is_refused_and_changes_nothing(
    settings, tmp_path, var_dir, demo_org
):
    media = _media(settings)
    (media / "dossiers" / "2026" / "scan.pdf").write_bytes(b"%PDF-1.7 ban goc")
    good = backup_create(tmp_path / "good.tar.gz").path
    Unit.objects.create(parent=demo_org.district, kind=UnitKind.OTHER, name="Sau sao lưu")
    (media / "after.txt").write_text("tệp sau sao lưu")
    before = _state(settings)
    assert before[0] > 10 and len(before[2]) == 2
    bad = _bad_archives(tmp_path, good)
    assert set(bad) <= set(REFUSALS)
    for label, archive in bad.items():
        with pytest.raises(CommandError, match=REFUSALS[label]) as refused:
            call_command("restore", str(archive), yes=True)
        assert str(refused.value), label
        assert _state(settings) == before, label
    assert not (var_dir / "backups").exists() or not list(
        (var_dir / "backups").glob("pre-restore-*")
    )


def test_good_archive_restores_and_keeps_what_it_replaced(settings, tmp_path, var_dir, demo_org):
    media = _media(settings)
    (media / "a.txt").write_text("gốc")
    good = backup_create(tmp_path / "good.tar.gz").path
    Unit.objects.create(parent=demo_org.district, kind=UnitKind.OTHER, name="Sau sao lưu")
    (media / "a.txt").write_text("sửa sau")
    call_command("restore", str(good), yes=True)
    assert not Unit.objects.filter(name="Sau sao lưu").exists()
    assert (media / "a.txt").read_text() == "gốc"
    saved = list((var_dir / "backups").glob("pre-restore-*.tar.gz"))
    assert len(saved) == 1 and "media/a.txt" in _members(saved[0])
    assert _members(saved[0])["media/a.txt"] == "sửa sau".encode()


def test_failed_restore_puts_the_old_data_back(settings, tmp_path, var_dir, demo_org, monkeypatch):
    from congso.core import backup

    media = _media(settings)
    (media / "a.txt").write_text("gốc")
    good = backup_create(tmp_path / "good.tar.gz").path
    Unit.objects.create(parent=demo_org.district, kind=UnitKind.OTHER, name="Sau sao lưu")
    (media / "b.txt").write_text("mới")
    before = _state(settings)

    def fail(manifest):
        raise BackupError("kiểm tra giả lập thất bại")

    monkeypatch.setattr(backup, "_verify_restored", fail)
    with pytest.raises(BackupError, match="dữ liệu cũ đã được đặt lại"):
        backup_restore(good)
    assert _state(settings) == before


def test_archives_are_owner_only(tmp_path, var_dir, db):
    info = backup_create()
    assert info.path.parent == var_dir / "backups"
    assert info.path.stat().st_mode & 0o777 == 0o600
    assert backup_create(tmp_path / "x.tar.gz").path.stat().st_mode & 0o777 == 0o600


def test_sqlite_file_and_wal_are_owner_only(tmp_path, db):
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "congso.sqlite3"
    path.touch(mode=0o644)
    path.chmod(0o644)
    settings_dict = {
        **connection.settings_dict,
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;"},
    }
    wrapper = DatabaseWrapper(settings_dict, alias="mode_check")
    try:
        wrapper.ensure_connection()
        with wrapper.cursor() as cursor:
            cursor.execute("CREATE TABLE t (x)")
            cursor.execute("INSERT INTO t VALUES (1)")
        wrapper.commit() if not wrapper.get_autocommit() else None
        for suffix in ("", "-wal", "-shm"):
            target = Path(str(path) + suffix)
            assert target.exists(), suffix
            assert target.stat().st_mode & 0o777 == 0o600, suffix
    finally:
        wrapper.close()
