"""Public pages are cached under a generation number; any editorial change bumps it.

One counter rather than per-page keys: a photo or credit appears on the home
page, the story, its slides, the feed and the sitemap, and a change must reach
all of them at once. Bumping is cheap; old entries simply expire.
"""

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save

GENERATION_KEY = "public-pages:generation"

# Everything a public page shows. Looked up by label so models added later
# (corrections, annotations, redactions) are covered as soon as they exist.
WATCHED_MODELS = [
    "newsroom.Article",
    "newsroom.Slide",
    "newsroom.Quote",
    "newsroom.Correction",
    "gallery.Photo",
    "gallery.Credit",
    "gallery.Rendition",
    "gallery.Annotation",
    "gallery.Redaction",
]


def current_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = 1
        cache.add(GENERATION_KEY, generation, timeout=None)
    return int(generation)


def bump_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        # Missing (first change, evicted) or cache down: start a new series.
        cache.set(GENERATION_KEY, current_generation() + 1, timeout=None)


def _off_every_page(instance) -> bool:
    """A photo-library row that no story shows: no cached page can hold it."""
    from newsroom.models import Slide

    label = instance._meta.label
    if label == "gallery.Photo":
        return not Slide.objects.filter(photo_id=instance.pk).exists()
    if label == "gallery.Credit":
        return not Slide.objects.filter(photo__credit_id=instance.pk).exists()
    if instance._meta.app_label == "gallery":  # Renditions, redactions, annotations.
        return not Slide.objects.filter(photo_id=instance.photo_id).exists()
    return False


def _changed(sender, instance, **kwargs) -> None:
    if _off_every_page(instance):
        # Without this, a bulk upload (16 renditions a photo) would empty the
        # page cache hundreds of times while readers are being served.
        return
    # Now, so this process never serves what it just changed; and again after
    # commit, because a page rendered meanwhile by another process saw the old rows.
    bump_generation()
    transaction.on_commit(bump_generation)


def connect() -> None:
    for label in WATCHED_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        uid = f"newsroom-invalidate-{label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
