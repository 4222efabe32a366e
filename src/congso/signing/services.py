"""PAdES signatures for CongSo documents (outgoing documents, signed dossier results).

The public API is three functions:

- ``ensure_demo_certificates(units=None)`` creates, under ``settings.SIGNING_DIR``, a demo
  root CA and a signing certificate for each agency that lacks one (idempotent).
- ``sign_pdf(pdf_bytes, *, unit, signer_name, reason, location, field_name, personal=False)``
  appends one PAdES baseline-B signature as an incremental update, so a document can be
  signed by a person and then by the agency without breaking the first signature.
- ``verify_pdf(pdf_bytes)`` reports on every embedded signature.

Certificates are found by unit: the agency of the unit (a department signs with its
district's certificate). A personal signature (``personal=True``) gets a certificate whose
common name is the signer's name, issued by the same demo root for that agency. Keys live
on disk as unencrypted PEM in the demo; production must replace this module's key store
with the government CA certificates and an HSM or USB token (docs/adr/0050).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import io
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ImportedPdfPage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .marks import Mark

ROOT_NAME = "CongSo Demo Root CA"
_thread_lock = threading.Lock()


@contextmanager
def _lock() -> Iterator[None]:
    """Serialise certificate creation across threads and processes (parallel test workers,
    several web workers): without it two processes could each write a key and the other's
    certificate, leaving a pair that does not match."""
    with _thread_lock, open(_dir() / ".lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@dataclass(frozen=True)
class SignatureReport:
    """What a reader of a signed PDF needs to know about one signature."""

    field_name: str
    signer_subject: str
    signing_time: dt.datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature checks out
    trusted: bool  # the certificate chains to the demo root (or the configured roots)
    covers_whole_file: bool  # False when later revisions (e.g. a second signature) follow
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


def _dir() -> Path:
    path = Path(settings.SIGNING_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_atomic(path: Path, data: bytes) -> None:
    # Parallel test workers and web processes may create the same file; replace is atomic.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    tmp.write_bytes(data)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(common_name: str, organisation: str = "CongSo") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
        ]
    )


def _root() -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    base = _dir()
    cert_path, key_path = base / "root-ca.pem", base / "root-ca.key.pem"
    with _lock():
        if not cert_path.exists() or not key_path.exists():
            key = ec.generate_private_key(ec.SECP256R1())
            now = dt.datetime.now(dt.UTC)
            cert = (
                x509.CertificateBuilder()
                .subject_name(_name(ROOT_NAME))
                .issuer_name(_name(ROOT_NAME))
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .add_extension(
                    x509.KeyUsage(
                        digital_signature=False,
                        content_commitment=False,
                        key_encipherment=False,
                        data_encipherment=False,
                        key_agreement=False,
                        key_cert_sign=True,
                        crl_sign=True,
                        encipher_only=False,
                        decipher_only=False,
                    ),
                    critical=True,
                )
                .add_extension(
                    x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
                )
                .sign(key, hashes.SHA256())
            )
            _write_atomic(key_path, _key_pem(key))
            _write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    root_key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    assert isinstance(root_key, ec.EllipticCurvePrivateKey)
    return cert, root_key


def _slug(text: str) -> str:
    # File names from agency ids and people's names; a hash keeps different names apart.
    clean = re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")[:40]
    return f"{clean}-{hashlib.sha256(text.encode()).hexdigest()[:8]}"


def _agency_key(unit: Any) -> tuple[str, str]:
    agency = unit.agency()
    return (agency.agency_id or f"unit-{agency.pk}"), agency.name


def _certificate_for(unit: Any, person: str | None = None) -> tuple[Path, Path]:
    """The (certificate, key) files for the agency of ``unit`` (or a person in it); made on
    first use from the demo root."""
    agency_key, agency_name = _agency_key(unit)
    stem = _slug(agency_key) + (("__" + _slug(person)) if person else "")
    folder = _dir() / "units"
    folder.mkdir(exist_ok=True)
    cert_path, key_path = folder / f"{stem}.pem", folder / f"{stem}.key.pem"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    root_cert, root_key = _root()
    with _lock():
        if cert_path.exists() and key_path.exists():
            return cert_path, key_path
        key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(person or agency_name, agency_name))
            .issuer_name(root_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1825))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()),
                critical=False,
            )
            .sign(root_key, hashes.SHA256())
        )
        _write_atomic(key_path, _key_pem(key))
        _write_atomic(cert_path, cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def ensure_demo_certificates(units: Any = None) -> int:
    """Create the demo root CA and a certificate for every agency in ``units`` (default: all
    active agencies) that has none yet. Returns how many agency certificates exist now."""
    from congso.org.models import Unit

    _root()
    agencies = units if units is not None else Unit.objects.active().agencies()
    count = 0
    for unit in agencies:
        _certificate_for(unit)
        count += 1
    return count


def _asn1_cert(path: Path) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(
        x509.load_pem_x509_certificate(path.read_bytes()).public_bytes(serialization.Encoding.DER)
    )


def root_certificate() -> asn1_x509.Certificate:
    """The trust anchor signatures are verified against."""
    _root()
    return _asn1_cert(_dir() / "root-ca.pem")


def sign_pdf(
    pdf_bytes: bytes,
    *,
    unit: Any,
    signer_name: str,
    reason: str,
    location: str,
    field_name: str,
    personal: bool = False,
    mark: Mark | None = None,
) -> bytes:
    """Append a PAdES baseline-B signature of the agency of ``unit`` (or, with
    ``personal=True``, of ``signer_name`` in that agency) as an incremental update and return
    the new PDF. Earlier signatures stay valid; a field name already used raises
    ValidationError. With ``mark`` the signature is visible: a new signature field with a box
    on the page whose appearance is the mark (signing.marks), else an invisible field."""
    cert_path, key_path = _certificate_for(unit, signer_name if personal else None)
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(cert_path),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([root_certificate()]),
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except Exception as exc:
        raise ValidationError(_("Tệp không phải PDF hợp lệ: %(error)s") % {"error": exc}) from exc
    existing = {name for name, _v, _r in fields.enumerate_sig_fields(writer.prev)}
    if field_name in existing:
        raise ValidationError(_("Văn bản đã có chữ ký ở ô %(field)s.") % {"field": field_name})
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location,
        name=signer_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    if mark is None:
        return signers.sign_pdf(writer, meta, signer=signer).getvalue()
    # pyHanko imports the mark's picture from a file when it draws the appearance.
    with tempfile.NamedTemporaryFile(suffix=".pdf") as picture:
        picture.write(mark.background)
        picture.flush()
        style = TextStampStyle(
            stamp_text=mark.text,
            timestamp_format="%d/%m/%Y %H:%M:%S %z",
            background=ImportedPdfPage(picture.name),
            background_opacity=1.0,
            border_width=0,
            text_box_style=TextBoxStyle(font_size=6),
            # The signing time, bottom right, in pyHanko's own (ASCII) font.
            inner_content_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MAX,
                y_align=layout.AxisAlignment.ALIGN_MIN,
                margins=layout.Margins(right=6, bottom=4),
            ),
        )
        spec = fields.SigFieldSpec(
            sig_field_name=field_name,
            on_page=mark.page,
            box=tuple(round(v) for v in mark.box),  # type: ignore[arg-type]
        )
        pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
        return pdf_signer.sign_pdf(writer).getvalue()


def verify_pdf(pdf_bytes: bytes) -> list[SignatureReport]:
    """Check every signature of the PDF against the demo root. An unreadable file gives one
    report with ``error`` set; a file without signatures gives an empty list."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:
        return [SignatureReport("", "", None, False, False, False, False, str(exc))]
    context = ValidationContext(
        trust_roots=[root_certificate()], allow_fetching=False, revocation_mode="soft-fail"
    )
    reports = []
    for sig in embedded:
        try:
            status = validate_pdf_signature(sig, context)
            coverage = status.coverage
            reports.append(
                SignatureReport(
                    field_name=sig.field_name,
                    signer_subject=status.signing_cert.subject.human_friendly,
                    signing_time=status.signer_reported_dt,
                    intact=bool(status.intact),
                    valid=bool(status.valid),
                    trusted=bool(status.trusted),
                    covers_whole_file=coverage is not None and coverage.name == "ENTIRE_FILE",
                )
            )
        except Exception as exc:
            reports.append(
                SignatureReport(sig.field_name, "", None, False, False, False, False, str(exc))
            )
    return reports
