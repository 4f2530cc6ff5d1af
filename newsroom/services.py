"""Writes that span the editorial models: the story lifecycle and its audit trail.

Every way of publishing (change form, changelist action, schedule) calls these
functions, so the permission check, the checklist and the audit log cannot be
skipped by one forgotten path.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from gallery.models import Credit, Photo
from gallery.services import photo_withdraw_files
from gallery.text import plain_text
from newsroom.checklist import blocking_problems, publish_problems
from newsroom.models import (
    PUBLISH_PERMISSION,
    Article,
    AuditEntry,
    ChangeRequest,
    Correction,
    FormerSlug,
    Quote,
    Slide,
    free_slug,
    new_preview_key,
)
from newsroom.versions import save_story_versions


class ChecklistFailed(Exception):
    """Publication refused; `problems` lists what is missing, for the editor."""

    def __init__(self, article: Article, problems: list[str]):
        self.article = article
        self.problems = problems
        super().__init__(f"“{article}” cannot be published yet: " + " ".join(problems))


def _require_publisher(by) -> None:
    if not by.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("Only editors may publish, schedule, unpublish or archive stories.")


def _audit(article: Article, action: str, by, note: str = "") -> AuditEntry:
    return AuditEntry.objects.create(
        article=article, article_headline=article.headline, action=action, by=by, note=note
    )


def _check(article: Article, by) -> None:
    """Refuse with the checklist's list; log an editor's override when it is what lets it pass.

    Called before the step's own transaction opens, so the record of a refusal
    is kept although the step is not done.
    """
    problems = publish_problems(article)
    blocking = blocking_problems(article, problems)
    if blocking:
        _audit(article, AuditEntry.Action.REFUSED, by, "\n".join(p.message for p in blocking))
        raise ChecklistFailed(article, [p.message for p in blocking])
    overridden = [p.message for p in problems if p.overridable]
    if overridden:
        override_record(article=article, by=by, problems=overridden)


def override_record(*, article: Article, by, problems: list[str]) -> None:
    """The reason an editor recorded is what lets these problems reach readers: logged."""
    note = "\n".join([f"Reason: {article.protected_persons_override.strip()}", *problems])
    _audit(article, AuditEntry.Action.OVERRIDE, by, note)


def _save(article: Article, by, *fields: str) -> None:
    article.updated_by = by
    article.version = models.F("version") + 1
    article.save(update_fields=[*fields, "updated_by", "version", "updated_at"])
    article.refresh_from_db(fields=["version"])


def article_publish(*, article: Article, by) -> Article:
    """Make the story public now (or keep its earlier publication date if it had one)."""
    _require_publisher(by)
    _check(article, by)
    with transaction.atomic():
        now = timezone.now()
        article.status = Article.Status.PUBLISHED
        if article.published_at is None or article.published_at > now:
            article.published_at = now
        _save(article, by, "status", "published_at")
        _audit(article, AuditEntry.Action.PUBLISH, by)
    return article


def article_schedule(*, article: Article, by, at: dt.datetime) -> Article:
    """Public from `at` on, with no job to run: published() compares with now.

    A time already past publishes now rather than back-dating the story; a story
    already out keeps its date (re-dating it would move it to the top of the site).
    """
    if at <= timezone.now():
        if article.status == Article.Status.PUBLISHED:
            return article
        article.published_at = None
        return article_publish(article=article, by=by)
    _require_publisher(by)
    _check(article, by)
    with transaction.atomic():
        article.status = Article.Status.SCHEDULED
        article.published_at = at
        _save(article, by, "status", "published_at")
        when = f"For {timezone.localtime(at):%Y-%m-%d %H:%M}"
        _audit(article, AuditEntry.Action.SCHEDULE, by, when)
    return article


@transaction.atomic
def article_unpublish(*, article: Article, by) -> Article:
    """Back to draft; the publication date stays so a republish keeps it.

    A story that is neither published nor scheduled is left alone, unlogged.
    """
    _require_publisher(by)
    if article.status not in Article.PUBLIC_STATUSES:
        return article
    article.status = Article.Status.DRAFT
    _save(article, by, "status")
    _audit(article, AuditEntry.Action.UNPUBLISH, by)
    article_preview_links_revoke(article=article)  # A takedown reaches the reviewers too.
    article_photos_withdraw(article=article)
    return article


@transaction.atomic
def article_archive(*, article: Article, by) -> Article:
    _require_publisher(by)
    was_public = article.status in Article.PUBLIC_STATUSES
    article.status = Article.Status.ARCHIVED
    _save(article, by, "status")
    _audit(article, AuditEntry.Action.ARCHIVE, by)
    article_preview_links_revoke(article=article)
    # A story readers could not see shared no links; unpublishing withdrew the earlier ones.
    if was_public:
        article_photos_withdraw(article=article)
    return article


def article_photos_withdraw(*, article: Article) -> int:
    """Give new addresses to the public files of the story's photos that no live story
    shows, so that the links shared while it was out (share images, copied image links)
    stop working. Call when the story stops being public. Returns how many photos.

    In the caller's transaction: the old files and their CDN copies go once it
    commits, and the new files are queued then (built by the task worker).
    """
    ids = article.slides.filter(photo__isnull=False).values_list("photo_id", flat=True)
    return _withdraw_unless_live(ids, besides=article)


def photos_released(*, photo_ids) -> int:
    """Photos just taken off a story readers could see (slide deleted, photo swapped,
    old version restored): as on a takedown, those no live story shows get new
    addresses. A photo pulled for a legal or safety reason must not stay reachable
    through its share image. Returns how many photos."""
    return _withdraw_unless_live(photo_ids)


def _withdraw_unless_live(ids, *, besides: Article | None = None) -> int:
    # Two stories sharing a photo, taken down at once, would each see the other still
    # live and keep it. Locked, the second waits, then sees the first's takedown.
    mine = list(Photo.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk"))
    live = Article.objects.published()
    if besides is not None:
        live = live.exclude(pk=besides.pk)
    still_shown = set(
        Photo.objects.filter(pk__in=[p.pk for p in mine], slides__article__in=live).values_list(
            "pk", flat=True
        )
    )
    withdrawn = 0
    for photo in mine:
        if photo.pk not in still_shown:
            photo_withdraw_files(photo=photo)
            withdrawn += 1
    return withdrawn


def article_preview_links_revoke(*, article: Article) -> None:
    """Every reviewer link given out so far stops working; new ones carry the new key."""
    article.preview_key = new_preview_key()
    Article.objects.filter(pk=article.pk).update(preview_key=article.preview_key)


@transaction.atomic
def article_reviewers_revoke(*, article: Article) -> int:
    """The desk's "Revoke earlier reviewer links": the links stop working, and so do the
    image addresses their pages showed, for the photos no live story shows (a reviewer
    who kept them must not keep the pictures). Returns how many photos moved."""
    article_preview_links_revoke(article=article)
    if article.is_public:
        return 0  # Its photos are the public's anyway.
    return article_photos_withdraw(article=article)


@transaction.atomic
def article_submit_for_review(*, article: Article, by) -> Article:
    """A reporter hands the story to the editors; public stories are left alone."""
    if not by.has_perm("newsroom.change_article"):
        raise PermissionDenied("You may not change stories.")
    if article.status in (Article.Status.DRAFT, Article.Status.ARCHIVED):
        article.status = Article.Status.IN_REVIEW
        _save(article, by, "status")
        _audit(article, AuditEntry.Action.SUBMIT, by)
    return article


@transaction.atomic
def correction_append(*, correction: Correction, by) -> Correction:
    """Save a correction or update note; an update also moves the story's "Updated" time."""
    if not by.has_perm("newsroom.add_correction"):
        raise PermissionDenied("Only editors may append corrections and updates.")
    if correction.pk is None and not Correction.may_be_added_to(correction.article):
        raise ValidationError(Correction.STORY_NOT_OUT)
    if correction.created_by_id is None:
        correction.created_by = by
    correction.save()
    article = correction.article
    if correction.kind == Correction.Kind.UPDATE and (
        article.significant_update_at is None
        or article.significant_update_at < correction.published_at
    ):
        Article.objects.filter(pk=article.pk).update(significant_update_at=correction.published_at)
        article.significant_update_at = correction.published_at
    return correction


