"""/api/v1/documents/: incoming and outgoing documents (scoped to the caller), search, and
the import of edXML packages."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import django_auth

from congso.core.paging import Pages
from congso.org.selectors import unit_by_code
from congso.search.backends import Filters, get_backend

from . import services
from .selectors import incoming_get_for, incoming_list, outgoing_get_for, outgoing_list, scope_for

router = Router(tags=["Văn bản"], auth=django_auth)


class ErrorOut(Schema):
    detail: str


class IncomingOut(Schema):
    id: int
    unit: str
    year: int
    series: str
    number: int
    received_at: dt.datetime
    sender_name: str
    number_symbol: str
    document_date: dt.date | None
    kind: str | None
    abstract: str
    signer_name: str
    urgency: str
    secrecy: str
    channel: str
    status: str
    handling_due_at: dt.datetime | None

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit.name)

    @staticmethod
    def resolve_kind(obj: Any) -> str | None:
        return obj.kind.name if obj.kind else None


class RecipientOut(Schema):
    name: str
    organ_id: str
    outside_exchange: bool  # sent outside the exchange (no agency code, no edXML package)
    status: str


class OutgoingOut(Schema):
    id: int
    agency: str
    drafting_unit: str
    kind: str
    abstract: str
    number_symbol: str
    signer: str
    signed_at: dt.datetime | None
    issued_at: dt.datetime | None
    urgency: str
    secrecy: str
    status: str
    recipients: list[RecipientOut]

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency.name)

    @staticmethod
    def resolve_drafting_unit(obj: Any) -> str:
        return str(obj.drafting_unit.name)

    @staticmethod
    def resolve_kind(obj: Any) -> str:
        return str(obj.kind.name)

    @staticmethod
    def resolve_signer(obj: Any) -> str:
        return str(obj.signer.get_full_name())

    @staticmethod
    def resolve_recipients(obj: Any) -> list[Any]:
        return list(obj.recipients.all())


class DocumentQuery(Schema):
    q: str = ""
    kind: int | None = None
    status: str = ""
    sender: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def _filtered(
    request: HttpRequest,
    qs: QuerySet[Any],
    doc_type: str,
    params: DocumentQuery,
    date_field: str,
    sender_field: str,
) -> QuerySet[Any]:
    if params.q:
        scope = scope_for(request.user)
        ids = get_backend().search(
            params.q,
            doc_type=doc_type,
            limit=1000,
            filters=Filters(unit_ids=None if scope.superuser else scope.member_of),
        )
        qs = qs.filter(pk__in=ids)
    if params.kind:
        qs = qs.filter(kind_id=params.kind)
    if params.status:
        qs = qs.filter(status=params.status)
    if params.sender:
        qs = qs.filter(**{f"{sender_field}__icontains": params.sender})
    if params.date_from:
        qs = qs.filter(**{f"{date_field}__date__gte": params.date_from})
    if params.date_to:
        qs = qs.filter(**{f"{date_field}__date__lte": params.date_to})
    return qs


@router.get("/incoming", response=list[IncomingOut], summary="Văn bản đến (tìm kiếm, lọc)")
@paginate(Pages)
def list_incoming(request: HttpRequest, params: Query[DocumentQuery]) -> Any:
    return _filtered(
        request, incoming_list(request.user), "incoming", params, "received_at", "sender_name"
    )


@router.get(
    "/incoming/{int:doc_id}", response={200: IncomingOut, 404: ErrorOut}, summary="Một văn bản đến"
)
def get_incoming(request: HttpRequest, doc_id: int) -> Any:
    try:
        return incoming_get_for(user=request.user, pk=doc_id)
    except Http404:
        return Status(404, {"detail": _("Không tìm thấy văn bản đến.")})


@router.get("/outgoing", response=list[OutgoingOut], summary="Văn bản đi (tìm kiếm, lọc)")
@paginate(Pages)
def list_outgoing(request: HttpRequest, params: Query[DocumentQuery]) -> Any:
    return _filtered(
        request,
        outgoing_list(request.user),
        "outgoing",
        params,
        "created_at",
        "drafting_unit__name",
    )


@router.get(
    "/outgoing/{int:doc_id}", response={200: OutgoingOut, 404: ErrorOut}, summary="Một văn bản đi"
)
def get_outgoing(request: HttpRequest, doc_id: int) -> Any:
    try:
        return outgoing_get_for(user=request.user, pk=doc_id)
    except Http404:
        return Status(404, {"detail": _("Không tìm thấy văn bản đi.")})


@router.post(
    "/incoming/edxml",
    response={201: IncomingOut, 400: ErrorOut, 403: ErrorOut},
    summary="Nhận gói edXML (QCVN 102:2016) vào sổ văn bản đến",
)
def import_edxml(
    request: HttpRequest,
    package: File[UploadedFile],
    unit: str = Form(..., max_length=60),  # type: ignore[type-arg]
) -> Any:
    agency = unit_by_code(unit)
    if agency is None:
        raise HttpError(400, _("Không tìm thấy cơ quan nhận có mã %(code)s.") % {"code": unit})
    if package.size and package.size > 60 * 1024 * 1024:
        raise HttpError(400, _("Gói edXML quá lớn."))
    doc = services.edxml_import(by=request.user, unit=agency, data=package.read())
    return Status(201, doc)
