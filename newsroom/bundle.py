"""Story bundles: a directory with ``story.json`` and the original photo files.

The schema is documented in ``docs/story-bundle.md``. Fields are read from the
models, so a field the desks add later travels without a change here; on the
way in, a field this site does not know is refused rather than dropped.
"""

import contextlib
import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from gallery.models import Credit, Photo
from newsroom.models import Article

FORMAT = "newsroom.story-bundle"
VERSION = 1
STORY_FILE = "story.json"
PHOTO_DIR = "photos"
MAX_JSON_BYTES = 20_000_000

Progress = Callable[[int, int, str], None]

# Columns that are derived, automatic or site-specific, and so never travel.
EXCLUDED = {
    # version: the site's own edit counter; preview_key: its own reviewer links;
    # atom_id: its own feed's.
    Article: {"created_by", "version", "preview_key", "atom_id"},
    Photo: {
        "original",
        "sha256",
        "fingerprint",
        "width",
        "height",
        "uploaded_by",
        "latitude",  # Read again from the original, like the fingerprint.
        "longitude",
        "address_key",  # This site's file addresses (gallery.services.photo_withdraw_files).
    },
    Credit: {"line"},
}


class BundleError(ValueError):
    """A bundle we cannot read; the message names the field or file at fault."""


def optional_model(label: str) -> type[models.Model] | None:
    """Models other desks add (redactions, annotations, corrections), when this site has them."""
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def related_models() -> dict[str, tuple[str, str]]:
    # bundle key -> (model label, name of the foreign key to the parent)
    return {
        "redactions": ("gallery.Redaction", "photo"),
        "annotations": ("gallery.Annotation", "photo"),
        "corrections": ("newsroom.Correction", "article"),
    }


def travelling_fields(model: type[models.Model]) -> list[models.Field]:
    """The concrete, non-relational, non-automatic fields that a bundle carries."""
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.is_relation or field.name in EXCLUDED.get(model, ()):
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        fields.append(field)
    return fields


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def dump_fields(instance: models.Model) -> dict[str, Any]:
    return {
        field.name: _json_value(field.value_from_object(instance))
        for field in travelling_fields(type(instance))
    }


def load_fields(
    model: type[models.Model], data: Any, where: str, special: set[str] = frozenset()
) -> dict[str, Any]:
    """Field values for ``model`` from a bundle object; BundleError names the bad field."""
    if not isinstance(data, dict):
        raise BundleError(f"{where} must be an object.")
    fields = {field.name: field for field in travelling_fields(model)}
    unknown = sorted(set(data) - set(fields) - special)
    if unknown:
        raise BundleError(
            f"{where}.{unknown[0]} is not a field this site stores for "
            f"{model._meta.verbose_name}; importing would lose it."
        )
    values = {}
    for name, field in fields.items():
        if name not in data:
            if not field.blank and not field.has_default():
                # No default to fall back on: the model would store an empty required value.
                raise BundleError(f"{where}.{name} is missing.")
            continue  # Bundles from before the field existed: the model's default applies.
        if isinstance(data[name], dict | list):
            raise BundleError(f"{where}.{name} must be a single value, not a list or an object.")
        try:
            value = field.to_python(data[name])
            if value is None and not field.null:
                raise ValidationError("This field cannot be null.")
            if value is not None:
                field.validate(value, None)
                field.run_validators(value)
        except ValidationError as error:
            raise BundleError(f"{where}.{name}: {' '.join(error.messages)}") from None
        except (TypeError, ValueError):
            raise BundleError(f"{where}.{name}: {data[name]!r} is not a valid value.") from None
        if isinstance(value, dt.datetime) and timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        values[name] = value
    return values


# Export ---------------------------------------------------------------------


