"""Template helpers for the reader pages: JSON-LD, the inline blocks the CSP allows by hash."""

import json
import unicodedata

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsroom.addresses import absolute_url
from newsroom.csp import JS_FLAG
from newsroom.models import SITE_LANGUAGE, lang_attribute

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
def machine_time(value) -> str:
    """A time for <time datetime> and meta tags: ISO 8601 in whole seconds (HTML allows
    at most three digits of a second; a publication saved now has six)."""
    if not value:
        return ""
    return timezone.localtime(value).replace(microsecond=0).isoformat()


# Open Graph writes a locale as language_TERRITORY (Facebook's list of them); a
# story's language is mostly a bare code. The territory Facebook pairs it with.
OG_TERRITORIES = {
    "ar": "AR", "az": "AZ", "be": "BY", "bg": "BG", "cs": "CZ", "da": "DK", "de": "DE",
    "el": "GR", "es": "ES", "et": "EE", "fa": "IR", "fi": "FI", "fr": "FR", "he": "IL",
    "hi": "IN", "hr": "HR", "hu": "HU", "hy": "AM", "id": "ID", "it": "IT", "ja": "JP",
    "ka": "GE", "kk": "KZ", "ko": "KR", "lt": "LT", "lv": "LV", "nb": "NO", "nl": "NL",
    "pl": "PL", "pt": "PT", "ro": "RO", "ru": "RU", "sk": "SK", "sr": "RS", "sv": "SE",
    "th": "TH", "tr": "TR", "uk": "UA", "ur": "PK", "vi": "VN", "zh": "CN",
}  # fmt: skip


@register.filter
def direction(text: str) -> str:
    """ "rtl" or "ltr", as the first letter of the text reads; "auto" without one.

    For an element whose words sit in their own dir="auto" parts (a quote's speaker
    and role): the browser, judging it, skips them, and would read it left to right.
    """
    for char in text or "":
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


@register.filter
def og_locale(language: str) -> str:
    """A story's language as Open Graph writes it: pt-BR is pt_BR, uk is uk_UA. ""
    for English (Open Graph's default, en_US) and for a language without a known
    territory, so that no card says a locale in a form platforms do not read."""
    parts = language.split("-")
    code = parts[0].lower()
    regions = [part.upper() for part in parts[1:] if len(part) == 2 and part.isalpha()]
    if regions:
        return f"{code}_{regions[0]}"
    if len(parts) > 1 or code == SITE_LANGUAGE or code not in OG_TERRITORIES:
        # zh-Hant or es-419 say more than a bare code: not guessed from it (zh_CN, es_ES).
        return ""
    return f"{code}_{OG_TERRITORIES[code]}"


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
    return absolute_url(request, url) if request else url
