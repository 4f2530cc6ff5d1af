"""Responsive <picture> for a photo, with a placeholder when there is nothing to show."""

from django import template

from gallery.images import CONTENT_TYPES, RENDITION_FORMATS
from gallery.models import Photo
from gallery.services import photo_renditions_requested

register = template.Library()

FALLBACK_WIDTH = 800


@register.inclusion_tag("gallery/picture.html")
def picture(photo: Photo | None, sizes: str = "100vw", eager: bool = False, decorative=False):
    """Render AVIF, WebP and JPEG sources from the photo's prefetched renditions."""
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
        return {"photo": photo, "placeholder": True}
    fallback = next((r for r in jpegs if r.width >= FALLBACK_WIDTH), jpegs[-1])
    sources = [
        {
            "type": CONTENT_TYPES[fmt],
            "srcset": ", ".join(
                f"{r.file.url} {r.width}w" for r in sorted(by_format[fmt], key=lambda r: r.width)
            ),
        }
        for fmt in RENDITION_FORMATS
        if fmt != "jpeg" and by_format[fmt]
    ]
    return {
        "photo": photo,
        "placeholder": False,
        "sources": sources,
        "srcset": ", ".join(f"{r.file.url} {r.width}w" for r in jpegs),
        "src": fallback.file.url,
        "width": fallback.width,
        "height": fallback.height,
        "sizes": sizes,
        "eager": eager,
        "alt": "" if decorative else photo.alt_text,
    }