def bundle_data(article: Article) -> tuple[dict[str, Any], list[tuple[Photo, str]]]:
    """The story.json document, and the (photo, bundle path) pairs whose originals go with it."""
    credit_ids: dict[int, str] = {}
    photo_ids: dict[int, str] = {}
    credits: list[dict] = []
    photos: list[dict] = []
    files: list[tuple[Photo, str]] = []
    slides = []

    def credit_id(credit) -> str:
        if credit.pk not in credit_ids:
            credit_ids[credit.pk] = f"credit-{len(credit_ids) + 1}"
            credits.append({"id": credit_ids[credit.pk], **dump_fields(credit)})
        return credit_ids[credit.pk]

    slides_query = article.slides.select_related("photo__credit", "awaiting_credit")
    for slide in slides_query.prefetch_related("quotes"):
        photo = slide.photo
        if photo is not None and photo.pk not in photo_ids:
            if photo.credit is not None:
                credit_id(photo.credit)
            photo_ids[photo.pk] = f"photo-{len(photo_ids) + 1}"
            extension = Path(photo.original.name).suffix.lower() or ".bin"
            path = f"{PHOTO_DIR}/{photo_ids[photo.pk]}-{photo.sha256[:16]}{extension}"
            files.append((photo, path))
            entry = {
                "id": photo_ids[photo.pk],
                "file": path,
                "sha256": photo.sha256,
                "width": photo.width,
                "height": photo.height,
                "credit": credit_ids.get(photo.credit_id) if photo.credit_id else None,
                **dump_fields(photo),
            }
            entry.update(_dump_related(photo, ("redactions", "annotations")))
            photos.append(entry)
        slides.append(
            {
                **dump_fields(slide),
                "photo": photo_ids[photo.pk] if photo is not None else None,
                "awaiting_credit": credit_id(slide.awaiting_credit)
                if slide.awaiting_credit
                else None,
                "quotes": [dump_fields(quote) for quote in slide.quotes.all()],
            }
        )
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "article": dump_fields(article),
        "credits": credits,
        "photos": photos,
        "slides": slides,
        **_dump_related(article, ("corrections",)),
    }
    return document, files


def _dump_related(parent: models.Model, keys: tuple[str, ...]) -> dict[str, list]:
    dumped = {}
    for key in keys:
        label, parent_field = related_models()[key]
        model = optional_model(label)
        if model is None:
            continue
        rows = model._default_manager.filter(**{parent_field: parent}).order_by("pk")
        dumped[key] = [dump_fields(row) for row in rows]
    return dumped


def bundle_export(*, article: Article, out_dir: Path, progress: Progress | None = None) -> Path:
    """Write the bundle into ``out_dir`` (new or empty). On failure nothing is left behind."""
    out_dir = Path(out_dir)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise BundleError(f"{out_dir} already exists and is not an empty directory.")
    # Folders made for it go too if it fails: "nothing left behind" includes them.
    made = [folder for folder in (out_dir.parent, *out_dir.parent.parents) if not folder.exists()]
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    try:
        return _export_into(out_dir, *bundle_data(article), progress)
    except BaseException:
        for folder in made:  # Deepest first; each is empty once the one below has gone.
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _export_into(out_dir: Path, document: dict, files: list, progress) -> Path:
    # Build beside the target, then rename: a half-written bundle never looks finished.
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        (work / PHOTO_DIR).mkdir()
        for step, (photo, path) in enumerate(files, start=1):
            if progress:
                progress(step, len(files), path)
            try:
                with photo.original.open("rb") as source, open(work / path, "wb") as target:
                    shutil.copyfileobj(source, target)
            except Exception as exc:  # OSError on disk, botocore's errors on S3.
                raise BundleError(
                    f"The original of photo {photo.pk} ({photo.original.name}) could not be "
                    f"copied: {type(exc).__name__}: {exc}".replace("\n", " ")
                ) from exc
        (work / STORY_FILE).write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        if out_dir.exists():
            out_dir.rmdir()
        os.replace(work, out_dir)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return out_dir


# Reading --------------------------------------------------------------------


@dataclass
class Bundle:
    directory: Path
    document: dict[str, Any]

    @property
    def headline(self) -> str:
        return self.document["article"].get("headline", "")

    def photo_path(self, entry: dict) -> Path:
        return self.directory / entry["file"]


def is_bundle(path: Path) -> bool:
    return Path(path).is_dir() and (Path(path) / STORY_FILE).is_file()


