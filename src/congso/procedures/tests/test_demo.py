import pytest
from django.core.files.storage import default_storage

from congso.audit.models import AuditEvent
from congso.procedures import demo, demo_data
from congso.procedures.models import Procedure, ProcedureVersion, RequiredPaper, UnitProcedure
from congso.procedures.selectors import catalogue_search, procedures_offered_by, version_current
from congso.procedures.services import version_problems


@pytest.mark.django_db
def test_demo_catalogue_is_real_sized_valid_and_idempotent(demo_org):
    assert demo.load("2015")
    procedures = Procedure.objects.count()
    assert procedures >= 40
    counts = (
        procedures,
        ProcedureVersion.objects.count(),
        RequiredPaper.objects.count(),
        UnitProcedure.objects.count(),
        AuditEvent.objects.count(),
    )
    # Every published version passes the publication rules; the national codes are exactly the
    # ones copied from the national database (ADR 0024), none invented.
    for version in ProcedureVersion.objects.filter(is_published=True):
        assert version_problems(version) == []
    assert (
        dict(Procedure.objects.exclude(national_code="").values_list("slug", "national_code"))
        == demo_data.NATIONAL_CODES
    )
    # Some have a second version from the two-tier reform; the first is closed the day before.
    v2 = ProcedureVersion.objects.filter(number=2)
    assert v2.count() >= 3
    for version in v2:
        v1 = version.procedure.versions.get(number=1)
        assert v1.valid_to.isoformat() == "2025-06-30"
    # Offers: district procedures by the district, ward ones by every ward, farmland by 3 wards.
    district = procedures_offered_by(demo_org.district).count()
    nhan_chinh = procedures_offered_by(demo_org.wards["00343"]).count()
    khuong_mai = procedures_offered_by(demo_org.wards["00352"]).count()
    assert district >= 15
    assert nhan_chinh == khuong_mai + 2
    # Real downloadable forms.
    papers = RequiredPaper.objects.exclude(form_file="")
    assert papers.count() >= 5
    with default_storage.open(papers.first().form_file.name) as fh:
        assert fh.read(5) == b"%PDF-"
    # Online procedures carry an e-form.
    assert ProcedureVersion.objects.filter(via_online=True).exclude(form_schema=[]).count() >= 3
    assert demo.load("2015") is None
    assert counts == (
        Procedure.objects.count(),
        ProcedureVersion.objects.count(),
        RequiredPaper.objects.count(),
        UnitProcedure.objects.count(),
        AuditEvent.objects.count(),
    )
    birth = catalogue_search("dang ky khai sinh").first()
    assert birth.name == "Đăng ký khai sinh"
    assert version_current(birth).duration_kind == "same_day"


@pytest.mark.django_db
def test_two_tier_reform_moves_offers_to_new_wards(demo_org):
    from congso.org.demo import load_two_tier_demo

    demo.load("two-tier")
    new_wards = load_two_tier_demo()
    demo.load("two-tier")  # a second run after the merge creates nothing
    khuong_dinh = next(u for u in new_wards.values() if u.name.endswith("Khương Đình"))
    offered = set(procedures_offered_by(khuong_dinh).values_list("slug", flat=True))
    # It absorbed old Khương Đình (farmland) and three other wards.
    assert {"dang-ky-khai-sinh", "chuyen-doi-co-cau-cay-trong-tren-dat-trong-lua"} <= offered
    assert not procedures_offered_by(demo_org.wards["00364"]).exists()
    # District procedures moved to the city with the abolished district.
    assert (
        procedures_offered_by(demo_org.city)
        .filter(slug="cap-giay-phep-xay-dung-nha-o-rieng-le")
        .exists()
    )


@pytest.mark.django_db
def test_demo_loaded_before_the_codes_gets_them_on_the_next_load(demo_org):
    demo.load("2015")
    Procedure.objects.filter(slug="dang-ky-khai-sinh").update(national_code="")
    demo.load("2015")
    assert Procedure.objects.get(slug="dang-ky-khai-sinh").national_code == "1.001193"
