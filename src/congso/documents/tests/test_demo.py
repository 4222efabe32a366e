"""The demo loads through the services and is idempotent."""

from __future__ import annotations

import pytest

from congso.documents import demo
from congso.documents.models import IncomingDocument, OutgoingDocument, StatusPacket, WorkFile

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent(demo_org):
    assert demo.load("2015")
    counts = (
        IncomingDocument.objects.count(),
        OutgoingDocument.objects.count(),
        WorkFile.objects.count(),
        StatusPacket.objects.count(),
    )
    assert counts[0] >= 20 and counts[1] >= 7 and counts[3] > 0
    assert demo.load("2015") is None
    assert counts == (
        IncomingDocument.objects.count(),
        OutgoingDocument.objects.count(),
        WorkFile.objects.count(),
        StatusPacket.objects.count(),
    )