def bundle_read(directory: Path) -> Bundle:
    """Read and check a bundle: JSON, version, references and every photo's SHA-256."""
    directory = Path(directory)
    story = directory / STORY_FILE
    if not story.is_file():
        raise BundleError(f"{directory} has no {STORY_FILE}; it is not a story bundle.")
    if story.stat().st_size > MAX_JSON_BYTES:
        raise BundleError(f"{STORY_FILE} is over {MAX_JSON_BYTES / 1e6:.0f} MB.")
    raw = story.read_bytes()
    try:
        document = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise BundleError(
            f"{STORY_FILE} is not UTF-8: byte offset {error.start} is 0x{raw[error.start]:02x}."
        ) from None
    except json.JSONDecodeError as error:
        raise BundleError(
            f"{STORY_FILE} is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}."
        ) from None
    except RecursionError:
        raise BundleError(f"{STORY_FILE} is nested too deeply to be a story.") from None
    except ValueError as error:
        # Python refuses integers of over 4,300 digits rather than spend minutes on them.
        raise BundleError(f"{STORY_FILE} holds a number too long to read ({error}).") from None
    if not isinstance(document, dict):
        raise BundleError(f"{STORY_FILE} must contain a JSON object.")
    if document.get("format") != FORMAT:
        raise BundleError(
            f"{STORY_FILE}: format must be '{FORMAT}', not {document.get('format')!r}."
        )
    version = document.get("version")
    # Exactly the integer: JSON's true would otherwise pass as 1.
    if type(version) is not int or version != VERSION:
        raise BundleError(
            f"{STORY_FILE}: schema version {json.dumps(version)[:20]} is not supported; "
            f"this site reads version {VERSION}."
        )
    _check_structure(document)
    _check_photos(directory, document)
    return Bundle(directory, document)


TOP_LEVEL = {
    "format",
    "version",
    "exported_at",
    "article",
    "credits",
    "photos",
    "slides",
    "corrections",
}


def _check_structure(document: dict) -> None:
    unknown = sorted(set(document) - TOP_LEVEL)
    if unknown:
        raise BundleError(f"{unknown[0]} is not part of schema version {VERSION}.")
    if not isinstance(document.get("article"), dict):
        raise BundleError("article is missing or is not an object.")
    for key in ("credits", "photos", "slides"):
        if not isinstance(document.get(key), list):
            raise BundleError(f"{key} is missing or is not a list.")
    if not document["slides"]:
        raise BundleError("slides is empty: a story needs at least one slide.")
    credit_ids = _ids(document["credits"], "credits")
    photo_ids = _ids(document["photos"], "photos")
    for index, photo in enumerate(document["photos"]):
        _check_reference(photo.get("credit"), credit_ids, f"photos[{index}].credit")
    for index, slide in enumerate(document["slides"]):
        if not isinstance(slide, dict):
            raise BundleError(f"slides[{index}] must be an object.")
        if "photo" not in slide:
            raise BundleError(
                f"slides[{index}].photo is missing (null for a slide awaiting its photo)."
            )
        _check_reference(slide["photo"], photo_ids, f"slides[{index}].photo")
        _check_reference(
            slide.get("awaiting_credit"), credit_ids, f"slides[{index}].awaiting_credit"
        )
        if not isinstance(slide.get("quotes", []), list):
            raise BundleError(f"slides[{index}].quotes must be a list.")
    if sum(slide.get("is_share_image") is True for slide in document["slides"]) > 1:
        raise BundleError("More than one of slides[].is_share_image is true; one slide at most.")


def _check_reference(value: Any, ids: set[str], where: str) -> None:
    """Null, or the text id of an entry the bundle lists."""
    if value is None:
        return
    if not isinstance(value, str):
        raise BundleError(f"{where} must be a text id or null.")
    if value not in ids:
        raise BundleError(f"{where} refers to {value!r}, which is not listed.")


def _ids(entries: list, key: str) -> set[str]:
    ids = set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise BundleError(f"{key}[{index}] must be an object with a text id.")
        if entry["id"] in ids:
            raise BundleError(f"{key}[{index}].id {entry['id']!r} is used twice.")
        ids.add(entry["id"])
    return ids


def _check_photos(directory: Path, document: dict) -> None:
    root = directory.resolve()
    for index, photo in enumerate(document["photos"]):
        name = photo.get("file")
        if not isinstance(name, str) or not name:
            raise BundleError(f"photos[{index}].file is missing.")
        if "\x00" in name:
            raise BundleError(f"photos[{index}].file {name!r} is not a file name.")
        path = (directory / name).resolve()
        if not path.is_relative_to(root):
            raise BundleError(f"photos[{index}].file {name!r} points outside the bundle.")
        if not path.is_file():
            raise BundleError(f"photos[{index}].file: {name} is missing from the bundle.")
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda h=handle: h.read(1 << 20), b""):
                digest.update(chunk)
        if photo.get("sha256") != digest.hexdigest():
            raise BundleError(
                f"photos[{index}].file: {name} does not match its sha256; "
                "the file was changed or damaged."
            )
