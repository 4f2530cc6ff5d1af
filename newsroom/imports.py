"""Write a parsed slideshow into the database: all of it, or nothing (bundles:
newsroom/bundle_import.py, which shares the machinery below).

Imports run in one transaction. Originals are stored before their rows
(see ``photo_create``), so the files stored here are tracked and deleted if
the transaction does not commit: a failed import leaves no stray files.
"""

import contextlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.template.defaultfilters import pluralize
from django.utils import timezone
from django.utils.text import slugify

from gallery.models import Credit, Photo
from gallery.services import (
    DuplicatePhoto,
    StorageFailed,
    photo_create,
)
from gallery.tasks import delete_file
from gallery.validation import ImageRejected
from newsroom import invalidation
from newsroom.checklist import blocking_problems
from newsroom.image_folder import FolderRefused, count, photos_by_slide
from newsroom.importer import ParsedCredit, ParsedStory
from newsroom.models import Article, AuditEntry, FormerSlug, Quote, Slide
from newsroom.versions import save_photo_versions, save_story_versions

CREDIT_PERMISSION = "gallery.add_credit"

Progress = Callable[[int, int, str], None]


class ImportFailed(Exception):
    """An import that was refused or rolled back; the message is for the person importing."""


@dataclass
class ImportReport:
    article: Article
    credits_created: list[Credit] = field(default_factory=list)
    credits_reused: list[Credit] = field(default_factory=list)
    photos_created: list[Photo] = field(default_factory=list)
    photos_reused: list[Photo] = field(default_factory=list)
    slides_awaiting_photo: list[int] = field(default_factory=list)
    # Photos already in the library that the bundle protects more: what was added to each.
    protection_added: dict[Photo, list[str]] = field(default_factory=dict)
    # Slides have no credit of their own (photos do): the line to use when the photo comes.
    awaiting_credit_lines: dict[int, str] = field(default_factory=dict)
    # Credits not in the library that the importing user may not add: slide -> line.
    credits_not_added: dict[int, str] = field(default_factory=dict)
    # What happened to the text's credit on a photo already in the library, per slide.
    credit_notes: dict[int, str] = field(default_factory=dict)
    # Library photos the import gave a credit: a change to them, versioned as one.
    photos_credited: list[Photo] = field(default_factory=list)

    def credit_warnings(self) -> list[str]:
        """What the person importing must know about credits and new photos, one
        sentence each."""
        notes = [f"Slide {number}: {note}" for number, note in self.credit_notes.items()]
        # As the photo desk's uploads say it (gallery.models.Photo.smallness).
        notes += [
            f"{photo}: {small}" for photo in self.photos_created if (small := photo.smallness())
        ]
        if self.credits_not_added:
            notes.append(
                "Not in the library, and you may not add credits: "
                f"{credits_by_line(self.credits_not_added)}. Those slides await a credit; "
                "ask the photo desk to add the missing credits."
            )
        return notes


def _slides(numbers: list[int]) -> str:
    return f"slide{pluralize(numbers)} {', '.join(map(str, numbers))}"


def credits_by_line(lines: Mapping[int, str]) -> str:
    """'AP / Jo (slides 1, 3); Reuters (slide 2)': one entry per credit line."""
    by_line: dict[str, list[int]] = {}
    for number, line in lines.items():
        by_line.setdefault(line, []).append(number)
    return "; ".join(f"{line} ({_slides(numbers)})" for line, numbers in by_line.items())


def images_in(directory: Path, slide_count: int) -> dict[int, Path]:
    """The folder's photos by slide number (see ``photos_by_slide``); every file must be used."""
    try:
        return photos_by_slide(directory, slide_count)
    except FolderRefused as refused:
        raise ImportFailed(str(refused)) from None


def slug_from(headline: str) -> str:
    """The address a headline gives when none is chosen ("" from one without Latin letters)."""
    return slugify(headline)[:200].strip("-")


def slug_for(headline: str, slug: str | None = None) -> str:
    """The slug to use, refused with a clear message when taken or malformed."""
    slug = slug or slug_from(headline)
    if not slug:
        raise ImportFailed(
            f"No slug could be made from the headline '{headline}'; give one with --slug."
        )
    try:
        validate_slug(slug)
    except ValidationError:
        raise ImportFailed(
            f"'{slug}' cannot be a slug: use letters, numbers, hyphens or underscores."
        ) from None
    limit = Article._meta.get_field("slug").max_length
    if len(slug) > limit:
        raise ImportFailed(f"The slug is {len(slug)} characters; the limit is {limit}.")
    taken = Article.objects.filter(slug=slug).first()
    if taken:
        raise ImportFailed(
            f"A story with the slug '{slug}' already exists ('{taken.headline}'). "
            "Choose another slug (--slug on the command line)."
        )
    if former := FormerSlug.of_another_story(slug):
        raise ImportFailed(f"{former.refusal()} Choose another slug (--slug on the command line).")
    return slug


