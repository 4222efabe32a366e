import datetime as dt
import unicodedata

import pytest

from congso.procedures.selectors import catalogue_search

from .factories import FieldFactory, published_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return {
        "khai_sinh": published_procedure("Đăng ký khai sinh"),
        "hoa_giai": published_procedure("Hòa giải tranh chấp đất đai"),
        "thuy": published_procedure("Cấp phép khai thác thủy sản"),
        "ket_hon": published_procedure("Đăng ký kết hôn"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dang ky khai sinh", "khai_sinh"),
        ("ĐĂNG KÝ KHAI SINH", "khai_sinh"),
        ("Đăng ký khai sinh", "khai_sinh"),
        (unicodedata.normalize("NFD", "Đăng ký khai sinh"), "khai_sinh"),
        ("khai   sinh", "khai_sinh"),
        ("hoà giải", "hoa_giai"),  # old tone placement
        ("hòa giải", "hoa_giai"),  # new tone placement
        (unicodedata.normalize("NFD", "hoà giải"), "hoa_giai"),
        ("HOA GIAI", "hoa_giai"),
        ("thuỷ sản", "thuy"),
        ("thủy sản", "thuy"),
        ("sinh khai", "khai_sinh"),  # every word, any order
    ],
)
def test_search_ignores_diacritics_case_tone_placement_and_normal_form(catalogue, query, expected):
    assert list(catalogue_search(query)) == [catalogue[expected]]


def test_every_word_must_match(catalogue):
    assert set(catalogue_search("dang ky")) == {catalogue["khai_sinh"], catalogue["ket_hon"]}
    assert not catalogue_search("dang ky tu").exists()
    assert catalogue_search("").count() == 4


def test_filters(demo_org):
    ward = demo_org.wards["00343"]
    a = published_procedure("Đăng ký khai sinh", unit=ward, online_level="full")
    b = published_procedure("Cấp giấy phép xây dựng", unit=demo_org.district)
    b.level = "district"
    b.field = FieldFactory(code="xay-dung", name="Xây dựng")
    b.save()
    assert list(catalogue_search(unit=ward)) == [a]
    assert list(catalogue_search(level="district")) == [b]
    assert list(catalogue_search(field="xay-dung")) == [b]
    assert list(catalogue_search(online_level="full")) == [a]
    assert list(catalogue_search("khai sinh", unit=demo_org.district)) == []


def test_only_versions_in_force_are_listed():
    published_procedure(
        "Thủ tục cũ", valid_from=dt.date(2015, 1, 1), valid_to=dt.date(2019, 12, 31)
    )
    published_procedure("Thủ tục tương lai", valid_from=dt.date(2100, 1, 1))
    assert not catalogue_search().exists()
    assert catalogue_search(at=dt.date(2018, 5, 1)).count() == 1


def test_postgresql_answers_the_candidate_like_from_the_trigram_index(catalogue):
    """Migration 0008 (ADR 0026): on PostgreSQL the candidates' LIKE '%word%' can use the
    pg_trgm GIN index, built with fastupdate off; on SQLite there is no such index."""
    from django.db import connection, transaction

    from congso.procedures.models import Procedure
    from congso.procedures.selectors import candidates_filter
    from congso.search.ranking import parse_query

    with connection.cursor() as cur:
        if connection.vendor != "postgresql":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
            assert "procedure_search_text_trgm" not in {r[0] for r in cur.fetchall()}
            return
        cur.execute(
            "SELECT c.reloptions FROM pg_class c WHERE c.relname = 'procedure_search_text_trgm'"
        )
        row = cur.fetchone()
    assert row is not None, "the trigram index is missing"
    assert "fastupdate=off" in row[0]
    qs = (
        Procedure.objects.filter(candidates_filter(parse_query("khai sinh")))
        .order_by()
        .values("pk")
    )
    with transaction.atomic(), connection.cursor() as cur:
        # Four rows: the planner would read the table; forbid that to see the index is usable.
        cur.execute("SET LOCAL enable_seqscan = off")
        plan = qs.explain()
    assert "procedure_search_text_trgm" in plan, plan
