"""Writes that span the photo library's models and its storages."""

import datetime as dt
import hashlib
import io
import logging
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.tasks.backends.immediate import ImmediateBackend
from PIL import Image

from gallery import images, usage
from gallery.metadata import read_metadata
from gallery.models import Credit, Photo, Redaction, Rendition, new_address_key
from gallery.tasks import delete_file
from gallery.validation import ImageRejected, inspect_image, sanitise_filename

logger = logging.getLogger(__name__)


class DuplicatePhoto(ImageRejected):
    def __init__(self, existing: Photo):
        self.existing = existing
        super().__init__(f"This file was already uploaded as photo {existing.pk} ('{existing}').")


class StorageFailed(Exception):
    """The original could not be written to its storage; nothing was saved."""

    message = (
        "The photo store could not be reached, so this file was not saved. "
        "Nothing else was lost: try again in a moment."
    )

    def __str__(self) -> str:
        return self.message


def upload_prefill(*, data: bytes) -> dict:
    """Form initial values from the file's own metadata (caption, creator, credit…)."""
    values = read_metadata(data).as_photo_fields()
    credit = _matching_credit(values.get("embedded_credit_line", ""))
    if credit is not None:
        values["credit"] = credit
    return values


def photo_create(*, data: bytes, filename: str, by=None, **fields) -> Photo:
    """Store a new photo from uploaded bytes; raises ImageRejected with a reason.

    Fields left empty are filled from the file's metadata; the renditions are
    queued once the transaction commits.
    """
    inspected = inspect_image(data)
    digest = hashlib.sha256(data).hexdigest()
    existing = Photo.objects.filter(sha256=digest).first()
    if existing:
        raise DuplicatePhoto(existing)
    for name, value in upload_prefill(data=data).items():
        if fields.get(name) in (None, ""):
            fields[name] = value
    with Image.open(io.BytesIO(data)) as image:
        # Dimensions as readers will see them, after EXIF orientation.
        width, height = image.size
        if _is_rotated(image):
            width, height = height, width
    photo = Photo(
        sha256=digest,
        fingerprint=images.fingerprint(data),
        original_filename=sanitise_filename(filename),
        width=width,
        height=height,
        uploaded_by=by,
        **fields,
    )
    try:
        photo.original.save(f"upload.{inspected.extension}", ContentFile(data), save=False)
    except Exception as exc:
        # Whatever the backend raises (OSError on disk, botocore's errors on S3).
        logger.warning("Storing the original of %r failed: %r", filename, exc)
        raise StorageFailed from exc
    try:
        with transaction.atomic():
            photo.save()
    except IntegrityError:
        # The same bytes arrived twice at once; the other upload won.
        delete_file.call("originals", photo.original.name)
        existing = Photo.objects.filter(sha256=digest).first()
        if existing:
            raise DuplicatePhoto(existing) from None
        raise
    except Exception:
        # No file without its row (retried if the storage is down too).
        delete_file.call("originals", photo.original.name)
        raise
    transaction.on_commit(lambda: _enqueue_renditions(photo.pk))
    return photo


def photo_original_missing(photo: Photo) -> bool | None:
    """Whether the private original has gone from its storage; None when the storage
    cannot tell (unreachable)."""
    try:
        return not photo.original.storage.exists(photo.original.name)
    except Exception as exc:  # OSError on disk, botocore's errors on S3.
        logger.warning("Checking the original of photo %s failed: %r", photo.pk, exc)
        return None


NOT_THE_ORIGINAL = (
    "not the file uploaded as this photo: its contents differ. Upload exactly that file, "
    "or upload this one as a new photo."
)


def is_the_original(photo: Photo, data: bytes) -> bool:
    return hashlib.sha256(data).hexdigest() == photo.sha256


def photo_restore_original(*, photo: Photo, data: bytes) -> None:
    """Put a lost original back, from the very bytes uploaded (same SHA-256), and queue
    the public files it could not be used for meanwhile.

    Only the same file: redactions, notes and the focal point were drawn on it, and
    readers have seen its renditions.
    """
    if not is_the_original(photo, data):
        raise ImageRejected(f"This is {NOT_THE_ORIGINAL}")
    storage = photo.original.storage
    try:
        stored = storage.save(photo.original.name, ContentFile(data))
    except Exception as exc:
        logger.warning("Restoring the original of photo %s failed: %r", photo.pk, exc)
        raise StorageFailed from exc
    if stored != photo.original.name:
        # The name was taken meanwhile (a restore at the same moment): keep one file.
        storage.delete(stored)
    # Whatever could not be made meanwhile: the build makes only what is missing.
    transaction.on_commit(lambda: _enqueue_renditions(photo.pk))


# Bits two fingerprints may differ by and still be one picture (images.fingerprint).
LOOKALIKE_DISTANCE = 6


