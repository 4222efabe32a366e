"""Factories for the citizen side."""

from __future__ import annotations

import io
import zipfile

import factory

from congso.accounts.models import AccountKind, User
from congso.eservices.models import CitizenProfile

PASSWORD = "Mat-khau-2026!"


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"congdan{n}@example.vn")
    email = factory.LazyAttribute(lambda o: o.username)
    full_name = "Nguyễn Thị Bình"
    phone = factory.Sequence(lambda n: f"09{n:08d}")
    kind = AccountKind.CITIZEN
    is_active = True

    @factory.post_generation
    def password(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        self.set_password(extracted or PASSWORD)
        if create:
            self.save()

    @factory.post_generation
    def profile(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create:
            CitizenProfile.objects.create(
                user=self,
                identity_number=kwargs.get("identity_number", ""),
                email_verified=True,
                address="12 Nguyễn Trãi, Thanh Xuân",
            )


def pdf_bytes(text: str = "hello") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>"
        b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n" + text.encode()
    )


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx_bytes(real: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        if real:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", "<w:document/>")
        else:
            z.writestr("readme.txt", "just a zip")
    return buffer.getvalue()