@transaction.atomic
def article_delete(*, article: Article, by) -> None:
    """Delete a story; the audit log keeps who did it, and what it was then."""
    was = article.get_status_display().lower()
    _audit(article, AuditEntry.Action.DELETE, by, f"Was {was}; recoverable from its history.")
    if article.status in Article.PUBLIC_STATUSES:
        article_photos_withdraw(article=article)  # A takedown too, while its slides still say.
    article.delete()


# What a copy leaves behind: they belong to the story that came out (its address,
# dates, notes, override, reviewers' key) or are the desk's bookkeeping.
_NOT_COPIED = {
    "id", "slug", "status", "published_at", "significant_update_at", "created_at",
    "updated_at", "created_by", "updated_by", "version", "preview_key", "atom_id",
    "protected_persons_override",
}  # fmt: skip


@transaction.atomic
def article_copy(*, article: Article, by) -> Article:
    """A new draft with the story's words, slides, photos and quotes, to start a
    similar story from (a weekly gallery, a follow-up, another language).

    Its notes, address, dates and any checklist override stay with the original:
    the copy has come out nowhere, and publishing it runs the checklist afresh.
    """
    if not by.has_perm("newsroom.add_article"):
        raise PermissionDenied("You may not add stories.")
    fields = {
        f.attname: getattr(article, f.attname)
        for f in Article._meta.concrete_fields
        if f.name not in _NOT_COPIED
    }
    # Room for "-copy-2" and the like within the address's 200 characters.
    base = f"{article.slug[:180].rstrip('-_')}-copy"
    for attempt in range(5):
        try:
            with transaction.atomic():  # A savepoint: a lost race is tried again.
                copy = Article.objects.create(
                    **fields, slug=free_slug(base), created_by=by, updated_by=by
                )
            break
        except IntegrityError:
            # Two copies at once (a double click): the other took the address first.
            if attempt == 4:
                raise

    # In bulk: a 200-slide story costs the queries a 2-slide one does. A draft no
    # reader sees, so no page goes stale for want of the rows' signals.
    slides = list(article.slides.prefetch_related("quotes").order_by("position", "pk"))
    quotes_of = {slide.pk: list(slide.quotes.all()) for slide in slides}
    originals = [slide.pk for slide in slides]
    for slide in slides:
        slide.pk, slide.article = None, copy
    Slide.objects.bulk_create(slides)
    quotes = []
    for original, slide in zip(originals, slides, strict=True):
        for quote in quotes_of[original]:
            quote.pk, quote.slide = None, slide
            quotes.append(quote)
    Quote.objects.bulk_create(quotes)
    _audit(copy, AuditEntry.Action.COPY, by, f"Copied from “{article.headline}” ({article.slug}).")
    # Reversion follows slides, then each slide's quotes: read them all at once.
    models.prefetch_related_objects([copy], "slides__quotes")
    save_story_versions([copy], by=by, comment=f"Copied from “{article.headline}”.")
    return copy


