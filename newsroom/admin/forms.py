"""Admin forms for stories and slides, with the optimistic edit lock."""

from collections.abc import Mapping

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Min
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join

from gallery.admin.checked import CheckedAutocompleteSelect, is_an_id
from gallery.models import Photo
from newsroom.admin.common import (
    LIVE_STORY_REFUSED,
    current_state,
    local_time,
    stale_message,
)
from newsroom.models import (
    Article,
    Correction,
    FormerSlug,
    Quote,
    Slide,
    has_come_out,
    is_to_come,
)


def _refuse_locked_story(form, *stories) -> None:
    """The post a locked story's form lets through (common.LiveStoryLock) is refused here."""
    user = getattr(form, "user", None)
    if user is None:
        return
    if any(story is not None and not story.may_be_changed_by(user) for story in stories):
        form.add_error(None, LIVE_STORY_REFUSED)


def _refuse_new_problems(form) -> None:
    """A save admin/live.py found would add a checklist problem to a story readers see."""
    if form.refused_problems:
        form.add_error(
            None,
            format_html(
                "Not saved: this story is scheduled or published, so the change would "
                "reach readers at once, and it fails the publish checklist:<ul>{}</ul>"
                "What you typed is still below. Fix these first; for photos of protected "
                "people, an editor may record an override on the story instead.",
                format_html_join("", "<li>{}</li>", ((p.message,) for p in form.refused_problems)),
            ),
        )


# Lifecycle buttons that may move a published story's time into the future, saying so.
_STEPS_THAT_MAY_DEFER = ("schedule", "unpublish", "archive")


def _refuse_silent_takedown(form, cleaned) -> None:
    """A story that is out (published, or scheduled and gone live) given a time to come
    would vanish until then, while the admin still says "Published": a typo in a year
    is enough. Re-scheduling is a step."""
    at = cleaned.get("published_at")
    if (
        form.instance.is_public  # As saved: the form's values reach it after clean().
        and at is not None
        and at > timezone.now()
        and form.data.get("_lifecycle") not in _STEPS_THAT_MAY_DEFER
    ):
        form.add_error(
            "published_at",
            "This story is published: a time still to come would take it off the site "
            "until then. Keep a time that has passed, or, to take it off until then, use "
            "“Save and schedule for the publication time”.",
        )


