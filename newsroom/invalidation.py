"""Public pages are cached under generation numbers; an editorial change bumps them.

Two kinds of counter. Each story has its own, in the key of its story,
slide and notes pages: an edit to one story leaves every other story's
cached pages alone, so a viral story is not rendered again each time the
desk touches another one. The site's counter, in the key of every other
page (home, feed, sitemap), moves with any change to a story readers see or
saw (or one scheduled), since those pages list them all. A photo or credit
counts for the stories that show it. Bumping is cheap; old entries simply
expire.
"""

import math
import threading
import time
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.urls import reverse

from gallery.cdn import purge_after_commit

SITE = "site"

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


def story_scope(slug: str) -> str:
    return f"story:{slug}"


def _key(scope: str) -> str:
    return f"public-pages:generation:{scope}"


def _changed_key(scope: str) -> str:
    return f"public-pages:changed:{scope}"


def changed_in_second(scope: str, when: float) -> bool:
    """Whether the scope's last change fell in the same whole second as ``when``."""
    changed = cache.get(_changed_key(scope))
    return changed is not None and int(changed) == int(when)


def current_generation(scope: str = SITE) -> int:
    generation = cache.get(_key(scope))
    if generation is None:
        # A counter can vanish (Redis evicts, the file cache culls, a restart).
        # Starting again at 1 could meet pages still cached under a low number
        # from before an edit; the clock gives a number higher than any used.
        cache.add(_key(scope), time.time_ns() // 1000, timeout=None)
        generation = cache.get(_key(scope), time.time_ns() // 1000)
    return int(generation)


def bump_generation(scope: str = SITE) -> None:
    try:
        cache.incr(_key(scope))
    except ValueError:
        # Missing (first change, evicted) or cache down: start a new series.
        cache.set(_key(scope), current_generation(scope) + 1, timeout=None)
    cache.set(_changed_key(scope), time.time(), timeout=None)
    if _cache_down():
        # The change is saved, but its pages may still sit in the cache under
        # the old number, to be served again once the cache is back.
        _renew_epoch()


# Every page key also carries the epoch, kept in the database because the
# cache is what failed. A change that could not bump its counter (the cache
# down, or too slow to answer) renews it with the change itself; every
# process reads it again within EPOCH_CHECK_SECONDS. So a takedown made during
# an outage is not undone by old pages coming back with the cache, whichever
# process made it and even if that process has gone.
EPOCH_CHECK_SECONDS = 5.0
_epoch = {"value": 0, "read_at": -EPOCH_CHECK_SECONDS}
# A copy beside the pages, for processes that start while the database is down.
EPOCH_COPY_KEY = "public-pages:epoch"


def _cache_down() -> bool:
    is_down = getattr(cache, "is_down", None)  # newsroom.cache.ResilientRedisCache
    return bool(is_down and is_down())


def _renew_epoch() -> None:
    from newsroom.models import PageCacheEpoch

    value = time.time_ns() // 1000
    PageCacheEpoch.objects.update_or_create(pk=1, defaults={"value": value})
    _epoch.update(value=value, read_at=time.monotonic())
    cache.set(EPOCH_COPY_KEY, value, timeout=None)  # In case the cache answers again.


def current_epoch() -> int:
    if time.monotonic() - _epoch["read_at"] >= EPOCH_CHECK_SECONDS:
        from newsroom.models import PageCacheEpoch

        try:
            value = PageCacheEpoch.objects.filter(pk=1).values_list("value", flat=True).first()
        except (OperationalError, InterfaceError):
            # Database down: cached pages still go out, and only one reader in
            # half a minute per process waits for the connection to fail. A
            # process (re)started meanwhile takes the epoch the others last read,
            # or it would key every page anew and miss them all. (The copy lags the
            # database only between the cache's return after an outage and the
            # next read by any process, 5 seconds at most: a database outage that
            # begins in those seconds could let a restarted process serve pages
            # from before a takedown made while the cache was down.)
            if not _epoch["value"]:
                _epoch["value"] = int(cache.get(EPOCH_COPY_KEY) or 0)
            _epoch["read_at"] = time.monotonic() + 25
            return _epoch["value"]
        _epoch.update(value=value or 0, read_at=time.monotonic())
        cache.set(EPOCH_COPY_KEY, value or 0, timeout=None)
    return _epoch["value"]


def page_version(scope: str = SITE) -> str:
    """What page keys carry: the epoch and the scope's generation."""
    return f"{current_epoch()}.{current_generation(scope)}"


def _stories_showing(instance) -> dict[str, bool]:
    """The slugs of the stories whose pages show this row, each with whether it is public."""
    return _stories_showing_all([instance])


def _either(*stories: dict[str, bool]) -> dict[str, bool]:
    """Stories named in several places: public if public in any."""
    merged: dict[str, bool] = {}
    for named in stories:
        for slug, public in named.items():
            merged[slug] = merged.get(slug, False) or public
    return merged


def _is_public(status: str) -> bool:
    from newsroom.models import Article

    # Scheduled counts: the site's counter is what makes the next go-live time be
    # looked up again (middleware._next_go_live).
    return status in Article.PUBLIC_STATUSES


# Where a story part is, as the database has it before a save: one query.
_HELD_BY = {
    "newsroom.Article": "pk",
    "newsroom.Slide": "slides",
    "newsroom.Quote": "slides__quotes",
    "newsroom.Correction": "corrections",
}


def _remember_before(sender, instance, **kwargs) -> None:
    """A story renamed, or a slide, quote or note moved to another story, leaves pages
    at the old address."""
    if instance.pk is None:
        return
    from newsroom.models import Article

    lookup = _HELD_BY[instance._meta.label]
    before = Article.objects.filter(**{lookup: instance.pk}).values_list("slug", "status")
    instance._newsroom_stories_before = _either(
        *({slug: _is_public(status)} for slug, status in before)
    )


# Many rows saved in one go (batched): per thread.
_batch = threading.local()


def _batch_mode():
    return getattr(_batch, "mode", None)


@contextmanager
def batched():
    """Many rows saved at once (a version restored, a story imported): each still
    says where it was before, but the pages showing them all are made stale once,
    at the end, in a few queries, rather than in three queries and eight cache
    writes a row."""
    if _batch_mode() is not None:
        yield
        return
    _batch.mode, _batch.rows, _batch.stories, _batch.purge = "batched", [], {}, False
    try:
        yield
        rows, stories, purge = _batch.rows, _batch.stories, _batch.purge
    finally:
        _batch.mode = _batch.rows = _batch.stories = _batch.purge = None
    stories = _either(stories, _stories_showing_all(rows))
    # As row by row: a photo on no story changes no page.
    if stories or any(row._meta.app_label == "newsroom" for row in rows):
        _make_stale(stories, purge=purge)


def _stories_showing_all(rows) -> dict[str, bool]:
    """The slugs of the stories whose pages show these rows, each with whether it is
    public, in a query per kind of row."""
    from newsroom.models import Article

    found = [
        {row.slug: _is_public(row.status)} for row in rows if row._meta.label == "newsroom.Article"
    ]
    by_lookup: dict[str, set[int]] = {}
    for row in rows:
        label = row._meta.label
        if label in ("newsroom.Slide", "newsroom.Correction"):
            by_lookup.setdefault("pk__in", set()).add(row.article_id)
        elif label == "newsroom.Quote":
            by_lookup.setdefault("slides__in", set()).add(row.slide_id)
        elif label == "gallery.Photo":
            by_lookup.setdefault("slides__photo__in", set()).add(row.pk)
        elif label == "gallery.Credit":
            by_lookup.setdefault("slides__photo__credit__in", set()).add(row.pk)
        elif label != "newsroom.Article":  # Renditions, redactions, annotations.
            by_lookup.setdefault("slides__photo__in", set()).add(row.photo_id)
    for lookup, ids in by_lookup.items():
        stories = Article.objects.filter(**{lookup: ids}).values_list("slug", "status")
        found += [{slug: _is_public(status)} for slug, status in stories.distinct()]
    return _either(*found)


def _changed(sender, instance, **kwargs) -> None:
    before = instance.__dict__.pop("_newsroom_stories_before", {})
    # A new rendition only makes a page better: CDN copies may wait to expire.
    # Anything else may be a takedown (gallery.signals purges deleted files).
    purge = not (instance._meta.label == "gallery.Rendition" and kwargs.get("signal") is post_save)
    if _batch_mode() == "batched":
        _batch.rows.append(instance)
        _batch.stories = _either(_batch.stories, before)
        _batch.purge = _batch.purge or purge
        return
    stories = _either(_stories_showing(instance), before)
    if not stories and instance._meta.app_label == "gallery":
        # A photo on no story: no cached page can hold it. Without this a bulk
        # upload (16 renditions a photo) would bump the site hundreds of times.
        return
    _make_stale(stories, purge=purge)


def _make_stale(stories: dict[str, bool], *, purge: bool = True) -> None:
    """Stories by slug, each with whether it is (or was, before the change) public.

    Only a public one changes the pages that list stories, or anything a CDN holds:
    a reporter saving a draft leaves the home page, feed and sitemap cached. A story
    part found in no story (its story deleted with it) is taken as public."""
    slugs = set(stories)
    if stories and not any(stories.values()):
        scopes = list(map(story_scope, slugs))
        purge = False
    else:
        scopes = [SITE, *map(story_scope, slugs)]

    def bump() -> None:
        for scope in scopes:
            bump_generation(scope)

    # Now, so this process never serves what it just changed; and again after
    # commit, because a page rendered meanwhile by another process saw the old rows.
    bump()
    transaction.on_commit(bump)
    if purge:
        _purge_pages(slugs)


# What the change this thread is making will have the CDN drop, after its commit.
_change = threading.local()


def _change_state():
    if not hasattr(_change, "slugs"):
        _change.slugs = set()  # Stories whose pages to purge.
        _change.slides_before = {}  # Slug -> slides it had before a delete.
        _change.counted = set()  # Stories counted already (ids).
        _change.published_before = 0  # Stories out before the change, for list pages.
    return _change


def _purge_pages(slugs: set[str]) -> None:
    """Have the CDN drop the pages these stories show on, and the lists of stories.

    Worked out once after the commit, for every story the change touched.
    """
    if not settings.CDN_PURGE:
        return
    _change_state().slugs.update(slugs)
    purge_after_commit(also=_pages_to_purge)


def _pages_to_purge() -> list[str]:
    from newsroom.models import Slide

    state = _change_state()
    slugs, before = state.slugs, state.slides_before
    del _change.slugs  # The next change starts afresh.
    counts = dict(
        Slide.objects.filter(article__slug__in=slugs)
        .values_list("article__slug")
        .annotate(Count("pk"))
    )
    # A slug with no slides now is a story's old name (its slides live under the
    # new one, in the same change) or a story deleted: the most any had.
    most = max([*counts.values(), *(before.get(slug, 0) for slug in slugs)], default=0)
    urls = [reverse("newsroom:home"), reverse("newsroom:feed"), reverse("sitemap")]
    urls += _later_list_pages(state.published_before)
    for slug in slugs:
        urls += [
            reverse("newsroom:story", args=[slug]),
            reverse("newsroom:annotations", args=[slug]),
        ]
        had = max(counts.get(slug, most), before.get(slug, 0))
        # One more than there are: the last number a deleted slide left behind.
        for number in range(1, had + 2):
            page = reverse("newsroom:slide", args=[slug, number])
            urls += [page, f"{page}?show=1"]
    return urls


def _later_list_pages(published_before: int) -> list[str]:
    """The home page's later pages and the sitemap's: a change moves every story after
    it along. As many as there were or are, whichever is more (stories taken down
    together may empty several), and one more: a story gone may have emptied the last."""
    from newsroom.models import Article
    from newsroom.sitemaps import StorySitemap
    from newsroom.views import STORIES_PER_PAGE

    stories = max(Article.objects.published().count(), published_before)
    home, sitemap = reverse("newsroom:home"), reverse("sitemap")
    home_pages = math.ceil(stories / STORIES_PER_PAGE)
    sitemap_pages = math.ceil(stories / StorySitemap.limit)
    return [f"{home}?page={n}" for n in range(2, home_pages + 2)] + [
        f"{sitemap}?p={n}" for n in range(2, sitemap_pages + 2)
    ]


def _count_published_before(sender, instance, **kwargs) -> None:
    """How many stories were out before this change: a takedown of many at once empties
    list pages that counting after it would not name. Once per change."""
    state = _change_state()
    if not settings.CDN_PURGE or state.published_before:
        return
    from newsroom.models import Article

    state.published_before = Article.objects.published().count()


def _count_slides_before_delete(sender, instance, **kwargs) -> None:
    """Deleted rows are gone when the pages to purge are worked out, and a bulk
    delete removes them all before the first post_delete: count them now, once
    per story (nothing is gone before every row has been announced)."""
    if not settings.CDN_PURGE:
        return
    from newsroom.models import Article

    state = _change_state()
    article_id = instance.pk if isinstance(instance, Article) else instance.article_id
    if article_id in state.counted:
        return
    state.counted.add(article_id)
    found = (
        Article.objects.filter(pk=article_id)
        .annotate(slide_total=Count("slides"))
        .values_list("slug", "slide_total")
        .first()
    )
    if found:
        slug, total = found
        state.slides_before[slug] = max(state.slides_before.get(slug, 0), total)


def connect() -> None:
    for label in WATCHED_MODELS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        uid = f"newsroom-invalidate-{label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
    # What can move from one story to another, through its own admin page.
    for label in ("newsroom.Article", "newsroom.Slide", "newsroom.Quote", "newsroom.Correction"):
        model = apps.get_model(label)
        pre_save.connect(_remember_before, sender=model, dispatch_uid=f"newsroom-before-{label}")
    article = apps.get_model("newsroom.Article")
    pre_save.connect(_count_published_before, sender=article, dispatch_uid="newsroom-out-save")
    pre_delete.connect(_count_published_before, sender=article, dispatch_uid="newsroom-out-del")
    for label in ("newsroom.Article", "newsroom.Slide"):
        pre_delete.connect(
            _count_slides_before_delete,
            sender=apps.get_model(label),
            dispatch_uid=f"newsroom-count-{label}",
        )
