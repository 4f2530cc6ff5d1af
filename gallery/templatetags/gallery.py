"""Responsive <picture> for a photo, with a placeholder when there is nothing to show."""

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from gallery.images import CONTENT_TYPES, RENDITION_FORMATS
from gallery.models import Photo
from gallery.pictures import PublicFile, PublicFiles, attach_public_files
from gallery.services import photo_renditions_requested

register = template.Library()

FALLBACK_WIDTH = 800


@register.simple_tag
def picture(photo: Photo | None, sizes: str = "100vw", eager: bool = False, decorative=False):
    """Render AVIF, WebP and JPEG sources of the photo's public files.

    Pages that show many photos call `attach_public_files` first; a photo
    without them costs one query here. Built in Python rather than an
    inclusion template: a story renders one per slide.
    """
    if photo is not None and not hasattr(photo, "public_files"):
        attach_public_files([photo])
    files = photo.public_files if photo is not None else PublicFiles()
    jpegs = files.of_format("jpeg")
    if not jpegs:
        if photo is not None and not photo.withheld_reason:
            # Queued for the worker; the reader gets the placeholder, never a wait.
            photo_renditions_requested(photo=photo)
        return _placeholder(photo)
    fallback = next((f for f in jpegs if f.width >= FALLBACK_WIDTH), jpegs[-1])
    sources = "".join(
        f'\n<source type="{CONTENT_TYPES[fmt]}" srcset="{escape(_srcset(found))}"'
        f' sizes="{escape(sizes)}">'
        for fmt in RENDITION_FORMATS
        if fmt != "jpeg" and (found := files.of_format(fmt))
    )
    loading = ' fetchpriority="high"' if eager else ' loading="lazy"'
    return mark_safe(
        f'<picture>{sources}\n<img src="{escape(fallback.url)}" srcset="{escape(_srcset(jpegs))}"'
        f' sizes="{escape(sizes)}" width="{fallback.width}" height="{fallback.height}"'
        f' alt="{"" if decorative else escape(photo.alt_text)}"{loading} decoding="async">'
        "\n</picture>"
    )


def _srcset(files: list[PublicFile]) -> str:
    return ", ".join(f"{f.url} {f.width}w" for f in files)


def _placeholder(photo: Photo | None):
    if photo is None:
        label = shown = "Photo to come"
    elif photo.withheld_reason:
        label = shown = "Photo withdrawn"  # Nor its alt text: it may say who is shown.
    else:
        label, shown = photo.alt_text or "Photo being prepared", "Photo being prepared"
    return format_html(
        '<div class="photo-placeholder" role="img" aria-label="{}">'
        '<span aria-hidden="true">{}</span></div>',
        label,
        shown,
    )