class ArticleForm(forms.ModelForm):
    # Not named `version`: the model field is not editable, so a form field of
    # that name would clash with it.
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "standfirst",
            "byline",
            "language",
            "published_at",
            "significant_update_at",
            "protected_persons_override",
            "closing_text",
        ]

    # Set by ArticleAdmin while a revision is restored: reversion writes the old
    # row back before the form runs, so the lock must compare with the version
    # the row had before that.
    version_before_revert: int | None = None
    changed_before_revert: dict | None = None  # Who saved it last, and when, likewise.
    refused_problems = None  # Set by admin/live.py.
    recovering = False  # Set by ArticleAdmin on a deleted story's recover form.
    previewing = False  # Set by "Preview changes" (admin/preview.py): nothing is saved.

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance, for the same reason.
            self.fields["lock_version"].initial = self.version_before_revert or (
                Article.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )

    def _refuse_dates_before_publication(self, cleaned) -> None:
        """Readers would see a story corrected or updated before it came out (and feeds
        an entry updated before it appeared). Judged when an editor sets one of these
        dates: a note appended to a scheduled story dates it before its time, and later
        saves must not stumble on that."""
        came_out, updated = cleaned.get("published_at"), cleaned.get("significant_update_at")
        if updated and "significant_update_at" in self.changed_data and not has_come_out(came_out):
            # Publishing dates it now: readers would see it updated before it came out.
            self.add_error(
                "significant_update_at",
                "This story has not come out yet, so it has no update: leave this empty.",
            )
            return
        if not came_out:
            if self.instance.pk and "published_at" in self.changed_data:
                notes = Correction.objects.filter(article=self.instance.pk)
                if notes.exists():
                    # Undated, its notes could be deleted, then the story put back up
                    # without them (CorrectionFormSet keeps them on a story that came out).
                    self.add_error(
                        "published_at",
                        "This story has notes readers have seen: it keeps a publication time.",
                    )
            return
        if updated and updated < came_out and "significant_update_at" in self.changed_data:
            self.add_error(
                "significant_update_at",
                "A story cannot be updated before it was published: date the update when "
                "it was made.",
            )
        elif self.instance.pk and "published_at" in self.changed_data:
            notes = Correction.objects.filter(article=self.instance.pk)
            first = notes.aggregate(first=Min("published_at"))["first"]
            for earlier, what in ((first, "a note"), (updated, "an Updated time")):
                if earlier and earlier < came_out:
                    self.add_error(
                        "published_at",
                        f"This story has {what} dated {local_time(earlier)}: it cannot come "
                        "out after that. Keep a time before it.",
                    )
                    return

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        # Reversion writes a recovered story's row back before the form runs, so the
        # model takes its address as one it keeps; while it was gone, another story
        # may have been renamed away from that address, whose links lead there now.
        if self.recovering and (former := FormerSlug.of_another_story(slug, self.instance.pk)):
            raise ValidationError(f"{former.refusal()} Choose another.")
        return slug

    def clean_significant_update_at(self):
        at = self.cleaned_data.get("significant_update_at")
        if is_to_come(at):
            # Readers would read "Updated 1 January 2027" today.
            raise forms.ValidationError("An update is dated when it is made: now or earlier.")
        return at

    def clean(self):
        cleaned = super().clean()
        _refuse_new_problems(self)
        _refuse_silent_takedown(self, cleaned)
        self._refuse_dates_before_publication(cleaned)
        if self.instance.pk:
            _refuse_locked_story(self, self.instance)
            current = current_state(self.instance.pk)
            if current and self.version_before_revert:
                current["version"] = self.version_before_revert
                current.update(self.changed_before_revert or {})
            if current and cleaned.get("lock_version") != current["version"]:
                raise forms.ValidationError(
                    stale_message(
                        current=current,
                        model_name="story",
                        reader=getattr(self, "user", None),
                        previewing=self.previewing,
                    ),
                    code="stale",
                )
        return cleaned


class StoryPartForm(forms.ModelForm):
    """A slide's or quote's own page: its story's edit lock holds here too (a save
    of either moves the story's version on, admin/slides.py)."""

    article_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    part_name = ""

    def story_before(self) -> Article | None:
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["article_version"].initial = self.story_before().version

    def refuse_if_stale(self, cleaned) -> None:
        if self.instance.pk:
            current = current_state(self.story_before().pk)
            if current and cleaned.get("article_version") != current["version"]:
                raise forms.ValidationError(
                    stale_message(
                        current=current,
                        model_name=f"story or {self.part_name}",
                        reader=getattr(self, "user", None),
                    ),
                    code="stale",
                )


class SlideForm(StoryPartForm):
    refused_problems = None  # Set by admin/live.py.
    part_name = "slide"

    class Meta:
        model = Slide
        fields = ["article", "position", "photo", "narrative"]

    def story_before(self) -> Article | None:
        return self.instance.article if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        _refuse_new_problems(self)
        # Where it goes, and where it comes from: leaving a live story changes it too.
        _refuse_locked_story(self, cleaned.get("article"), self.story_before())
        self.refuse_if_stale(cleaned)
        return cleaned

    def save(self, commit=True):
        if "article" in self.changed_data:
            # The tick chose among the slides of the story it leaves.
            self.instance.is_share_image = False
        return super().save(commit)


class QuoteForm(StoryPartForm):
    part_name = "quote"

    class Meta:
        model = Quote
        fields = [
            "slide",
            "position",
            "text",
            "language",
            "speaker",
            "speaker_role",
            "said_in",
            "said_on",
            "url",
        ]

    def story_before(self) -> Article | None:
        return self.instance.slide.article if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        slide = cleaned.get("slide")
        _refuse_locked_story(self, slide.article if slide else None, self.story_before())
        self.refuse_if_stale(cleaned)
        return cleaned


