"""Recreate a story from a bundle (newsroom/bundle.py, docs/story-bundle.md): all of
it, or nothing, in one transaction like a slideshow import (newsroom/imports.py)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError

from gallery.models import Credit, Photo, Redaction
from gallery.services import photo_set_redactions, photo_withdraw_files
from gallery.usage import PROTECTION_FLAGS
from newsroom import bundle as bundles
from newsroom.imports import (
    ImportFailed,
    ImportReport,
    Progress,
    all_or_nothing,
    publish_imported,
    slug_for,
    store_photo,
)
from newsroom.models import Article, Quote, Slide
from newsroom.versions import save_photo_versions, save_story_versions


def bundle_import(
    *,
    bundle: bundles.Bundle,
    slug: str | None = None,
    publish: bool = False,
    by=None,
    progress: Progress | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Recreate a bundled story. Without ``publish`` it arrives as a draft.

    A dry run imports it all, files and checks included, then undoes it: every value
    the real import would refuse is refused.
    """
    document = bundle.document
    try:
        with all_or_nothing() as stored:
            report = _bundle_write(document, bundle, stored, slug, publish, by, progress)
            if dry_run:
                raise _Undone(report)
            return report
    except _Undone as undone:
        return undone.report
    except bundles.BundleError as error:
        raise ImportFailed(str(error)) from None
    except IntegrityError as error:
        raise ImportFailed(f"The bundle conflicts with this site's data ({error}).") from None


class _Undone(Exception):
    """Rolls a dry run back; all_or_nothing deletes the files it stored."""

    def __init__(self, report: ImportReport):
        self.report = report


def _bundle_write(document, bundle, stored, slug, publish, by, progress) -> ImportReport:
    fields = bundles.load_fields(Article, document["article"], "article")
    fields["slug"] = slug_for(fields.get("headline", ""), slug or fields.get("slug"))
    # Arrives as a draft (publication time kept); --publish restores a public status below.
    status = fields.pop("status", Article.Status.DRAFT)
    article = Article.objects.create(created_by=by, **fields)
    report = ImportReport(article)
    _create_related(article, document, ("corrections",), "article")

    credits: dict[str, Credit] = {}
    for index, entry in enumerate(document["credits"]):
        values = bundles.load_fields(Credit, entry, f"credits[{index}]", special={"id"})
        credit = _matching_credit(values)
        if credit is None:
            credit = Credit.objects.create(**values)
            report.credits_created.append(credit)
        else:
            report.credits_reused.append(credit)
        credits[entry["id"]] = credit

    photos: dict[str, Photo] = {}
    special = {"id", "file", "sha256", "width", "height", "credit", *bundles.related_models()}
    for index, entry in enumerate(document["photos"]):
        where = f"photos[{index}]"
        values = bundles.load_fields(Photo, entry, where, special=special)
        filename = values.pop("original_filename", "") or Path(entry["file"]).name
        if progress:
            progress(index + 1, len(document["photos"]), filename)
        photo, created = store_photo(
            stored,
            report,
            bundle.photo_path(entry).read_bytes(),
            filename,
            # The file in the bundle, where whoever fixes it will look.
            where=f"{where}.file {entry['file']} ({filename})",
            by=by,
            credit=credits.get(entry.get("credit")),
            **values,
        )
        if created:
            # The bundle's values win over what photo_create prefilled from embedded metadata.
            for name, value in values.items():
                setattr(photo, name, value)
            try:
                # The photo form's own rules, or its next save would be refused for a
                # field nobody touched: a focal point needs both coordinates, inside.
                photo.clean()
            except ValidationError as error:
                raise bundles.BundleError(f"{where}: {' '.join(error.messages)}") from None
            photo.save()
            _create_related(photo, entry, ("redactions", "annotations"), "photo", where)
        else:
            _protect_reused(photo, entry, values, where, report)
        photos[entry["id"]] = photo

    for index, entry in enumerate(document["slides"]):
        where = f"slides[{index}]"
        values = bundles.load_fields(
            Slide, entry, where, special={"photo", "quotes", "awaiting_credit"}
        )
        slide = Slide.objects.create(
            article=article,
            photo=photos.get(entry["photo"]),
            awaiting_credit=credits.get(entry.get("awaiting_credit")),
            **values,
        )
        if slide.photo is None:
            report.slides_awaiting_photo.append(index + 1)
        for number, quote in enumerate(entry.get("quotes", [])):
            quote_values = bundles.load_fields(Quote, quote, f"{where}.quotes[{number}]")
            Quote.objects.create(slide=slide, **quote_values)
    if publish and status in Article.PUBLIC_STATUSES:
        publish_imported(article, status, article.published_at, by)
    elif publish:
        article.status = status
        article.save(update_fields=["status", "updated_at"])
    save_story_versions([article], by=by, comment="Imported from a story bundle.")
    save_photo_versions(report.photos_created, by=by, comment="Imported from a story bundle.")
    return report


