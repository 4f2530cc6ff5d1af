"""Slides with their quotes (the admin has no nested inlines), and quotes alone."""

import reversion
from django.contrib import admin
from django.db import models
from django.utils import timezone
from reversion.admin import VersionAdmin

from gallery.admin import photo_chooser_media
from newsroom import services
from newsroom.admin.forms import SlideForm
from newsroom.models import Article, Quote, Slide


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    fields = ["position", "text", ("speaker", "speaker_role"), ("said_in", "said_on"), "url"]


@admin.register(Slide)
class SlideAdmin(VersionAdmin):
    form = SlideForm

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
        _move_lock_on({obj.article_id}, by=request.user)
        # Into the story's own history too, under the name of who made the change;
        # otherwise it would show up under the next person to save the story.
        reversion.add_to_revision(obj.article)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _move_lock_on({obj.article_id}, by=request.user)
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"Deleted slide {obj.position}.")
            reversion.add_to_revision(obj.article)

    def delete_queryset(self, request, queryset):
        stories = set(queryset.values_list("article_id", flat=True))
        super().delete_queryset(request, queryset)
        _move_lock_on(stories, by=request.user)


def _move_lock_on(article_ids, *, by) -> None:
    """A slide and its quotes are part of the story: an open story form is now stale."""
    Article.objects.filter(pk__in=article_ids).update(
        version=models.F("version") + 1, updated_by=by, updated_at=timezone.now()
    )


@admin.register(Quote)
class QuoteAdmin(VersionAdmin):
    list_display = ["speaker", "text", "said_in", "said_on"]
    list_filter = ["said_in"]
    search_fields = ["text", "speaker", "speaker_role"]
    autocomplete_fields = ["slide"]

    # A quote is part of its story, as a slide is: same lock, same history.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _move_lock_on({obj.slide.article_id}, by=request.user)
        reversion.add_to_revision(obj.slide.article)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _move_lock_on({obj.slide.article_id}, by=request.user)
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"Deleted a quote on slide {obj.slide.position}.")
            reversion.add_to_revision(obj.slide.article)
