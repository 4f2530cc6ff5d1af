"""Helpers shared by the editors' admin pages: thumbnails and the edit lock."""

import re

from django.contrib import messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from gallery.models import Photo
from gallery.text import PlainFormField
from newsroom.models import Article, Quote, Slide

LIVE_STORY_LOCKED = (
    "This story is scheduled or published: only an editor can change it now, since a "
    "save publishes the change. To point out a mistake, use “Ask the editors for a change” "
    "at the top of the story's page."
)
LIVE_STORY_REFUSED = (
    "Not saved: this story is scheduled or published, so only an editor can change it "
    "now. What you typed is still below: copy what you need into “Ask the editors for a "
    "change” at the top of the story's page."
)


class TextAreaField(PlainFormField):
    """Browsers post a textarea's line breaks as CRLF; imports, the demo and scripts
    store LF. Read as one, so an untouched paragraph is not "changed" in the history.
    Control characters go, as from every field of words (gallery.text)."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


# For every story admin and inline: formfield_overrides = TEXT_AREAS.
TEXT_AREAS = {models.TextField: {"form_class": TextAreaField}}


def story_of(obj) -> Article | None:
    """The story a story, slide or quote belongs to."""
    if isinstance(obj, Quote):
        obj = obj.slide
    if isinstance(obj, Slide):
        obj = obj.article
    return obj if isinstance(obj, Article) else None


class LiveStoryLock:
    """Admin permissions that follow Article.may_be_changed_by, for a story and its parts.

    On a story's own admin ``obj`` is the row; on an inline it is the parent.
    The form shows read-only, saying why. A post (the story went live while
    someone was typing) is let through to the form, which refuses it with the
    typed text still in it (admin/forms.py), rather than a bare 403.
    """

    def _may_change(self, request, obj, *, form_decides=True) -> bool:
        story = story_of(obj)
        if story is None or story.pk is None or story.may_be_changed_by(request.user):
            return True
        return form_decides and request.method == "POST"

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_change(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Deletes have no form to refuse them: decided here.
        return super().has_delete_permission(request, obj) and self._may_change(
            request, obj, form_decides=False
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # Whose save the form judges (admin/forms.py).
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and not self._may_change(request, obj):
            messages.info(request, LIVE_STORY_LOCKED)  # Why the form is read-only.
        return super().render_change_form(request, context, add, change, form_url, obj)

    def refuse_locked(self, request, stories) -> None:
        """For bulk deletes, which Django checks without looking at the rows."""
        if any(not story.may_be_changed_by(request.user) for story in stories):
            raise PermissionDenied(LIVE_STORY_LOCKED)

    # The stories of the rows picked in the list, for the admins of story parts.
    stories_of_rows = None

    def changelist_view(self, request, extra_context=None):
        picked = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if self.stories_of_rows and request.POST.get("action") == "delete_selected" and picked:
            locked = [
                story.headline
                for story in self.stories_of_rows(picked)
                if not story.may_be_changed_by(request.user)
            ]
            if locked:
                # Said before Django's confirmation page, which would blame the account.
                self.message_user(
                    request,
                    f"Nothing deleted: {', '.join(locked)} is scheduled or published, so only "
                    "an editor can remove its parts.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)


class LiveStoryLockInline(LiveStoryLock):
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._may_change(request, obj)


def thumbnail_html(photo: Photo | None, width: int = 80, alt: str = ""):
    """``alt`` names the image where it is a link's only content (the story list).

    Loaded as it scrolls into view: a long story's form would otherwise fetch
    every slide's photo at once.
    """
    rendition = photo.jpeg_rendition(480) if photo is not None else None
    if rendition is None:
        return "—"
    return format_html(
        '<img src="{}" alt="{}" width="{}" height="{}" loading="lazy" decoding="async" '
        'class="newsroom-thumb">',
        rendition.file.url,
        alt,
        width,
        round(width * rendition.height / rendition.width),
    )


# A line break and the indentation around it, between two tags: the admin's
# templates put one around nearly every element, a third of a long story's form.
# Text and attribute values are escaped, so no `>` or `<` of what anyone typed
# can frame a match (a textarea holding only blanks loses them; its field would).
_INDENTATION = re.compile(rb">\s*\n\s*<")


def drop_indentation(response):
    """A TemplateResponse post-render callback: the same page, laid out the same, lighter."""
    response.content = _INDENTATION.sub(b">\n<", response.content)


def who(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def local_time(at) -> str:
    """A moment as the desk reads it, in the site's time zone."""
    return date_format(timezone.localtime(at), "DATETIME_FORMAT")


def stale_message(*, current: dict, model_name: str, reader=None, previewing=False) -> str:
    """`reader`: who is saving; when that is who changed it, it was in another tab.
    `previewing`: said on the page of "Preview changes", which has no form below."""
    changed_at = local_time(current["updated_at"])
    if reader is not None and current["updated_by"] == reader:
        changed = f"You changed this {model_name} at {changed_at} in another tab or window"
        theirs = "those changes"
    else:
        changed = f"{who(current['updated_by'])} changed this {model_name} at {changed_at}"
        theirs = "theirs"
    if previewing:
        return (
            f"{changed}, after you opened it. A save of your changes would be refused, so "
            f"that {theirs} are not overwritten: open the story in a new tab to see the "
            "current version, and copy across what you need."
        )
    return (
        f"{changed}, after you opened it here. Your changes were NOT saved, so that "
        f"{theirs} are not overwritten; they are still in the form below. Open the story "
        "in a new tab to see the current version, copy across what you need, then reload "
        "this page."
    )


def current_state(article_pk) -> dict | None:
    # Locked for the rest of the request's transaction, so two saves cannot
    # both pass this check (SQLite serialises writers anyway).
    row = (
        Article.objects.select_for_update()
        .filter(pk=article_pk)
        .values("version", "updated_by", "updated_at")
        .first()
    )
    if row:
        row["updated_by"] = (
            Article._meta.get_field("updated_by")
            .related_model.objects.filter(pk=row["updated_by"])
            .first()
        )
    return row
