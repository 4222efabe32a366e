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
    unit = Unit.objects.create(parent=demo_org.district, kind=UnitKind.OTHER, name="Tổ công tác số hoá")
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
