"""Rich text of the portal: the features editors get, and the sanitiser every stored body goes
through (Draftail already keeps only these features; text that arrives any other way — the
demo, an import, a crafted POST — is cleaned the same way on save)."""

from __future__ import annotations

import re

import nh3

# No embeds, no raw HTML, no code blocks: nothing that can carry script or third-party frames.
FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "hr", "link", "document-link", "image"]

_TAGS = {
    "p",
    "h2",
    "h3",
    "h4",
    "b",
    "i",
    "strong",
    "em",
    "ol",
    "ul",
    "li",
    "hr",
    "br",
    "a",
    "embed",
}
# Wagtail's database format: internal links are <a linktype="page" id="…">, images and
# documents <embed embedtype="image" id="…" format="…" alt="…"/>.
_ATTRIBUTES = {
    "a": {"href", "linktype", "id"},
    "embed": {"embedtype", "id", "format", "alt"},
}
_SCHEMES = {"http", "https", "mailto", "tel"}
# Wagtail's rewriter only expands embeds written as <embed …/>; html5ever writes <embed …>.
_EMBED = re.compile(r"<embed([^>]*?)\s*/?>")


def sanitise(html: str) -> str:
    """``html`` with only the portal's tags and attributes, links to http(s)/mailto/tel only."""
    if not html:
        return html
    cleaned = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    return _EMBED.sub(r"<embed\1/>", cleaned)