def photos_like(photo: Photo, *, limit: int = 3) -> list[Photo]:
    """Other photos in the library that look like this one: another copy of one picture.

    Compares fingerprints in Python: a few milliseconds for tens of thousands
    of photos, and no database extension needed.
    """
    if not photo.fingerprint:
        return []
    others = Photo.objects.exclude(pk=photo.pk).exclude(fingerprint="").exclude(fingerprint=None)
    close = sorted(
        (distance, pk)
        for pk, mark in others.values_list("pk", "fingerprint")
        if (distance := images.fingerprint_distance(mark, photo.fingerprint)) <= LOOKALIKE_DISTANCE
    )
    found = Photo.objects.in_bulk([pk for _, pk in close[:limit]])
    return [found[pk] for _, pk in close[:limit]]


def photo_fill_from_original(*, photo: Photo, location: bool = False) -> bool:
    """What photos stored before these existed lack, read once from the original:
    the look-alike fingerprint if missing and, when asked, the GPS position.

    True when a position was found.
    """
    wants_fingerprint = photo.fingerprint is None
    wants_location = location and photo.latitude is None
    if not (wants_fingerprint or wants_location):
        return False
    with photo.original.open("rb") as handle:
        data = handle.read()
    found = read_metadata(data) if wants_location else None
    changed = {}
    if wants_fingerprint:
        changed["fingerprint"] = images.fingerprint(data)
    if found is not None and found.latitude is not None and found.longitude is not None:
        changed.update(latitude=found.latitude, longitude=found.longitude)
    for name, value in changed.items():
        setattr(photo, name, value)
    if changed:
        Photo.objects.filter(pk=photo.pk).update(**changed)
    return "latitude" in changed


def photos_credit(*, photos: Iterable[Photo], credit: Credit) -> list[Photo]:
    """Give photos one credit (a batch from one source); returns those it changed."""
    changed = []
    with transaction.atomic():
        for photo in photos:
            if photo.credit_id != credit.pk:
                photo.credit = credit
                photo.save(update_fields=["credit", "updated_at"])
                changed.append(photo)
    return changed


def photo_set_redactions(*, photo: Photo, regions: Iterable[Mapping]) -> list[Redaction]:
    """Replace the photo's redactions; stale public files go at once, new ones are queued.

    Each region is a mapping with x, y, width, height and method.
    """
    with transaction.atomic():
        photo.redactions.all().delete()
        made = []
        for region in regions:
            redaction = Redaction(photo=photo, **region)
            redaction.full_clean()
            redaction.save()
            made.append(redaction)
        photo_sync_renditions(photo=photo)
    return made


def photo_sync_renditions(*, photo: Photo) -> int:
    """Call after any change to a photo or its redactions.

    Deletes every public rendition that no longer matches (so an unredacted
    file stops being public now, not when the worker gets to it), and queues
    the missing ones. Returns how many renditions were removed. (To remake
    them all, photo_rebuild_renditions.)
    """
    with transaction.atomic():
        # The photo's row lock orders this against a rendition being stored
        # (_save_rendition): that one then waits for this change and sees it.
        photo = (
            Photo.objects.select_for_update()
            .prefetch_related("redactions", "renditions")
            .get(pk=photo.pk)
        )
        return _drop_stale_renditions(photo)


def _drop_stale_renditions(photo: Photo) -> int:
    stale = [
        r
        for r in photo.renditions.all()
        if photo.withheld_reason or r.source_key != _source_key(photo, r.spec)
    ]
    for rendition in stale:
        rendition.delete()  # The file goes after commit (gallery.signals).
    if not photo.withheld_reason and (stale or not photo.renditions.exists()):
        transaction.on_commit(lambda: _enqueue_renditions(photo.pk))
    return len(stale)


def photo_withdraw_files(*, photo: Photo) -> int:
    """Give the photo's public files new addresses: every link to the old ones stops working.

    For a takedown. Rebuilding alone would not do, since a name hashes the file's
    content: a new key, part of every name, makes every rendition stale, so
    photo_sync_renditions deletes them now (files and CDN copies go after commit)
    and queues new ones. Returns how many files were withdrawn.
    """
    with transaction.atomic():
        photo.address_key = new_address_key()
        Photo.objects.filter(pk=photo.pk).update(address_key=photo.address_key)
        return photo_sync_renditions(photo=photo)


def photo_renditions_requested(*, photo: Photo) -> bool:
    """A page found no renditions: queue them, without making the reader wait.

    With the immediate backend (tests, one-off scripts) queuing would build the
    files inside the request, so nothing is queued; `manage.py renditions`
    catches up. Returns whether a task was queued.
    """
    from gallery.tasks import build_renditions

    if isinstance(build_renditions.get_backend(), ImmediateBackend):
        return False
    # One build per photo while one is queued, however many readers arrive.
    if not cache.add(_queued_key(photo.pk), True, timeout=QUEUED_SECONDS):
        return False
    build_renditions.enqueue(photo.pk)
    return True


