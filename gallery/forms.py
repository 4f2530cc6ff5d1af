"""Forms of the photo desk: single and bulk upload, the photo's page, the list's actions."""

import datetime as dt
import hashlib
from itertools import pairwise

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.contrib.admin.widgets import AutocompleteSelect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from gallery.models import Credit, Photo
from gallery.services import NOT_THE_ORIGINAL, is_the_original
from gallery.usage import (
    LIFT_PERMISSION,
    PROTECTION_FLAGS,
    PROTECTION_LOCKED,
    is_shown_publicly,
    may_lift_protection,
)
from gallery.validation import ImageRejected, inspect_image, sanitise_filename, too_big_message


class PhotoAddForm(forms.ModelForm):
    """The single upload: a file plus the fields staff want to set right away."""

    upload = forms.FileField(
        label="Image file",
        help_text="JPEG, PNG, WebP or AVIF. The original stays private; readers get "
        "renditions. Caption, alt text, creator and date are read from the file when "
        "you leave them empty here.",
    )

    class Meta:
        model = Photo
        fields = ["title", "alt_text", "caption", "credit"]

    # Set by PhotoAdmin when storing the file failed after the form was valid.
    storage_failure: str | None = None
    # Set by PhotoAdmin in a window opened by a "+" beside a photo field: the query
    # that puts an existing photo in that field instead.
    choose_query: str | None = None
    # Set by PhotoAdmin: whether the one uploading may open library photos' pages.
    may_view_library: bool = True

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if self.storage_failure:
            raise forms.ValidationError(self.storage_failure)
        name = sanitise_filename(upload.name)
        if upload.size > settings.GALLERY_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"{name}: {too_big_message(upload.size)}")
        data = upload.read()
        try:
            inspect_image(data)
        except ImageRejected as exc:
            raise forms.ValidationError(f"{name}: {exc}") from exc
        existing = Photo.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
        if existing and not self.may_view_library:
            # No link that would only answer 403.
            raise forms.ValidationError(
                "This file is in the photo library already; ask the photo desk for it."
            )
        if existing:
            page = reverse("admin:gallery_photo_change", args=[existing.pk])
            if self.choose_query:
                # In a slide's popup: the photo's page opens beside it, not in its place.
                message = format_html(
                    'This file was already uploaded: <a href="{}" target="_blank">{}</a> (opens '
                    'in a new tab). <a href="{}?{}">Use that photo here</a>.',
                    page,
                    existing,
                    reverse("admin:gallery_photo_choose", args=[existing.pk]),
                    self.choose_query,
                )
            else:
                message = format_html(
                    'This file was already uploaded: <a href="{}">{}</a>.', page, existing
                )
            raise forms.ValidationError(message)
        self.upload_bytes, self.upload_name = data, upload.name
        return upload

    def photo_fields(self) -> dict:
        # Only what staff typed: photo_create() fills the empty ones from the file's metadata.
        return {
            name: self.cleaned_data[name]
            for name in self.fields
            if name != "upload" and self.cleaned_data.get(name) not in (None, "")
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A list of uploaded files; each one is judged on its own later, not here."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data]
        return [file for file in files if file]


class BulkUploadForm(forms.Form):
    files = MultipleFileField(
        # A hint for the file picker only; the server judges each file by its bytes.
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/avif"}),
        label="Image files",
        required=False,
        help_text="Choose or drop many files at once: JPEG, PNG, WebP or AVIF. Each file "
        "is checked on its own; a bad one is reported and does not stop the others.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise forms.ValidationError("Choose at least one image file.")
        limit = settings.GALLERY_MAX_FILES_PER_UPLOAD
        if len(files) > limit:
            raise forms.ValidationError(
                f"You sent {len(files)} files; send at most {limit} at a time. "
                "Nothing was uploaded."
            )
        return files


class EditLockForm(forms.ModelForm):
    """The edit lock of a page staff keep open: when the row was last saved, as the
    page saw it. A stale page would put back what was changed meanwhile."""

    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    # Set by the admin while an old version is restored: the row holds the old values
    # then, its save time included.
    changed_at_before: dt.datetime | None = None
    noun = "photo"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["opened_at"].initial = self._last_saved(lock=False)

    def _last_saved(self, *, lock: bool) -> str:
        if self.changed_at_before is not None:
            return self.changed_at_before.isoformat()
        rows = type(self.instance).objects.filter(pk=self.instance.pk)
        if lock:
            # Until this request's transaction ends: two saves cannot both pass.
            rows = rows.select_for_update()
        at = rows.values_list("updated_at", flat=True).first()
        return at.isoformat() if at else ""

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("opened_at") != self._last_saved(lock=True):
            raise forms.ValidationError(
                f"Someone saved this {self.noun} after you opened it (its history says who "
                "and what). Your changes were NOT saved, so that theirs are not undone; they "
                f"are still in the form below. Open the {self.noun} in a new tab to see it "
                "now, copy across what you need, then reload this page.",
                code="stale",
            )
        return cleaned


class PhotoChangeForm(EditLockForm):
    """The photo's own page. A photo readers can see keeps its protection unless an editor
    lifts it."""

    withdraw_files = forms.BooleanField(
        label="Withdraw public files (new addresses)",
        required=False,
        help_text="For a takedown: tick and save, and every link to this photo's current "
        "public files stops working for good, everywhere: share images already posted on "
        "social networks, links readers copied, copies at the CDN. Stories using the photo "
        "show a placeholder until its new files are built (usually within a minute), then "
        "show it again at new addresses. The private original is not touched.",
    )

    restore_original = forms.FileField(
        label="Restore the original",
        required=False,
        help_text="The original file has gone from the photo store, so no public file of "
        "this photo can be made (after a redaction, say). Upload the very file that was "
        "uploaded as this photo; any other file is refused.",
    )

    user = None  # Set by PhotoAdmin.get_form.
    # Also set there while an old version is restored: the row already holds the
    # old values then, so the form's initial ones cannot show what is lifted.
    protection_before: dict | None = None

    def clean_restore_original(self):
        upload = self.cleaned_data.get("restore_original")
        if not upload:
            return upload
        if upload.size > settings.GALLERY_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(too_big_message(upload.size))
        data = upload.read()
        if not is_the_original(self.instance, data):
            name = sanitise_filename(upload.name)
            raise forms.ValidationError(f"{name} is {NOT_THE_ORIGINAL}")
        self.restored_bytes = data
        return upload

    def clean_taken_at(self):
        taken_at = self.cleaned_data.get("taken_at")
        if taken_at and taken_at > timezone.now() + dt.timedelta(days=1):
            raise forms.ValidationError("That date has not come yet: check the year.")
        return taken_at

    def clean(self):
        # The edit lock first (EditLockForm): a stale page would put back a
        # withholding, a larger redaction, a warning changed meanwhile.
        cleaned = super().clean()
        before = self.protection_before or self.initial
        lifted = [
            name
            for name in PROTECTION_FLAGS
            if name in self.fields and before.get(name) and not cleaned.get(name)
        ]
        if lifted and self.user and not may_lift_protection(self.instance, self.user):
            for name in lifted:
                self.add_error(name, PROTECTION_LOCKED)
        self._keep_what_readers_need(cleaned, before)
        released = before.get("withheld_reason") and not cleaned.get("withheld_reason", "").strip()
        if released and self.user and not self.user.has_perm(LIFT_PERMISSION):
            self.add_error(
                "withheld_reason",
                "Only an editor can let a withheld photo reach readers again.",
            )
        return cleaned

    def _keep_what_readers_need(self, cleaned, before) -> None:
        # A save here reaches readers at once: the publish checklist's own demands.
        emptied = {
            "alt_text": "Readers can see this photo: it needs its alt text (screen readers "
            "read it in place of the picture).",
            "credit": "Readers can see this photo: it needs a credit.",
        }
        for name, message in emptied.items():
            was, now = before.get(name), cleaned.get(name)
            gone = not (now.strip() if isinstance(now, str) else now)
            if name in self.fields and was and gone and is_shown_publicly(self.instance):
                self.add_error(name, message)
        credit = cleaned.get("credit")
        swapped = credit is not None and credit.pk != before.get("credit")
        disputed = credit is not None and credit.verification == Credit.Verification.DISPUTED
        if swapped and disputed and is_shown_publicly(self.instance):
            self.add_error("credit", disputed_on_live(credit))


CONFIRM_WITHDRAWAL = "confirm_withdrawal"


def disputed_on_live(credit) -> str:
    # Stories that are out must not show a credit the desk doubts, as none may go out
    # with one (newsroom's publish checklist).
    return (
        f"Readers can see this photo: the credit “{credit}” is marked disputed, and a story "
        "that is out may not show one. Settle it on the credit's page first, or choose "
        "another."
    )


class NamedAutocomplete(AutocompleteSelect):
    """An empty autocomplete box says what it is for: screen readers read its words."""

    def __init__(self, *args, placeholder: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.placeholder = placeholder

    def build_attrs(self, base_attrs, extra_attrs=None):
        return super().build_attrs(base_attrs, extra_attrs) | {"data-placeholder": self.placeholder}


class CreditChoiceField(forms.ModelChoiceField):
    """Credits named as pickers name them (Credit.choice_label), as the autocomplete
    lists them, when a form opens with one chosen."""

    def label_from_instance(self, obj):
        return obj.choice_label()


class ChoiceIfStillThere(CreditChoiceField):
    """A credit deleted since the list was opened is no choice, not an invalid action
    bar: Django would answer every action with "No action selected."."""

    def clean(self, value):
        try:
            return super().clean(value)
        except forms.ValidationError:
            return None


class CreditForm(EditLockForm):
    """A credit's page: one credit serves many photos, and two desks may have it open."""

    noun = "credit"  # The admin gives the model and the fields.


class PhotoActionForm(ActionForm):
    """The photo list's action bar, with the credit to give and a box that confirms a
    withdrawal of public files."""

    credit = ChoiceIfStillThere(
        Credit.objects.all(),
        required=False,
        label="Credit to give",
        widget=NamedAutocomplete(
            Photo._meta.get_field("credit"), admin.site, placeholder="Choose a credit"
        ),
    )
    confirm_withdrawal = forms.BooleanField(
        label="Yes, old image links stop working", required=False
    )


class RedactionFormSet(forms.BaseInlineFormSet):
    """Redactions of a photo readers can see may move or grow; taking the last away, or
    making them hide less, is for an editor. Whatever they hide (a face, a document,
    a name tag) would go public at once."""

    user = None  # Set by RedactionInline.get_formset.

    def clean(self):
        super().clean()
        if not self.user:
            return
        before = [_box(form.initial) for form in self.forms[: self.initial_form_count()]]
        after = [
            _box(form.cleaned_data)
            for form in self.forms
            if form.has_changed() or form.instance.pk
            if not (self.can_delete and self._should_delete_form(form))
            if hasattr(form, "cleaned_data")
        ]
        if not covers(after, before) and not may_lift_protection(self.instance, self.user):
            raise forms.ValidationError(PROTECTION_LOCKED)


# A solid box hides everything; blurring and pixelating leave shapes and colours.
_STRENGTH = {"box": 2, "blur": 1, "pixelate": 1}

Box = tuple[int, int, int, int, int]  # left, top, right, bottom, strength


def _box(values: dict) -> Box:
    x, y = values.get("x") or 0, values.get("y") or 0
    right, bottom = x + (values.get("width") or 0), y + (values.get("height") or 0)
    return x, y, right, bottom, _STRENGTH.get(values.get("method"), 1)


def covers(after: list[Box], before: list[Box]) -> bool:
    """Whether every pixel hidden before is hidden after, at least as thoroughly: moving
    a box off a face hides as much area and uncovers the face."""
    for left, top, right, bottom, strength in before:
        strong = [b for b in after if b[4] >= strength]
        # Cut the old box along every edge of the new ones inside it: each piece is
        # then either wholly inside some new box or wholly outside them all.
        xs = sorted({left, right, *(v for b in strong for v in (b[0], b[2]) if left < v < right)})
        ys = sorted({top, bottom, *(v for b in strong for v in (b[1], b[3]) if top < v < bottom)})
        for x0, x1 in pairwise(xs):
            for y0, y1 in pairwise(ys):
                if not any(b[0] <= x0 and x1 <= b[2] and b[1] <= y0 and y1 <= b[3] for b in strong):
                    return False
    return True
