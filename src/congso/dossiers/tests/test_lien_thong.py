"""Liên thông at the desk (issue #12 §3): the ward keeps a list of the dossiers it forwarded,
with where each is, its due time and what the ward must do; the district sees what it received;
the applicant is told to collect the result only when it is at the desk that received the
dossier, in words that match how the result reaches them (counter, post, online)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from congso.dossiers import services as s
from congso.dossiers.models import Channel, ReturnMethod, Status
from congso.dossiers.notifications import collect_method
from congso.notify.models import Notification
from congso.procedures.models import OnlineLevel, UnitProcedure

from .conftest import all_papers, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def ward(demo_org):
    return demo_org.wards["00343"]


@pytest.fixture
def district_at_ward(demo_org, district_version, ward):
    UnitProcedure.objects.create(unit=ward, procedure=district_version.procedure)
    return district_version


def forwarded_dossier(org, ward, version, channel=Channel.COUNTER, name="Nguyễn Văn An"):
    if channel == Channel.ONLINE:
        d = s.dossier_submit_online(version=version, agency=ward, applicant=person(name=name))
        d = s.dossier_accept(dossier=d, by=org.staff["motcua.nc"], papers=all_papers(version))
        s.dossier_forward(dossier=d, by=org.staff["motcua.nc"], to_agency=org.district)
        d.refresh_from_db()
        return d
    d = s.dossier_receive(
        by=org.staff["motcua.nc"],
        receiving_unit=ward,
        version=version,
        applicant=person(name=name),
        papers=all_papers(version),
        channel=channel,
    )
    s.dossier_forward(dossier=d, by=org.staff["motcua.nc"], to_agency=org.district)
    d.refresh_from_db()
    return d


STEPS = [
    "hand_over",
    "assign",
    "submit",
    "approve",
    "record_result",
    "return_to_desk",
    "return_forwarded",
]


def run(org, d, *names):
    """The district's steps on a forwarded dossier, each through its service."""
    st = org.staff
    calls = {
        "hand_over": lambda: s.dossier_hand_over(dossier=d, by=st["motcua.tx"], to_unit=org.departments["TP"]),
        "assign": lambda: s.dossier_assign(dossier=d, by=st["truongphong.tp"], specialist=st["chuyenvien.tp"]),
        "submit": lambda: s.dossier_submit(dossier=d, by=st["chuyenvien.tp"]),
        "approve": lambda: s.dossier_approve(dossier=d, by=st["lanhdao.tx"]),
        "record_result": lambda: s.dossier_record_result(dossier=d, by=st["vanthu.tx"], result_number="9/TP"),
        "return_to_desk": lambda: s.dossier_return_to_desk(dossier=d, by=st["vanthu.tx"]),
        "return_forwarded": lambda: s.dossier_return_forwarded(dossier=d, by=st["motcua.tx"]),
    }  # fmt: skip
    for name in names:
        calls[name]()
    d.refresh_from_db()
    return d


def to_result(org, d, until):
    return run(org, d, *STEPS[: STEPS.index(until) + 1])


def page(client, org, username, **params):
    client.force_login(org.user(username))
    response = client.get(reverse("dossiers:forwarded"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_ward_tracks_what_it_forwarded_until_it_is_handed_back(
    client, demo_org, ward, district_at_ward
):
    d = forwarded_dossier(demo_org, ward, district_at_ward)
    html = page(client, demo_org, "motcua.nc")
    assert d.code in html and "UBND quận Thanh Xuân" in html
    assert "Bộ phận một cửa (chờ chuyển xử lý)" in html  # where it is now: the district desk
    assert "Theo dõi; cơ quan giải quyết đang xử lý." in html
    # The district processes it: the ward sees the department and then the result waiting above.
    to_result(demo_org, d, until="assign")
    html = page(client, demo_org, "motcua.nc")
    assert "Tư pháp — " in html and "Chuyên viên thụ lý" in html
    run(demo_org, d, "submit", "approve", "record_result")
    html = page(client, demo_org, "motcua.nc")
    assert "chưa mời công dân" in html
    st = demo_org.staff
    s.dossier_return_to_desk(dossier=d, by=st["vanthu.tx"])
    # The district desk sees it among the dossiers it received, with its own task.
    html_in = page(client, demo_org, "motcua.tx", huong="den")
    assert d.code in html_in and "Chuyển kết quả về nơi tiếp nhận." in html_in
    assert d.code not in page(client, demo_org, "motcua.tx")  # the district forwarded nothing
    s.dossier_return_forwarded(dossier=d, by=st["motcua.tx"])
    html = page(client, demo_org, "motcua.nc", o="da-ve")
    assert d.code in html and "kết quả về lúc" in html
    assert "trả kết quả và ghi người nhận" in html
    assert d.code not in page(client, demo_org, "motcua.nc", o="o-cap-tren")
    s.dossier_return_result(dossier=d, by=st["motcua.nc"], collected_by="Nguyễn Văn An")
    assert d.code not in page(client, demo_org, "motcua.nc")  # handed back: off the list


def test_scope_another_ward_and_a_department_see_none_of_it(
    client, demo_org, ward, district_at_ward
):
    d = forwarded_dossier(demo_org, ward, district_at_ward)
    for username in ("motcua.km", "chuyenvien.vhtt", "lanhdao.km"):
        for direction in ("di", "den"):
            assert d.code not in page(client, demo_org, username, huong=direction)
    client.force_login(demo_org.user("motcua.nc"))
    assert client.get(reverse("dossiers:forwarded"), {"huong": "x"}).status_code == 404


def _queries(client, params):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("dossiers:forwarded"), params).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("username", "params"),
    [("motcua.nc", {}), ("motcua.nc", {"o": "da-ve"}), ("motcua.tx", {"huong": "den"})],
)
def test_query_count_constant(client, demo_org, ward, district_at_ward, username, params):
    names = iter(["Lê Văn Ba", "Trần Thị Tư", "Phạm Văn Năm", "Hoàng Thị Sáu"])

    def add_one():
        d = forwarded_dossier(demo_org, ward, district_at_ward, name=next(names))
        to_result(demo_org, d, until="return_forwarded")

    add_one()
    add_one()
    client.force_login(demo_org.user(username))
    _queries(client, params)  # fills the shared cache of roles
    n = _queries(client, params)
    add_one()
    assert _queries(client, params) == n
    html = client.get(reverse("dossiers:forwarded"), params).content.decode()
    assert html.count("<tr class=") == 3


