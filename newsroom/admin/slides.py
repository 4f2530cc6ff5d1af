"""Slides with their quotes (the admin has no nested inlines), and quotes alone."""

import reversion
from django.contrib import admin
from django.db import models
from django.utils import timezone
from reversion.admin import VersionAdmin

from gallery.admin import photo_chooser_media
from newsroom import services
from newsroom.admin.common import LiveStoryLock, LiveStoryLockInline
from newsroom.admin.forms import QuoteForm, SlideForm
from newsroom.admin.history import save_story_versions
from newsroom.models import Article, Quote, Slide


class QuoteInline(LiveStoryLockInline, admin.StackedInline):
    model = Quote
    extra = 0
    fields = ["position", "text", ("speaker", "speaker_role"), ("said_in", "said_on"), "url"]


@admin.register(Slide)
class SlideAdmin(LiveStoryLock, VersionAdmin):
    form = SlideForm

    @staticmethod
    def stories_of_rows(pks):
        return Article.objects.filter(slides__pk__in=pks).distinct()

    @property
    def media(self):
        return super().media + photo_chooser_media()

    list_display = ["__str__", "article", "position", "photo"]
    list_select_related = ["article", "photo"]
    search_fields = ["article__headline", "narrative"]
    autocomplete_fields = ["photo", "article"]
    fields = ["article", "position", "photo", "narrative", "article_version"]
    inlines = [QuoteInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.slides_apply_awaiting_credits(article=obj.article)
        _story_part_saved(obj.article, by=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _story_parts_deleted({obj.article_id}, by=request.user, what=f"slide {obj.position}")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # For the story the slide goes to (SlideForm.clean).
        return form

    def delete_queryset(self, request, queryset):
        stories = set(queryset.values_list("article_id", flat=True))
        self.refuse_locked(request, Article.objects.filter(pk__in=stories))
        super().delete_queryset(request, queryset)
        _story_parts_deleted(stories, by=request.user, what="slides")


# Slides and quotes are part of their story: a change to one, on its own page,
# makes an open story form stale and shows in the story's history under the
# name of who made it (otherwise it would appear under the next person to
# save the story).


def _move_lock_on(article_ids, *, by) -> None:
    Article.objects.filter(pk__in=article_ids).update(
        version=models.F("version") + 1, updated_by=by, updated_at=timezone.now()
    )


def _story_part_saved(article: Article, *, by) -> None:
    _move_lock_on({article.pk}, by=by)
    reversion.add_to_revision(article)  # Into the revision the admin's save opened.


def _story_parts_deleted(article_ids, *, by, what: str) -> None:
    _move_lock_on(article_ids, by=by)
    stories = Article.objects.filter(pk__in=article_ids)
    save_story_versions(stories, by=by, comment=f"Deleted {what}.")


@admin.register(Quote)
class QuoteAdmin(LiveStoryLock, VersionAdmin):
    form = QuoteForm

    @staticmethod
    def stories_of_rows(pks):
        return Article.objects.filter(slides__quotes__pk__in=pks).distinct()

    list_display = ["speaker", "text", "said_in", "said_on"]
    list_filter = ["said_in"]
    search_fields = ["text", "speaker", "speaker_role"]
    autocomplete_fields = ["slide"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _story_part_saved(obj.slide.article, by=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        what = f"a quote on slide {obj.slide.position}"
        _story_parts_deleted({obj.slide.article_id}, by=request.user, what=what)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # For the story the quote goes to (QuoteForm.clean).
        return form

    def delete_queryset(self, request, queryset):
        stories = set(queryset.values_list("slide__article_id", flat=True))
        self.refuse_locked(request, Article.objects.filter(pk__in=stories))
        super().delete_queryset(request, queryset)
        _story_parts_deleted(stories, by=request.user, what="quotes")
