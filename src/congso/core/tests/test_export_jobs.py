"""Large exports built by the task worker with progress (congso.core.export_jobs, ADR 0047)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from congso.core import export_jobs
from congso.core.models import ExportJob, ExportStatus
from congso.core.tests import jobs
from congso.dossiers.tests.factories import local, offered_procedure
from congso.dossiers.tests.test_views import receive

KIND = "congso.core.tests.jobs.EXPORT"
DB = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _export_state():
    jobs.EXPORT_STATE.update(allowed=True, rows=5, fail_at=None, seen=[])
    yield


def _start(user, **params):
    return export_jobs.start(user=user, kind=KIND, params={"owner": user.pk, **params}, title="Thử")


def _sheet(response):
    body = b"".join(response.streaming_content)
    return load_workbook(io.BytesIO(body)).active


@pytest.mark.django_db
def test_the_register_beyond_the_inline_limit_is_built_in_the_background_for_its_officer_only(
    client, demo_org, django_capture_on_commit_callbacks, settings
):
    settings.EXPORT_INLINE_ROWS = 2
    version = offered_procedure(demo_org.desk)
    for day in (2, 3, 4):
        receive(demo_org, version, at=local(2026, 3, day, 9))
    client.force_login(demo_org.user("lanhdao.tx"))
    params = {"don_vi": demo_org.district.pk, "tu": "2026-03-01", "den": "2026-03-31"}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.get(reverse("dossiers:register"), {**params, "dinh_dang": "xlsx"})
    export = ExportJob.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "core:export", args=[export.pk]
    )
    assert export.status == ExportStatus.DONE and (export.rows_done, export.rows_total) == (3, 3)
    assert export.expires_at - export.finished_at == dt.timedelta(hours=24)
    page = client.get(answer["Location"]).content.decode()
    assert "Đã xong" in page and "Tải tệp so-theo-doi-2026-03-01-2026-03-31.xlsx" in page
    assert "hx-trigger" not in page  # nothing left to poll
    download = client.get(reverse("core:export_download", args=[export.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    ws = _sheet(download)
    assert ws["A2"].value == "SỔ THEO DÕI HỒ SƠ" and ws.max_row == 4 + 3
    assert ws["C5"].value == "Cấp bản sao trích lục hộ tịch"
    # The same rows as the workbook built inside a request (limit back up).
    settings.EXPORT_INLINE_ROWS = 5000
    inline = client.get(reverse("dossiers:register"), {**params, "dinh_dang": "xlsx"})
    small = load_workbook(io.BytesIO(inline.content)).active
    assert [[c.value for c in r] for r in small.iter_rows()] == [
        [c.value for c in r] for r in ws.iter_rows()
    ]
    # Another officer (a ward's) finds neither the page nor the file, as if it did not exist.
    client.force_login(demo_org.user("motcua.km"))
    for name in ("core:export", "core:export_download"):
        assert client.get(reverse(name, args=[export.pk])).status_code == 404
    assert client.post(reverse("core:export_restart", args=[export.pk])).status_code == 404
    assert "Thử" not in client.get(reverse("core:exports")).content.decode()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB)
def test_the_worker_records_progress_the_page_polls_it_and_the_file_is_the_rows(client, demo_org):
    user = demo_org.user("lanhdao.tx")
    client.force_login(user)
    jobs.EXPORT_STATE["rows"] = 1200
    export = _start(user)
    page = client.get(reverse("core:export", args=[export.pk])).content.decode()
    assert "Đang chờ" in page and 'hx-trigger="every 2s"' in page
    assert DBTaskResult.objects.get().status == TaskResultStatus.READY
    from django.core.management import call_command

    call_command("db_worker", batch=True, verbosity=0)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.rows_done == 1200
    seen = jobs.EXPORT_STATE["seen"]
    # The total was known from the start; the count moved while the file was being written.
    assert {total for _done, total in seen} == {1200}
    assert [done for done, _total in seen][::500][:3] == [0, 500, 1000]
    partial = client.get(reverse("core:export", args=[export.pk]), HTTP_HX_REQUEST="true")
    assert partial.content.decode().lstrip().startswith('<div id="export-status"')
    ws = _sheet(client.get(reverse("core:export_download", args=[export.pk])))
    assert ws.max_row == 2 + 1200 and ws["B3"].value == "=dòng 1"  # text, not a formula
    assert ws["B3"].data_type == "s"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB)
def test_a_failing_export_says_so_keeps_no_file_and_can_be_started_again(client, demo_org):
    from django.core.management import call_command

    user = demo_org.user("lanhdao.tx")
    client.force_login(user)
    jobs.EXPORT_STATE["fail_at"] = 3
    export = _start(user)
    call_command("db_worker", batch=True, verbosity=0)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and not export.file
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED  # in the jobs' admin too
    assert not default_storage.exists(f"exports/{export.pk}")
    page = client.get(reverse("core:export", args=[export.pk])).content.decode()
    assert "Không tạo được tệp do lỗi hệ thống. Vui lòng thử lại sau." in page
    assert "database went away" not in page  # the exception stays in the log
    assert client.get(reverse("core:export_download", args=[export.pk])).status_code == 404
    jobs.EXPORT_STATE["fail_at"] = None
    again = client.post(reverse("core:export_restart", args=[export.pk]))
    call_command("db_worker", batch=True, verbosity=0)
    second = ExportJob.objects.exclude(pk=export.pk).get()
    assert again["Location"] == reverse("core:export", args=[second.pk])
    second.refresh_from_db()
    assert second.status == ExportStatus.DONE and second.requested_by == user


@pytest.mark.django_db
def test_the_rule_is_asked_again_when_the_job_runs_and_at_download(
    client, demo_org, django_capture_on_commit_callbacks
):
    user = demo_org.user("lanhdao.tx")
    client.force_login(user)
    jobs.EXPORT_STATE["allowed"] = False
    with pytest.raises(PermissionDenied):
        _start(user)
    assert not ExportJob.objects.exists()
    jobs.EXPORT_STATE["allowed"] = True
    with django_capture_on_commit_callbacks(execute=True):
        done = _start(user)
    url = reverse("core:export_download", args=[done.pk])
    assert client.get(url).status_code == 200
    jobs.EXPORT_STATE["allowed"] = False  # the role was taken away after the file was made
    assert client.get(url).status_code == 404
    # A job queued while allowed and run after the right went: refused, no file.
    jobs.EXPORT_STATE["allowed"] = True
    queued = _start(user)
    jobs.EXPORT_STATE["allowed"] = False
    assert export_jobs.run_export.call(str(queued.pk)) == "refused"
    queued.refresh_from_db()
    assert queued.status == ExportStatus.FAILED and "không còn quyền" in queued.error


@pytest.mark.django_db
def test_a_run_again_after_a_crash_replaces_the_file_and_a_done_job_is_left_alone(demo_org):
    user = demo_org.user("lanhdao.tx")
    export = _start(user)
    assert export_jobs.run_export.call(str(export.pk)) == "done"
    export.refresh_from_db()
    first = export.file.name
    # As if the worker died after writing the file and before its job row was marked: RUNNING.
    ExportJob.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING)
    assert export_jobs.run_export.call(str(export.pk)) == "done"
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.rows_done == 5
    assert not default_storage.exists(first) or export.file.name == first
    assert default_storage.listdir(f"exports/{export.pk}")[1] == [export.file.name.rsplit("/")[-1]]
    assert export_jobs.run_export.call(str(export.pk)) == "skipped"


@pytest.mark.django_db
def test_an_expired_file_is_refused_then_deleted_and_old_rows_forgotten(client, demo_org):
    user = demo_org.user("lanhdao.tx")
    client.force_login(user)
    export = _start(user)
    export_jobs.run_export.call(str(export.pk))
    export.refresh_from_db()
    name = export.file.name
    ExportJob.objects.filter(pk=export.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    gone = client.get(reverse("core:export_download", args=[export.pk]))
    assert gone.status_code == 410 and "Tệp đã hết hạn" in gone.content.decode()
    assert export_jobs.purge_expired.call() == (1, 0)
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED and not default_storage.exists(name)
    ExportJob.objects.filter(pk=export.pk).update(created_at=timezone.now() - dt.timedelta(days=31))
    assert export_jobs.purge_expired.call() == (0, 1)
    assert not ExportJob.objects.exists()


@pytest.mark.django_db
def test_the_list_of_my_exports_costs_the_same_queries_for_more_rows(client, demo_org):
    user = demo_org.user("lanhdao.tx")
    client.force_login(user)
    _start(user)
    client.get(reverse("core:exports"))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("core:exports"))
    _start(user)
    _start(user)
    with CaptureQueriesContext(connection) as more:
        html = client.get(reverse("core:exports")).content.decode()
    assert len(more.captured_queries) == len(ctx.captured_queries)
    assert html.count("Đang chờ") == 3