def photo_build_renditions(*, photo: Photo, force: bool = False) -> list[Rendition]:
    """Create every missing or stale public rendition of a photo. Safe to run twice.

    ``force`` remakes them all (e.g. after a change to the image pipeline).
    """
    photo = Photo.objects.prefetch_related("redactions", "renditions").get(pk=photo.pk)
    if photo.withheld_reason:
        return []  # No public file while it is withheld (photo_sync_renditions).
    existing = {r.spec: r for r in photo.renditions.all()}
    widths = images.widths_for(photo.width, tuple(settings.GALLERY_RENDITION_WIDTHS))
    todo = [
        spec
        for spec in images.specs_for(widths)
        if force or spec not in existing or existing[spec].source_key != _source_key(photo, spec)
    ]
    if not todo:
        return []
    with photo.original.open("rb") as handle:
        data = handle.read()
    files = images.render(
        data,
        upright_width=photo.width,
        widths=widths,
        regions=photo.redaction_regions(),
        focal=photo.focal_point,
        wanted=set(todo),
    )
    with usage.many_changes():  # Pages showing the photo go stale once, not per file.
        saved = [
            _save_rendition(photo, spec, image, encoded, fmt, existing.get(spec))
            for spec, fmt, image, encoded in files
        ]
    return [rendition for rendition in saved if rendition is not None]


def _source_key(photo: Photo, spec: str) -> str:
    return photo.rendition_source_key(share=spec == Rendition.SHARE_SPEC)


def _matching_credit(line: str) -> Credit | None:
    return Credit.objects.filter(line__iexact=line.strip()).first() if line.strip() else None


def _is_rotated(image: Image.Image) -> bool:
    return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)


# The rendition task's attempts and back-offs take about ten minutes (gallery.tasks):
# a photo with no renditions queued longer ago than this, the task gave up on.
GIVEN_UP_AFTER = dt.timedelta(minutes=15)
QUEUED_SECONDS = int(GIVEN_UP_AFTER.total_seconds())


def _queued_key(photo_pk: int) -> str:
    return f"gallery:renditions-queued:{photo_pk}"


def renditions_queued_lately(photo_pk: int) -> bool:
    """Whether a build of this photo's renditions was queued within GIVEN_UP_AFTER and
    has not finished."""
    return cache.get(_queued_key(photo_pk)) is not None


def renditions_built(photo_pk: int, *, forced: bool = False) -> None:
    cache.delete(_rebuild_key(photo_pk) if forced else _queued_key(photo_pk))


def _enqueue_renditions(photo_pk: int) -> None:
    from gallery.tasks import build_renditions

    # A withdrawal queues one without changing the photo: the desk must not read
    # "failed" while the worker has yet to get to it.
    cache.set(_queued_key(photo_pk), True, timeout=QUEUED_SECONDS)
    build_renditions.enqueue(photo_pk)


def _rebuild_key(photo_pk: int) -> str:
    return f"gallery:renditions-rebuild-queued:{photo_pk}"


def photo_rebuild_renditions(*, photo: Photo) -> bool:
    """Make every public file of a photo again (after a change to the image pipeline,
    say). Readers keep today's files until each new one takes its place: nothing
    about the photo needs them gone first, as a new redaction does.

    False, and nothing queued, for a withheld photo (it has no public file) or one
    whose rebuild is waiting already: a second click would only queue the work twice.
    """
    from gallery.tasks import build_renditions

    if photo.withheld_reason or not cache.add(_rebuild_key(photo.pk), True, QUEUED_SECONDS):
        return False
    transaction.on_commit(lambda: build_renditions.enqueue(photo.pk, force=True))
    return True


def _save_rendition(
    photo: Photo,
    spec: str,
    image: Image.Image,
    data: bytes,
    fmt: str,
    replacing: Rendition | None,
) -> Rendition | None:
    """Store one file; None when the photo changed meanwhile (that file is already stale)."""
    # The content hash in the name lets the files be cached forever.
    digest = hashlib.sha256(data).hexdigest()[:16]
    key = f"{photo.address_key}." if photo.address_key else ""
    name = f"{photo.pk}/{spec}.{key}{digest}.{images.EXTENSIONS[fmt]}"
    # The same bytes under the same address (a rebuild of an unchanged photo): the
    # row and its file stay, so pages already out, and CDN copies, keep working.
    kept = replacing is not None and replacing.file.name == Rendition.file.field.generate_filename(
        replacing, name
    )
    rendition = replacing if kept else Rendition(photo=photo, spec=spec)
    rendition.width, rendition.height, rendition.size = image.width, image.height, len(data)
    rendition.source_key = _source_key(photo, spec)
    written = not kept or not rendition.file.storage.exists(rendition.file.name)
    if written:
        rendition.file.save(name, ContentFile(data), save=False)
    try:
        with transaction.atomic():
            # Staff may have drawn a redaction while this was encoding: a file made
            # without it must never go public, not even until the next build.
            # Locking the photo's row makes a change being saved finish first; one
            # read before it commits would still see the old redactions.
            current = (
                Photo.objects.select_for_update()
                .prefetch_related("redactions")
                .filter(pk=photo.pk)
                .first()
            )
            if current is None or _source_key(current, spec) != rendition.source_key:
                if written:
                    rendition.file.storage.delete(rendition.file.name)
                return None
            if replacing is not None and not kept:
                replacing.delete()  # Its file goes after commit (gallery.signals).
            rendition.save()
    except Exception:
        if written:
            rendition.file.storage.delete(rendition.file.name)
        raise
    return rendition
