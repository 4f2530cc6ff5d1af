"""Writes that span the photo library's models and its storages."""

import hashlib
import io

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image

from gallery import images
from gallery.models import Photo, Rendition
from gallery.validation import ImageRejected, inspect_image, sanitise_filename


class DuplicatePhoto(ImageRejected):
    def __init__(self, existing: Photo):
        self.existing = existing
        super().__init__(f"This file was already uploaded as photo {existing.pk} ('{existing}').")


def photo_create(*, data: bytes, filename: str, by=None, **fields) -> Photo:
    """Store a new photo from uploaded bytes; raises ImageRejected with a reason."""
    inspected = inspect_image(data)
    digest = hashlib.sha256(data).hexdigest()
    existing = Photo.objects.filter(sha256=digest).first()
    if existing:
        raise DuplicatePhoto(existing)
    with Image.open(io.BytesIO(data)) as image:
        # Dimensions as readers will see them, after EXIF orientation.
        width, height = images.prepare(image).size if _is_rotated(image) else image.size
    photo = Photo(
        sha256=digest,
        original_filename=sanitise_filename(filename),
        width=width,
        height=height,
        uploaded_by=by,
        **fields,
    )
    photo.original.save(f"upload.{inspected.extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            photo.save()
    except Exception:
        # No file without its row.
        photo.original.storage.delete(photo.original.name)
        raise
    transaction.on_commit(lambda: _enqueue_renditions(photo.pk))
    return photo


def _is_rotated(image: Image.Image) -> bool:
    return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)


def _enqueue_renditions(photo_pk: int) -> None:
    from gallery.tasks import build_renditions

    build_renditions.enqueue(photo_pk)


def photo_build_renditions(*, photo: Photo) -> list[Rendition]:
    """Create every missing public rendition of a photo. Safe to run twice."""
    with photo.original.open("rb") as handle:
        data = handle.read()
    with Image.open(io.BytesIO(data)) as source:
        prepared = images.prepare(source)
    existing = {r.spec: r for r in photo.renditions.all()}
    made = []
    for width in images.widths_for(prepared.width, settings.GALLERY_RENDITION_WIDTHS):
        resized = images.resize_to_width(prepared, width)
        for fmt in images.RENDITION_FORMATS:
            spec = f"{fmt}-{width}"
            if spec in existing:
                continue
            made.append(_save_rendition(photo, spec, resized, images.encode(resized, fmt), fmt))
    return made


def _save_rendition(photo: Photo, spec: str, image: Image.Image, data: bytes, fmt: str):
    digest = hashlib.sha256(data).hexdigest()[:16]
    name = f"{photo.pk}/{spec}.{digest}.{images.EXTENSIONS[fmt]}"
    rendition = Rendition(photo=photo, spec=spec, width=image.width, height=image.height)
    rendition.file.save(name, ContentFile(data), save=False)
    try:
        rendition.save()
    except Exception:
        rendition.file.storage.delete(rendition.file.name)
        raise
    return rendition