def article_recovered(*, article: Article, by) -> None:
    # Back under its old id: the trail from before its deletion is its own again.
    AuditEntry.objects.filter(article=None, article_number=article.pk).update(article=article)
    _audit(article, AuditEntry.Action.RECOVER, by, "Back as a draft.")


def article_slug_changed(*, article: Article, old_slug: str) -> bool:
    """Keep a renamed story's old address working; returns whether it will redirect.

    Only a story that has a publication date can have been shared; a draft's
    earlier names are not kept.
    """
    if not old_slug or old_slug == article.slug or article.published_at is None:
        return False
    # The story's new name may be one it had before: it is no longer a former one.
    # Only its own: another story's former address leads to that story still (the
    # form refuses taking one; this holds for any other way in).
    FormerSlug.objects.filter(slug=article.slug, article=article).delete()
    if FormerSlug.of_another_story(old_slug, article.pk):
        # Its links were another story's first (the story came back by recovery, or
        # took the address before that was refused): they keep leading there.
        return False
    FormerSlug.objects.get_or_create(slug=old_slug, article=article)
    return True


def slides_apply_awaiting_credits(*, article: Article) -> list[str]:
    """Give newly attached photos the credit the wire copy named for their slide (a
    credit named only in words counts once the library has one with that line).

    A photo that already has a credit keeps it. Either way the slide no longer
    awaits anything. Returns, for the editor, where a photo kept a credit other than
    the one the copy named: which is right is for a person to say.
    """
    # A credit the copy named in words, added to the library since: now the credit.
    # One query for every such slide, however many: this runs on each save of the story.
    in_words = list(
        article.slides.filter(awaiting_credit__isnull=True).exclude(awaiting_credit_line="")
    )
    if in_words:
        lines = {slide.awaiting_credit_line.lower() for slide in in_words}
        library = Credit.objects.annotate(folded=Lower("line")).filter(folded__in=lines)
        by_line = {}
        for credit in library.order_by("-pk"):  # The oldest of equal lines wins.
            by_line[credit.folded] = credit
        for slide in in_words:
            found = by_line.get(slide.awaiting_credit_line.lower())
            if found is not None:
                slide.awaiting_credit, slide.awaiting_credit_line = found, ""
                slide.save(update_fields=["awaiting_credit", "awaiting_credit_line"])
    differing = []
    waiting = article.slides.filter(photo__isnull=False, awaiting_credit__isnull=False)
    for slide in waiting.select_related("photo__credit", "awaiting_credit"):
        if slide.photo.credit_id is None:
            slide.photo.credit = slide.awaiting_credit
            slide.photo.save(update_fields=["credit", "updated_at"])
        elif slide.photo.credit_id != slide.awaiting_credit_id:
            differing.append(
                f"Slide {slide.position}: the copy credits “{slide.awaiting_credit}”, but "
                f"the photo chosen is credited “{slide.photo.credit}”, and keeps that "
                "credit. Check which is right: is it the picture the copy meant?"
            )
        slide.awaiting_credit = None
        slide.save(update_fields=["awaiting_credit"])
    return differing


