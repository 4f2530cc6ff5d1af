"""The tables on a photo's page: regions hidden in public files, notes readers see."""

from django.contrib import admin
from django.utils.text import capfirst

from gallery.forms import RedactionFormSet
from gallery.models import Annotation, Redaction


class LabelledTabularInline(admin.TabularInline):
    """Django's inline tables name their fields in the column headings only; each
    input also carries its field's name, for screen readers (axe's "label" rule)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", capfirst(db_field.verbose_name))
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (_LabelledDeletion, formset), {})


class _LabelledDeletion:
    """The "Delete?" box of each row, named for screen readers too."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        deletion = form.fields.get("DELETE")
        if deletion is not None:
            deletion.widget.attrs.setdefault("aria-label", "Delete this row")


class RedactionInline(LabelledTabularInline):
    model = Redaction
    extra = 0
    fields = ["x", "y", "width", "height", "method", "note"]
    verbose_name_plural = "redactions (regions hidden in every public file)"
    formset = RedactionFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        if obj is not None:
            # Typed coordinates are the keyboard alternative to drawing on the picture.
            formset.form.base_fields[
                "x"
            ].help_text = f"Pixels from the left edge of the upright photo ({obj.width} wide)."
            formset.form.base_fields[
                "y"
            ].help_text = f"Pixels from the top edge ({obj.height} high)."
        return formset


class AnnotationInline(LabelledTabularInline):
    model = Annotation
    extra = 0
    fields = ["position", "note", "x", "y", "width", "height"]
    verbose_name_plural = "annotations (numbered notes readers see on the photo)"
