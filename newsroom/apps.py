from django.apps import AppConfig
from django.db.models import F
from django.db.models.signals import post_migrate


def _sync_roles(sender, apps=None, **kwargs):
    # newsroom comes last in INSTALLED_APPS, so every app's permissions exist by now.
    if sender.name == "newsroom":
        from django.apps import apps as global_apps

        from newsroom.roles import roles_sync

        # `flush` (transactional tests) sends post_migrate without `apps`.
        roles_sync(apps or global_apps)


def _in_live_stories(photos):
    from newsroom.models import Article

    # Scheduled counts: it goes out at its time without anyone looking again.
    return photos.filter(slides__article__status__in=Article.PUBLIC_STATUSES).distinct()


def _stories_using(photo) -> list[tuple[str, str, str, bool]]:
    from django.urls import reverse

    from newsroom.models import Article

    # Latest first, drafts (no date yet) last on every database.
    latest = F("published_at").desc(nulls_last=True)
    stories = Article.objects.filter(slides__photo=photo).distinct().order_by(latest, "-pk")
    return [
        (
            f"{story.headline} ({story.status_now_display().lower()})",
            reverse("admin:newsroom_article_change", args=[story.pk]),
            "newsroom.view_article",
            story.is_public,
        )
        for story in stories
    ]


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = "Newsroom"

    def ready(self):
        from gallery import usage
        from newsroom import checks, invalidation  # noqa: F401  (checks register themselves)

        usage.shown_publicly_by(_in_live_stories)
        usage.uses_described_by(_stories_using)
        usage.changes_batched_by(invalidation.batched)

        post_migrate.connect(_sync_roles, dispatch_uid="newsroom.roles_sync")
        # Cache invalidation is a side effect of any editorial save, wherever it happens.
        invalidation.connect()