def change_request_make(*, article: Article, by, text: str) -> ChangeRequest:
    """Ask the editors for a change to a story; the words are checked here, for every caller."""
    if not by.has_perm("newsroom.add_changerequest"):
        raise PermissionDenied("You may not ask for changes to stories.")
    # Browsers send line breaks as CR LF; counted as one, as the box counted them.
    # Invisible control characters go, as from every text field (gallery.text): a NUL
    # pasted from some files, which PostgreSQL cannot store.
    text = plain_text(text.replace("\r\n", "\n")).strip()
    if not text:
        raise ValidationError("Say what should change, and where: the photo or paragraph.")
    if len(text) > ChangeRequest.MAX_LENGTH:
        raise ValidationError(
            f"A request holds at most {ChangeRequest.MAX_LENGTH:,} characters; this one has "
            f"{len(text):,}. Shorten it, or send it in two."
        )
    return ChangeRequest.objects.create(article=article, text=text, requested_by=by)


def change_request_done(*, change_request: ChangeRequest, by) -> None:
    """Mark a request dealt with: by whoever may change the story it is about."""
    article = change_request.article
    if not (by.has_perm("newsroom.change_changerequest") and article.may_be_changed_by(by)):
        raise PermissionDenied("Only those who may change this story can mark its requests done.")
    if change_request.is_open:
        change_request.done_by, change_request.done_at = by, timezone.now()
        change_request.save(update_fields=["done_by", "done_at"])
