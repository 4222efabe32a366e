"""Search that ranks: for real procedure names from the national database, the exact title
comes first for the phrase, without diacritics, with the other tone placement, with kí/ký,
in NFD, and for the national code in each form — on the public page's selector, the API and
the counter's intake search."""

import re
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from congso.procedures.models import Procedure, UnitProcedure
from congso.procedures.selectors import catalogue_search
from congso.search.ranking import key_words, parse_query

from .factories import published_procedure

pytestmark = pytest.mark.django_db

# (name, national code) as in the national database; TARGETS are the targets (27; 24 with a code).
TARGETS = [
    ("Đăng ký khai sinh", "1.001193"),
    ("Đăng ký khai tử", "1.000656"),
    ("Đăng ký kết hôn", "1.000894"),
    ("Đăng ký lại khai sinh", "1.004884"),
    ("Đăng ký lại khai tử", "1.005461"),
    ("Đăng ký lại kết hôn", "1.004746"),
    ("Đăng ký khai tử lưu động", "1.000419"),
    ("Đăng ký kết hôn lưu động", "1.000593"),
    ("Đăng ký chấm dứt giám hộ", "1.004845"),
    ("Đăng ký giám sát việc giám hộ", "3.000323"),
    ("Cấp Giấy xác nhận tình trạng hôn nhân", "1.004873"),
    ("Cấp bản sao trích lục hộ tịch", "2.000635"),
    ("Chứng thực chữ ký trong các giấy tờ, văn bản", "2.000884"),
    ("Đăng ký thành lập hộ kinh doanh", "1.001612"),
    ("Tạm ngừng hoạt động hộ kinh doanh", "1.001570"),
    ("Chấm dứt hoạt động hộ kinh doanh", "1.001266"),
    ("Công nhận tổ trưởng tổ hòa giải", "2.000950"),
    ("Thôi làm hòa giải viên", "2.000930"),
    ("Xác nhận thân nhân của người có công", "1.010833"),
    ("Đăng ký khai sinh có yếu tố nước ngoài", "2.000528"),
    ("Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", "1.013225"),
    (
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan, tổ chức có thẩm quyền của Việt Nam cấp hoặc "
        "chứng nhận",
        "2.000815",
    ),
    ("Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội", "1.001731"),
    ("Công nhận hộ nghèo, hộ cận nghèo phát sinh trong năm", "1.011606"),
    # Names with the tone placements people mix (hòa/hoà, thủy/thuỷ, ủy/uỷ).
    ("Hòa giải tranh chấp đất đai", ""),
    ("Cấp giấy phép hoạt động trong phạm vi bảo vệ công trình thủy lợi", ""),
    ("Chứng thực hợp đồng, văn bản ủy quyền", ""),
]
OTHERS = [
    ("Đăng ký khai sinh kết hợp đăng ký nhận cha, mẹ, con", "1.000689"),
    ("Đăng ký kết hôn có yếu tố nước ngoài", "2.000806"),
    ("Thủ tục đăng ký khai sinh lưu động", ""),
    ("Đăng ký giám hộ", ""),
    ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "2.000720"),
    ("Cấp lại Giấy chứng nhận đăng ký hộ kinh doanh", "2.000575"),
    ("Gia hạn giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", "1.013227"),
    ("Cấp lại giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ", "1.013228"),
    ("Cấp thẻ Căn cước công dân khi đã có thông tin trong Cơ sở dữ liệu quốc gia về dân cư", ""),
    (
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển nhượng, tặng cho, "
        "thừa kế",
        "",
    ),
    (
        "Chứng thực hợp đồng, giao dịch liên quan đến thực hiện các quyền của người sử dụng đất, nhà ở",
        "",
    ),
    ("Xác nhận thông tin hộ tịch", ""),
]

_OTHER_TONE = {
    "òa": "oà",
    "óa": "oá",
    "ỏa": "oả",
    "õa": "oã",
    "ọa": "oạ",
    "ùy": "uỳ",
    "úy": "uý",
    "ủy": "uỷ",
    "ũy": "uỹ",
    "ụy": "uỵ",
}


