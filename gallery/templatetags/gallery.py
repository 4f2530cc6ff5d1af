"""Responsive <picture> for a photo, with a placeholder when there is nothing to show."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from gallery.images import CONTENT_TYPES, RENDITION_FORMATS
from gallery.models import Photo
from gallery.services import photo_renditions_requested

register = template.Library()

FALLBACK_WIDTH = 800


@register.simple_tag
def picture(photo: Photo | None, sizes: str = "100vw", eager: bool = False, decorative=False):
    """Render AVIF, WebP and JPEG sources from the photo's prefetched renditions.

    Built in Python rather than an inclusion template: a story renders one per
    slide, and this is the bulk of an uncached story page's cost.
    """
    by_format: dict[str, list] = {fmt: [] for fmt in RENDITION_FORMATS}
    if photo is not None:
        # .all() uses the prefetch cache: no query per photo.
        for rendition in photo.renditions.all():
            if rendition.format in by_format:
                by_format[rendition.format].append(rendition)
    jpegs = sorted(by_format["jpeg"], key=lambda r: r.width)
    if not jpegs:
        if photo is not None:
            # Queued for the worker; the reader gets the placeholder, never a wait.
            photo_renditions_requested(photo=photo)
        return _placeholder(photo)
    fallback = next((r for r in jpegs if r.width >= FALLBACK_WIDTH), jpegs[-1])
    sources = format_html_join(
        "",
        '\n<source type="{}" srcset="{}" sizes="{}">',
        (
            (CONTENT_TYPES[fmt], _srcset(by_format[fmt]), sizes)
            for fmt in RENDITION_FORMATS
            if fmt != "jpeg" and by_format[fmt]
        ),
    )
    loading = mark_safe(' fetchpriority="high"' if eager else ' loading="lazy"')
    return format_html(
        '<picture>{}\n<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}'
        ' decoding="async">\n</picture>',
        sources,
        fallback.file.url,
        _srcset(jpegs),
        sizes,
        fallback.width,
        fallback.height,
        "" if decorative else photo.alt_text,
        loading,
    )


def _srcset(renditions) -> str:
    return ", ".join(f"{r.file.url} {r.width}w" for r in sorted(renditions, key=lambda r: r.width))


def _placeholder(photo: Photo | None):
    label, shown = (
        (photo.alt_text or "Photo being prepared", "Photo being prepared")
        if photo is not None
        else ("Photo to come", "Photo to come")
    )
    return format_html(
        '<div class="photo-placeholder" role="img" aria-label="{}">'
        '<span aria-hidden="true">{}</span></div>',
        label,
        shown,
    )
