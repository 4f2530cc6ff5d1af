"""Slides with their quotes (the admin has no nested inlines), and quotes alone."""

import reversion
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from reversion.admin import VersionAdmin

from gallery.admin import photo_chooser_media
from gallery.admin.checked import CheckedAdmin, is_an_id
from newsroom import services
from newsroom.admin.common import (
    TEXT_AREAS,
    LiveStoryLock,
    LiveStoryLockInline,
    thumbnail_html,
)
from newsroom.admin.filters import status_filter
from newsroom.admin.forms import QuoteForm, SlideForm
from newsroom.admin.live import LiveStoryChecklist
from newsroom.admin.takedown import PhotosTakenOff
from newsroom.models import Article, Quote, Slide
from newsroom.versions import save_story_versions


class QuoteInline(LiveStoryLockInline, admin.StackedInline):
    model = Quote
    formfield_overrides = TEXT_AREAS
    extra = 0
    fields = [
        "position",
        ("text", "language"),
        ("speaker", "speaker_role"),
        ("said_in", "said_on"),
        "url",
    ]


class StoryPartAdmin(CheckedAdmin, LiveStoryLock, VersionAdmin):
    """Slides and quotes on their own pages: parts of their story, under its rules."""

    formfield_overrides = TEXT_AREAS

    change_list_template = None  # Django's: no "Recover deleted" button (see revision_view).
    story_path: str  # From the row to its story, as a lookup.
    parts: str  # What a bulk delete took out, in the story's history.

    def story_ids(self, queryset) -> set[int]:
        return set(queryset.values_list(f"{self.story_path}_id", flat=True))

    def construct_change_message(self, request, form, formsets, add=False):
        if add:
            # The story's history takes this as its save's summary: "Added." alone reads
            # as the story's own creation.
            name, part = str(self.opts.verbose_name), str(form.instance)
            return [{"added": {"name": name, "object": part}}]
        return super().construct_change_message(request, form, formsets, add)

    def stories_of_rows(self, pks):
        return Article.objects.filter(pk__in=self.story_ids(self.model.objects.filter(pk__in=pks)))

    def delete_queryset(self, request, queryset):
        stories = self.story_ids(queryset)
        self.refuse_locked(request, Article.objects.filter(pk__in=stories))
        super().delete_queryset(request, queryset)
        _story_parts_deleted(stories, by=request.user, what=self.parts)

    # A part's version is in a revision of its whole story (_story_part_saved adds
    # the story): restored here, it would put back the story's status, dates and
    # corrections too. The story's history restores it, keeping those.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        story_id = None
        if is_an_id(self.model, object_id):  # Before any query: "abc" would be a 500.
            story = self.model.objects.filter(pk=object_id)
            story_id = story.values_list(f"{self.story_path}_id", flat=True).first()
        return self._to_story_history(request, story_id)

    def recover_view(self, request, version_id, extra_context=None):
        return self._to_story_history(request, None)

    def recoverlist_view(self, request, extra_context=None):
        return self._to_story_history(request, None)

    def _to_story_history(self, request, story_id):
        self.message_user(
            request,
            f"To bring back an earlier version of {self.parts} (deleted ones included), "
            "restore a version of their story from the story's history: its status, dates "
            "and corrections stay as they are.",
            messages.INFO,
        )
        if story_id is None:
            return HttpResponseRedirect(reverse("admin:newsroom_article_changelist"))
        return HttpResponseRedirect(reverse("admin:newsroom_article_history", args=[story_id]))