def other_tone(text: str) -> str:
    for new, old in _OTHER_TONE.items():
        text = text.replace(new, old)
    return text


@pytest.fixture
def catalogue():
    out = {}
    for name, code in TARGETS + OTHERS:
        procedure = published_procedure(name)
        procedure.national_code = code
        procedure.save()
        out[name] = procedure
    return out


def _first(q: str) -> str:
    return catalogue_search(q).first().name


@pytest.mark.parametrize(("name", "code"), TARGETS)
def test_exact_title_first_in_every_form_people_type(catalogue, name, code):
    plain = unicodedata.normalize("NFD", name)
    plain = (
        "".join(c for c in plain if unicodedata.category(c) != "Mn")
        .replace("Đ", "D")
        .replace("đ", "d")
    )
    forms = {
        "phrase": name,
        "lower": name.lower(),
        "no diacritics": plain,
        "other tone placement": other_tone(name),
        "kí for ký": name.replace("ký", "kí").replace("Ký", "Kí"),
        "NFD": unicodedata.normalize("NFD", name),
    }
    if other_tone(name) != name:
        forms["no diacritics, kí"] = forms["no diacritics"].replace("ky", "ki")
    for label, query in forms.items():
        assert _first(query) == name, label
    if not code:
        return
    for query in (code, code.replace(".", ""), f"{code}.000.00.00.H37"):
        assert [p.name for p in catalogue_search(query)] == [name], query


@pytest.mark.parametrize(("name", "code"), TARGETS)
def test_exact_title_first_on_the_api_the_public_page_and_the_counter(
    catalogue, demo_org, client, name, code
):
    from congso.dossiers.selectors import procedures_offered

    ward = demo_org.wards["00343"]
    UnitProcedure.objects.bulk_create(
        [UnitProcedure(unit=ward, procedure=p) for p in catalogue.values()]
    )
    queries = [
        name,
        other_tone(name).replace("ký", "kí"),
        *([code, code.replace(".", "")] if code else []),
    ]
    for query in queries:
        assert client.get("/api/v1/procedures/", {"q": query}).json()["items"][0]["name"] == name, (
            query
        )
        html = client.get("/thu-tuc/", {"q": query}).content.decode()
        assert (
            re.search(r'data-label="Tên thủ tục"><a href="[^"]+">([^<]+)</a>', html).group(1)
            == name
        ), query
        assert procedures_offered(ward, query)[0].name == name, query


def test_khai_tu_does_not_return_khai_sinh_first(catalogue):
    names = [p.name for p in catalogue_search("đăng ký khai tử")]
    assert names[:3] == ["Đăng ký khai tử", "Đăng ký khai tử lưu động", "Đăng ký lại khai tử"]
    assert not any("khai sinh" in n for n in names[:3])
    names = [p.name for p in catalogue_search("Đăng ký khai sinh")]
    assert names[0] == "Đăng ký khai sinh"
    # Phrase matches (the title starting with it) above scattered words.
    assert names.index("Đăng ký khai sinh có yếu tố nước ngoài") < names.index(
        "Đăng ký lại khai sinh"
    )


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("khaisinh", "Đăng ký khai sinh"),
        ("dang ky khaisinh", "Đăng ký khai sinh"),
        ("dangkikhaisinh", "Đăng ký khai sinh"),
        ("dangkykhaitu", "Đăng ký khai tử"),
        ("ketHon", "Đăng ký kết hôn"),
        (
            "gia hạn GPXD",
            "Gia hạn giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
        ),
        (
            "cấp lại gpxd",
            "Cấp lại giấy phép xây dựng đối với công trình cấp III, cấp IV và nhà ở riêng lẻ",
        ),
        ("tạm ngừng HKD", "Tạm ngừng hoạt động hộ kinh doanh"),
        ("thành lập hkd", "Đăng ký thành lập hộ kinh doanh"),
        (
            "CCCD",
            "Cấp thẻ Căn cước công dân khi đã có thông tin trong Cơ sở dữ liệu quốc gia về dân cư",
        ),
        (
            "biến động QSDĐ",
            "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất do chuyển "
            "nhượng, tặng cho, thừa kế",
        ),
        ("hoà giải", "Hòa giải tranh chấp đất đai"),
    ],
)
def test_run_together_words_and_abbreviations(catalogue, query, first):
    assert _first(query) == first


