"""The portal's page types (Wagtail) and the register of outgoing documents made public.

The page tree: Wagtail's root → one ``HomePage`` per unit with a portal (the root of that
unit's Wagtail Site) → sections, content pages, the documents page and the procedures page →
articles under sections. ``url_path`` of every page starts with its home page's slug, which is
also the site's key in path mode (``/cong/<slug>/…``, ADR 0110).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.admin.widgets import SlugInput
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from congso.core import limits

from .richtext import FEATURES, sanitise
from .slugs import editor_formatters, vietnamese_slug


class LimitedRichTextField(limits.LimitedTextField, RichTextField):  # type: ignore[misc]
    """Wagtail's rich text with the project's length limit (core.limits, ADR 0106)."""

    def __init__(self, *args: Any, max_length: int = limits.PAGE_BODY, **kwargs: Any) -> None:
        super().__init__(*args, max_length=max_length, **kwargs)


PATH_PREFIX = "/cong"


class PortalPageForm(WagtailAdminPageForm):
    """Every portal page's admin form. Publishing from the form (not through the board's
    approval) is open only to the editor-in-chief (page permission) and needs a reason, kept
    in the audit log (congso.portal.hooks)."""

    publish_reason = forms.CharField(
        label=_("Lý do xuất bản không qua duyệt"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Chỉ Trưởng ban biên tập được xuất bản ngay mà không gửi duyệt; khi đó phải ghi lý do."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # Vietnamese titles give ASCII slugs in the editor too (congso.portal.slugs).
            self.fields["slug"].widget = SlugInput(
                formatters=list(editor_formatters()), locale=getattr(self.instance, "locale", None)
            )
            # Left empty (no script), the server makes it from the title (clean_slug).
            self.fields["slug"].required = False

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data.get("slug") or ""
        if slug:
            return slug
        base = vietnamese_slug(str(self.data.get("title") or ""))
        if not base:
            raise ValidationError(_("Cần nhập đường dẫn (slug) hoặc tiêu đề."))
        parent = getattr(self, "parent_page", None)
        slug, suffix = base, 1
        while parent is not None and not Page._slug_is_available(slug, parent, self.instance):
            suffix += 1
            slug = f"{base}-{suffix}"
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.data.get("action-publish") and not (cleaned.get("publish_reason") or "").strip():
            self.add_error(
                "publish_reason",
                _("Xuất bản không qua quy trình duyệt cần ghi lý do."),
            )
        return cleaned


PUBLISH_PANEL = MultiFieldPanel(
    [FieldPanel("publish_reason")], heading=_("Xuất bản ngay (Trưởng ban biên tập)")
)


class PortalPage(Page):
    """What all portal pages share: their public address and the site chrome in context."""

    base_form_class = PortalPageForm

    class Meta:
        abstract = True

    # --- addresses ----------------------------------------------------------------------------
    def get_url_parts(self, request: HttpRequest | None = None) -> Any:
        if settings.PORTAL_URL_MODE == "host":
            return super().get_url_parts(request)
        if not self.url_path or self.depth is None or self.depth < 2:
            return None
        return (None, "", PATH_PREFIX + self.url_path)

    def get_url(self, request: HttpRequest | None = None, current_site: Any = None) -> Any:
        if settings.PORTAL_URL_MODE == "host":
            return super().get_url(request, current_site)
        parts = self.get_url_parts(request)
        return parts[2] if parts else None

    def get_full_url(self, request: HttpRequest | None = None) -> Any:
        if settings.PORTAL_URL_MODE == "host":
            return super().get_full_url(request)
        url = self.get_url(request)
        return settings.PUBLIC_URL + url if url else None

    url = property(get_url)  # type: ignore[assignment]
    full_url = property(get_full_url)  # type: ignore[assignment]

    def relative_url(self, current_site: Any, request: HttpRequest | None = None) -> Any:
        return self.get_url(request, current_site)

    def _set_core_field_defaults(self) -> None:
        # A page saved without a slug (API, demo, a form posted without the editor's script)
        # gets the folded one: Django's slugify, which Wagtail uses, drops đ ("đường" →
        # "uong"). Wagtail calls this from both full_clean and minimal_clean (drafts).
        parent_known = bool(self.path or getattr(self, "_cached_parent_obj", None))
        slug: str = getattr(self, "slug", "") or ""
        if not slug and self.title and parent_known:
            base = vietnamese_slug(self.title)
            if base:
                self.slug = self._get_autogenerated_slug(base)
        super()._set_core_field_defaults()  # type: ignore[misc]

    # --- rendering ----------------------------------------------------------------------------
    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .chrome import chrome_for_page

        context = super().get_context(request, *args, **kwargs)
        context["portal"] = getattr(request, "portal_chrome", None) or chrome_for_page(self)
        return context

    def save(self, *args: Any, **kwargs: Any) -> None:
        for field in self._meta.get_fields():
            if isinstance(field, RichTextField):  # LimitedRichTextField included
                setattr(self, field.attname, sanitise(getattr(self, field.attname) or ""))
        super().save(*args, **kwargs)


class HomePage(PortalPage):
    """The home page of one unit's site (district: Cổng thông tin điện tử; ward: Trang thông
    tin điện tử). Its unit is fixed when the site is created (congso.portal.services)."""

    unit = models.OneToOneField(
        "org.Unit", on_delete=models.PROTECT, related_name="portal_home", verbose_name=_("đơn vị")
    )
    site_kind = models.CharField(_("loại cổng"), max_length=100, default="Trang thông tin điện tử")
    intro = LimitedRichTextField(_("giới thiệu ngắn"), blank=True, features=FEATURES)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("biểu trưng"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    responsible = models.CharField(
        _("chịu trách nhiệm nội dung"),
        max_length=300,
        blank=True,
        help_text=_("Ví dụ: Trưởng ban biên tập, họ tên, chức vụ."),
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "portal.SectionPage",
        "portal.ContentPage",
        "portal.DocumentsPage",
        "portal.ProceduresPage",
        "feedback.QuestionsPage",
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("site_kind"),
        FieldPanel("intro"),
        FieldPanel("logo"),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("phone"),
                FieldPanel("email"),
                FieldPanel("responsible"),
            ],
            heading=_("Liên hệ"),
        ),
        PUBLISH_PANEL,
    ]
    template = "portal/home_page.html"

    class Meta:
        verbose_name = _("trang chủ cổng thông tin")
        verbose_name_plural = _("trang chủ cổng thông tin")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import latest_articles, public_documents

        context = super().get_context(request, *args, **kwargs)
        context["articles"] = latest_articles(self, limit=7)
        context["documents"] = public_documents(self.unit_id, limit=5)
        return context


class SectionPage(PortalPage):
    """A section (chuyên mục): Tin tức, Thông tin chỉ đạo điều hành, … Lists its articles."""

    intro = LimitedRichTextField(_("giới thiệu"), blank=True, features=FEATURES)

    parent_page_types = ["portal.HomePage", "portal.SectionPage"]
    subpage_types = [
        "portal.ArticlePage",
        "portal.SectionPage",
        "portal.ContentPage",
        "portal.OrganisationPage",
        "portal.ConsultationPage",
    ]
    content_panels = [*Page.content_panels, FieldPanel("intro"), PUBLISH_PANEL]
    template = "portal/section_page.html"
    PER_PAGE = 20

    class Meta:
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import section_articles

        context = super().get_context(request, *args, **kwargs)
        try:
            number = max(1, min(int(request.GET.get("trang", "1")), 10_000))
        except ValueError:
            number = 1
        articles, has_next = section_articles(self, page=number, per_page=self.PER_PAGE)
        context.update(articles=articles, page_number=number, has_next=has_next)
        portal = context["portal"]
        if portal is not None and self.url_path.startswith(portal.url_path):
            context["rss_url"] = reverse(
                "portal:rss", args=[portal.slug, self.url_path[len(portal.url_path) :]]
            )
        return context


class Language(models.TextChoices):
    """The language of a page's content (NĐ 42/2022: English pages for the organisation and
    contacts). The site's frame stays Vietnamese; the content is marked with its language."""

    VI = "vi", _("Tiếng Việt")
    EN = "en", _("Tiếng Anh (English)")


