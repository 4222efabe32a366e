"""The counter intake's hot path (issue #6): its query budget, the one rule for which
procedures a desk receives, the token's once-a-minute use stamp and the cached content of
published procedure versions."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from congso.dossiers import services
from congso.dossiers.models import ApiToken, Dossier
from congso.notify.models import Notification
from congso.procedures.models import ProcedureVersion, RequiredPaper, UnitProcedure
from congso.procedures.selectors import version_content

from .conftest import all_papers, person
from .factories import offered_procedure
from .test_api import BASE, bearer, body

pytestmark = pytest.mark.django_db


def _post(client, version, auth, key, payload=None):
    return client.post(
        BASE,
        payload or json.dumps(body(version)),
        content_type="application/json",
        **auth,
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_api_intake_costs_a_fixed_number_of_queries(
    client, demo_org, district_version, django_assert_num_queries
):
    auth = bearer(demo_org, "motcua.tx")
    assert (
        _post(client, district_version, auth, "warm").status_code == 201
    )  # reads the version's content once
    # token+staff+user+unit, role paths, desks (all three from the shared cache in production,
    # not filled inside the test's transaction), version; calendar token, dossier, papers,
    # steps, history, then (the agency's counters locked from here to commit) code and
    # register counters, the dossier's code, register row, sync job, notification, audit
    # head, event, head update. No read of the key first, no re-read of the dossier for the
    # answer. (The test's transaction turns BEGIN/COMMIT into a counted SAVEPOINT/RELEASE pair.)
    payload = json.dumps(body(district_version))
    with django_assert_num_queries(18 + 2):
        answer = _post(client, district_version, auth, "second", payload)
    assert answer.status_code == 201
    data = answer.json()
    dossier = Dossier.objects.get(code=data["code"])
    assert data["procedure_name"] == district_version.name and data["agency"] == dossier.agency.name
    assert data["status"] == 2 and data["due_at"] and dossier.register_entry.number == 2
    assert dossier.steps.count() == 5 and dossier.papers.count() == 3
    # The applicant's SMS is queued in the intake's transaction (sent after commit).
    queued = Notification.objects.filter(event="dossier.accepted", reference=data["code"])
    assert list(queued.values_list("channel", "state")) == [("sms", "pending")]


def test_a_repeated_key_answers_the_first_dossier_and_writes_nothing(
    client, demo_org, district_version
):
    auth = bearer(demo_org, "motcua.tx")
    first = _post(client, district_version, auth, "same")
    notes = Notification.objects.count()
    again = _post(client, district_version, auth, "same")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["code"] == first.json()["code"]
    assert Dossier.objects.count() == 1 and Notification.objects.count() == notes
    # The rolled-back attempt gave back its code: the next dossier gets the following number.
    third = _post(client, district_version, auth, "other").json()["code"]
    assert int(third.rsplit("-", 1)[1]) == int(first.json()["code"].rsplit("-", 1)[1]) + 1


def test_one_rule_for_what_a_ward_desk_receives(client, demo_org, ward_version):
    ward = demo_org.wards["00343"]
    officer = demo_org.staff["motcua.nc"]
    city_version = offered_procedure(demo_org.city, name="Thủ tục cấp thành phố")
    district_version = offered_procedure(demo_org.desk, name="Thủ tục cấp quận")
    auth = bearer(demo_org, "motcua.nc")
    # Its own procedures and the district's (một cửa liên thông) …
    assert _post(client, ward_version, auth, "w").status_code == 201
    assert _post(client, district_version, auth, "d").status_code == 201
    # … but not the city's, neither through the API nor through the service directly.
    refused = _post(client, city_version, auth, "c")
    assert refused.status_code == 404
    with pytest.raises(ValidationError, match="không tiếp nhận"):
        services.dossier_receive(
            by=officer,
            receiving_unit=ward,
            version=city_version,
            applicant=person(),
            papers=all_papers(city_version),
        )
    # A withdrawn offer is refused too.
    UnitProcedure.objects.filter(procedure=ward_version.procedure).update(is_active=False)
    assert _post(client, ward_version, auth, "w2").status_code == 404
    assert Dossier.objects.count() == 2


def test_token_use_is_stamped_at_most_once_a_minute(
    client, demo_org, district_version, monkeypatch
):
    auth = bearer(demo_org, "motcua.tx")
    client.get(BASE, **auth)
    token = ApiToken.objects.get(staff=demo_org.staff["motcua.tx"])
    stamped = token.last_used_at
    assert stamped is not None
    client.get(BASE, **auth)
    token.refresh_from_db()
    assert token.last_used_at == stamped
    later = stamped + timezone.timedelta(minutes=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.get(BASE, **auth)
    token.refresh_from_db()
    assert token.last_used_at == later


@pytest.mark.django_db(transaction=True)  # entries are stored from committed data only
def test_a_revoked_token_is_refused_at_once(client, demo_org, django_assert_num_queries):
    auth = bearer(demo_org, "motcua.tx")
    assert client.get(BASE + "?q=x", **auth).status_code == 200
    with django_assert_num_queries(
        2
    ):  # count and page: token, staff and roles from the shared cache
        assert client.get(BASE + "?q=x", **auth).status_code == 200
    token = ApiToken.objects.get(staff=demo_org.staff["motcua.tx"])
    token.revoked = True
    token.save()
    assert client.get(BASE, **auth).status_code == 401
    token.revoked = False
    token.save()
    staff = demo_org.staff["motcua.tx"]
    staff.is_active = False
    staff.save()
    assert client.get(BASE, **auth).status_code == 401


def test_published_content_is_read_once_drafts_each_time(
    demo_org, district_version, django_assert_num_queries
):
    version_content(district_version)
    again = ProcedureVersion.objects.get(pk=district_version.pk)
    with django_assert_num_queries(0):
        content = version_content(again)
    assert [p.order for p in content.papers] == [1, 2, 3] and content.fee_total == 8000
    assert [s.order for s in content.steps] == [1, 2, 3, 4, 5]
    draft = ProcedureVersion.objects.get(pk=district_version.pk)
    draft.pk = None
    draft.number, draft.is_published = 2, False
    draft.save()
    RequiredPaper.objects.create(version=draft, order=1, name="Tờ khai", originals=1)
    assert len(version_content(draft).papers) == 1
    RequiredPaper.objects.create(version=draft, order=2, name="Bản sao", copies=1)
    assert len(version_content(draft).papers) == 2


def test_a_retry_answers_the_first_dossier_even_when_the_checks_no_longer_pass(
    client, demo_org, district_version
):
    auth = bearer(demo_org, "motcua.tx")
    first = _post(client, district_version, auth, "before-midnight")
    ProcedureVersion.objects.filter(pk=district_version.pk).update(
        valid_to=timezone.localdate() - timezone.timedelta(days=1)
    )
    again = _post(client, district_version, auth, "before-midnight")
    assert (first.status_code, again.status_code) == (201, 200) and again.json()[
        "code"
    ] == first.json()["code"]
    assert _post(client, district_version, auth, "new-key").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_in_steady_state_an_intake_costs_15_statements(
    client, demo_org, district_version, settings
):
    """Outside a test transaction the officer's token, roles and desks come from the shared
    cache; messages go to the notify_deliver worker, as in production."""
    settings.NOTIFY_INLINE = False
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    auth = bearer(demo_org, "motcua.tx")
    assert _post(client, district_version, auth, "warm").status_code == 201
    payload = json.dumps(body(district_version))
    with CaptureQueriesContext(connection) as ctx:
        assert _post(client, district_version, auth, "steady", payload).status_code == 201
    statements = [
        q["sql"]
        for q in ctx.captured_queries
        if not q["sql"].upper().startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))
    ]
    assert len(statements) == 15, "\n".join(s[:70] for s in statements)


def test_the_receiving_query_compiled_once_answers_as_the_orm(
    demo_org, ward_version, district_version
):
    from congso.dossiers import selectors

    ward, desk = demo_org.wards["00343"], demo_org.desk
    city_version = offered_procedure(demo_org.city, name="Thủ tục cấp thành phố")
    expired = offered_procedure(demo_org.desk, name="Thủ tục hết hiệu lực")
    ProcedureVersion.objects.filter(pk=expired.pk).update(
        valid_to=timezone.localdate() - timezone.timedelta(days=1)
    )
    today = timezone.localdate()
    selectors._RECEIVED.clear()
    for unit in (ward, desk):
        for version in (ward_version, district_version, city_version, expired):
            for day in (today, today - timezone.timedelta(days=3650)):
                orm = selectors._versions_received(unit, version.pk, day).first()
                try:
                    got = selectors.version_for_unit(unit, version.pk, day)
                except Http404:
                    got = None
                assert got == orm, (unit, version, day)
                if got is not None:
                    assert (
                        got.procedure == orm.procedure and got.procedure.name == orm.procedure.name
                    )
                    assert [
                        getattr(got, f.attname) for f in ProcedureVersion._meta.concrete_fields
                    ] == [getattr(orm, f.attname) for f in ProcedureVersion._meta.concrete_fields]
    # Compiled, not fallen back to the ORM, for both agencies; and no ORM compile on later calls.
    assert len(selectors._RECEIVED) == 2 and all(selectors._RECEIVED.values())
    with CaptureQueriesContext(connection) as ctx:
        selectors.version_for_unit(ward, ward_version.pk)
    assert len(ctx.captured_queries) == 1
