"""Rendition generation, off the request path."""

import logging
from datetime import timedelta

from django.core.files.storage import storages
from django.tasks import task
from django.utils import timezone

from gallery.models import Photo

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4


@task()
def build_renditions(photo_pk: int, attempt: int = 1) -> int:
    """Build a photo's missing renditions; on failure, try again later with a back-off."""
    from gallery.services import photo_build_renditions

    photo = Photo.objects.filter(pk=photo_pk).first()
    if photo is None:
        return 0  # Deleted before the worker got to it: nothing to do.
    try:
        return len(photo_build_renditions(photo=photo))
    except Exception:
        if attempt >= MAX_ATTEMPTS:
            raise
        logger.warning("Renditions of photo %s failed (attempt %s)", photo_pk, attempt)
        backend = build_renditions.get_backend()
        if backend.supports_defer:
            # Storage hiccups pass; 30 s, 2 min, 8 min.
            later = timezone.now() + timedelta(seconds=30 * 4 ** (attempt - 1))
            build_renditions.using(run_after=later).enqueue(photo_pk, attempt=attempt + 1)
            return 0
        # The immediate backend cannot wait; try again now.
        return build_renditions.call(photo_pk, attempt=attempt + 1)


@task()
def delete_file(alias: str, name: str, attempt: int = 1) -> None:
    """Delete a stored file whose row is gone, retrying while the storage is unreachable.

    A rendition left behind by a new redaction still shows the pixels it hid,
    at an address readers have seen: it must not wait for `gallery_cleanup`.
    """
    try:
        storages[alias].delete(name)
    except Exception as exc:
        backend = delete_file.get_backend()
        if attempt >= MAX_ATTEMPTS or not backend.supports_defer:
            # Never an error page after the change was saved; the clean-up finds it.
            logger.error(
                "Could not delete %s from the %s storage (%r); run manage.py gallery_cleanup "
                "once the storage is back.",
                name,
                alias,
                exc,
            )
            return
        logger.warning("Deleting %s failed (attempt %s); trying again later", name, attempt)
        later = timezone.now() + timedelta(seconds=30 * 4 ** (attempt - 1))
        delete_file.using(run_after=later).enqueue(alias, name, attempt=attempt + 1)
