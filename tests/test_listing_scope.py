"""Every page and API operation that lists documents or dossiers answers through the same
scoped selector as the object's own page (issue 11, item 2).

A secret incoming document and a secret outgoing one of the district, filed by a named leader
into a work file, and a one-stop dossier of a ward filed into the same work file by code: a
district specialist (a member of the district, so he sees the work file, but named on neither
document and working in no unit of the ward) and the officer of another ward walk every
listing page, search, register, export (HTML, XLSX, PDF), work file page and API list
operation, and find neither the documents' number and abstract nor the dossier's code and
applicant name anywhere.

The walk is driven by the URL conf: every named URL pattern (pages and ninja operations alike)
must be classified below, as a listing walked here or as something else with the reason, so a
new list URL fails this test until it is covered.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from pypdf import PdfReader

from congso.documents import services as doc_services
from congso.documents.models import IncomingDocument, OutgoingStatus, Secrecy, Series
from congso.documents.tests.conftest import scan
from congso.documents.tests.factories import IncomingFactory, OutgoingFactory, WorkFileFactory
from congso.dossiers import services as dossier_services
from congso.dossiers.tests.conftest import all_papers, person
from congso.dossiers.tests.factories import offered_procedure
from congso.search.backends import get_backend

pytestmark = pytest.mark.django_db

SECRET_ABSTRACT = "Phương án bảo vệ mục tiêu trọng yếu Zeta"
SECRET_SYMBOL = "77/KH-CAQ"
SECRET_OUT_ABSTRACT = "Kế hoạch tác chiến phòng thủ Omega"
SECRET_OUT_SYMBOL = "99/KH-UBND"
APPLICANT = "Phùng Thị Kín Đáo"

# Every named URL, by "namespace:name". LISTINGS are walked below; the rest say why not.
LISTINGS = {
    "core:home",
    "documents:incoming_list",
    "documents:outgoing_list",
    "documents:work_files",
    "documents:work_file_detail",
    "documents:registers",
    "documents:incoming_detail",
    "documents:outgoing_detail",
    "documents:outgoing_create",
    "dossiers:queue",
    "dossiers:forwarded",
    "dossiers:home",
    "dossiers:arrivals",
    "dossiers:register",
    "dossiers:stats",
    "dossiers:stats_dossiers",
    "dashboard:dashboard",
    "dashboard:dossiers",
    "dashboard:index766",
    "dashboard:periodic_report",
    "api:dashboard",
    "api:index766",
    "api:list_dossiers",
    "api:stats",
    "api:list_incoming",
    "api:list_outgoing",
    "eservices:my_dossiers",
    "api:my_dossiers",
    "eservices:home",
}
NOT_LISTINGS = {
    # One object by its key, through the object's own scoped selector (get_for → 404).
    **dict.fromkeys(
        [
            "documents:attachment",
            "documents:outgoing_file",
            "documents:outgoing_edxml",
            "dossiers:detail",
            "dossiers:form_pdf",
            "dossiers:attachment",
            "dossiers:reply_file",
            "api:get_dossier",
            "api:get_incoming",
            "api:get_outgoing",
            "eservices:my_dossier",
            "eservices:result",
            "eservices:draft",
            "eservices:draft_attachment",
            "eservices:payment_receipt",
            "eservices:payment_start",
        ],
        "one object through its scoped selector",
    ),
    # State changes (POST) on one object fetched through its scoped selector.
    **dict.fromkeys(
        [
            "documents:incoming_present",
            "documents:incoming_direct",
            "documents:incoming_progress",
            "documents:incoming_complete",
            "documents:incoming_refuse",
            "documents:incoming_recall_answer",
            "documents:incoming_file",
            "documents:outgoing_submit",
            "documents:outgoing_review",
            "documents:outgoing_sign",
            "documents:outgoing_issue",
            "documents:outgoing_recall",
            "documents:incoming_register",
            "documents:edxml_import",
            "api:import_edxml",
            "dossiers:act",
            "dossiers:bulk",
            "dossiers:rate_counter",
            "dossiers:intake",
            "api:create_dossier",
            "eservices:start",
        ]
        + [
            f"api:dossier_{a}"
            for a in (
                "accept",
                "apologise",
                "approve",
                "assign",
                "forward",
                "hand_over",
                "payment_confirmed",
                "record_result",
                "refuse",
                "request_completion",
                "request_payment",
                "return_forwarded",
                "return_result",
                "return_to_desk",
                "send_back",
                "sign_result",
                "stop",
                "submit",
                "supplement_receive",
                "supplement_request",
                "withdraw",
            )
        ],
        "a state change of one scoped object",
    ),
    # Public: by dossier code and the applicant's ID number together (test_lookup.py).
    **dict.fromkeys(
        ["dossiers:lookup", "api:lookup", "dossiers:rate_online"],
        "public lookup by code and ID number",
    ),
    # The intake form's look-up of one identity number among the officer's own dossiers
    # (selectors.returning_applicant / open_same_procedure, scoped; test_intake_counter.py).
    "dossiers:intake_applicant": "scoped look-up of one identity number",
    # Lists of procedures, not of documents or dossiers.
    **dict.fromkeys(
        [
            "dossiers:intake_search",
            "procedures:catalogue",
            "procedures:detail",
            "procedures:form_download",
            "procedures:catalogue_admin",
            "procedures:catalogue_export",
            "procedures:national_upload",
            "procedures:national_review",
            "api:list_procedures",
            "api:get_procedure",
        ],
        "the procedure catalogue",
    ),
    # The public portal (issue 15): live, non-private pages of one site; the documents page and
    # its downloads list only issued, non-secret outgoing documents their agency made public
    # (congso/portal/tests/test_sites.py: drafts, private pages, secret and unpublished documents).
    **dict.fromkeys(
        [
            "portal:home",
            "portal:page",
            "portal:document_file",
            "portal:rss",
            "portal:sitemap",
            "portal:site_map",
        ],
        "public portal pages: only what the agency published",
    ),
    # Wagtail's password form of a protected page; its login name redirects to ours.
    **dict.fromkeys(
        ["wagtailcore_authenticate_with_password", "wagtailcore_login", "portal:admin_login"],
        "no document or dossier content",
    ),
    # Background exports (congso.core.export_jobs): the caller's own jobs only (another's is a
    # 404), the file after the export's own rule is asked again (core/tests/test_export_jobs.py).
    **dict.fromkeys(
        ["core:exports", "core:export", "core:export_download", "core:export_restart"],
        "the caller's own export jobs; the file after the export's rule",
    ),
    # Counter devices (issue 18): queue tickets, calls and ratings, no dossier content. Device
    # pages answer only a live device token of their kind and show its own hall; the phone page
    # is one ticket by its random key; the officer's panel names only the dossiers the officer
    # received for the ticket being served; the statistics are ticket figures per hall the
    # policy lets the caller read (counters/tests/test_pages.py).
    **dict.fromkeys(
        [
            "counters:activate",
            "counters:kiosk",
            "counters:kiosk_ticket",
            "counters:board",
            "counters:board_state",
            "counters:board_events",
            "counters:clip",
            "counters:terminal",
            "counters:terminal_state",
            "counters:follow",
            "counters:panel",
            "counters:panel_act",
            "counters:stats",
            "api:counter_issue",
            "api:counter_board",
            "api:counter_call",
            "api:counter_recall",
            "api:counter_skip",
            "api:counter_start",
            "api:counter_finish",
            "api:counter_transfer",
            "api:counter_rate",
            "api:counter_waits",
        ],
        "queue tickets and ratings, no document or dossier content",
    ),
    # Citizen feedback (issue 16): cases, not documents or dossiers; staff lists and pages go
    # through congso.feedback.selectors (scope tested in feedback/tests/test_actions.py), the
    # public ones by code with the sender's contact, or the published, redacted answers only.
    **dict.fromkeys(
        [
            "feedback:queue",
            "feedback:stats",
            "feedback:detail",
            "feedback:act",
            "feedback:submit",
            "feedback:verify",
            "feedback:status",
            "feedback:rate",
            "feedback:eservices_form",
            "api:feedback_submit",
            "api:feedback_verify",
            "api:feedback_status",
            "api:feedback_cases",
            "api:feedback_case",
        ]
        + [
            f"api:feedback_{a}"
            for a in (
                "route",
                "forward",
                "forward_out",
                "classify",
                "draft",
                "approve",
                "send_back",
                "return_to_triage",
                "extend",
                "refuse",
                "merge",
                "publish",
                "unpublish",
            )
        ],
        "feedback cases: scoped by congso.feedback.selectors or by code and contact",
    ),
    # Accounts, gateways, health, schema: no documents or dossiers.
    **dict.fromkeys(
        [
            "core:index",
            "core:healthz",
            "core:readyz",
            "core:metrics",
            "core:ping",
            "accounts:login",
            "accounts:logout",
            "accounts:password_change",
            "accounts:password_change_done",
            "accounts:sessions",
            "accounts:sessions_end",
            "accounts:otp_setup",
            "accounts:otp_verify",
            "api:openapi-json",
            "api:openapi-view",
            "api:api-root",
            "api:due_date",
            "api:payment_ipn",
            "signing:pin",
            "eservices:login",
            "eservices:register",
            "eservices:verify",
            "eservices:reset_request",
            "eservices:reset_confirm",
            "eservices:eid_begin",
            "eservices:eid_callback",
            "eservices:payment_return",
            "eservices:sandbox_gateway",
            "eservices:eid_test_authorize",
            "eservices:eid_test_token",
            "eservices:eid_test_jwks",
        ],
        "no document or dossier content",
    ),
}
# The Django admin (quan-tri/) is for superusers and sysadmins with model permissions; it is
# not a scoped staff page and is left out by prefix. So is the portal's editorial admin
# (bien-tap/, Wagtail): it holds portal pages and media only, under Wagtail's page and
# collection permissions per site (congso/portal/tests/test_board.py), and Wagtail's document
# downloads (tai-lieu-cong/), which serve only the portal's own uploaded files.
EXCLUDED_PREFIXES = ("quan-tri/", "bien-tap/", "tai-lieu-cong/")


def _named_patterns() -> dict[str, str]:
    found: dict[str, str] = {}

    def walk(patterns, prefix="", ns=""):  # type: ignore[no-untyped-def]
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(
                    entry.url_patterns,
                    prefix + str(entry.pattern),
                    ns + (f"{entry.namespace}:" if entry.namespace else ""),
                )
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                if route.startswith(EXCLUDED_PREFIXES) or not entry.name:
                    continue
                found[ns + entry.name] = route

    walk(get_resolver().url_patterns)
    return found


def test_every_named_url_is_classified():
    names = _named_patterns()
    unclassified = sorted(set(names) - LISTINGS - set(NOT_LISTINGS))
    assert not unclassified, (
        "New URLs: add each to LISTINGS (and walk it in test_no_listing_leaks) or to NOT_LISTINGS "
        f"with the reason: {[(n, names[n]) for n in unclassified]}"
    )
    assert not LISTINGS & set(NOT_LISTINGS)
    stale = sorted((LISTINGS | set(NOT_LISTINGS)) - set(names))
    assert not stale, f"classified URLs that no longer exist: {stale}"


@pytest.fixture
def world(demo_org, settings):
    """The secret documents, the ward dossier, and the work file holding all three."""
    org = demo_org
    district, ward_km, ward_nc = org.district, org.wards["00352"], org.wards["00343"]
    clerk, leader = org.user("vanthu.tx"), org.user("lanhdao.tx")
    now = timezone.now()
    secret = doc_services.incoming_register(
        by=clerk,
        unit=district,
        sender_name="Công an quận",
        abstract=SECRET_ABSTRACT,
        number_symbol=SECRET_SYMBOL,
        secrecy=Secrecy.SECRET,
        received_at=now,
        files=[scan()],
    )
    doc_services.incoming_present(doc=secret, by=clerk, leader=leader)
    secret_out = OutgoingFactory(
        agency=district,
        drafting_unit=org.departments["VP"],
        created_by=leader,
        signer=leader,
        abstract=SECRET_OUT_ABSTRACT,
        secrecy=Secrecy.SECRET,
        series=Series.SECRET,
        number=99,
        notation="KH-UBND",
        year=2026,
        status=OutgoingStatus.ISSUED,
        signed_at=now,
        issued_at=now,
    )
    # A normal document, visible to every member, answered by the secret one.
    normal = IncomingFactory(
        unit=district,
        abstract="Công văn đôn đốc nộp báo cáo",
        received_at=now,
        handling_unit=org.departments["VHTT"],
    )
    IncomingDocument.objects.filter(pk=normal.pk).update(reply=secret_out)
    # A normal outgoing draft of the specialist's department, answering the secret incoming one.
    answer = OutgoingFactory(
        agency=district,
        drafting_unit=org.departments["VHTT"],
        signer=leader,
        created_by=org.user("chuyenvien.vhtt"),
        abstract="Báo cáo kết quả thực hiện",
        reply_to=secret,
    )
    version = offered_procedure(ward_km, name="Chứng thực chữ ký")
    motcua_km = org.staff["motcua.km"]
    dossier = dossier_services.dossier_receive(
        by=motcua_km,
        receiving_unit=ward_km,
        version=version,
        applicant=person(name=APPLICANT, id_number="001190099999"),
        papers=all_papers(version),
    )
    # A dossier of the other ward, so that ward's pages are not empty.
    version_nc = offered_procedure(ward_nc, name="Đăng ký khai sinh")
    dossier_services.dossier_receive(
        by=org.staff["motcua.nc"],
        receiving_unit=ward_nc,
        version=version_nc,
        applicant=person(name="Trần Văn Công Khai"),
        papers=all_papers(version_nc),
    )
    wf = WorkFileFactory(unit=district, owner=leader, code="01.AN", title="Hồ sơ an ninh 2026")
    doc_services.work_file_add(wf=wf, by=leader, incoming=secret)
    doc_services.work_file_add(wf=wf, by=leader, outgoing=secret_out)
    doc_services.work_file_add(wf=wf, by=leader, dossier_code=dossier.code)
    doc_services.work_file_add(wf=wf, by=leader, incoming=normal)
    get_backend()  # the search index is written by the services above
    return {
        "org": org,
        "secret": secret,
        "secret_out": secret_out,
        "normal": normal,
        "answer": answer,
        "dossier": dossier,
        "wf": wf,
        "district": district,
        "ward_km": ward_km,
        "ward_nc": ward_nc,
    }


def _text(response) -> str:  # type: ignore[no-untyped-def]
    """What a person reading the answer would see: HTML/JSON text, XLSX cells, PDF text."""
    body = (
        response.content
        if not getattr(response, "streaming", False)
        else b"".join(response.streaming_content)
    )
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(
                archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
            )
    if "pdf" in kind:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    return body.decode("utf-8")


def _requests(w) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(url name, path) for every listing, with the parameters that make it show rows."""
    today = timezone.localdate()
    week_ago, tomorrow = today - dt.timedelta(days=7), today + dt.timedelta(days=1)
    d, km, nc = w["district"].pk, w["ward_km"].pk, w["ward_nc"].pk
    period = f"date_from={week_ago:%Y-%m-%d}&date_to={tomorrow:%Y-%m-%d}"
    out: list[tuple[str, str]] = [
        ("core:home", "/lam-viec/"),
        ("eservices:home", "/dich-vu-cong/"),
    ]
    for words in ("", "Zeta", "bảo vệ mục tiêu", "KH-CAQ", "Omega", "77"):  # parts: a page echoes q
        out.append(("documents:incoming_list", f"/van-ban-den/?q={words}"))
        out.append(("documents:outgoing_list", f"/van-ban-di/?q={words}"))
        out.append(("api:list_incoming", f"/api/v1/documents/incoming?q={words}"))
        out.append(("api:list_outgoing", f"/api/v1/documents/outgoing?q={words}"))
    out.append(("documents:incoming_list", f"/van-ban-den/?{period}"))
    out += [
        ("documents:work_files", "/ho-so-cong-viec/"),
        ("documents:work_files", f"/ho-so-cong-viec/?nam={today.year}"),
        ("documents:work_file_detail", f"/ho-so-cong-viec/{w['wf'].pk}/"),
        ("documents:incoming_detail", f"/van-ban-den/{w['normal'].pk}/"),
        ("documents:outgoing_detail", f"/van-ban-di/{w['answer'].pk}/"),
        ("documents:outgoing_create", f"/van-ban-di/du-thao/?tra-loi={w['normal'].pk}"),
    ]
    for unit in (d, km, nc):
        for kind in ("den", "di", "theo-doi"):
            for series in (Series.NORMAL, Series.SECRET):
                for fmt in ("html", "xlsx", "pdf"):
                    out.append(
                        (
                            "documents:registers",
                            f"/so-van-ban/?kind={kind}&unit={unit}&{period}&series={series}"
                            f"&format={fmt}",
                        )
                    )
    for tab in ("receive", "assign", "process", "approve", "return"):
        out.append(("dossiers:queue", f"/mot-cua/hang-doi/?tab={tab}"))
        out.append(("dossiers:queue", f"/mot-cua/hang-doi/?tab={tab}&q=Kín"))
    out.append(("dossiers:home", "/mot-cua/"))
    for key in ("new", "in_progress", "due_today", "overdue", "supplement", "hand_back"):
        out.append(("dossiers:home", f"/mot-cua/?loc={key}"))
        out.append(("dossiers:home", f"/mot-cua/?loc={key}&dinh_dang=xlsx"))
    out.append(("dossiers:arrivals", "/mot-cua/moi-den/?tu=1000000"))
    for tab in ("receive", "assign", "process", "approve", "return"):
        out.append(("dossiers:queue", f"/mot-cua/hang-doi/?tab={tab}&dinh_dang=xlsx"))
    for direction in ("di", "den"):
        for where in ("", "o-cap-tren", "da-ve"):
            out.append(("dossiers:forwarded", f"/mot-cua/lien-thong/?huong={direction}&o={where}"))
    for unit in (d, km, nc):
        for fmt in ("", "xlsx", "pdf"):
            out.append(
                (
                    "dossiers:register",
                    f"/mot-cua/so-theo-doi/?don_vi={unit}&tu={week_ago}&den={tomorrow}&dinh_dang={fmt}",
                )
            )
    # The dossiers behind each figure of the statistics, per agency and for the total row.
    for key in ("to_handle", "received_counter", "in_progress", "progress_not_due"):
        for unit in (d, km, nc, ""):
            out.append(
                (
                    "dossiers:stats_dossiers",
                    f"/mot-cua/thong-ke/ho-so/?chi_so={key}&don_vi={unit}&tu={week_ago}&den={tomorrow}",
                )
            )
    # The leaders' dashboard (issue 17): the page, its XLSX, the list behind each number for
    # every unit and agency, and the index page.
    for unit in (d, km, nc, ""):
        span = f"don_vi={unit}&tu={week_ago}&den={tomorrow}"
        out.append(("dashboard:dashboard", f"/bang-dieu-hanh/?{span}"))
        out.append(("dashboard:dashboard", f"/bang-dieu-hanh/?{span}&dinh_dang=xlsx"))
        out.append(("dashboard:index766", f"/bang-dieu-hanh/chi-so-766/?don_vi={unit}"))
        out.append(("api:dashboard", f"/api/v1/dashboard/?{span}"))
        for fmt in ("xlsx", "pdf"):
            out.append(
                (
                    "dashboard:periodic_report",
                    f"/bang-dieu-hanh/bao-cao-tthc/?{span}&dinh_dang={fmt}",
                )
            )
        out.append(("api:index766", f"/api/v1/index766/?don_vi={unit}"))
        for key in ("received", "in_progress", "progress_not_due", "late", "not_synced"):
            for agency in (d, km, nc, ""):
                out.append(
                    (
                        "dashboard:dossiers",
                        f"/bang-dieu-hanh/ho-so/?chi_so={key}&{span}&co_quan={agency}",
                    )
                )
    out += [
        ("dossiers:stats", f"/mot-cua/thong-ke/?tu={week_ago}&den={tomorrow}"),
        ("api:stats", f"/api/v1/dossiers/stats?tu={week_ago}&den={tomorrow}"),
        ("api:list_dossiers", "/api/v1/dossiers/"),
        ("api:list_dossiers", "/api/v1/dossiers/?q=Kín"),
        ("api:list_dossiers", f"/api/v1/dossiers/?q={w['dossier'].code}"),
        ("eservices:my_dossiers", "/dich-vu-cong/ho-so-cua-toi/"),
        ("api:my_dossiers", "/api/v1/eservices/my/dossiers"),
    ]
    return out


