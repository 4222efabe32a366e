"""edXML packages of QCVN 102:2016 for exchanging documents with agencies outside CongSo.

We write and read the envelope's header and body elements the standard names (From, To,
Code, PromulgationInfo, DocumentType, Subject, SignerInfo, DueDate, OtherInfo, the manifest
and the base64 attachments). The SOAP/ebXML transport wrapper of the national exchange
platform is left to the transport; the package itself is the unit we store and import.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import URGENCY_PRIORITY, Urgency

if TYPE_CHECKING:
    from .models import OutgoingDocument, Recipient

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
ET.register_namespace("edXML", NS)
PRIORITY_URGENCY = {v: k for k, v in URGENCY_PRIORITY.items()}
MAX_PACKAGE_BYTES = 60 * 1024 * 1024


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, _q(tag))
    if text is not None:
        el.text = text
    return el


def build_package(doc: OutgoingDocument, recipient: Recipient, pdf: bytes, pdf_name: str) -> bytes:
    """The edXML package of an issued document for one recipient, the signed PDF inside."""
    root = ET.Element(_q("edXMLEnvelope"))
    header = _sub(root, "edXMLHeader")
    msg = _sub(header, "MessageHeader")
    sender = _sub(msg, "From")
    _sub(sender, "OrganId", doc.agency.agency_id)
    _sub(sender, "OrganName", doc.agency.name)
    _sub(sender, "OrganAdd", doc.agency.address)
    _sub(sender, "Email", doc.agency.email)
    _sub(sender, "Telephone", doc.agency.phone)
    to = _sub(msg, "To")
    _sub(to, "OrganId", recipient.organ_id)
    _sub(to, "OrganName", recipient.name)
    _sub(msg, "DocumentId", f"{doc.agency.agency_id},{doc.year},{doc.series},{doc.number}")
    code = _sub(msg, "Code")
    _sub(code, "CodeNumber", f"{doc.number:02d}" if doc.number is not None else "")
    _sub(code, "CodeNotation", doc.notation)
    promulgation = _sub(msg, "PromulgationInfo")
    _sub(promulgation, "Place", doc.place)
    signed_on = timezone.localdate(doc.signed_at) if doc.signed_at else timezone.localdate()
    _sub(promulgation, "PromulgationDate", signed_on.isoformat())
    doc_type = _sub(msg, "DocumentType")
    _sub(doc_type, "Type", "1")
    _sub(doc_type, "TypeName", doc.kind.name)
    _sub(doc_type, "TypeAbbreviation", doc.kind.abbreviation)
    _sub(msg, "Subject", doc.abstract)
    _sub(msg, "Content", "")
    signer = _sub(msg, "SignerInfo")
    _sub(signer, "Competence", "")
    _sub(signer, "Position", doc.signer_position)
    _sub(signer, "FullName", doc.signer.get_full_name())
    _sub(msg, "DueDate", doc.due_date.isoformat() if doc.due_date else "")
    places = _sub(msg, "ToPlaces")
    _sub(places, "Place", recipient.name)
    other = _sub(msg, "OtherInfo")
    _sub(other, "Priority", str(URGENCY_PRIORITY.get(Urgency(doc.urgency), 0)))
    _sub(other, "SphereOfPromulgation", "")
    _sub(other, "TyperNotation", "")
    _sub(other, "PromulgationAmount", str(doc.copies))
    _sub(other, "PageAmount", str(doc.page_count))
    _sub(header, "TraceHeaderList")
    body = _sub(root, "edXMLBody")
    manifest = _sub(body, "edXMLManifest")
    ref = _sub(manifest, "Reference")
    _sub(ref, "ContentId", "cid:1")
    _sub(ref, "ContentType", "application/pdf")
    _sub(ref, "Description", doc.abstract[:200])
    _sub(ref, "AttachmentName", pdf_name)
    encoded = _sub(root, "AttachmentEncoded")
    att = _sub(encoded, "Attachment")
    _sub(att, "ContentId", "cid:1")
    _sub(att, "AttachmentName", pdf_name)
    _sub(att, "ContentType", "application/pdf")
    _sub(att, "ContentTransferEncoded", "base64")
    _sub(att, "Value", base64.b64encode(pdf).decode("ascii"))
    return bytes(ET.tostring(root, encoding="utf-8", xml_declaration=True))


@dataclass
class PackageAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class Package:
    from_organ_id: str
    from_name: str
    to: list[tuple[str, str]]
    code_number: str
    code_notation: str
    place: str
    promulgation_date: dt.date
    type_name: str
    kind_abbreviation: str
    subject: str
    signer_name: str
    signer_position: str
    due_date: dt.date | None
    urgency: str
    pages: int
    attachments: list[PackageAttachment] = field(default_factory=list)

    @property
    def number_symbol(self) -> str:
        return (
            f"{self.code_number}/{self.code_notation}" if self.code_notation else self.code_number
        )


def _fail(message: str) -> ValidationError:
    return ValidationError(message, code="edxml")


def _find(parent: ET.Element, path: str, *, required: bool = True) -> ET.Element | None:
    el = parent.find("/".join(_q(p) for p in path.split("/")))
    if el is None and required:
        raise _fail(_("Gói edXML thiếu phần tử %(element)s.") % {"element": path})
    return el


def _text(parent: ET.Element, path: str, *, required: bool = True) -> str:
    el = _find(parent, path, required=required)
    text = (el.text or "").strip() if el is not None else ""
    if required and not text:
        raise _fail(_("Phần tử %(element)s của gói edXML không có nội dung.") % {"element": path})
    return text


def _date(value: str, element: str, *, required: bool) -> dt.date | None:
    if not value and not required:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise _fail(_("Phần tử %(element)s phải là ngày dạng YYYY-MM-DD.") % {"element": element})


class _DtdFound(Exception):
    pass


class _NoDtdBuilder(ET.TreeBuilder):
    """Stops the parse at a document type declaration, before its internal subset is read:
    without a DTD no entity can be declared, so none is expanded (billion laughs) and none
    points outside (XXE), wherever in the file the declaration sits (the old check read only
    the first 64 KiB; issue #11, finding 7)."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise _DtdFound


def parse_untrusted_xml(data: bytes) -> ET.Element:
    """The root of an XML document from outside, with DTDs refused outright (what defusedxml
    calls forbid_dtd): a reference to an undeclared entity is then a parse error. ValidationError
    in Vietnamese."""
    parser = ET.XMLParser(target=_NoDtdBuilder())  # noqa: S314 - no DTD gets through
    try:
        parser.feed(data)
        root: ET.Element = parser.close()
    except _DtdFound:
        raise _fail(_("Gói edXML không được chứa khai báo DOCTYPE hoặc ENTITY.")) from None
    except ET.ParseError as exc:
        raise _fail(_("Gói edXML không phải XML hợp lệ (%(error)s).") % {"error": exc}) from None
    return root


def parse_package(data: bytes) -> Package:
    """Read an edXML package; any problem raises a Vietnamese ValidationError naming the
    element."""
    if len(data) > MAX_PACKAGE_BYTES:
        raise _fail(_("Gói edXML quá lớn."))
    root = parse_untrusted_xml(data)
    if root.tag != _q("edXMLEnvelope"):
        if root.tag.endswith("edXMLEnvelope"):
            raise _fail(_("Gói edXML sai không gian tên: cần %(ns)s.") % {"ns": NS})
        raise _fail(_("Gói edXML thiếu phần tử edXMLEnvelope."))
    msg = _find(root, "edXMLHeader/MessageHeader")
    assert msg is not None
    to = [
        (_text(t, "OrganId", required=False), _text(t, "OrganName", required=False))
        for t in msg.findall(_q("To"))
    ]
    priority_text = _text(msg, "OtherInfo/Priority", required=False) or "0"
    try:
        priority = int(priority_text)
        if not 0 <= priority <= 4:
            raise ValueError
    except ValueError:
        raise _fail(_("Phần tử OtherInfo/Priority phải là số từ 0 đến 4."))
    pages_text = _text(msg, "OtherInfo/PageAmount", required=False) or "1"
    try:
        pages = max(1, int(pages_text))
    except ValueError:
        raise _fail(_("Phần tử OtherInfo/PageAmount phải là số."))
    pkg = Package(
        from_organ_id=_text(msg, "From/OrganId"),
        from_name=_text(msg, "From/OrganName"),
        to=to,
        code_number=_text(msg, "Code/CodeNumber"),
        code_notation=_text(msg, "Code/CodeNotation", required=False),
        place=_text(msg, "PromulgationInfo/Place", required=False),
        promulgation_date=_date(
            _text(msg, "PromulgationInfo/PromulgationDate"),
            "PromulgationInfo/PromulgationDate",
            required=True,
        ),  # type: ignore[arg-type]
        type_name=_text(msg, "DocumentType/TypeName", required=False),
        kind_abbreviation=_text(msg, "DocumentType/TypeAbbreviation", required=False),
        subject=_text(msg, "Subject"),
        signer_name=_text(msg, "SignerInfo/FullName", required=False),
        signer_position=_text(msg, "SignerInfo/Position", required=False),
        due_date=_date(_text(msg, "DueDate", required=False), "DueDate", required=False),
        urgency=str(PRIORITY_URGENCY.get(min(priority, 3), Urgency.NORMAL)),
        pages=pages,
    )
    encoded = root.find(_q("AttachmentEncoded"))
    for i, att in enumerate(
        encoded.findall(_q("Attachment")) if encoded is not None else [], start=1
    ):
        where = f"AttachmentEncoded/Attachment[{i}]"
        name = _text(att, "AttachmentName", required=False) or f"tep-{i}.pdf"
        raw = re.sub(r"\s+", "", _text(att, "Value"))
        try:
            content = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise _fail(
                _("Phần tử %(element)s/Value không phải base64 hợp lệ.") % {"element": where}
            )
        if not content:
            raise _fail(_("Phần tử %(element)s/Value rỗng.") % {"element": where})
        pkg.attachments.append(
            PackageAttachment(
                name=re.sub(r"[^\w.\-]+", "_", name)[:200] or f"tep-{i}.pdf",
                content_type=_text(att, "ContentType", required=False),
                data=content,
            )
        )
    if not pkg.attachments:
        raise _fail(_("Gói edXML thiếu tệp đính kèm (AttachmentEncoded/Attachment)."))
    return pkg
