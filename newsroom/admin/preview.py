"""Preview changes: the story as its form has it, before anything is saved.

Wagtail's editors see a page before publishing what they typed; ours do too. The
story form's "Preview changes" button posts the whole form (slides and notes
included) to a new tab. The post is validated as a save would be, the publish
checklist of a story readers see included, and rendered with the readers'
template from the form's own instances: nothing is written, no version, audit line
or cache change, so closing the tab undoes nothing.
"""

from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.forms.formsets import all_valid
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from gallery.models import Photo
from newsroom.checklist import findings, problems_added
from newsroom.models import Article, Correction, Slide
from newsroom.preview import render_unsaved

LIVE_PROBLEMS = (
    "This story is scheduled or published, so a save reaches readers at once, and these "
    "changes fail the publish checklist: a save would be refused.{}Fix these first; for "
    "photos of protected people, an editor may record an override on the story instead."
)


def kept_forms(formset) -> list:
    """The forms whose rows a save would leave: not deleted, not an extra form left
    blank, not a row the story does not have (Django's save skips those)."""
    deleted = set(map(id, formset.deleted_forms)) if formset.can_delete else set()
    initial = formset.initial_form_count()
    return [
        form
        for index, form in enumerate(formset.forms)
        if id(form) not in deleted
        and (form.instance.pk is not None or (index >= initial and form.has_changed()))
    ]


def _posted_position(form) -> float:
    try:
        return int(form.data.get(form.add_prefix("position"), ""))
    except ValueError:
        return float("inf")


def form_errors(form, formsets) -> list[str]:
    """Every error of a posted story form, each said with where it is: slides by the
    number the story will show them under."""
    said = []
    for name, errors in form.errors.items():
        where = form.fields[name].label if name in form.fields else None
        said += [f"{where}: {error}" if where else error for error in errors]
    for formset in formsets:
        kind = formset.model._meta.verbose_name.capitalize()
        said += list(formset.non_form_errors())
        forms = list(enumerate(formset.forms))
        if formset.model is Slide:
            forms.sort(key=lambda pair: (_posted_position(pair[1]), pair[0]))
        for number, (_, part) in enumerate(forms, start=1):
            for name, messages in part.errors.items():
                label = getattr(part.fields.get(name), "label", None)
                where = f"{kind} {number}" + (f", {label}" if label else "")
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
        if request.method != "POST":
            # Typed, or reloaded after the slideshow moved the address on: the post,
            # and so the edits, are not here.
            return self._preview_page(request, object_id, status=405)
        # The edit lock reads the story's row for update, as a save does; and whatever
        # a check might write is undone.
        with transaction.atomic():
            response = self._preview(request, object_id)
            transaction.set_rollback(True)
        return response

    def _preview(self, request, object_id):
        add = object_id is None
        article = None if add else self.get_object(request, object_id)
        if not add and article is None:
            raise Http404
        if not (
            self.has_add_permission(request)
            if add
            else self.has_change_permission(request, article)
        ):
            raise PermissionDenied
        live = not add and article.status in Article.PUBLIC_STATUSES
        before = findings(article) if live else None  # As saved, before the form changes it.
        fields = flatten_fieldsets(self.get_fieldsets(request, article))
        form_class = self.get_form(request, article, change=not add, fields=fields)
        form_class = type(form_class.__name__, (form_class,), {"previewing": True})
        form = form_class(request.POST, request.FILES, instance=article)
        form_valid = form.is_valid()
        article = form.instance  # Now with what was typed; never saved.
        formsets, _ = self._create_formsets(request, article, change=not add)
        if not (all_valid(formsets) and form_valid):
            return self._preview_page(request, object_id, errors=form_errors(form, formsets))
        parts = {formset.model: formset for formset in formsets}
        slides = self._slides(article, parts.get(Slide))
        if live:
            # What the checklist reads besides the slides the page shows anyway.
            models.prefetch_related_objects([s for s in slides if s.pk], "quotes")
            models.prefetch_related_objects([s.photo for s in slides if s.photo], "redactions")
            new, _ = problems_added(article, before, slides)
            if new:
                listed = format_html_join("", "<li>{}</li>", ((p.message,) for p in new))
                return self._preview_page(
                    request,
                    object_id,
                    errors=[format_html(LIVE_PROBLEMS, format_html("<ul>{}</ul>", listed))],
                )
        corrections = self._corrections(article, parts.get(Correction))
        return render_unsaved(request, article, slides=slides, corrections=corrections)

    @staticmethod
    def _slides(article: Article, formset) -> list[Slide]:
        if formset is None:
            return []
        slides = [form.instance for form in kept_forms(formset)]
        # As a save numbers them (SlideQuerySet.renumber): by position, then age.
        slides.sort(key=lambda s: (s.position, s.pk is None, s.pk or 0))
        photos = Photo.objects.select_related("credit").in_bulk(
            {slide.photo_id for slide in slides if slide.photo_id}
        )
        for slide in slides:
            slide.article = article
            slide.photo = photos.get(slide.photo_id)
        return slides

    @staticmethod
    def _corrections(article: Article, formset) -> list[Correction]:
        if formset is None:  # Not in the form for this editor: the saved ones.
            return list(article.corrections.all()) if article.pk else []
        notes = kept_forms(formset)
        for form in notes:
            note, updated = form.instance, article.significant_update_at
            # As services.correction_append moves it when the note is saved.
            later = updated is None or updated < note.published_at
            if form.has_changed() and note.kind == Correction.Kind.UPDATE and later:
                article.significant_update_at = note.published_at
        return sorted((form.instance for form in notes), key=lambda note: note.published_at)

    def _preview_page(self, request, object_id, *, errors=None, status=200):
        """The page that stands for a preview that cannot be shown: the problems a save
        would refuse (`errors`), or, without them, an address opened without the form."""
        form_url = (
            reverse("admin:newsroom_article_change", args=[object_id])
            if object_id
            else reverse("admin:newsroom_article_add")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Preview changes",
            "errors": errors,
            "form_url": form_url,
            "saved_url": reverse("preview:story", args=[object_id]) if object_id else "",
            "opts": self.opts,
        }
        return TemplateResponse(
            request, "admin/newsroom/article/preview_refused.html", context, status=status
        )