@admin.register(Slide)
class SlideAdmin(PhotosTakenOff, LiveStoryChecklist, StoryPartAdmin):
    form = SlideForm
    story_path, parts = "article", "slides"

    @property
    def media(self):
        return super().media + photo_chooser_media()

    list_display = ["__str__", "picture", "story_status", "photo"]
    list_filter = [status_filter("article__", "story is")]
    search_fields = ["article__headline", "narrative"]
    autocomplete_fields = ["photo", "article"]
    fields = ["article", "position", "photo", "narrative", "article_version"]
    inlines = [QuoteInline]

    def get_queryset(self, request):
        # The list's pictures from their prefetched renditions: no query per row.
        slides = super().get_queryset(request).select_related("article", "photo")
        return slides.prefetch_related("photo__renditions")

    @admin.display(description="picture")
    def picture(self, obj: Slide):
        return thumbnail_html(obj.photo, alt=str(obj))

    @admin.display(description="story is", ordering="article__status")
    def story_status(self, obj: Slide) -> str:
        return obj.article.status_now_display()

    def save_model(self, request, obj, form, change):
        moved = change and "article" in form.changed_data
        if (moved or not change) and "position" not in form.changed_data:
            # A slide moved here, or added, without a number typed goes last: a moved
            # one's number belonged to the story it left, and the add page's 0 would
            # make a new photo the story's first, its lead picture and share card.
            last = obj.article.slides.aggregate(last=models.Max("position"))["last"]
            obj.position = (last or 0) + 1
        super().save_model(request, obj, form, change)
        for differing in services.slides_apply_awaiting_credits(article=obj.article):
            self.message_user(request, differing, messages.WARNING)
        placed = "position" in form.changed_data
        if moved or placed:
            # Both stories number their slides 1, 2, 3… again (no two "slide 1"), before
            # their versions are taken; a number typed here is where the slide goes.
            obj.article.slides.all().renumber(placing=obj if placed else None)
            obj.refresh_from_db(fields=["position"])
        _story_part_saved(obj.article, by=request.user)
        if moved:
            # The story it left changed too: its lock moves and its history shows it.
            left = Article.objects.filter(pk=form.initial.get("article")).first()
            if left is not None:
                left.slides.all().renumber()
                _story_part_saved(left, by=request.user)

    def slides_of(self, pk):
        return Slide.objects.filter(pk=pk)

    def photos_still_on(self, pk):
        # On a story readers see: a slide moved to a draft takes its photo off.
        return self.slides_of(pk).photo_ids_out()

    def get_deleted_objects(self, objs, request):
        # Asked by the delete page and by the list's delete action, "select all"
        # included; a protected row stops either.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        emptied = Slide.objects.filter(pk__in=[slide.pk for slide in objs]).stories_left_empty()
        protected += [
            f"“{story}” is scheduled or published and would have no slides left: add its "
            "new slides first, or unpublish it."
            for story in emptied
            if story.may_be_changed_by(request.user)  # Others are refused by LiveStoryLock.
        ]
        return deleted, counts, perms_needed, protected

    def stories_touched(self, request, object_id) -> set:
        # Where the slide is, and where the post puts it.
        known = object_id and is_an_id(Slide, object_id)
        now = self.slides_of(object_id).values_list("article_id", flat=True) if known else []
        return {*now, request.POST.get("article")} - {None, ""}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self.refuse_new_problems(request)
        self.release_photos_taken_off(request, form.instance.pk)

    def delete_model(self, request, obj):
        photos = self.slides_of(obj.pk).photo_ids_out()
        super().delete_model(request, obj)
        _story_parts_deleted({obj.article_id}, by=request.user, what=f"slide {obj.position}")
        self.release_photos(request, photos)

    def delete_queryset(self, request, queryset):
        photos = queryset.photo_ids_out()
        super().delete_queryset(request, queryset)
        self.release_photos(request, photos)

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        stays = ("_continue", "_addanother", "_saveasnew", IS_POPUP_VAR)
        if any(key in request.POST for key in stays):
            return response
        # Editors come here from their story's form ("2 quote(s): edit"): back to it,
        # not to a list of every story's slides.
        return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[obj.article_id]))


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
class QuoteAdmin(StoryPartAdmin):
    form = QuoteForm
    story_path, parts = "slide__article", "quotes"

    list_display = ["speaker", "text", "slide", "story_status", "said_in", "said_on"]
    list_select_related = ["slide__article"]
    list_filter = [status_filter("slide__article__", "story is"), "said_in"]
    search_fields = ["text", "speaker", "speaker_role", "slide__article__headline"]

    @admin.display(description="story is", ordering="slide__article__status")
    def story_status(self, obj: Quote) -> str:
        return obj.slide.article.status_now_display()

    autocomplete_fields = ["slide"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _story_part_saved(obj.slide.article, by=request.user)
        if change and "slide" in form.changed_data:
            # Moved to a slide of another story: the one it left changed too.
            left = Article.objects.filter(slides=form.initial.get("slide")).first()
            if left is not None and left.pk != obj.slide.article_id:
                _story_part_saved(left, by=request.user)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        what = f"a quote on slide {obj.slide.position}"
        _story_parts_deleted({obj.slide.article_id}, by=request.user, what=what)