@contextlib.contextmanager
def all_or_nothing() -> Iterator[list[Photo]]:
    """One transaction; originals of photos made inside it are deleted if it fails.

    The pages the new rows show on are made stale once, after the commit, not row
    by row (invalidation.batched): a 500-slide story writes a thousand rows.
    """
    stored: list[Photo] = []
    committed = False
    try:
        with invalidation.batched():
            with transaction.atomic():
                yield stored
            committed = True
    except BaseException:
        if committed:
            # What failed came after the commit: the rows are there, and need their files.
            raise
        for photo in stored:
            # Never raises: with the storage down it is retried, and the first
            # error, which says why the import failed, is the one reported.
            delete_file.call("originals", photo.original.name)
        raise


def store_photo(
    stored: list[Photo],
    report: ImportReport,
    data: bytes,
    name: str,
    *,
    where: str = "",
    **fields,
):
    """Store one photo for an import; ImportFailed names the file (``where`` it is, if said)."""
    try:
        photo = photo_create(data=data, filename=name, **fields)
    except DuplicatePhoto as duplicate:
        report.photos_reused.append(duplicate.existing)
        return duplicate.existing, False
    except (ImageRejected, StorageFailed) as rejected:
        raise ImportFailed(f"{where or name}: {rejected}") from None
    stored.append(photo)
    report.photos_created.append(photo)
    return photo, True


# Plain-text slideshows ---------------------------------------------------------


def credit_in_library(parsed: ParsedCredit) -> Credit | None:
    """The library's credit with this line (and kind, when the line was understood)."""
    existing = Credit.objects.filter(line__iexact=parsed.line)
    if parsed.recognised:
        existing = existing.filter(kind=parsed.kind)
    return existing.order_by("pk").first()


def may_add_credits(user) -> bool:
    # The command runs without a user: whoever runs it may change the database anyway.
    return user is None or user.has_perm(CREDIT_PERMISSION)


def credit_for(parsed: ParsedCredit, *, create: bool = True) -> tuple[Credit | None, bool]:
    """The library's matching credit, or a new one when ``create``: (credit, created)."""
    match = credit_in_library(parsed)
    if match or not create:
        return match, False
    credit = Credit(
        kind=parsed.kind,
        platform=parsed.platform,
        account=parsed.account,
        creator=parsed.creator,
        line_override=parsed.line_override,
    )
    if credit.derive_line() != parsed.line:
        # Readers see exactly what the partner wrote, whatever the parts derive to.
        credit.line_override = parsed.line
    credit.save()
    return credit, True


def story_import(
    *,
    story: ParsedStory,
    images: Mapping[int, Path] | None = None,
    slug: str | None = None,
    publish: bool = False,
    by=None,
    progress: Progress | None = None,
) -> ImportReport:
    """Create a story from a parsed slideshow; ``images`` maps slide numbers to files."""
    images = images or {}
    extra = sorted(set(images) - set(range(1, len(story.slides) + 1)))
    if extra:
        raise ImportFailed(
            f"There is no slide {extra[0]} for {images[extra[0]].name}; the story has "
            f"{count(len(story.slides), 'slide')}."
        )
    slug = slug_for(story.headline, slug)
    try:
        with all_or_nothing() as stored:
            return _story_write(story, images, slug, publish, by, progress, stored)
    except IntegrityError:
        # Two submits of one import at once: the other one took the slug first.
        if Article.objects.filter(slug=slug).exists():
            raise ImportFailed(f"A story with the slug '{slug}' already exists.") from None
        raise