FORBIDDEN_DOCS = (SECRET_ABSTRACT, SECRET_SYMBOL, SECRET_OUT_ABSTRACT, SECRET_OUT_SYMBOL)


def _walk(client, w, user) -> set[str]:  # type: ignore[no-untyped-def]
    client.force_login(user)
    forbidden = (*FORBIDDEN_DOCS, APPLICANT, w["dossier"].code)
    walked = set()
    for name, url in _requests(w):
        response = client.get(url)
        # A listing the user has no role for may refuse (401/403, or 404 for a work file of
        # another agency) or send a citizen away (302);
        # anything it shows must be clean.
        assert response.status_code in (200, 302, 401, 403, 404), (url, response.status_code)
        text = _text(response) if response.status_code == 200 else ""
        for secret in forbidden:
            assert secret not in text, f"{user.username} sees {secret!r} at {url}"
        if response.status_code == 200:
            walked.add(name)
    return walked


def test_no_listing_leaks(client, world):
    org = world["org"]
    # A member of the district (sees its work files) named on neither secret document and
    # working in no unit of Khương Mai; a ward officer of the other ward; a citizen.
    from congso.eservices.tests.factories import CitizenFactory

    walked = set()
    for user in (
        org.user("chuyenvien.vhtt"),
        org.user("truongphong.vhtt"),
        org.user("motcua.nc"),
        org.user("vanthu.nc"),
        CitizenFactory(),
    ):
        walked |= _walk(client, world, user)
    # Each listing answered 200 with content to at least one of them.
    assert walked == LISTINGS, f"listings not walked: {sorted(LISTINGS - walked)}"