class KnownModelChoiceField(forms.ModelChoiceField):
    """Takes the chosen object from `known` when it is there, else from the database.

    A formset fills `known` once for all its rows (SlideFormSet), keyed by the
    value posted; only objects of the field's own queryset belong in it.
    """

    def __init__(self, *args, known: Mapping[str, models.Model] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = known or {}

    def to_python(self, value):
        found = self.known.get(str(value)) if value not in self.empty_values else None
        if found is not None:
            return found
        if value not in self.empty_values and not is_an_id(self.queryset.model, value):
            # Typed by hand: the database would refuse the lookup (a 500), not the field.
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class KnownAutocompleteSelect(CheckedAutocompleteSelect):
    """Names the chosen object from its field's `known`; Django's widget asks per row."""

    def optgroups(self, name, value, attr=None):
        field = self.choices.field
        # A refused value typed by hand is not looked up: Django's widget would fail on it.
        value = [v for v in value if v in field.empty_values or is_an_id(field.queryset.model, v)]
        known = getattr(field, "known", {})
        chosen = [known.get(v) for v in value if v not in field.empty_values]
        if None in chosen:
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for obj in chosen:
            label = field.label_from_instance(obj)
            options.append(
                self.create_option(name, field.prepare_value(obj), label, True, len(options))
            )
        return [(None, options, 0)]


class SlideInlineForm(forms.ModelForm):
    def _get_validation_exclusions(self):
        # The photo field has just read the chosen photo from its queryset, which
        # applies the same limits as the model's check: that would read it again,
        # once per slide. (No constraint of Slide's involves the photo.)
        return super()._get_validation_exclusions() | {"photo"}


class RowsReadOnceFormSet(forms.BaseInlineFormSet):
    """Each of Django's inline forms looks up its own row when posted, a query a row;
    here they come from the formset's one read of them all."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self.model._meta.pk.name
        if form.is_bound and isinstance(pk := form.fields.get(name), forms.ModelChoiceField):
            form.fields[name] = KnownModelChoiceField(
                pk.queryset,
                known=self._rows,
                initial=pk.initial,
                required=pk.required,
                widget=pk.widget,
            )

    @cached_property
    def _rows(self) -> dict[str, models.Model]:
        return {str(row.pk): row for row in self.get_queryset()}


class SlideFormSet(RowsReadOnceFormSet):
    """A story's slides in a number of queries that does not grow with them.

    Besides its row, each of Django's inline forms looks up its chosen photo when
    posted, and names the photo with one more query when shown; here those come
    from reads made once for the whole formset.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if isinstance(photo := form.fields.get("photo"), KnownModelChoiceField):
            if not hasattr(self, "_photos"):  # Once, with the first row's field.
                self._photos = self._read_photos(photo.queryset)
            photo.known = self._photos

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]
        chosen = [form for form in kept if form.cleaned_data.get("is_share_image")]
        if len(chosen) > 1:
            # Numbered as the story will show them, whatever order the forms came in.
            in_order = sorted(kept, key=lambda form: form.cleaned_data.get("position") or 0)
            numbers = sorted(in_order.index(form) + 1 for form in chosen)
            raise ValidationError(
                "Tick “share image” on one slide only: slides "
                f"{', '.join(map(str, numbers))} are ticked."
            )
        for form in chosen:
            photo = form.cleaned_data.get("photo")
            if {"is_share_image", "photo"} & set(form.changed_data) and (
                photo is None or photo.is_sensitive or photo.withheld_reason
            ):
                # Left as it is, a photo marked sensitive later only falls back quietly.
                form.add_error(
                    "is_share_image",
                    "Share cards never show a photo marked sensitive or withheld, or a "
                    "slide without one: choose another slide, or untick it.",
                )

    def _read_photos(self, queryset) -> dict[str, Photo]:
        if not self.is_bound:  # Shown: the rows were read with their photos.
            return {str(s.photo_id): s.photo for s in self.get_queryset() if s.photo_id}
        posted = (
            self.data.get(f"{self.add_prefix(i)}-photo") for i in range(self.total_form_count())
        )
        # What could be no id the field refuses, on its row.
        pks = {Photo._meta.pk.to_python(v) for v in posted if v and is_an_id(Photo, v)}
        return {str(photo.pk): photo for photo in queryset.filter(pk__in=pks)}
