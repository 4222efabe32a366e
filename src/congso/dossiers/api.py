"""/api/v1/dossiers/: create (with Idempotency-Key), get, list, one POST per transition,
statistics, and the public status lookup. Staff authenticate with their browser session
(CSRF checked) or a per-staff bearer token (ADR 0031)."""

import datetime as dt
import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.pagination import paginate
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import Field

from congso.core import limits
from congso.core.inputs import ascii_digits_only
from congso.core.paging import Pages
from congso.org.models import Staff, Unit
from congso.org.selectors import shared_value, staff_for
from congso.procedures.selectors import version_content

from . import selectors, services, stats_views
from .actions import REGISTRY, ActionIn, DossierAction, StaleDossier
from .lookup import respond as lookup_respond
from .models import ApiToken, Dossier
from .services import Applicant, PaperReceived

router = Router(tags=["Hồ sơ một cửa"])


TOKEN_USE_RESOLUTION = dt.timedelta(minutes=1)


# When this process last stamped a token's use (token hash → time): the cached token row
# carries the stamp it was read with, which may be older than the one this process wrote since.
_stamped: dict[str, dt.datetime] = {}


def _token_row(digest: str) -> ApiToken | None:
    """The live token with that hash, its staff row, user (password not loaded) and unit."""
    return (
        ApiToken.objects.select_related("staff__user", "staff__unit")
        .defer("staff__user__password")
        .filter(key_hash=digest, revoked=False, staff__is_active=True)
        .order_by()
        .first()
    )


class StaffToken(HttpBearer):
    """``Authorization: Bearer <token>``: a token issued to one staff member. The token with its
    staff row, user and unit comes from the shared cache while the organisation and the
    tokens do not change (ADR 0041; issuing, revoking or editing a token, a staff row or a
    user bumps the generation), else from one query; it is kept as the request's staff (see
    staff_for). ``last_used_at`` is written at most once a minute per process, not on every
    call."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        digest = hashlib.sha256(token.encode()).hexdigest()
        row = shared_value(request, f"congso:token:{digest}", lambda: _token_row(digest))
        if row is None:
            return None
        now = timezone.now()
        last = max(filter(None, (row.last_used_at, _stamped.get(digest))), default=None)
        if last is None or now - last >= TOKEN_USE_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            _stamped[digest] = now
        user = row.staff.user
        row.staff.user = user
        user._congso_staff = row.staff  # type: ignore[attr-defined]  # what staff_for returns
        # The generation read with the token serves the rest of the request's shared reads.
        user._congso_org_generation = request._congso_org_generation  # type: ignore[attr-defined]
        request.user = user
        return user


class StaffSession(APIKeyCookie):
    """The browser session of a logged-in officer; unsafe methods need the CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and staff_for(user) is not None:
            return user
        return None


STAFF_AUTH = [StaffToken(), StaffSession()]


def _staff(request: HttpRequest) -> Staff:
    staff = staff_for(request.user)
    if staff is None:
        raise HttpError(403, _("Chức năng dành cho cán bộ."))
    return staff


class PaperIn(Schema):
    paper_id: int
    originals: int = 0
    copies: int = 0


class DossierIn(Schema):
    procedure_version_id: int
    receiving_unit_id: int | None = None
    applicant_kind: str = Field("individual", max_length=20)
    applicant_name: str = Field(max_length=limits.NAME)
    applicant_id_number: str = Field(max_length=20)
    applicant_address: str = Field("", max_length=limits.ADDRESS)
    applicant_phone: str = Field("", max_length=20)
    applicant_email: str = Field("", max_length=254)
    proxy_name: str = Field("", max_length=limits.NAME)
    proxy_id_number: str = Field("", max_length=20)
    request_summary: str = Field("", max_length=limits.SUMMARY)
    channel: int = 1
    papers: list[PaperIn] = []


class HistoryOut(Schema):
    action: str
    to_status: int
    unit: str
    at: dt.datetime


