"""Uploaded files on S3-compatible storage (issue #14 §3, ADR 0084), against a real S3 server
speaking HTTP (moto's standalone server, started and stopped here): an intake's scan lands in
the private bucket and nowhere on disk, the bucket refuses anonymous reads, downloads pass the
same permission check and are streamed by the app or, with FILE_DOWNLOADS=signed, redirected
to a signed URL that lives FILE_URL_SECONDS; the readiness check writes and reads the bucket."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import parse_qs, urlparse

import pytest
from bench.server import ROOT
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from congso.dossiers.models import Dossier
from congso.dossiers.tests.factories import offered_procedure
from congso.dossiers.tests.test_views import PDF_BYTES, intake_post

from .servers import S3Server

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    server = S3Server(tmp_path_factory.mktemp("s3"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3(settings, s3_server):
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage_options()}
    return s3_server


def _intake_with_scan(client, org, name="to-khai.pdf"):
    client.force_login(org.user("motcua.tx"))
    scan = SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")
    response = client.post(
        reverse("dossiers:intake"),
        {**intake_post(offered_procedure(org.desk)), "attachments": [scan]},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    dossier = Dossier.objects.order_by("-pk").first()
    return dossier, dossier.attachments.get()


def test_an_upload_lands_in_the_private_bucket_and_is_streamed_after_the_check(
    client, demo_org, s3, settings
):
    dossier, att = _intake_with_scan(client, demo_org)
    assert att.file.name in s3.object_keys() and att.file.name.startswith("dossiers/attachments/")
    assert not (settings.MEDIA_ROOT / "dossiers").exists()  # nothing on this node's disk

    # The bucket is private: the object's plain URL is refused to anyone without a signature.
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3.url}/{s3.bucket}/{att.file.name}", timeout=5)
    assert refused.value.code == 403

    url = reverse("dossiers:attachment", args=[dossier.code, att.pk])
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store, private"
    client.force_login(demo_org.user("motcua.km"))  # another district: not allowed
    assert client.get(url).status_code == 404


def test_signed_downloads_redirect_to_a_short_lived_url_only_after_the_check(
    client, demo_org, s3, settings
):
    settings.FILE_DOWNLOADS = "signed"
    settings.FILE_URL_SECONDS = 45
    dossier, att = _intake_with_scan(client, demo_org, name="giay-to.pdf")
    url = reverse("dossiers:attachment", args=[dossier.code, att.pk])

    response = client.get(url)
    assert response.status_code == 302 and response["Cache-Control"] == "no-store, private"
    target = response["Location"]
    assert target.startswith(f"{s3.url}/{s3.bucket}/{att.file.name}?")
    query = parse_qs(urlparse(target).query)
    assert query["X-Amz-Expires"] == ["45"] and query["X-Amz-Signature"]
    with urllib.request.urlopen(target, timeout=5) as fetched:
        assert fetched.read() == PDF_BYTES
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert 'filename="giay-to.pdf"' in fetched.headers["Content-Disposition"]
    # (moto does not verify signatures or expiry, a real store does; the unsigned URL is refused
    # by the private bucket: the first test)
    client.force_login(demo_org.user("motcua.km"))
    assert client.get(url).status_code == 404  # no URL handed out without the check


def test_the_same_name_twice_keeps_both_files(s3):
    first = default_storage.save("dossiers/attachments/x/scan.pdf", ContentFile(b"one"))
    second = default_storage.save("dossiers/attachments/x/scan.pdf", ContentFile(b"two"))
    assert first != second and {first, second} <= set(s3.object_keys())
    with default_storage.open(first, "rb") as fh:
        assert fh.read() == b"one"


def test_readiness_checks_the_bucket_and_leaves_nothing_in_it(client, s3):
    before = s3.object_keys()
    response = client.get("/readyz")
    assert json.loads(response.content)["checks"]["storage"] == "ok"
    assert s3.object_keys() == before


def test_readiness_names_the_storage_when_the_store_is_down(client, settings, tmp_path):
    down = S3Server(tmp_path)  # never started: nothing listens on its port
    settings.STORAGES = {**settings.STORAGES, "default": down.storage_options()}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"]["storage"].startswith("lỗi")


def test_local_storage_stays_the_default_and_s3_is_read_from_the_environment(s3_server):
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "d = s.STORAGES['default']; o = d.get('OPTIONS', {}); "
        "print(json.dumps([d['BACKEND'], o.get('bucket_name'), o.get('endpoint_url'), "
        "o.get('default_acl'), o.get('querystring_expire'), o.get('file_overwrite')]))"
    )
    base = {"DJANGO_SETTINGS_MODULE": "congso.settings", "PYTHONPATH": str(ROOT / "src")}

    def settings_with(**env: str) -> list:
        result = subprocess.run(
            [sys.executable, "-c", probe],
            env={**base, "PATH": "/usr/bin:/bin", **env},
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        return json.loads(result.stdout.strip().splitlines()[-1])

    assert settings_with()[0] == "django.core.files.storage.FileSystemStorage"
    assert settings_with(**s3_server.env(), FILE_URL_SECONDS="30") == [
        "storages.backends.s3.S3Storage",
        s3_server.bucket,
        s3_server.url,
        None,
        30,
        False,
    ]
