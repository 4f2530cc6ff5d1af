"""The story form's inlines: its slides, sortable, and its corrections."""

from django import forms
from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html

from gallery.admin import LabelledTabularInline
from newsroom.admin.common import TEXT_AREAS, LiveStoryLockInline, local_time, thumbnail_html
from newsroom.admin.forms import (
    KnownAutocompleteSelect,
    KnownModelChoiceField,
    RowsReadOnceFormSet,
    SlideFormSet,
    SlideInlineForm,
)
from newsroom.models import Article, Correction, Slide, has_come_out


class SlideInline(LiveStoryLockInline, admin.StackedInline):
    model = Slide
    formfield_overrides = TEXT_AREAS
    form = SlideInlineForm
    formset = SlideFormSet
    extra = 0
    fields = ["position", ("photo", "photo_preview"), "is_share_image", "narrative", "edit_quotes"]
    readonly_fields = ["photo_preview", "edit_quotes"]
    autocomplete_fields = ["photo"]
    ordering = ["position", "pk"]
    classes = ["newsroom-sortable"]

    def get_queryset(self, request):
        # Each slide shows its photo's thumbnail and its number of quotes.
        return (
            super()
            .get_queryset(request)
            .select_related("article", "photo__credit", "awaiting_credit")
            .prefetch_related("photo__renditions")
            .annotate(quote_total=models.Count("quotes"))
        )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "photo":
            # Photos the formset has read once for every row (SlideFormSet).
            kwargs["form_class"] = KnownModelChoiceField
            kwargs["widget"] = KnownAutocompleteSelect(db_field, self.admin_site)
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "photo":
            # The slide protects its photo, so the library would refuse to delete it.
            formfield.widget.can_delete_related = False
        return formfield

    @admin.display(description="photo and credit")
    def photo_preview(self, obj: Slide):
        if obj.photo_id is None:
            if obj.awaiting_credit_id:
                return format_html(
                    "No photo yet. When it comes, credit it: <strong>{}</strong>",
                    obj.awaiting_credit.line,
                )
            if obj.awaiting_credit_line:
                return format_html(
                    "No photo yet. The copy credits it <strong>{}</strong>, a credit not yet "
                    "in the library: ask the photo desk to add it.",
                    obj.awaiting_credit_line,
                )
            return "No photo yet."
        photo = obj.photo
        edit = reverse("admin:gallery_photo_change", args=[photo.pk])
        return format_html(
            '{} <span class="newsroom-credit">Photo Credit: {}</span> '
            '<a href="{}?_popup=1" class="related-widget-wrapper-link change-related" '
            'data-popup="yes" target="_blank">Edit photo, alt text or credit</a>',
            thumbnail_html(photo, 120),
            photo.credit
            or (
                f"none yet (the copy says {obj.awaiting_credit_line})"
                if obj.awaiting_credit_line
                else "none yet"
            ),
            edit,
        )

    @admin.display(description="quotes")
    def edit_quotes(self, obj: Slide):
        # Quotes belong to a slide and the admin has no nested inlines: each
        # slide's own change page carries them as an inline.
        if not obj.pk:
            return "Save the story first, then add quotes to this slide."
        url = reverse("admin:newsroom_slide_change", args=[obj.pk])
        count = getattr(obj, "quote_total", None)
        if count is None:  # A slide the form made, not one read by get_queryset.
            count = obj.quotes.count()
        return format_html('<a href="{}">{} quote(s): edit</a>', url, count)


class CorrectionFormSet(RowsReadOnceFormSet):
    """Notes readers have seen stay on the record: they can be reworded, not removed.

    A wrong note is put right by another one, as in print. Whether readers have
    seen it is judged from the story as saved, not as the form may change it: a
    story that has come out has shown its notes, or will again if it goes back up,
    so taking it down first does not make them deletable.
    """

    def add_fields(self, form, index):
        super().add_fields(form, index)
        deletion = form.fields.get(forms.formsets.DELETION_FIELD_NAME)
        if deletion is not None and form.instance.pk and self._story_came_out:
            deletion.disabled = True  # Posted values are ignored, not only the box greyed.
            deletion.widget.attrs["title"] = (
                "Readers have seen this note, so it stays. To put it right, add another one."
            )

    def clean(self):
        super().clean()
        came_out = self.instance.published_at  # As posted with the story.
        if not Correction.may_be_added_to(self.instance):
            for form in self.forms:
                new = form.instance.pk is None and getattr(form, "cleaned_data", None)
                if new and not self._should_delete_form(form):
                    form.add_error(None, Correction.STORY_NOT_OUT)
            return
        for form in self.forms:
            at = getattr(form, "cleaned_data", {}).get("published_at")
            new_date = not form.instance.pk or "published_at" in form.changed_data
            if at and new_date and at < came_out:
                # Readers would see a story corrected before it came out, and feeds an
                # entry updated before it appeared. Notes already there are left alone.
                form.add_error(
                    "published_at",
                    "A note cannot be older than the story, published "
                    f"{local_time(came_out)}: "
                    "date it when it was made.",
                )

    @cached_property
    def _story_came_out(self) -> bool:
        if self.instance.pk is None:
            return False
        saved = Article.objects.filter(pk=self.instance.pk).values_list("published_at", flat=True)
        return has_come_out(saved.first())


class CorrectionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk and "published_at" not in self.changed_data:
            # A new row's date is when the page was opened: a note written over twenty
            # minutes is dated when it is saved.
            cleaned["published_at"] = timezone.now()
        return cleaned


class CorrectionInline(LabelledTabularInline):
    model = Correction
    form = CorrectionForm
    formfield_overrides = TEXT_AREAS
    formset = CorrectionFormSet
    extra = 0
    fields = ["kind", "published_at", "text", "created_by"]
    readonly_fields = ["created_by"]
    verbose_name = "correction or update"
    verbose_name_plural = (
        "corrections and updates (shown to readers at the end of the story; once seen, they stay)"
    )
