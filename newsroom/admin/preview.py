"""Preview changes: the story as its form has it, before anything is saved.

Wagtail's editors see a page before publishing what they typed; ours do too. The
story form's "Preview changes" button posts the whole form (slides and notes
included) to a new tab. The post is validated as a save would be, and rendered
with the readers' template from the form's own instances: nothing is written, no
version, audit line or cache change, so closing the tab undoes nothing.
"""

from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.forms.formsets import all_valid
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from gallery.models import Photo
from newsroom.models import Correction, Slide
from newsroom.preview import render_unsaved


def kept_instances(formset) -> list:
    """The rows a formset would leave: not deleted, not an extra form left blank."""
    deleted = set(map(id, formset.deleted_forms)) if formset.can_delete else set()
    return [
        form.instance
        for form in formset.forms
        if id(form) not in deleted and (form.instance.pk is not None or form.has_changed())
    ]


def form_errors(form, formsets) -> list[str]:
    """Every error of a posted story form, each said with where it is."""
    said = []
    for name, errors in form.errors.items():
        where = form.fields[name].label if name in form.fields else None
        said += [f"{where}: {error}" if where else error for error in errors]
    for formset in formsets:
        kind = formset.model._meta.verbose_name
        said += list(formset.non_form_errors())
        for number, errors in enumerate(formset.errors, start=1):
            for name, messages in errors.items():
                field = formset.forms[number - 1].fields.get(name)
                where = f"{kind.capitalize()} {number}" + (f", {field.label}" if field else "")
                said += [f"{where}: {message}" for message in messages]
    return said


class PreviewChanges:
    """For the story admin: `preview_changes_view` and its two addresses."""

    def get_urls(self):
        view = self.admin_site.admin_view(self.preview_changes_view)
        return [
            path("preview-changes/", view, name="newsroom_article_preview_add"),
            path(
                "<int:object_id>/preview-changes/",
                view,
                name="newsroom_article_preview_changes",
            ),
            *super().get_urls(),
        ]

    def preview_changes_view(self, request, object_id: int | None = None):
        add = object_id is None
        if request.method != "POST":
            # Reached by typing the address, or reloading a tab whose post was dropped.
            if add:
                return redirect("admin:newsroom_article_add")
            return redirect("preview:story", pk=object_id)
        article = None if add else self.get_object(request, object_id)
        if not add and article is None:
            raise Http404
        if not (
            self.has_add_permission(request)
            if add
            else self.has_change_permission(request, article)
        ):
            raise PermissionDenied
        fields = flatten_fieldsets(self.get_fieldsets(request, article))
        form_class = self.get_form(request, article, change=not add, fields=fields)
        form = form_class(request.POST, request.FILES, instance=article)
        form_valid = form.is_valid()
        article = form.instance  # Now with what was typed; never saved.
        formsets, _ = self._create_formsets(request, article, change=not add)
        if not (all_valid(formsets) and form_valid):
            context = {
                **self.admin_site.each_context(request),
                "title": "Preview changes",
                "errors": form_errors(form, formsets),
                "form_url": (
                    reverse("admin:newsroom_article_add")
                    if add
                    else reverse("admin:newsroom_article_change", args=[object_id])
                ),
                "opts": self.opts,
            }
            return TemplateResponse(request, "admin/newsroom/article/preview_refused.html", context)
        parts = {formset.model: kept_instances(formset) for formset in formsets}
        slides = sorted(parts.get(Slide, []), key=lambda slide: slide.position)
        photos = Photo.objects.select_related("credit").in_bulk(
            {slide.photo_id for slide in slides if slide.photo_id}
        )
        for slide in slides:
            slide.article = article
            slide.photo = photos.get(slide.photo_id)
        if Correction in parts:
            corrections = sorted(parts[Correction], key=lambda note: note.published_at)
        else:  # Not in the form for this editor: the saved ones.
            corrections = list(article.corrections.all()) if article.pk else []
        return render_unsaved(request, article, slides=slides, corrections=corrections)
