"""Demo portal: the district's Cổng thông tin điện tử and the 11 ward sites, with content drawn
from the seed (the Thanh Xuân report of 2015), the editorial board's accounts, and the demo's
issued documents made public. Loading twice adds nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from wagtail.images.models import Image
from wagtail.models import Page

from congso.accounts.models import AccountKind, User
from congso.documents.models import OutgoingDocument, OutgoingStatus, Secrecy
from congso.org.demo import DEMO_PASSWORD, load_org_demo
from congso.org.models import Role, RoleAssignment, Staff, Unit

from .models import (
    ArticlePage,
    ConsultationPage,
    ContentPage,
    DocumentsPage,
    HomePage,
    OrganisationPage,
    ProceduresPage,
    SectionPage,
)
from .services import document_make_public, portal_site_ensure, shared_collection

# Ward boards (the seed: "do một đồng chí Lãnh đạo UBND phường làm Trưởng ban"); the district's
# editor and chief (bientap.tx, tongbientap.tx) come with the organisation demo.
# (username, full name, position, ward code, role)
PORTAL_STAFF = [
    (
        "bientap.nc",
        "Phạm Thu Trang",
        "Biên tập viên Trang TTĐT phường Nhân Chính",
        "00343",
        Role.PORTAL_EDITOR,
    ),
    (
        "lanhdao.nc",
        "Nguyễn Thị Bích",
        "Chủ tịch UBND phường, Trưởng ban biên tập",
        "00343",
        Role.EDITOR_IN_CHIEF,
    ),
    (
        "bientap.km",
        "Vương Minh Khoa",
        "Biên tập viên Trang TTĐT phường Khương Mai",
        "00352",
        Role.PORTAL_EDITOR,
    ),
    (
        "lanhdao.km",
        "Lâm Văn Phúc",
        "Chủ tịch UBND phường, Trưởng ban biên tập",
        "00352",
        Role.EDITOR_IN_CHIEF,
    ),
]

DISTRICT_INTRO = (
    "<p>Quận Thanh Xuân (mã đơn vị hành chính 009) thuộc thành phố Hà Nội, gồm 11 phường: "
    "Nhân Chính, Thượng Đình, Khương Trung, Khương Mai, Thanh Xuân Trung, Phương Liệt, Hạ Đình, "
    "Khương Đình, Thanh Xuân Bắc, Thanh Xuân Nam và Kim Giang. Trụ sở UBND quận: 9 Khương Đình.</p>"
    "<p>Thực hiện Chương trình 08-CTr/TU của Thành ủy và Đề án số 01-ĐA/QU ngày 04/11/2010 của "
    "Quận ủy về đẩy mạnh cải cách hành chính, quận niêm yết đầy đủ 237 thủ tục hành chính tại "
    "Bộ phận một cửa quận và 140 thủ tục cấp phường (142 ở các phường còn đất nông nghiệp).</p>"
)

ABOUT_DISTRICT = (
    "<h2>Chức năng, nhiệm vụ</h2>"
    "<p>UBND quận Thanh Xuân là cơ quan hành chính nhà nước ở địa phương, tổ chức thực hiện "
    "Hiến pháp, pháp luật, nghị quyết của HĐND quận và các văn bản của cơ quan nhà nước cấp "
    "trên; tiếp nhận và giải quyết thủ tục hành chính cho tổ chức, công dân qua cơ chế "
    "“một cửa”, “một cửa liên thông”.</p>"
    "<h2>Cơ cấu tổ chức</h2>"
    "<p>Các phòng chuyên môn: Văn phòng HĐND và UBND quận; Phòng Tư pháp; Phòng Tài nguyên và "
    "Môi trường; Phòng Quản lý đô thị; Phòng Tài chính - Kế hoạch; Phòng Nội vụ; Phòng Lao "
    "động - Thương binh và Xã hội; Phòng Văn hóa và Thông tin; Phòng Giáo dục và Đào tạo; "
    "Phòng Y tế; Phòng Kinh tế; Bộ phận Tiếp nhận và Trả kết quả.</p>"
    "<h2>Ban biên tập Cổng thông tin điện tử</h2>"
    "<p>Quận đã ban hành Quyết định thành lập Ban Biên tập Cổng TTĐT quận Thanh Xuân gồm 06 "
    "đồng chí, do đồng chí Trưởng Ban Tuyên giáo Quận ủy làm Trưởng ban.</p>"
)

# (title, days ago, summary, body paragraphs) — facts from the seed report.
DISTRICT_NEWS = [
    (
        "Thanh Xuân trong “tốp 5” quận, huyện về cải cách hành chính",
        2,
        "Tính đến 31/5/2015, toàn quận tiếp nhận, giải quyết trước và đúng hạn 75.928 hồ sơ, "
        "không có hồ sơ quá hạn.",
        [
            "Tính đến ngày 31/5/2015, toàn quận đã tiếp nhận, giải quyết trước và đúng hạn "
            "75.928 hồ sơ; không có hồ sơ quá hạn.",
            "100% thủ tục hành chính đạt mức độ 2; 48/132 thủ tục đạt mức độ 3. Quận được "
            "Thành phố xếp “tốp 5” trên tổng số 30 quận, huyện về công tác cải cách hành chính.",
        ],
    ),
    (
        "Niêm yết đầy đủ 237 thủ tục hành chính tại Bộ phận một cửa quận",
        5,
        "UBND quận niêm yết 237 TTHC; các phường niêm yết 140 TTHC (142 ở Nhân Chính, Khương "
        "Đình, Phương Liệt).",
        [
            "UBND quận Thanh Xuân đã niêm yết đầy đủ 237 thủ tục hành chính thuộc thẩm quyền "
            "tiếp nhận tại Bộ phận “Một cửa” quận; chỉ đạo UBND các phường niêm yết công khai 140 "
            "thủ tục cấp phường.",
            "Các phường còn đất nông nghiệp như Nhân Chính, Khương Đình, Phương Liệt công khai "
            "142 thủ tục hành chính.",
        ],
    ),
    (
        "Rà soát 12 thủ tục hành chính trên 7 lĩnh vực",
        8,
        "Các phòng, ban và UBND 11 phường rà soát thủ tục không cần thiết, không phù hợp.",
        [
            "UBND quận yêu cầu các phòng, ban chuyên môn, UBND 11 phường tổ chức rà soát 12 thủ "
            "tục hành chính trên 7 lĩnh vực thuộc thẩm quyền giải quyết của cấp mình.",
            "Mục tiêu là kịp thời phát hiện thủ tục không cần thiết, không phù hợp, đơn giản hóa "
            "thủ tục, tiết kiệm thời gian, chi phí cho cá nhân và tổ chức.",
        ],
    ),
    (
        "Tiếp nhận hồ sơ vào sáng thứ Bảy hằng tuần",
        11,
        "Quận và 11 phường tiếp nhận, giải quyết thủ tục sáng thứ Bảy theo Quyết định "
        "58/2010/QĐ-UBND.",
        [
            "UBND quận và 11 phường nghiêm túc thực hiện việc tiếp nhận, giải quyết thủ tục hành "
            "chính vào sáng thứ Bảy hằng tuần theo Quyết định số 58/2010/QĐ-UBND ngày 17/12/2010 "
            "của UBND Thành phố.",
        ],
    ),
    (
        "Bộ phận Tiếp nhận và trả kết quả các phường đi vào hoạt động ổn định",
        14,
        "Các phường được lắp đặt máy xếp hàng, máy đánh giá mức độ hài lòng, camera, hoạt động "
        "ổn định từ tháng 02/2015.",
        [
            "Bộ phận Tiếp nhận và trả kết quả hồ sơ hành chính tại các phường đã được lắp đặt "
            "thiết bị hiện đại: máy tính, máy in, camera, máy xếp hàng, máy đánh giá mức độ hài "
            "lòng, và đi vào hoạt động ổn định từ tháng 02/2015.",
            "Phần mềm “Một cửa điện tử” liên thông toàn quận phục vụ giao dịch của tổ chức, công dân.",
        ],
    ),
    (
        "Cải tạo Bộ phận Tiếp nhận và trả kết quả của quận",
        17,
        "Bộ phận một cửa quận đang được cải tạo, dự kiến hoàn thiện đầu tháng 7/2015.",
        [
            "Bộ phận Tiếp nhận và trả kết quả hồ sơ hành chính của quận đang được cải tạo sửa "
            "chữa và lắp đặt trang thiết bị hiện đại, dự kiến đến đầu tháng 7/2015 sẽ hoàn thiện, "
            "đi vào sử dụng.",
        ],
    ),
    (
        "172 lớp tập huấn với trên 17.000 lượt học viên",
        20,
        "Quận đổi mới phương thức bồi dưỡng chuyên môn, nghiệp vụ cho cán bộ, công chức.",
        [
            "Thường trực Quận ủy – UBND quận thường xuyên rà soát đội ngũ cán bộ thuộc diện quy "
            "hoạch, đổi mới phương thức bồi dưỡng chuyên môn, nghiệp vụ.",
            "Quận đã tổ chức 172 lớp tập huấn với tổng số trên 17.000 lượt học viên; cử 03 cán "
            "bộ đi đào tạo thạc sỹ, 03 cán bộ đào tạo chuyên viên cao cấp.",
        ],
    ),
    (
        "Khảo sát kỹ năng công nghệ thông tin của 455 cán bộ",
        23,
        "Ban chỉ đạo CNTT quận tổ chức 02 đợt khảo sát và 07 lớp đào tạo cho 182 học viên.",
        [
            "Ban chỉ đạo CNTT quận đã tổ chức 02 đợt khảo sát, đánh giá kỹ năng sử dụng CNTT cho "
            "100% lãnh đạo, cán bộ, công chức, viên chức các ban Đảng, UBMTTQ, đoàn thể, phòng, "
            "ban, đơn vị và 11 phường, tổng số 455 người.",
            "Trên cơ sở kết quả khảo sát, quận tổ chức 07 lớp đào tạo với 182 học viên vào tháng "
            "11/2014: tổng quan Chính quyền điện tử, phần mềm quản lý văn bản, một cửa điện tử, "
            "cổng thông tin.",
        ],
    ),
    (
        "305 đơn vị, cán bộ sử dụng thư điện tử công vụ",
        26,
        "Đẩy mạnh trao đổi bằng thư điện tử trong điều hành tác nghiệp.",
        [
            "Mỗi đầu mối hành chính có hộp thư công vụ; hệ thống thư điện tử do Thành phố cung "
            "cấp và quản lý chặt chẽ. Đã có 305 đơn vị và cán bộ, công chức, viên chức sử dụng "
            "thư điện tử của Thành phố cấp.",
        ],
    ),
    (
        "Cổng thông tin điện tử quận đăng 151 tin, bài trong 6 tháng",
        29,
        "Cổng TTĐT quận trả lời 03 câu hỏi của công dân, phản ánh kịp thời hoạt động của quận.",
        [
            "6 tháng đầu năm 2015, Cổng TTĐT quận đã đăng 151 tin, bài; trả lời 03 câu hỏi của "
            "công dân, phản ánh kịp thời các hoạt động chung của toàn quận.",
            "Cổng công khai nhiều thông tin: cấp giấy phép xây dựng, các hộ kinh doanh, quy hoạch "
            "và giải phóng mặt bằng, bình ổn giá sữa cho trẻ em dưới 06 tuổi.",
        ],
    ),
    (
        "48 dịch vụ công trực tuyến mức độ 3",
        32,
        "Các lĩnh vực Tư pháp, Tài nguyên và môi trường, Quản lý đô thị, Đăng ký kinh doanh đạt "
        "22% tổng số dịch vụ công cấp quận.",
        [
            "Quận cung cấp 100% dịch vụ công mức độ 2 và 48 dịch vụ công trực tuyến mức độ 3 "
            "thuộc các lĩnh vực Tư pháp, Tài nguyên và môi trường, Quản lý đô thị, Đăng ký kinh "
            "doanh, đạt 22% tổng số dịch vụ công cấp quận.",
            "Đến hết năm 2015, quận phấn đấu tăng thêm 27 dịch vụ, nâng tổng số lên 75 dịch vụ "
            "công trực tuyến mức độ 3, đạt 30%.",
        ],
    ),
    (
        "Phấn đấu trên 80% người dân hài lòng về giải quyết thủ tục hành chính",
        35,
        "Phương hướng: 100% thủ tục thực hiện theo cơ chế một cửa, một cửa liên thông.",
        [
            "Quận phấn đấu 100% thủ tục hành chính liên quan đến tổ chức, cá nhân được thực hiện "
            "theo cơ chế “Một cửa”, “một cửa liên thông”; trên 80% người dân và doanh nghiệp hài "
            "lòng về hiệu quả giải quyết thủ tục và sự phục vụ của cơ quan hành chính.",
        ],
    ),
]

DIRECTION = [
    (
        "Kế hoạch số 96/KH-UBND về cải cách hành chính giai đoạn 2011-2015",
        40,
        "Kế hoạch cải cách hành chính nhà nước quận Thanh Xuân giai đoạn 2011-2015.",
        [
            "UBND quận ban hành Kế hoạch số 96/KH-UBND ngày 30/7/2012 về cải cách hành chính nhà "
            "nước quận Thanh Xuân giai đoạn 2011-2015, lồng ghép vào chương trình công tác hằng "
            "năm của từng đơn vị.",
        ],
    ),
]


def _paragraphs(items: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in items)


def _banner(title: str, hue: int) -> ImageFile:
    """A generated illustration (no photo files in the repository)."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    img = PILImage.new("RGB", (960, 540), (166, 27, 27))
    draw = ImageDraw.Draw(img)
    for y in range(540):
        shade = int(40 + 80 * y / 540)
        draw.line([(0, y), (960, y)], fill=((hue + shade) % 256, 60 + shade // 2, 40))
    draw.ellipse((660, 80, 900, 320), fill=(243, 200, 70))
    draw.rectangle((60, 360, 600, 470), fill=(250, 248, 244))
    out = io.BytesIO()
    img.save(out, "PNG")
    return ImageFile(out, name=f"{title}.png")


def _publish(page: Page, user: Any) -> None:
    page.save_revision(user=user, log_action=False).publish(user=user, log_action=False)


def _child(parent: Page, model: type[Page], slug: str, **fields: Any) -> Page:
    found = parent.get_children().filter(slug=slug).first()
    if found is not None:
        return found.specific
    page = model(slug=slug, live=False, **fields)
    parent.add_child(instance=page)
    return page


def _site(
    unit: Unit, chief: User | None, *, news: list[Any], intro: str, about: str, images: list[Image]
) -> HomePage:
    home = portal_site_ensure(unit=unit)
    if intro and not home.intro:
        home.intro = intro
        home.responsible = home.responsible or "Trưởng ban biên tập"
        _publish(home, chief)
    about_page = _child(
        home, ContentPage, "gioi-thieu", title="Giới thiệu", show_in_menus=True, body=about
    )
    news_section = _child(
        home, SectionPage, "tin-tuc", title="Tin tức, sự kiện", show_in_menus=True
    )
    direction = _child(
        home,
        SectionPage,
        "chi-dao-dieu-hanh",
        title="Thông tin chỉ đạo, điều hành",
        show_in_menus=True,
    )
    docs = _child(home, DocumentsPage, "van-ban", title="Văn bản", show_in_menus=True)
    procs = _child(
        home, ProceduresPage, "thu-tuc-hanh-chinh", title="Thủ tục hành chính", show_in_menus=True
    )
    chart = _child(about_page, OrganisationPage, "co-cau-to-chuc", title="Cơ cấu tổ chức")
    english = _child(
        home,
        ContentPage,
        "english",
        title="English",
        show_in_menus=True,
        language="en",
        body=_paragraphs(
            [
                f"Welcome to the web portal of {home.title} (Hà Nội, Việt Nam).",
                "This page introduces the organisation, its leaders and the contacts of its "
                "departments for foreign visitors, investors and partners.",
            ]
        ),
    )
    chart_en = _child(
        english,
        OrganisationPage,
        "organisation-and-contacts",
        title="Organisation and contacts",
        language="en",
    )
    consult = _child(
        home, SectionPage, "lay-y-kien-du-thao", title="Lấy ý kiến dự thảo", show_in_menus=True
    )
    pages = [about_page, chart, news_section, direction, docs, procs, english, chart_en, consult]
    for page in pages:
        if not page.live or page.has_unpublished_changes:
            _publish(page, chief)
    if not consult.get_children().exists():
        draft = _child(
            consult,
            ConsultationPage,
            "du-thao-quy-dinh-quan-ly-via-he",
            title=f"Dự thảo Quy định quản lý, sử dụng tạm thời vỉa hè trên địa bàn {home.title}",
            drafting_unit="Phòng Quản lý đô thị" if unit.kind == "district" else "Văn phòng UBND",
            closes_at=timezone.now() + dt.timedelta(days=20),
            intro=_paragraphs(
                [
                    "Quy định điều kiện, thời gian và mức thu phí sử dụng tạm thời một phần "
                    "vỉa hè cho việc trông giữ xe, kinh doanh nhỏ lẻ.",
                    "Mời tổ chức, cá nhân góp ý trước hạn ghi trên trang.",
                ]
            ),
        )
        _publish(draft, chief)
    now = timezone.now()
    for i, (title, days, summary, body) in enumerate(news):
        section = direction if title.startswith("Kế hoạch") else news_section
        from django.utils.text import slugify

        from congso.search.normalize import fold

        slug = slugify(fold(title))[:80].strip("-")
        if section.get_children().filter(slug=slug).exists():
            continue
        image = images[i % len(images)] if images and i % 3 != 2 else None
        article = ArticlePage(
            title=title,
            slug=slug,
            date=now - dt.timedelta(days=days, hours=i),
            summary=summary,
            body=_paragraphs(body),
            image=image,
            image_alt=f"Hình minh họa: {title}" if image else "",
            author="Ban biên tập",
            live=False,
        )
        section.add_child(instance=article)
        _publish(article, chief)
    return home


def _board() -> dict[str, User]:
    org = load_org_demo()
    users: dict[str, User] = {}
    for username, full_name, position, code, role in PORTAL_STAFF:
        unit = org.wards[code]
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                kind=AccountKind.STAFF,
                email=f"{username}@congso.local",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
        staff, _c = Staff.objects.get_or_create(
            user=user, defaults={"unit": unit, "position": position}
        )
        RoleAssignment.objects.get_or_create(staff=staff, unit=unit, role=role)
        users[username] = user
    users["tongbientap.tx"] = org.user("tongbientap.tx")
    return users


@transaction.atomic
def load(variant: str = "") -> str | None:
    org = load_org_demo()
    board = _board()
    # Wagtail's own welcome page is not a portal site.
    Page.objects.filter(depth=2, content_type__model="page", slug="home").delete()
    images: list[Image] = []
    collection = shared_collection()
    for n, hue in enumerate((0, 60, 120)):
        title = f"Ảnh minh họa {n + 1}"
        image = Image.objects.filter(title=title).first()
        if image is None:
            image = Image(
                title=title, file=_banner(f"minh-hoa-{n + 1}", hue), collection=collection
            )
            image.save()
        images.append(image)
    district_home = _site(
        org.district,
        board["tongbientap.tx"],
        news=DISTRICT_NEWS + DIRECTION,
        intro=DISTRICT_INTRO,
        about=ABOUT_DISTRICT,
        images=images,
    )
    from wagtail.models import Site

    Site.objects.filter(root_page=district_home).update(is_default_site=True)
    Site.objects.exclude(root_page__depth=2).delete()
    for code, ward in org.wards.items():
        name = ward.short_name
        chief = board.get(
            "lanhdao.nc" if code == "00343" else "lanhdao.km" if code == "00352" else "", None
        )
        _site(
            ward,
            chief,
            news=[
                (
                    f"Phường {name} niêm yết công khai thủ tục hành chính cấp phường",
                    3,
                    f"UBND phường {name} niêm yết đầy đủ {142 if ward.has_farmland else 140} thủ "
                    "tục hành chính tại Bộ phận tiếp nhận và trả kết quả.",
                    [
                        f"Thực hiện chỉ đạo của UBND quận, UBND phường {name} niêm yết công khai, "
                        f"đầy đủ {142 if ward.has_farmland else 140} thủ tục hành chính thuộc thẩm "
                        "quyền giải quyết của cấp phường.",
                    ],
                ),
                (
                    f"Trang thông tin điện tử phường {name} đi vào hoạt động",
                    9,
                    "Ban biên tập do một đồng chí Lãnh đạo UBND phường làm Trưởng ban.",
                    [
                        f"Trang thông tin điện tử phường {name} cung cấp kịp thời thông tin lãnh "
                        "đạo, chỉ đạo, tuyên truyền chủ trương, chính sách đến người dân và các tổ "
                        "chức.",
                        "Ban biên tập Trang TTĐT phường do một đồng chí Lãnh đạo UBND phường làm "
                        "Trưởng ban, có bộ phận quản trị Trang thông tin.",
                    ],
                ),
            ],
            intro=f"<p>Trang thông tin điện tử của UBND phường {name}, quận Thanh Xuân.</p>",
            about=(
                f"<h2>Giới thiệu</h2><p>Phường {name} là một trong 11 phường của quận Thanh "
                "Xuân, thành phố Hà Nội. UBND phường tiếp nhận hồ sơ vào sáng thứ Bảy hằng tuần.</p>"
            ),
            images=images,
        )
    # Issued, non-secret outgoing documents of the demo appear on their agency's site.
    clerks = {
        org.district.pk: org.user("vanthu.tx"),
        org.wards["00343"].pk: org.user("vanthu.nc"),
        org.wards["00352"].pk: org.user("vanthu.km"),
    }
    made_public = 0
    for doc in OutgoingDocument.objects.filter(
        status=OutgoingStatus.ISSUED, secrecy=Secrecy.NORMAL, portal_public__isnull=True
    ):
        if doc.agency_id in clerks:
            document_make_public(outgoing=doc, by=clerks[doc.agency_id])
            made_public += 1
    return (
        f"Đã nạp cổng thông tin: {HomePage.objects.count()} trang (quận và phường), "
        f"{ArticlePage.objects.count()} tin, bài, {made_public} văn bản mới công khai."
    )
