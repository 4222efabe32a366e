"""GET /api/v1/calendar/due-date: happy path and every bad parameter."""

from __future__ import annotations

import pytest

from .factories import UnitFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/calendar/due-date"


@pytest.fixture
def nhan_chinh(db):  # type: ignore[no-untyped-def]
    return UnitFactory(name="UBND phường Nhân Chính", stats_code="00343", agency_id="H26.09.343")


def get(client, **params):  # type: ignore[no-untyped-def]
    return client.get(URL, params)


def test_happy_path_by_stats_code(client, nhan_chinh):
    response = get(
        client, unit="00343", start="2025-03-07T16:00:00+07:00", amount="1", kind="working_days"
    )
    assert response.status_code == 200
    assert response.json() == {
        "unit": {
            "name": "UBND phường Nhân Chính",
            "stats_code": "00343",
            "agency_id": "H26.09.343",
        },
        "start": "2025-03-07T16:00:00+07:00",
        "effective_start": "2025-03-10T08:00:00+07:00",
        "due_at": "2025-03-10T17:00:00+07:00",
        "kind": "working_days",
        "amount": 1.0,
    }


def test_by_agency_id_with_utc_and_naive_start(client, nhan_chinh):
    utc = get(
        client, unit="H26.09.343", start="2025-03-03T03:00:00Z", amount="0.5", kind="working_days"
    )
    assert utc.status_code == 200
    assert utc.json()["start"] == "2025-03-03T10:00:00+07:00"
    assert utc.json()["due_at"] == "2025-03-03T15:00:00+07:00"
    # A start without an offset is Vietnamese local time.
    naive = get(
        client, unit="h26.09.343", start="2025-03-03T10:00", amount="0.5", kind="working_days"
    )
    assert naive.json()["due_at"] == utc.json()["due_at"]


def test_plus_sign_not_encoded(client, nhan_chinh):
    # "+07:00" sent raw in a query string arrives as " 07:00".
    response = client.get(
        URL + "?unit=00343&start=2025-03-03T10:00:00+07:00&amount=1&kind=same_day"
    )
    assert response.status_code == 200
    assert response.json()["due_at"] == "2025-03-03T17:00:00+07:00"


def test_unknown_unit_is_404(client, nhan_chinh):
    response = get(client, unit="99999", start="2025-03-03T10:00", amount="1", kind="working_days")
    assert response.status_code == 404
    assert response.json()["detail"] == "Không tìm thấy đơn vị có mã này."


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"kind": "weeks"}, "Loại thời hạn (kind) phải là một trong"),
        ({"kind": ""}, "Loại thời hạn (kind) phải là một trong"),
        ({"amount": "-1"}, "không được âm"),
        ({"amount": "3651"}, "không được lớn hơn 3650"),
        ({"amount": "ba"}, "phải là một số"),
        ({"amount": "NaN"}, "phải là một số"),
        ({"amount": ""}, "Thiếu thời hạn"),
        ({"start": "hôm qua"}, "không đúng định dạng ISO 8601"),
        ({"start": "2025-02-30T10:00"}, "không đúng định dạng ISO 8601"),
        ({"start": ""}, "Thiếu thời điểm tiếp nhận"),
        ({"start": "1900-01-01T10:00"}, "ngoài khoảng năm"),
        ({"unit": ""}, "Thiếu mã đơn vị"),
        ({"start": "2099-12-01T10:00", "amount": "3650"}, "Không tính được thời hạn"),
    ],
)
def test_bad_parameters(client, nhan_chinh, params, detail):
    query = {"unit": "00343", "start": "2025-03-03T10:00", "amount": "1", "kind": "working_days"}
    query.update(params)
    response = client.get(URL, query)
    assert response.status_code == 422
    assert detail in response.json()["detail"]


def test_public_and_cheap(client, nhan_chinh, django_assert_max_num_queries):
    get(client, unit="00343", start="2025-03-03T10:00", amount="3", kind="working_days")  # warm
    with django_assert_max_num_queries(3) as captured:  # unit lookup + calendar token
        response = get(
            client, unit="00343", start="2025-03-03T10:00", amount="3", kind="calendar_days"
        )
    assert response.status_code == 200
    # due_at and effective_start both run, but the override token is read once per request.
    token_reads = [q for q in captured.captured_queries if "workcalendar_calendarstate" in q["sql"]]
    assert len(token_reads) == 1


def test_schema_documents_the_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/calendar/due-date"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"unit", "start", "amount", "kind"}
    assert "DueDateOut" in schema["components"]["schemas"]
