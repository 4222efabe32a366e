import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from congso.audit.models import AuditEvent
from congso.org.services import unit_merge
from congso.procedures.models import ProcedureVersion, UnitProcedure
from congso.procedures.selectors import procedures_offered_by, version_current
from congso.procedures.services import (
    procedure_create,
    unit_offer,
    unit_withdraw,
    version_create_draft,
    version_publish,
    version_update_draft,
)

from .factories import (
    FeeFactory,
    FieldFactory,
    PaperFactory,
    ProcedureFactory,
    VersionFactory,
    complete,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(demo_org):
    return demo_org.user("quantri")


@pytest.fixture
def sysadmin(demo_org):
    """A staff member with the sysadmin role but not a Django superuser."""
    from congso.org.models import Role, RoleAssignment

    staff = demo_org.staff["vanthu.tx"]
    RoleAssignment.objects.create(staff=staff, unit=demo_org.city, role=Role.SYSADMIN)
    return staff.user


def test_create_draft_publish_and_audit(sysadmin):
    procedure = procedure_create(
        by=sysadmin,
        name="Đăng ký khai sinh",
        slug="dang-ky-khai-sinh",
        field=FieldFactory(),
        level="ward",
    )
    draft = version_create_draft(
        by=sysadmin,
        procedure=procedure,
        valid_from=dt.date(2015, 1, 1),
        duration=Decimal(1),
        duration_kind="same_day",
    )
    assert (draft.number, draft.is_published) == (1, False)
    assert version_current(procedure) is None  # a draft is not shown
    complete(draft, budgets=("0.25", "0.75"))
    version_publish(by=sysadmin, version=draft)
    assert version_current(procedure) == draft
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions[-3:] == [
        "procedure.create",
        "procedure.version_create_draft",
        "procedure.version_publish",
    ]


def test_publish_requires_budgets_adding_up_to_duration(admin_user):
    version = VersionFactory(duration=Decimal(15))
    complete(version, budgets=("0.5", "12", "1"))
    with pytest.raises(ValidationError) as exc:
        version_publish(by=admin_user, version=version)
    assert (
        "Tổng thời gian các bước quy trình nội bộ là 13,5 ngày làm việc, khác thời hạn giải "
        "quyết 15 ngày làm việc; hãy sửa thời gian các bước hoặc dùng quy trình nội bộ mặc định."
    ) in exc.value.messages
    version.refresh_from_db()
    assert not version.is_published


def test_publish_requires_a_paper_and_steps(admin_user):
    version = VersionFactory()
    with pytest.raises(ValidationError) as exc:
        version_publish(by=admin_user, version=version)
    assert "Cần ít nhất một thành phần hồ sơ." in exc.value.messages
    assert "Cần khai báo quy trình nội bộ (ít nhất một bước)." in exc.value.messages


def test_new_version_closes_previous_and_leaves_it_unchanged(admin_user):
    v1 = complete(VersionFactory(duration=Decimal(3)))
    FeeFactory(version=v1, amount=75000)
    version_publish(by=admin_user, version=v1)
    before = (
        v1.duration,
        list(v1.papers.values_list("name", flat=True)),
        list(v1.fees.values_list("amount", flat=True)),
    )
    v2 = version_create_draft(by=admin_user, procedure=v1.procedure, valid_from=dt.date(2025, 7, 1))
    # The draft is a full copy with number + 1.
    assert v2.number == 2 and v2.papers.count() == 1 and v2.internal_steps.count() == 3
    version_update_draft(by=admin_user, version=v2, duration=Decimal(5))
    v2.fees.update(amount=100000)
    v2.internal_steps.filter(order=2).update(budget=Decimal(4))
    version_publish(by=admin_user, version=v2)
    v1.refresh_from_db()
    assert v1.valid_to == dt.date(2025, 6, 30)
    assert before == (
        v1.duration,
        list(v1.papers.values_list("name", flat=True)),
        list(v1.fees.values_list("amount", flat=True)),
    )
    assert version_current(v1.procedure, at=dt.date(2020, 1, 1)) == v1
    assert version_current(v1.procedure, at=dt.date(2025, 7, 1)) == v2
    assert version_current(v1.procedure, at=dt.date(2014, 12, 31)) is None


def test_published_version_is_immutable(admin_user):
    version = version_publish(by=admin_user, version=complete(VersionFactory()))
    with pytest.raises(ValidationError, match="đã công bố, không được sửa"):
        version_update_draft(by=admin_user, version=version, duration=Decimal(10))
    with pytest.raises(ValidationError, match="đã được công bố"):
        version_publish(by=admin_user, version=version)
    assert ProcedureVersion.objects.get(pk=version.pk).duration == Decimal(3)


def test_only_one_draft_at_a_time_and_valid_from_must_advance(admin_user):
    v1 = version_publish(by=admin_user, version=complete(VersionFactory()))
    draft = version_create_draft(
        by=admin_user, procedure=v1.procedure, valid_from=dt.date(2015, 1, 1)
    )
    with pytest.raises(ValidationError, match="đã có bản nháp"):
        version_create_draft(by=admin_user, procedure=v1.procedure)
    with pytest.raises(ValidationError, match="phải sau ngày hiệu lực"):
        version_publish(by=admin_user, version=draft)


def test_bad_form_schema_is_rejected(admin_user):
    version = VersionFactory()
    with pytest.raises(ValidationError, match="kiểu select cần danh sách lựa chọn"):
        version_update_draft(
            by=admin_user,
            version=version,
            form_schema=[
                {"name": "gioi_tinh", "label": "Giới tính", "type": "select", "required": True}
            ],
        )


def test_non_sysadmin_cannot_change_catalogue(demo_org):
    officer = demo_org.user("motcua.tx")
    with pytest.raises(PermissionDenied):
        procedure_create(by=officer, name="X", slug="x", field=FieldFactory(), level="ward")
    version = complete(VersionFactory())
    with pytest.raises(PermissionDenied):
        version_publish(by=officer, version=version)
    with pytest.raises(PermissionDenied):
        unit_offer(by=officer, unit=demo_org.district, procedure=version.procedure)


def test_offer_withdraw_and_merge(sysadmin, demo_org):
    procedure = version_publish(by=sysadmin, version=complete(VersionFactory())).procedure
    ward = demo_org.wards["00343"]
    unit_offer(by=sysadmin, unit=ward, procedure=procedure)
    unit_offer(by=sysadmin, unit=ward, procedure=procedure)  # idempotent
    assert list(procedures_offered_by(ward)) == [procedure]
    unit_withdraw(by=sysadmin, unit=ward, procedure=procedure)
    assert not procedures_offered_by(ward).exists()
    unit_offer(by=sysadmin, unit=ward, procedure=procedure)
    assert AuditEvent.objects.filter(action="procedure.unit_offer").count() == 2
    assert AuditEvent.objects.filter(action="procedure.unit_withdraw").count() == 1
    # When the ward merges, its successor receives the same procedures.
    successor = demo_org.wards["00346"]
    unit_merge(source=ward, successor=successor, by=demo_org.user("quantri"))
    assert list(procedures_offered_by(successor)) == [procedure]
    assert not UnitProcedure.objects.filter(unit=ward, is_active=True).exists()


def test_draft_paper_counts_are_independent(admin_user):
    v1 = version_publish(by=admin_user, version=complete(VersionFactory()))
    v2 = version_create_draft(by=admin_user, procedure=v1.procedure, valid_from=dt.date(2020, 1, 1))
    PaperFactory(version=v2, order=2, name="Giấy mới")
    assert v1.papers.count() == 1 and v2.papers.count() == 2
    assert ProcedureFactory._meta.model.objects.count() == 1


def test_form_schema_accepts_checkbox_and_rejects_unknown_types():
    from django.core.exceptions import ValidationError

    from congso.procedures.models import validate_form_schema

    validate_form_schema(
        [
            {
                "name": "cam_ket",
                "label": "Tôi cam kết thông tin là đúng",
                "type": "checkbox",
                "required": True,
            }
        ]
    )
    with pytest.raises(ValidationError):
        validate_form_schema([{"name": "x", "label": "X", "type": "file"}])