class DossierOut(Schema):
    code: str | None
    ref: str
    status: int
    status_label: str
    stage: str
    channel: int
    procedure_code: str
    procedure_name: str
    agency: str
    receiving_unit: str
    handling_unit: str
    applicant_name: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    returned_at: dt.datetime | None
    forwarded: bool
    version: int

    @staticmethod
    def resolve_status_label(obj: Dossier) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_procedure_code(obj: Dossier) -> str:
        return obj.procedure_version.procedure.national_code

    @staticmethod
    def resolve_procedure_name(obj: Dossier) -> str:
        return obj.procedure_version.name

    @staticmethod
    def resolve_agency(obj: Dossier) -> str:
        return obj.agency.name

    @staticmethod
    def resolve_receiving_unit(obj: Dossier) -> str:
        return obj.receiving_unit.name

    @staticmethod
    def resolve_handling_unit(obj: Dossier) -> str:
        return obj.handling_unit.name


class ErrorOut(Schema):
    detail: str


@router.post(
    "/",
    auth=STAFF_AUTH,
    response={200: DossierOut, 201: DossierOut, 400: ErrorOut, 403: ErrorOut},
    summary="Tiếp nhận hồ sơ (cần Idempotency-Key)",
)
def create_dossier(
    request: HttpRequest,
    payload: DossierIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> Any:
    """Counter/post intake. The same Idempotency-Key always returns the same dossier."""
    staff = _staff(request)
    key = (idempotency_key or "").strip()
    if not key or len(key) > 80:
        raise HttpError(400, _("Cần header Idempotency-Key (tối đa 80 ký tự)."))
    scoped_key = f"staff{staff.pk}:{key}"
    # No read of the key first: a repeated key fails the dossier INSERT on its unique index,
    # everything rolls back and the first dossier is answered. A retry that no longer passes
    # the checks (a role withdrawn, a version expired at midnight) gets the first dossier too.
    try:
        dossier = _receive(request, staff, payload, scoped_key)
    except (IntegrityError, HttpError, Http404, ValidationError):
        existing = Dossier.objects.filter(idempotency_key=scoped_key).first()
        if existing is None:
            raise
        return Status(200, selectors.dossier_get_for(request.user, existing.ref))
    # The dossier in hand carries its version, procedure and units: no second read.
    return Status(201, dossier)


def _receive(request: HttpRequest, staff: Staff, payload: DossierIn, scoped_key: str) -> Dossier:
    units = selectors.intake_units(request.user)
    wanted = payload.receiving_unit_id
    unit = next((u for u in units if u.pk == wanted), None) if wanted else next(iter(units), None)
    if unit is None:
        raise HttpError(403, _("Bạn không tiếp nhận hồ sơ tại đơn vị này."))
    version = selectors.version_for_unit(unit, payload.procedure_version_id)
    by_id = {p.pk: p for p in version_content(version).papers}
    papers = [
        PaperReceived(by_id[p.paper_id], p.originals, p.copies)
        for p in payload.papers
        if p.paper_id in by_id
    ]
    applicant = Applicant(
        kind=payload.applicant_kind,
        name=payload.applicant_name,
        id_number=payload.applicant_id_number.strip(),
        address=payload.applicant_address,
        phone=payload.applicant_phone,
        email=payload.applicant_email,
        proxy_name=payload.proxy_name,
        proxy_id_number=payload.proxy_id_number,
    )
    return services.dossier_receive(
        by=staff,
        receiving_unit=unit,
        version=version,
        applicant=applicant,
        channel=payload.channel,
        papers=papers,
        request_summary=payload.request_summary,
        idempotency_key=scoped_key,
    )


class ListFilters(Schema):
    status: int | None = None
    queue: str | None = None
    q: str = ""


@router.get(
    "/", auth=STAFF_AUTH, response=list[DossierOut], summary="Danh sách hồ sơ (theo phạm vi)"
)
@paginate(Pages, page_size=50)
def list_dossiers(request: HttpRequest, filters: Query[ListFilters]) -> Any:
    _staff(request)
    if filters.queue:
        if filters.queue not in selectors.QUEUE_KEYS:
            raise HttpError(422, _("Hàng đợi không hợp lệ."))
        qs = selectors.queue(request.user, filters.queue)
    else:
        qs = selectors.visible_dossiers(request.user).order_by("-received_at", "-pk")
    qs = selectors.apply_filters(qs, {"q": filters.q, "status": str(filters.status or "")})
    # Paginated in the database: only one page of rows is read.
    return qs.select_related(
        "procedure_version__procedure", "agency", "receiving_unit", "handling_unit"
    )


class StatsOut(Schema):
    unit_id: int | None
    unit: str
    received: int
    received_counter: int
    received_online: int
    received_post: int
    backlog: int
    to_handle: int
    finished: int
    finished_early: int
    finished_on_time: int
    finished_late: int
    withdrawn: int = Field(0, title="Công dân rút hồ sơ trong kỳ (không tính là đã giải quyết)")
    in_progress: int
    progress_late: int
    progress_soon: int
    progress_not_due: int
    late_rate: float
    on_time_rate: float


class StatsResult(Schema):
    start: dt.date
    end: dt.date
    rows: list[StatsOut]
    total: StatsOut


@router.get("/stats", auth=STAFF_AUTH, response=StatsResult, summary="Thống kê theo đơn vị và kỳ")
def stats(request: HttpRequest, tu: str = "", den: str = "") -> Any:
    """Query parameters ``tu`` and ``den`` (YYYY-MM-DD), default: this month to today; a date
    that is not one, or ``tu`` after ``den``, is answered 400 with the Vietnamese message."""
    _staff(request)
    return stats_views.stats_for_request(request, {"tu": tu, "den": den})


class LookupIn(Schema):
    # the dossier code, or the reference (TT-XXXX-XXXX) of an online submission
    code: str = Field(max_length=60)
    identity_number: str = Field(max_length=20)


class LookupStepOut(Schema):
    at: dt.datetime
    label: str
    unit: str
    status: str


class LookupOut(Schema):
    code: str | None  # None until the desk accepts an online dossier
    reference: str | None  # the online submission's reference (mã tham chiếu), if any
    procedure_name: str
    status: int
    status_label: str
    received_at: dt.datetime | None
    due_at: dt.datetime | None
    returned_at: dt.datetime | None
    steps: list[LookupStepOut]


@router.post(
    "/lookup",
    auth=None,
    response={200: LookupOut, 404: ErrorOut, 429: ErrorOut},
    summary="Tra cứu tình trạng hồ sơ (công khai)",
)
def lookup(request: HttpRequest, payload: LookupIn) -> Any:
    """By dossier code and the applicant's identity number; a wrong code or number gives the
    same 404; limited per address and minute."""
    # The busiest public endpoint: well-formed requests are answered by dossiers.lookup's
    # plain view, routed ahead of the API (congso/urls.py), with the same answers and without
    # ninja's routing and parsing. This operation documents it and answers everything else.
    return lookup_respond(request, payload.code, payload.identity_number)


class FormFieldOut(Schema):
    label: str
    value: str


class AttachmentOut(Schema):
    name: str
    content_type: str
    size: int
    required_paper: str | None


class DossierDetailOut(DossierOut):
    """One dossier as its page shows it, with the version to send back (also the ETag), the
    actions the caller may take now (the registry's ``available``), the applicant's e-form as
    labelled fields, the files with the required paper each answers, and the approval chain
    (the specialist's internal findings, the draft result, the result number and text)."""

    actions: list[str]
    form_fields: list[FormFieldOut]
    attachments: list[AttachmentOut]
    findings: str
    result_draft: str
    result_number: str
    result_summary: str

    @staticmethod
    def resolve_attachments(obj: Dossier) -> list[dict[str, Any]]:
        return [
            {
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "required_paper": a.required_paper.name if a.required_paper else None,
            }
            for a in obj.attachments.select_related("required_paper").order_by("pk")
        ]


def _etag(dossier: Dossier) -> str:
    return f'"{dossier.version}"'


def _detail(request: HttpRequest, response: HttpResponse, dossier: Dossier) -> Dossier:
    staff = staff_for(request.user)
    dossier.actions = [a.name for a in REGISTRY.available_for(dossier, staff)]  # type: ignore[attr-defined]
    dossier.form_fields = [  # type: ignore[attr-defined]
        {"label": label, "value": value} for label, value in selectors.form_rows(dossier)
    ]
    response["ETag"] = _etag(dossier)
    return dossier


@router.get(
    "/{ref}",
    auth=STAFF_AUTH,
    response={200: DossierDetailOut, 404: ErrorOut},
    summary="Xem một hồ sơ",
)
def get_dossier(request: HttpRequest, response: HttpResponse, ref: str) -> Any:
    """The dossier with its ``version`` (also the ``ETag`` header) and the ``actions`` the
    caller may take; send the version back with an action (body or ``If-Match``)."""
    _staff(request)
    return _detail(request, response, selectors.dossier_get_for(request.user, ref))


def _if_match(value: str | None) -> int | None:
    """The version in an If-Match header (``"3"`` or ``W/"3"``), None when absent."""
    if not value:
        return None
    text = value.strip()
    if text.startswith("W/"):
        text = text[2:]
    text = text.strip('"')
    if not ascii_digits_only(text):
        raise HttpError(400, _('Header If-Match không hợp lệ: cần ETag của hồ sơ (ví dụ "3").'))
    return int(text)


ACTION_RESPONSES = {
    200: DossierDetailOut,
    400: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
}


def _act(
    request: HttpRequest,
    response: HttpResponse,
    entry: DossierAction,
    ref: str,
    payload: ActionIn,
    files: dict[str, UploadedFile],
    if_match: str | None,
) -> Any:
    staff = _staff(request)
    dossier = selectors.dossier_get_for(request.user, ref)
    header_version = _if_match(if_match)
    if payload.version is None and header_version is not None:
        payload = payload.model_copy(update={"version": header_version})
    try:
        entry.run(dossier, staff, payload, files)
    except StaleDossier as exc:
        raise HttpError(409, " ".join(exc.messages)) from exc
    return _detail(request, response, selectors.dossier_get_for(request.user, dossier.ref))


def _with_file_endpoint(entry: DossierAction, schema: type[ActionIn]) -> Any:
    if entry.files != ("result_file",):
        raise ValueError(f"{entry.name}: only result_file uploads are wired into the API")

    def endpoint(
        request: HttpRequest,
        response: HttpResponse,
        ref: str,
        payload: Form[schema],  # type: ignore[valid-type]
        result_file: File[UploadedFile] = None,  # type: ignore[assignment]
        if_match: str | None = Header(None, alias="If-Match"),
    ) -> Any:
        files = {"result_file": result_file} if result_file is not None else {}
        return _act(request, response, entry, ref, payload, files, if_match)

    return endpoint


def _json_endpoint(entry: DossierAction, schema: type[ActionIn]) -> Any:
    def endpoint(
        request: HttpRequest,
        response: HttpResponse,
        ref: str,
        payload: schema,  # type: ignore[valid-type]
        if_match: str | None = Header(None, alias="If-Match"),
    ) -> Any:
        return _act(request, response, entry, ref, payload, {}, if_match)

    return endpoint


def _make_action_endpoint(entry: DossierAction) -> None:
    """One typed operation per registry action: its own request body (multipart when it takes
    files), 409 when the version sent is not the dossier's."""
    description = (
        f"Thao tác “{entry.label}”. Gửi `version` (hoặc header `If-Match` với ETag) "
        "đã đọc; phiên bản cũ: 409, không thay đổi gì."
    )
    endpoint = (_with_file_endpoint if entry.files else _json_endpoint)(entry, entry.input)
    endpoint.__name__ = f"dossier_{entry.name}"
    router.post(
        "/{ref}/" + entry.slug,
        auth=STAFF_AUTH,
        response=ACTION_RESPONSES,
        summary=str(entry.label),
        description=description,
        operation_id=f"dossier_{entry.name}",
    )(endpoint)


for _entry in sorted(REGISTRY, key=lambda a: a.name):
    _make_action_endpoint(_entry)


def issue_token(staff: Staff, name: str) -> str:
    """Create a token for ``staff`` and return it (only its hash is stored)."""
    import secrets

    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        staff=staff, name=name, key_hash=hashlib.sha256(token.encode()).hexdigest()
    )
    return token


del Unit
