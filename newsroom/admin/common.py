"""Helpers shared by the editors' admin pages: thumbnails and the edit lock."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from gallery.models import Photo
from newsroom.models import Article


def thumbnail_html(photo: Photo | None, width: int = 80):
    rendition = photo.jpeg_rendition(480) if photo is not None else None
    if rendition is None:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" class="newsroom-thumb">',
        rendition.file.url,
        width,
        round(width * rendition.height / rendition.width),
    )


def who(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def stale_message(*, current: dict, model_name: str) -> str:
    changed_at = date_format(timezone.localtime(current["updated_at"]), "DATETIME_FORMAT")
    by = who(current["updated_by"])
    return (
        f"{by} changed this {model_name} at {changed_at}, after you opened it. "
        "Your changes were NOT saved, so that theirs are not overwritten; they are still "
        "in the form below. Open the story in a new tab to see the current version, "
        "copy across what you need, then reload this page."
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
