"""Work on stored files off the request path: renditions, and deletes that must not be lost."""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.core.files.storage import storages
from django.tasks import task
from django.utils import timezone

from gallery.models import Photo

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4


@task()
def build_renditions(photo_pk: int, attempt: int = 1, force: bool = False) -> int:
    """Build a photo's missing renditions, or with ``force`` remake them all; on
    failure, try again later with a back-off."""
    from gallery.services import photo_build_renditions, renditions_built

    photo = Photo.objects.filter(pk=photo_pk).first()
    if photo is None:
        return 0  # Deleted before the worker got to it: nothing to do.
    try:
        built = len(photo_build_renditions(photo=photo, force=force))
    except Exception as exc:
        if attempt >= MAX_ATTEMPTS:
            logger.error(
                "Renditions of photo %s failed %s times, the last with %s: %s. Given up; once "
                "the cause is fixed, run manage.py renditions --photo %s",
                *(photo_pk, attempt, type(exc).__name__, exc, photo_pk),
            )
            raise
        logger.warning(
            "Renditions of photo %s failed (attempt %s): %s: %s",
            *(photo_pk, attempt, type(exc).__name__, exc),
        )
        forced = {"force": True} if force else {}
        if _try_again_later(build_renditions, photo_pk, attempt=attempt, **forced):
            return 0
        # The immediate backend cannot wait; try again now.
        return build_renditions.call(photo_pk, attempt=attempt + 1, **forced)
    renditions_built(photo_pk, forced=force)
    return built


def _try_again_later(job, *args, attempt: int, **kwargs) -> bool:
    """Queue the next attempt after a back-off; False when the backend cannot wait.

    Storage hiccups pass: 30 s, 2 min, 8 min.
    """
    if not job.get_backend().supports_defer:
        return False
    later = timezone.now() + timedelta(seconds=30 * 4 ** (attempt - 1))
    job.using(run_after=later).enqueue(*args, attempt=attempt + 1, **kwargs)
    return True


@task()
def delete_file(alias: str, name: str, attempt: int = 1) -> None:
    """Delete a stored file whose row is gone, retrying while the storage is unreachable.

    A rendition left behind by a new redaction still shows the pixels it hid,
    at an address readers have seen: it must not wait for `gallery_cleanup`.
    """
    try:
        storages[alias].delete(name)
    except Exception as exc:
        if attempt < MAX_ATTEMPTS and _try_again_later(delete_file, alias, name, attempt=attempt):
            logger.warning("Deleting %s failed (attempt %s); trying again later", name, attempt)
            return
        # Never an error page after the change was saved; the clean-up finds it.
        logger.error(
            "Could not delete %s from the %s storage (%r); run manage.py gallery_cleanup "
            "once the storage is back.",
            name,
            alias,
            exc,
        )


@task()
def purge_urls(urls: list[str], attempt: int = 1) -> None:
    """Purge the CDN's copies of these URLs, trying again later for those it refused."""
    from gallery.cdn import purge

    # A long story is hundreds of pages: a few at a time, not one after another.
    with ThreadPoolExecutor(max_workers=8) as pool:
        failed = [url for url, done in zip(urls, pool.map(purge, urls), strict=True) if not done]
    if not failed:
        return
    if attempt < MAX_ATTEMPTS and _try_again_later(purge_urls, failed, attempt=attempt):
        logger.warning("CDN purge of %s URLs failed (attempt %s)", len(failed), attempt)
        return
    # Readers may see the old copy until it expires: say which, so staff can purge by hand.
    logger.error("The CDN did not purge %s: purge them by hand.", ", ".join(failed))
