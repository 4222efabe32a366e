"""Identity, tax and administrative codes take ASCII digits only (issue #11, finding 13): the
probe registered a CCCD typed in full-width digits; ``\\d`` and ``str.isdigit`` accept
０-９, ٠-٩ and the digits of other scripts, which no register holds."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from congso.eservices.forms import ApplicantForm, RegisterForm
from congso.eservices.models import identity_number_validator, tax_code_validator
from congso.org.models import validate_agency_id, validate_stats_code

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
SCRIPTS = [FULL_WIDTH, ARABIC_INDIC, DEVANAGARI]


@pytest.mark.parametrize("table", SCRIPTS, ids=["full-width", "arabic-indic", "devanagari"])
@pytest.mark.parametrize(
    ("validator", "value"),
    [
        (identity_number_validator, "001090012345"),
        (tax_code_validator, "0101234567"),
        (tax_code_validator, "0101234567001"),
        (validate_stats_code, "00343"),
        (validate_agency_id, "H26.09"),
        (validate_agency_id, "000.00.31.H56"),
    ],
)
def test_only_ascii_digits_pass(validator, value, table):
    validator(value)  # the ASCII spelling is fine
    with pytest.raises(ValidationError):
        validator(value.translate(table))


@pytest.mark.parametrize("table", SCRIPTS, ids=["full-width", "arabic-indic", "devanagari"])
def test_registration_and_applicant_forms_refuse_other_digits(table):
    form = RegisterForm(
        {
            "kind": "citizen",
            "full_name": "Nguyễn Văn An",
            "login": "an@example.vn",
            "identity_number": "001090012345".translate(table),
            "password1": "mat-khau-rat-dai-2026",
            "password2": "mat-khau-rat-dai-2026",
        }
    )
    assert not form.is_valid() and "identity_number" in form.errors
    applicant = ApplicantForm(
        {"name": "Nguyễn Văn An", "id_number": "001090012345".translate(table)}
    )
    assert not applicant.is_valid() and "id_number" in applicant.errors


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["²", "١٢", "１"])
def test_digit_like_query_values_are_not_numbers(client, demo_org, value):
    """``"²".isdigit()`` is True and ``int("²")`` raises: a page number of "²" was a 500."""
    client.force_login(demo_org.user("motcua.tx"))
    client.raise_request_exception = False
    response = client.get("/mot-cua/tiep-nhan/tim-thu-tuc/", {"trang": value})
    assert response.status_code == 200