def _story_write(story, images, slug, publish, by, progress, stored) -> ImportReport:
    article = Article.objects.create(
        headline=story.headline,
        slug=slug,
        standfirst=story.standfirst,
        closing_text=story.closing_text,
        status=Article.Status.DRAFT,
        created_by=by,
    )
    report = ImportReport(article)
    create = may_add_credits(by)
    steps = {number: step for step, number in enumerate(images, start=1)}
    for number, parsed in enumerate(story.slides, start=1):
        credit, created = credit_for(parsed.credit, create=create)
        if created:
            report.credits_created.append(credit)
        elif credit is None:
            report.credits_not_added[number] = parsed.credit.line
        elif credit not in report.credits_created + report.credits_reused:
            report.credits_reused.append(credit)
        photo = None
        if number in images:
            path = images[number]
            if progress:
                progress(steps[number], len(images), path.name)
            photo, new = store_photo(stored, report, _read(path), path.name, by=by, credit=credit)
            if not new:
                _credit_reused_photo(photo, credit, parsed.credit, number, report)
                _protection_of_reused_photo(photo, number, report)
        else:
            report.slides_awaiting_photo.append(number)
            if credit is not None:
                report.awaiting_credit_lines[number] = credit.line
        slide = Slide.objects.create(
            article=article,
            position=number,
            photo=photo,
            narrative=parsed.narrative,
            awaiting_credit=None if photo else credit,
            # Kept, not lost, for the desk to make the credit from.
            awaiting_credit_line=parsed.credit.line if credit is None else "",
        )
        Quote.objects.bulk_create(
            Quote(
                slide=slide,
                position=position,
                text=quote.text,
                speaker=quote.speaker[:200],
                speaker_role=quote.speaker_role[:200],
                said_in=quote.said_in if quote.said_in in Quote.Medium.values else "",
                said_on=quote.said_on,
            )
            for position, quote in enumerate(parsed.quotes, start=1)
        )
    if publish:
        publish_imported(article, Article.Status.PUBLISHED, timezone.now(), by)
    # The text as the partner sent it, to go back to after edits.
    save_story_versions([article], by=by, comment="Imported from a partner slideshow.")
    save_photo_versions(report.photos_created, by=by, comment="Imported from a partner slideshow.")
    save_photo_versions(
        report.photos_credited, by=by, comment=f"Credit given by the import of “{article}”."
    )
    return report


def _credit_reused_photo(photo: Photo, credit, parsed: ParsedCredit, number: int, report) -> None:
    """A library photo keeps its own credit; one without gets the text's. Either way, say so."""
    if photo.credit is None and credit is not None:
        photo.credit = credit
        photo.save(update_fields=["credit", "updated_at"])
        report.photos_credited.append(photo)
        report.credit_notes[number] = (
            f"photo {photo.pk} was already in the library without a credit; "
            f"it is now credited '{credit.line}'."
        )
    elif photo.credit is None:
        report.credit_notes[number] = (
            f"photo {photo.pk} was already in the library without a credit, and "
            f"'{parsed.line}' is not in the library; it still has no credit."
        )
    elif photo.credit.line.casefold() != parsed.line.casefold():
        report.credit_notes[number] = (
            f"photo {photo.pk} was already in the library, credited '{photo.credit.line}'; "
            f"the text says '{parsed.line}'. The library's credit is kept."
        )


def _protection_of_reused_photo(photo: Photo, number: int, report) -> None:
    """A library photo comes with what the desk decided for it: say so, as the photo
    desk would find it only by opening the slide."""
    if photo.withheld_reason:
        said = "is withheld from readers; the story cannot be published with it"
    elif photo.is_sensitive and photo.sensitivity_warning.strip():
        said = "is marked sensitive; readers see it behind a warning"
    elif photo.is_sensitive:
        said = (
            "is marked sensitive with no warning for readers yet; the story cannot be "
            "published until the desk writes one"
        )
    else:
        return
    earlier = report.credit_notes.get(number)  # What its credit did, said first.
    report.credit_notes[number] = (
        f"{earlier} It {said}."
        if earlier
        else f"photo {photo.pk} was already in the library and {said}."
    )


def publish_imported(article: Article, status: str, published_at, by) -> None:
    """Make an imported story public, but only past the publish checklist, and log it."""
    problems = [problem.message for problem in blocking_problems(article)]
    if problems:
        raise ImportFailed(
            "It cannot be published yet: "
            + " ".join(problems)
            + " Import it without --publish and complete it in the admin."
        )
    article.published_at = published_at or timezone.now()
    if article.published_at > timezone.now():
        # As a save would have it: "published" at a time still to come is scheduled.
        status = Article.Status.SCHEDULED
    article.status = status
    article.save(update_fields=["status", "published_at", "updated_at"])
    action = AuditEntry.Action.SCHEDULE if status == "scheduled" else AuditEntry.Action.PUBLISH
    AuditEntry.objects.create(
        article=article,
        article_headline=article.headline,
        action=action,
        by=by,
        note="Imported with --publish.",
    )


def _read(source) -> bytes:
    """A file of an images folder, or one uploaded with the text (the admin's import)."""
    if not isinstance(source, (str, Path)):
        source.seek(0)
        return source.read()
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise ImportFailed(f"{source}: cannot be read ({error.strerror}).") from None


# Bundles ----------------------------------------------------------------------
