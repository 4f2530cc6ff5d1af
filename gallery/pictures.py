"""What reader pages need of many photos at once: public files as plain values, and notes.

A story page shows ten files per photo. Reading them as `Rendition` model
instances was most of an uncached page's cost, so reader pages read them
here instead: one query for any number of photos, and each URL worked out
once. The `Rendition` table stays the only record of what is public.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.core.signals import setting_changed
from django.dispatch import receiver

from gallery.images import SHARE_SPEC, spec_format


@dataclass(frozen=True, slots=True)
class PublicFile:
    spec: str
    name: str
    url: str
    width: int
    height: int
    size: int

    @property
    def format(self) -> str:
        return spec_format(self.spec)


def pick_jpeg(files: Iterable, max_width: int | None = None):
    """The widest JPEG no wider than `max_width` (the narrowest if all are wider).

    Without `max_width`, the widest. Works on `Rendition`s and `PublicFile`s alike.
    """
    jpegs = sorted((f for f in files if f.format == "jpeg"), key=lambda f: f.width)
    if max_width is None:
        return jpegs[-1] if jpegs else None
    fitting = [f for f in jpegs if f.width <= max_width]
    return fitting[-1] if fitting else (jpegs[0] if jpegs else None)


class PublicFiles:
    """One photo's public files, narrowest first."""

    __slots__ = ("files",)

    def __init__(self, files: Iterable[PublicFile] = ()):
        self.files = sorted(files, key=lambda f: f.width)

    def of_format(self, fmt: str) -> list[PublicFile]:
        return [f for f in self.files if f.format == fmt]

    def jpeg(self, max_width: int | None = None) -> PublicFile | None:
        return pick_jpeg(self.files, max_width)

    def share(self) -> PublicFile | None:
        return next((f for f in self.files if f.spec == SHARE_SPEC), None)


def public_files(photo_ids: Iterable[int]) -> dict[int, PublicFiles]:
    """Every listed photo's public files, in one query; photos without any are absent."""
    from gallery.models import Rendition

    ids = {pk for pk in photo_ids if pk is not None}
    if not ids:
        return {}
    rows = Rendition.objects.filter(photo_id__in=ids).values_list(
        "photo_id", "spec", "file", "width", "height", "size"
    )
    grouped: dict[int, list[PublicFile]] = {}
    for photo_id, spec, name, width, height, size in rows:
        public = PublicFile(spec, name, _url(name), width, height, size)
        grouped.setdefault(photo_id, []).append(public)
    return {photo_id: PublicFiles(files) for photo_id, files in grouped.items()}


@lru_cache(maxsize=50_000)
def _url(name: str) -> str:
    """A public file's URL, remembered: its name carries a content hash and never changes.

    Working URLs out was a tenth of a story page's cost on local disk, and S3
    without a custom domain builds each one through botocore. Public files are
    never signed (settings: querystring_auth off), so a URL stays valid.
    """
    from gallery.models import Rendition

    return Rendition._meta.get_field("file").storage.url(name)


@receiver(setting_changed)
def _forget_urls(*, setting: str, **kwargs) -> None:
    if setting in {"STORAGES", "MEDIA_URL"} or setting.startswith("AWS_"):
        _url.cache_clear()


def attach_public_files(photos: Iterable) -> None:
    """Set `photo.public_files` on each photo (skipping None), with one query for all."""
    photos = [photo for photo in photos if photo is not None]
    if not photos:
        return
    found = public_files(photo.pk for photo in photos)
    for photo in photos:
        photo.public_files = found.get(photo.pk, PublicFiles())


def attach_notes(photos: Iterable) -> None:
    """Set `photo.notes`, the photo's annotations in reading order, with one query for all."""
    from gallery.models import Annotation

    photos = [photo for photo in photos if photo is not None]
    if not photos:
        return
    grouped: dict[int, list] = {}
    for note in Annotation.objects.filter(photo_id__in={photo.pk for photo in photos}):
        grouped.setdefault(note.photo_id, []).append(note)
    for photo in photos:
        # A withheld photo shows nothing of itself: its notes may say who is in it.
        photo.notes = [] if photo.withheld_reason else grouped.get(photo.pk, [])