def _protect_reused(photo: Photo, entry: dict, values: dict, where: str, report) -> None:
    """A photo this site has already keeps its own metadata, but not less protection.

    The bundle's story was published with these regions hidden and this photo
    behind its warning; showing it here with less would undo that. Flags only
    switch on; redactions the photo lacks are added, and its public files are
    remade without the hidden pixels.
    """
    added = []
    raised = [name for name in PROTECTION_FLAGS if values.get(name) and not getattr(photo, name)]
    if raised:
        for name in raised:
            setattr(photo, name, True)
        if "is_sensitive" in raised and not photo.sensitivity_warning:
            photo.sensitivity_warning = values.get("sensitivity_warning", "")
        photo.save(update_fields=[*raised, "sensitivity_warning", "updated_at"])
        added += [f"the flag '{Photo._meta.get_field(name).verbose_name}'" for name in raised]

    withheld = (values.get("withheld_reason") or "").strip()
    if withheld and not photo.withheld_reason:
        # Withheld where the bundle came from, for a source's safety: here too.
        photo.withheld_reason = withheld
        photo.save(update_fields=["withheld_reason", "updated_at"])
        photo_withdraw_files(photo=photo)
        added.append("withheld from readers")

    missing = _missing_redactions(photo, entry.get("redactions") or [], f"{where}.redactions")
    if missing:
        fields = (*REGION_FIELDS, "note")
        kept = [{k: getattr(r, k) for k in fields} for r in photo.redactions.all()]
        try:
            photo_set_redactions(photo=photo, regions=[*kept, *missing])
        except ValidationError as error:
            raise bundles.BundleError(f"{where}.redactions: {' '.join(error.messages)}") from None
        added.append(f"{len(missing)} redaction{'s' if len(missing) > 1 else ''}")
    if added:
        report.protection_added[photo] = added


REGION_FIELDS = ("x", "y", "width", "height", "method")


def _missing_redactions(photo: Photo, rows: list, path: str) -> list[dict]:
    """The bundle's redactions that the photo does not have yet, as field values."""
    if not isinstance(rows, list):
        raise bundles.BundleError(f"{path} must be a list.")
    have = {tuple(getattr(r, k) for k in REGION_FIELDS) for r in photo.redactions.all()}
    missing = []
    for number, row in enumerate(rows):
        region = {
            "method": Redaction._meta.get_field("method").default,
            **bundles.load_fields(Redaction, row, f"{path}[{number}]"),
        }
        if tuple(region.get(k) for k in REGION_FIELDS) not in have:
            missing.append(region)
    return missing


def _matching_credit(values: dict) -> Credit | None:
    """An existing credit equal in every field the bundle carries, so nothing is lost."""
    return Credit.objects.filter(**values).order_by("pk").first()


def _create_related(parent, entry: dict, keys, parent_field: str, where: str = "") -> None:
    for key in keys:
        rows = entry.get(key) or []
        if not rows:
            continue
        label, _ = bundles.related_models()[key]
        model = bundles.optional_model(label)
        path = f"{where}.{key}" if where else key
        if model is None:
            raise bundles.BundleError(
                f"{path}: this site cannot store {key}; importing would lose them."
            )
        if not isinstance(rows, list):
            raise bundles.BundleError(f"{path} must be a list.")
        for number, row in enumerate(rows):
            values = bundles.load_fields(model, row, f"{path}[{number}]")
            instance = model(**{parent_field: parent}, **values)
            try:
                # The model's own rules too: a redaction must lie inside its photo.
                instance.full_clean()
            except ValidationError as error:
                raise bundles.BundleError(f"{path}[{number}]: {' '.join(error.messages)}") from None
            instance.save()