def test_whole_words_above_substrings(catalogue):
    # "hon" is a whole word of "kết hôn" titles and a substring of none other here.
    names = [p.name for p in catalogue_search("hôn")]
    assert names[0] == "Đăng ký kết hôn"
    # "thông tin" and "hộ nghèo" run together ("hongheo") hold "hon" as a substring only:
    # they come after every title with the whole word.
    whole = [n for n in names if re.search(r"\bhôn\b", n)]
    assert names[: len(whole)] == whole and len(names) > len(whole)


def test_key_words_make_i_and_y_one_but_not_ay_and_ai():
    assert key_words("Đăng ký") == key_words("đăng kí") == ["dang", "ki"]
    assert key_words("quý") == key_words("quí")
    assert key_words("thay đổi") != key_words("thai đổi")
    assert parse_query("1.003583.000.00.00.H37").code == "1.003583"


def test_search_costs_a_fixed_number_of_queries(catalogue, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        page = catalogue_search("đăng ký")[:20]
        assert [p.current_versions[0].name for p in page]


def test_api_ranks_the_same(catalogue, client):
    response = client.get("/api/v1/procedures/", {"q": "dang ki khai tu"})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["name"] == "Đăng ký khai tử"
    assert response.json()["count"] == len(list(catalogue_search("dang ki khai tu")))


def test_public_page_ranks(catalogue, client):
    html = client.get("/thu-tuc/", {"q": "1003583"}).content.decode()
    assert "Không có thủ tục nào khớp" in html
    html = client.get("/thu-tuc/", {"q": "đăng kí kết hôn"}).content.decode()
    assert html.index("Đăng ký kết hôn</a>") < html.index("Đăng ký kết hôn lưu động")


def test_ties_broken_by_how_often_the_unit_receives_it(demo_org):
    from congso.dossiers.selectors import procedures_offered
    from congso.dossiers.services import dossier_receive
    from congso.dossiers.tests.conftest import all_papers, person
    from congso.dossiers.tests.factories import offered_procedure

    ward = demo_org.wards["00343"]
    will = offered_procedure(ward, name="Chứng thực di chúc")
    deal = offered_procedure(ward, name="Chứng thực hợp đồng")  # same length, same tier
    assert [v.procedure_id for v in procedures_offered(ward, "chứng thực")][:2] == [
        will.procedure_id,
        deal.procedure_id,
    ]
    for _ in range(2):
        dossier_receive(
            by=demo_org.staff["motcua.nc"],
            receiving_unit=ward,
            version=deal,
            applicant=person(),
            papers=all_papers(deal),
        )
    ranked = procedures_offered(ward, "chứng thực")
    assert [v.procedure_id for v in ranked][:2] == [deal.procedure_id, will.procedure_id]
    assert catalogue_search("chứng thực", unit=ward).first().pk == deal.procedure_id


def test_intake_search_ranks_by_code_and_title(demo_org):
    from congso.dossiers.selectors import procedures_offered
    from congso.dossiers.tests.factories import offered_procedure

    ward = demo_org.wards["00343"]
    for name in (
        "Đăng ký khai sinh có yếu tố nước ngoài",
        "Đăng ký lại khai sinh",
        "Đăng ký khai sinh",
    ):
        offered_procedure(ward, name=name)
    Procedure.objects.filter(name="Đăng ký khai sinh").update(national_code="1.001193")
    p = Procedure.objects.get(name="Đăng ký khai sinh")
    p.save()
    assert procedures_offered(ward, "dang ki khai sinh")[0].name == "Đăng ký khai sinh"
    assert [v.name for v in procedures_offered(ward, "1001193")] == ["Đăng ký khai sinh"]
    with CaptureQueriesContext(connection) as ctx:
        procedures_offered(ward, "khai sinh")
    assert len(ctx) <= 4
