"""Template helpers for the reader pages: JSON-LD, the inline blocks the CSP allows by hash."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import to_locale

from newsroom.csp import JS_FLAG
from newsroom.models import lang_attribute

register = template.Library()

# Characters that could end a <script> block or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag
def jsonld(data: dict) -> str:
    """A <script type="application/ld+json"> block, safe to embed.

    A data block is never run, so the CSP needs no nonce or hash for it.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def lang_of(article) -> str:
    """` lang="uk"` on an element holding a story's words, when they are not in the
    site's own language: screen readers then read them with the right voice."""
    return lang_attribute(article)


@register.filter
def og_locale(language: str) -> str:
    """A story's language as Open Graph writes it (pt-BR is pt_BR): share cards and
    the platforms' translate offers go by it."""
    return to_locale(language)


@register.simple_tag
def js_flag() -> str:
    """The inline script marking the page as scripted, allowed by its hash (newsroom.csp)."""
    return format_html("<script>{}</script>", mark_safe(JS_FLAG))


@register.simple_tag
def page_styles(css: str) -> str:
    """The view's stylesheet (views.page_css), allowed by its hash."""
    return format_html("<style>{}</style>", mark_safe(css)) if css else ""


@register.simple_tag(takes_context=True)
def absolute(context, url: str) -> str:
    """An absolute URL for a path, as share cards and feeds need."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url
