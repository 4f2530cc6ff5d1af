"""What one save of a story changed, field by field, from django-reversion's versions.

Each revision of a story holds the story with its slides and their quotes
and its corrections (reversion follows them), so a save is compared with
the save before it: changed fields with the words taken out and put in,
slides, quotes and corrections added or removed.
"""

import difflib
import re
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Version

from gallery.models import Credit, Photo
from newsroom.models import Article, Correction, Quote, Slide

# What editors wrote; clocks, authors and the lock counter are left out.
FIELDS = {
    Article: [
        "headline",
        "slug",
        "standfirst",
        "byline",
        "language",
        "status",
        "published_at",
        "significant_update_at",
        "closing_text",
        "protected_persons_override",
    ],
    Slide: [
        "position",
        "photo_id",
        "is_share_image",
        "awaiting_credit_id",
        "awaiting_credit_line",
        "narrative",
    ],
    Quote: ["position", "text", "language", "speaker", "speaker_role", "said_in", "said_on", "url"],
    Correction: ["kind", "published_at", "text"],
}


@dataclass
class Change:
    label: str
    before: str
    after: str
    # For text: the new text with what was taken out and put in marked.
    marked: SafeString | None = None


@dataclass
class Section:
    title: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""  # "added" or "removed" for a whole slide or quote


@dataclass
class Snapshot:
    article: dict
    slides: dict[int, dict]
    quotes: dict[int, dict]
    corrections: dict[int, dict] = field(default_factory=dict)


def snapshot(version: Version | None) -> Snapshot:
    """The story, its slides and their quotes as one revision saved them."""
    if version is None:
        return Snapshot({}, {}, {})
    slides, quotes, corrections = {}, {}, {}
    story = int(version.object_id)
    for other in version.revision.version_set.select_related("content_type"):
        model = other.content_type.model_class()
        if model is Slide and other.field_dict.get("article_id") == story:
            slides[int(other.object_id)] = other.field_dict
        elif model is Quote:
            quotes[int(other.object_id)] = other.field_dict
        elif model is Correction and other.field_dict.get("article_id") == story:
            corrections[int(other.object_id)] = other.field_dict
    # A revision may carry other stories' quotes; keep this story's.
    quotes = {pk: q for pk, q in quotes.items() if q.get("slide_id") in slides}
    return Snapshot(version.field_dict, slides, quotes, corrections)


def previous_version(version: Version) -> Version | None:
    return (
        Version.objects.get_for_object_reference(Article, version.object_id)
        .filter(pk__lt=version.pk)
        .order_by("-pk")
        .first()
    )


def story_changes(version: Version, against: Version | None = None) -> list[Section]:
    """What the save that made `version` changed, against the save before it, or
    what changed from the save `against` (an earlier one) to it."""
    before = snapshot(against if against is not None else previous_version(version))
    after = snapshot(version)
    names = _Names(before, after)
    sections = [Section("Story", _changes(Article, before.article, after.article, names))]
    positions = {pk: data.get("position") for pk, data in {**before.slides, **after.slides}.items()}
    for pk in sorted(positions, key=lambda pk: (positions[pk] or 0, pk)):
        old, new = before.slides.get(pk), after.slides.get(pk)
        title = f"Slide {(new or old).get('position')}"
        section = Section(title, _changes(Slide, old or {}, new or {}, names))
        section.note = "added" if old is None else "removed" if new is None else ""
        quotes = {q: d for q, d in {**before.quotes, **after.quotes}.items() if d["slide_id"] == pk}
        for number, quote_pk in enumerate(sorted(quotes), start=1):
            q_old, q_new = before.quotes.get(quote_pk), after.quotes.get(quote_pk)
            state = "added" if q_old is None else "removed" if q_new is None else ""
            for change in _changes(Quote, q_old or {}, q_new or {}, names):
                change.label = f"Quote {number}{f' ({state})' if state else ''}: {change.label}"
                section.changes.append(change)
        if section.changes or section.note:
            sections.append(section)
    corrections = Section("Corrections and updates")
    every = sorted({**before.corrections, **after.corrections})
    for number, pk in enumerate(every, start=1):
        old, new = before.corrections.get(pk), after.corrections.get(pk)
        state = "added" if old is None else "removed" if new is None else ""
        for change in _changes(Correction, old or {}, new or {}, names):
            change.label = f"Note {number}{f' ({state})' if state else ''}: {change.label}"
            corrections.changes.append(change)
    sections.append(corrections)
    return [s for s in sections if s.changes or s.note]


def _changes(model, old: dict, new: dict, names: "_Names") -> list[Change]:
    changes = []
    for name in FIELDS[model]:
        a, b = _one_kind_of_break(old.get(name)), _one_kind_of_break(new.get(name))
        if a == b or (not a and not b):
            continue
        model_field = model._meta.get_field(name.removesuffix("_id"))
        before, after = names.show(model_field, a), names.show(model_field, b)
        if before == after:
            # Times a few seconds apart read alike to the minute.
            before, after = (
                names.show(model_field, a, exact=True),
                names.show(model_field, b, exact=True),
            )
        marked = None
        words = isinstance(model_field, models.TextField | models.CharField)
        if words and a and b and not model_field.choices:  # Choices read as their labels.
            marked = marked_words(str(a), str(b))
        changes.append(Change(str(model_field.verbose_name).capitalize(), before, after, marked))
    return changes


def _one_kind_of_break(value):
    # Versions saved before forms read CRLF as LF (admin/common.py) hold CRLF.
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


_HIDDEN = '<span class="visually-hidden">{}</span>'
_DELETED = f"<del>{_HIDDEN.format('[taken out: ')}{{}}{_HIDDEN.format(']')}</del>"
_INSERTED = f"<ins>{_HIDDEN.format('[put in: ')}{{}}{_HIDDEN.format(']')}</ins>"


def marked_words(before: str, after: str) -> SafeString:
    """`after`, with the words taken out of `before` in <del> and those put in in <ins>."""
    old, new = re.split(r"(\s+)", before), re.split(r"(\s+)", after)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        # Screen readers do not announce <del> and <ins>; the hidden words do.
        if op in ("replace", "delete"):
            parts.append(format_html(_DELETED, "".join(old[i1:i2])))
        if op in ("replace", "insert"):
            parts.append(format_html(_INSERTED, "".join(new[j1:j2])))
        if op == "equal":
            parts.append(escape("".join(old[i1:i2])))
    return mark_safe("".join(parts))


class _Names:
    """Readable values: photo titles, credit lines, choice labels, dates."""

    def __init__(self, *snapshots: Snapshot):
        rows = [row for s in snapshots for row in (s.article, *s.slides.values())]
        photos = {row.get("photo_id") for row in rows} - {None}
        credits = {row.get("awaiting_credit_id") for row in rows} - {None}
        self.photos = {p.pk: str(p) for p in Photo.objects.filter(pk__in=photos)}
        self.credits = {c.pk: c.line for c in Credit.objects.filter(pk__in=credits)}

    def show(self, model_field, value, *, exact: bool = False) -> str:
        if value in (None, ""):
            return "—"
        if isinstance(model_field, models.BooleanField):
            return "Yes" if value else "No"
        if model_field.name == "photo":
            return self.photos.get(value, f"photo {value} (deleted)")
        if model_field.name == "awaiting_credit":
            return self.credits.get(value, f"credit {value} (deleted)")
        if model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if isinstance(model_field, models.DateTimeField):
            return date_format(timezone.localtime(value), "j F Y, H:i:s" if exact else "j F Y, H:i")
        if isinstance(model_field, models.DateField):
            return date_format(value, "j F Y")
        return str(value)