def test_the_entitled_still_see_them(client, world):
    """The control: the same pages do show the secret items to those named on them, so the
    walk above is not clean merely because the data is missing."""
    org = world["org"]
    client.force_login(org.user("lanhdao.tx"))
    page = client.get(f"/ho-so-cong-viec/{world['wf'].pk}/").content.decode()
    assert SECRET_ABSTRACT in page and SECRET_OUT_SYMBOL in page and world["dossier"].code in page
    assert SECRET_OUT_SYMBOL in client.get(f"/van-ban-den/{world['normal'].pk}/").content.decode()
    client.force_login(org.user("motcua.km"))
    assert (
        APPLICANT in client.get("/mot-cua/hang-doi/?tab=return").content.decode()
        or APPLICANT
        in client.get(f"/mot-cua/so-theo-doi/?don_vi={world['ward_km'].pk}").content.decode()
    )


def test_work_file_page_hides_what_the_member_may_not_see(client, world):
    """The reported path, on its own: a member of the agency opens the work file."""
    client.force_login(world["org"].user("chuyenvien.vhtt"))
    assert client.get(f"/van-ban-den/{world['secret'].pk}/").status_code == 404
    page = client.get(f"/ho-so-cong-viec/{world['wf'].pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hồ sơ an ninh 2026" in text and "Công văn đôn đốc" in text
    assert SECRET_ABSTRACT not in text and SECRET_SYMBOL not in text
    assert world["dossier"].code not in text


def test_filing_a_dossier_needs_to_see_it(world):
    """A work file takes a dossier code only if its owner may see that dossier."""
    from django.core.exceptions import ValidationError

    org = world["org"]
    wf = WorkFileFactory(unit=world["district"], owner=org.user("chuyenvien.vhtt"), code="02.VH")
    with pytest.raises(ValidationError):
        doc_services.work_file_add(
            wf=wf, by=org.user("chuyenvien.vhtt"), dossier_code=world["dossier"].code
        )
    with pytest.raises(ValidationError):
        doc_services.work_file_add(
            wf=wf, by=org.user("chuyenvien.vhtt"), dossier_code="KHONG-CO-MA"
        )
    assert wf.items.count() == 0