def language_field() -> models.CharField:  # type: ignore[type-arg]
    return models.CharField(
        _("ngôn ngữ nội dung"), max_length=2, choices=Language.choices, default=Language.VI
    )


class ContentPage(PortalPage):
    """A plain page: Giới thiệu, Chức năng nhiệm vụ, Liên hệ, … (or an English page)."""

    body = LimitedRichTextField(_("nội dung"), blank=True, features=FEATURES)
    language = language_field()

    parent_page_types = ["portal.HomePage", "portal.SectionPage", "portal.ContentPage"]
    subpage_types = ["portal.ContentPage", "portal.OrganisationPage"]
    content_panels = [
        *Page.content_panels,
        FieldPanel("language"),
        FieldPanel("body"),
        PUBLISH_PANEL,
    ]
    search_fields = [*Page.search_fields, index.SearchField("body")]
    template = "portal/content_page.html"

    class Meta:
        verbose_name = _("trang nội dung")
        verbose_name_plural = _("trang nội dung")


class OrganisationPage(PortalPage):
    """Cơ cấu tổ chức (or, in English, Organisation and contacts): the agency's leaders, its
    departments and their heads with contacts, live from ``org`` (never retyped). It sits
    under Giới thiệu (a content page) or a section."""

    intro = LimitedRichTextField(_("giới thiệu"), blank=True, features=FEATURES)
    language = language_field()

    parent_page_types = ["portal.ContentPage", "portal.SectionPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("language"),
        FieldPanel("intro"),
        HelpPanel(
            content=_(
                "Lãnh đạo, phòng ban và đầu mối liên hệ lấy trực tiếp từ danh mục tổ chức, "
                "không nhập lại ở đây."
            )
        ),
        PUBLISH_PANEL,
    ]
    template = "portal/organisation_page.html"

    class Meta:
        verbose_name = _("cơ cấu tổ chức")
        verbose_name_plural = _("cơ cấu tổ chức")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import organisation_chart

        context = super().get_context(request, *args, **kwargs)
        portal = context["portal"]
        context["chart"] = organisation_chart(portal.unit_id) if portal else None
        context["en"] = self.language == Language.EN
        return context


