"""Template helpers for the reader pages: JSON-LD blocks and annotation marker positions."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from newsroom.jsonld import notes

register = template.Library()

# Characters that could end a <script> block or open a comment inside it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def jsonld(context, data: dict) -> str:
    """A <script type="application/ld+json"> block, safe to embed and allowed by the CSP."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html(
        '<script type="application/ld+json" nonce="{}">{}</script>',
        context.get("csp_nonce", ""),
        mark_safe(text),
    )


def _percent(value) -> str:
    return f"{float(value) * 100:.2f}%"


@register.simple_tag(takes_context=True)
def annotation_styles(context, slides) -> str:
    """Marker positions as one nonce'd stylesheet: the CSP forbids style attributes."""
    rules = []
    for slide in slides:
        for annotation in notes(slide.photo):
            rules.append(
                f".a{annotation.pk}{{left:{_percent(annotation.x)};top:{_percent(annotation.y)};"
                f"width:{_percent(annotation.width)};height:{_percent(annotation.height)}}}"
            )
    if not rules:
        return ""
    return format_html(
        '<style nonce="{}">{}</style>', context.get("csp_nonce", ""), mark_safe("".join(rules))
    )


@register.simple_tag(takes_context=True)
def absolute(context, url: str) -> str:
    """An absolute URL for a path, as share cards and feeds need."""
    request = context.get("request")
    return request.build_absolute_uri(url) if request else url