# ---------------------------------------------------------------------------------------------
# The applicant's message


def _result_messages(d):
    return list(
        Notification.objects.filter(
            event="dossier.result_ready", reference=d.code, channel="email"
        ).values_list("body", flat=True)
    )


def test_collect_method_rule():
    assert collect_method(Channel.COUNTER, OnlineLevel.FULL) == ReturnMethod.COUNTER
    assert collect_method(Channel.POST, OnlineLevel.NONE) == ReturnMethod.POST
    assert collect_method(Channel.ONLINE, OnlineLevel.FULL) == ReturnMethod.ONLINE
    assert collect_method(Channel.ONLINE, OnlineLevel.PARTIAL) == ReturnMethod.COUNTER
    assert collect_method(Channel.ONLINE, OnlineLevel.NONE, 4) == ReturnMethod.ONLINE


def test_forwarded_result_announced_only_when_back_at_the_ward(demo_org, ward, district_at_ward):
    d = forwarded_dossier(demo_org, ward, district_at_ward)
    d = to_result(demo_org, d, until="return_to_desk")
    assert d.status == Status.RESULT_READY
    assert _result_messages(d) == []  # at the district: not where the applicant collects it
    to_result_back = s.dossier_return_forwarded(dossier=d, by=demo_org.staff["motcua.tx"])
    assert to_result_back.to_unit == ward
    (body,) = _result_messages(d)
    assert "đã có kết quả tại UBND phường Nhân Chính" in body and "giấy tiếp nhận" in body


def test_by_post_the_message_says_post_and_the_return_sends_another(
    demo_org, ward, district_at_ward
):
    d = forwarded_dossier(demo_org, ward, district_at_ward, channel=Channel.POST)
    d = to_result(demo_org, d, until="return_forwarded")
    (body,) = _result_messages(d)
    assert "bưu chính công ích" in body and "12 Nguyễn Trãi" in body and "đến nhận" not in body
    s.dossier_return_result(dossier=d, by=demo_org.staff["motcua.nc"], method=ReturnMethod.POST)
    posted = Notification.objects.filter(
        event="dossier.result_posted", reference=d.code, channel="email"
    )
    assert posted.exists() and "đã được gửi qua bưu chính" in posted.first().body


def test_online_result_announced_when_issued(demo_org, ward, district_at_ward):
    district_at_ward.online_level = OnlineLevel.FULL
    district_at_ward.save()
    d = forwarded_dossier(demo_org, ward, district_at_ward, channel=Channel.ONLINE)
    d = to_result(demo_org, d, until="record_result")
    (body,) = _result_messages(d)
    assert "kết quả điện tử" in body and "Hồ sơ của tôi" in body
    run(demo_org, d, "return_to_desk", "return_forwarded")
    assert len(_result_messages(d)) == 1  # not told twice


def test_own_dossier_announced_when_it_reaches_the_desk(demo_org, district_version):
    d = s.dossier_receive(
        by=demo_org.staff["motcua.tx"],
        receiving_unit=demo_org.desk,
        version=district_version,
        applicant=person(),
        papers=all_papers(district_version),
    )
    d = to_result(demo_org, d, until="record_result")
    assert _result_messages(d) == []  # at the clerk's
    s.dossier_return_to_desk(dossier=d, by=demo_org.staff["vanthu.tx"])
    (body,) = _result_messages(d)
    assert demo_org.desk.name in body