class ArticlePage(PortalPage):
    """A news article (tin, bài). Its image needs alternative text."""

    date = models.DateTimeField(_("ngày đăng"), default=timezone.now)
    summary = limits.LimitedTextField(_("tóm tắt"), max_length=500, blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("ảnh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("mô tả ảnh (văn bản thay thế)"),
        max_length=250,
        blank=True,
        help_text=_("Bắt buộc khi có ảnh: mô tả nội dung ảnh cho người dùng trình đọc màn hình."),
    )
    body = LimitedRichTextField(_("nội dung"), features=FEATURES)
    author = models.CharField(_("tác giả / nguồn"), max_length=200, blank=True)

    parent_page_types = ["portal.SectionPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Ảnh")),
        FieldPanel("body"),
        FieldPanel("author"),
        HelpPanel(
            content=_(
                "Biên tập viên lưu nháp và gửi duyệt; Trưởng ban biên tập duyệt để xuất bản. "
                "Có thể hẹn giờ xuất bản ở thẻ Lịch xuất bản."
            )
        ),
        PUBLISH_PANEL,
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("date"),
    ]
    template = "portal/article_page.html"

    class Meta:
        verbose_name = _("tin, bài")
        verbose_name_plural = _("tin, bài")

    def clean(self) -> None:
        super().clean()
        if self.image_id and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Ảnh cần có văn bản thay thế (mô tả nội dung ảnh).")}
            )

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import related_articles

        context = super().get_context(request, *args, **kwargs)
        context["related"] = related_articles(self, limit=5)
        return context


class DocumentsPage(PortalPage):
    """Văn bản: the unit's outgoing documents made public, live from the documents module."""

    intro = LimitedRichTextField(_("giới thiệu"), blank=True, features=FEATURES)

    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("intro"), PUBLISH_PANEL]
    template = "portal/documents_page.html"
    PER_PAGE = 20

    class Meta:
        verbose_name = _("trang văn bản")
        verbose_name_plural = _("trang văn bản")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import document_search

        context = super().get_context(request, *args, **kwargs)
        portal = context["portal"]
        q = (request.GET.get("q") or "").strip()[:200]
        year = (request.GET.get("nam") or "").strip()
        context.update(q=q, year=year)
        context["documents"], context["has_next"] = document_search(
            portal.unit_id if portal else None, q=q, year=year, limit=self.PER_PAGE
        )
        return context


class ProceduresPage(PortalPage):
    """Thủ tục hành chính: the unit's live catalogue (congso.procedures)."""

    intro = LimitedRichTextField(_("giới thiệu"), blank=True, features=FEATURES)

    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1
    content_panels = [*Page.content_panels, FieldPanel("intro"), PUBLISH_PANEL]
    template = "portal/procedures_page.html"

    class Meta:
        verbose_name = _("trang thủ tục hành chính")
        verbose_name_plural = _("trang thủ tục hành chính")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import online_procedure_slugs, unit_procedures

        context = super().get_context(request, *args, **kwargs)
        portal = context["portal"]
        context["procedures"] = unit_procedures(portal.unit_id) if portal else []
        context["online"] = online_procedure_slugs() if context["procedures"] else set()
        return context


