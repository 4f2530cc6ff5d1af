from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import pluralize

from gallery.management.progress import ProgressBar
from newsroom.bundle import Bundle, BundleError, bundle_read, is_bundle
from newsroom.bundle_import import bundle_import
from newsroom.importer import MAX_BYTES, ParsedStory, ParseError, parse_story_bytes
from newsroom.imports import (
    ImportFailed,
    ImportReport,
    count,
    images_in,
    slug_for,
    story_import,
)


class Command(BaseCommand):
    help = (
        "Import a plain-text slideshow (see the story brief) or a story bundle directory "
        "made by exportstory. Stories arrive as drafts unless --publish is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A .txt slideshow or a bundle directory.")
        parser.add_argument(
            "--images",
            type=Path,
            metavar="DIR",
            help="Photos for the slides (text imports only), matched by the last number in "
            "each file name: slide-1.jpg goes on slide 1. Every file must be a JPEG, PNG, "
            "WebP or AVIF photo for one slide, or nothing is imported.",
        )
        parser.add_argument("--slug", help="Use this slug instead of one made from the headline.")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish now (text); keep the bundle's status and date (bundle).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print what would be imported; change nothing."
        )

    def handle(self, *args, path: Path, images, slug, publish, dry_run, **options):
        try:
            if is_bundle(path):
                if images:
                    raise CommandError("--images is for text imports; a bundle has its photos.")
                self._bundle(bundle_read(path), slug, publish, dry_run)
            else:
                story = parse_story_bytes(_read_text_file(path))
                image_files = images_in(images, len(story.slides)) if images else {}
                self._story(story, image_files, slug, publish, dry_run)
        except (ParseError, BundleError, ImportFailed) as error:
            raise CommandError(f"{path}: {error} Nothing was imported.") from None

    def _story(self, story: ParsedStory, image_files, slug, publish, dry_run) -> None:
        if dry_run:
            self._describe(story, image_files)
            slug_for(story.headline, slug)  # A dry run also says when the slug is taken.
            self.stdout.write("Dry run: nothing was changed.")
            return
        report = story_import(
            story=story,
            images=image_files,
            slug=slug,
            publish=publish,
            progress=ProgressBar(self.stdout, "Uploading photos"),
        )
        self._done(report)

    def _bundle(self, bundle: Bundle, slug, publish, dry_run) -> None:
        document = bundle.document
        if dry_run:
            self.stdout.write(f"Bundle: {bundle.headline}")
            quotes = sum(len(s.get("quotes", [])) for s in document["slides"])
            self.stdout.write(
                f"  {count(len(document['slides']), 'slide')}, "
                f"{count(len(document['photos']), 'photo')}, "
                f"{count(len(document['credits']), 'credit')}, {count(quotes, 'quote')}"
            )
            # Every value checked and every photo read, as the import would, then undone.
            report = bundle_import(bundle=bundle, slug=slug, publish=publish, dry_run=True)
            self._done(report, slides=len(document["slides"]), dry_run=True)
            self.stdout.write("Dry run: nothing was changed.")
            return
        report = bundle_import(
            bundle=bundle,
            slug=slug,
            publish=publish,
            progress=ProgressBar(self.stdout, "Photos"),
        )
        self._done(report)

    def _describe(self, story: ParsedStory, image_files) -> None:
        write = self.stdout.write
        write(f"Headline: {story.headline}")
        write(f"Standfirst: {story.standfirst}")
        for number, slide in enumerate(story.slides, start=1):
            image = image_files[number].name if number in image_files else "none yet"
            write(f"Slide {number}: {len(slide.paragraphs)} paragraph(s); photo: {image}")
            for paragraph in slide.paragraphs:
                write(f"    {paragraph.text[:100]}")
            credit = slide.credit
            parts = ", ".join(
                f"{name} {value}"
                for name, value in (
                    ("platform", credit.platform),
                    ("account", credit.account),
                    ("creator", credit.creator),
                )
                if value
            )
            shown = f"{credit.kind}: {parts}" if credit.parts_known else ""
            if not credit.recognised:
                shown = f"{shown}; kept as written" if shown else "kept as written"
            write(f"  Credit: {credit.line} ({shown})")
            for quote in slide.quotes:
                who = quote.speaker or "speaker left blank"
                medium = f", {quote.said_in}" if quote.said_in else ""
                write(f"  Quote ({who}{medium}): {quote.text}")
        write(f"Closing: {len(story.closing)} paragraph(s)")
        write(
            f"Totals: {count(len(story.slides), 'slide')}, "
            f"{count(len(story.credits()), 'distinct credit')}, "
            f"{count(len(story.quotes()), 'quote')}, {count(len(image_files), 'image')}"
        )

    def _done(self, report: ImportReport, slides: int | None = None, dry_run=False) -> None:
        """What was imported; with ``dry_run``, what would be (its rows are undone)."""
        article = report.article
        credits = len(report.credits_created) + len(report.credits_reused)
        photos = len(report.photos_created) + len(report.photos_reused)
        slides = article.slides.count() if slides is None else slides
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Would import' if dry_run else 'Imported'} '{article.headline}' as "
                f"{article.get_status_display().lower()} "
                f"(slug {article.slug}): {count(slides, 'slide')}, "
                f"{len(report.credits_created)} new and {len(report.credits_reused)} reused "
                f"credit{pluralize(credits)}, {len(report.photos_created)} new and "
                f"{len(report.photos_reused)} reused photo{pluralize(photos)}."
            )
        )
        for warning in report.credit_warnings():
            self.stdout.write(self.style.WARNING(warning))
        for photo, added in report.protection_added.items():
            gains = "would gain" if dry_run else "gained"
            self.stdout.write(
                f"Photo {photo.pk} was already in the library; from the bundle it {gains}: "
                f"{', '.join(added)}."
            )
        if report.slides_awaiting_photo:
            numbers = ", ".join(map(str, report.slides_awaiting_photo))
            waiting = len(report.slides_awaiting_photo)
            self.stdout.write(f"Slide{pluralize(waiting)} awaiting a photo: {numbers}.")
            for number, line in report.awaiting_credit_lines.items():
                self.stdout.write(f"  slide {number}: credit the photo to '{line}'")


def _read_text_file(path: Path) -> bytes:
    if not path.exists():
        raise ParseError("no such file or directory.")
    if path.is_dir():
        raise ParseError("this directory has no story.json, so it is not a story bundle.")
    size = path.stat().st_size
    if size > MAX_BYTES:
        # Refuse before reading: a wrong multi-gigabyte file should not fill memory.
        raise ParseError(
            f"The file is {size / 1e6:.1f} MB; a slideshow text is at most "
            f"{MAX_BYTES / 1e6:.0f} MB. Is this the right file?"
        )
    try:
        # Read no further than the limit: a device or a pipe has no size to judge first.
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ParseError(f"cannot be read ({error.strerror}).") from None
    if len(data) > MAX_BYTES:
        raise ParseError(
            f"The file is over {MAX_BYTES / 1e6:.0f} MB, the most a slideshow text can be. "
            "Is this the right file?"
        )
    return data