class ConsultationPage(PortalPage):
    """Lấy ý kiến dự thảo: a draft open for public comments until ``closes_at``. Comments are
    held until the board publishes them, with the unit's answer (services.comment_*)."""

    intro = LimitedRichTextField(_("nội dung dự thảo tóm tắt"), blank=True, features=FEATURES)
    draft = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("tệp dự thảo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    drafting_unit = models.CharField(_("cơ quan chủ trì soạn thảo"), max_length=300, blank=True)
    closes_at = models.DateTimeField(_("hạn góp ý"))

    parent_page_types = ["portal.SectionPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("drafting_unit"),
        FieldPanel("closes_at"),
        FieldPanel("draft"),
        FieldPanel("intro"),
        PUBLISH_PANEL,
    ]
    template = "portal/consultation_page.html"

    class Meta:
        verbose_name = _("dự thảo lấy ý kiến")
        verbose_name_plural = _("dự thảo lấy ý kiến")

    @property
    def is_open(self) -> bool:
        return timezone.now() < self.closes_at

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        from .views import consultation_serve

        return consultation_serve(self, request, super().serve)

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from .selectors import published_comments

        context = super().get_context(request, *args, **kwargs)
        context["comments"] = published_comments(self)
        errors = getattr(request, "comment_errors", None)
        if errors is not None:
            by_field = getattr(errors, "error_dict", None)
            context["comment_errors"] = (
                {k: [m for e in v for m in e.messages] for k, v in by_field.items()}
                if by_field
                else {"form": errors.messages}
            )
        context["values"] = getattr(request, "comment_values", {})
        context["sent"] = request.GET.get("da-gui") == "1"
        return context


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Chờ duyệt")
    PUBLISHED = "published", _("Đã đăng")
    REJECTED = "rejected", _("Không đăng")


# The board's moves on a comment (services.comment_moderate walks this table).
COMMENT_MOVES: dict[str, set[str]] = {
    CommentStatus.PENDING: {CommentStatus.PUBLISHED, CommentStatus.REJECTED},
    CommentStatus.PUBLISHED: {CommentStatus.REJECTED, CommentStatus.PUBLISHED},
    CommentStatus.REJECTED: {CommentStatus.PUBLISHED},
}


class ConsultationComment(models.Model):
    """A citizen's comment on a draft; public only once the board published it."""

    page = models.ForeignKey(
        ConsultationPage,
        on_delete=models.CASCADE,
        related_name="comments",
        verbose_name=_("dự thảo"),
    )
    name = models.CharField(_("họ và tên"), max_length=limits.NAME)
    email = models.EmailField(_("e-mail"), blank=True)
    body = limits.LimitedTextField(_("ý kiến"), max_length=limits.NOTE)
    status = models.CharField(
        _("trạng thái"), max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    answer = limits.LimitedTextField(_("trả lời của cơ quan"), max_length=limits.NOTE, blank=True)
    created_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    moderated_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người duyệt"),
    )

    class Meta:
        verbose_name = _("ý kiến góp ý dự thảo")
        verbose_name_plural = _("ý kiến góp ý dự thảo")
        indexes = [models.Index(fields=["page", "status", "created_at"], name="portal_comment_idx")]

    def __str__(self) -> str:
        return f"{self.name}: {self.body[:50]}"


class PublicDocument(models.Model):
    """An outgoing document its agency has made public on its portal (number, date, abstract
    and signed PDF come from the document itself, never retyped)."""

    outgoing = models.OneToOneField(
        "documents.OutgoingDocument",
        on_delete=models.CASCADE,
        related_name="portal_public",
        verbose_name=_("văn bản đi"),
    )
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    published_at = models.DateTimeField(_("công khai lúc"), default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người công khai"),
    )

    class Meta:
        verbose_name = _("văn bản công khai")
        verbose_name_plural = _("văn bản công khai")
        indexes = [models.Index(fields=["unit", "-published_at"], name="portal_pubdoc_unit_idx")]

    def __str__(self) -> str:
        return str(self.outgoing)
