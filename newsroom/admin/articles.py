"""The story admin: lifecycle buttons, checklist, sortable slides, corrections, previews."""

import re
from contextlib import nullcontext

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, resolve, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from reversion.admin import VersionAdmin
from reversion.models import Version

from gallery.admin import photo_chooser_media
from gallery.admin.checked import CheckedAdmin, is_an_id
from gallery.models import Photo
from newsroom import invalidation, services
from newsroom.admin.common import (
    TEXT_AREAS,
    LiveStoryLock,
    drop_indentation,
    thumbnail_html,
    who,
)
from newsroom.admin.compare import previous_version, story_changes
from newsroom.admin.filters import status_filter
from newsroom.admin.forms import ArticleForm
from newsroom.admin.history import BeforeRestore, save_before_delete
from newsroom.admin.inlines import CorrectionInline, SlideInline
from newsroom.admin.lifecycle import (
    TAKEN_DOWN_BY,
    LifecycleSteps,
    stories,
)
from newsroom.admin.live import LiveStoryChecklist
from newsroom.admin.preview import PreviewChanges
from newsroom.admin.requests import ChangeRequestViews, OpenChangeRequestsFilter
from newsroom.admin.takedown import PhotosTakenOff
from newsroom.checklist import blocking_problems
from newsroom.models import Article, Correction, Slide, has_come_out, new_preview_key
from newsroom.preview import PREVIEW_LINK_DAYS, signed_preview_path


@admin.register(Article)
class ArticleAdmin(
    CheckedAdmin,
    LifecycleSteps,
    ChangeRequestViews,
    PreviewChanges,
    LiveStoryLock,
    PhotosTakenOff,
    LiveStoryChecklist,
    VersionAdmin,
):
    form = ArticleForm
    formfield_overrides = TEXT_AREAS
    change_list_template = "admin/newsroom/article/change_list.html"
    object_history_template = "admin/newsroom/article/object_history.html"
    history_latest_first = True  # What an editor looks for is the latest save.
    list_display = [
        "lead_thumbnail",
        "headline",
        "status_now",
        "published_at",
        "author",
        "slide_count",
        "open_request_count",
        "updated_at",
    ]
    list_display_links = ["lead_thumbnail", "headline"]
    list_filter = [
        status_filter(),
        OpenChangeRequestsFilter,
        ("created_by", admin.RelatedOnlyFieldListFilter),
        "published_at",
    ]
    # An editor looking for "the story where Peskov said…" searches what slides say too.
    search_fields = [
        "headline",
        "standfirst",
        "byline",
        "slug",
        "closing_text",
        "slides__narrative",
        "slides__quotes__text",
        "slides__quotes__speaker",
    ]
    prepopulated_fields = {"slug": ["headline"]}
    date_hierarchy = "published_at"
    inlines = [SlideInline, CorrectionInline]
    actions = ["publish", "unpublish", "copy_as_drafts"]
    readonly_fields = ["status_now", "preview_links", "checklist"]
    fieldsets = [
        (
            None,
            {"fields": ["headline", "slug", "standfirst", "byline", "language", "lock_version"]},
        ),
        (
            "Publication",
            {
                "fields": [
                    "status_now",
                    "published_at",
                    "significant_update_at",
                    "checklist",
                    "protected_persons_override",
                    "preview_links",
                ]
            },
        ),
        ("After the last photo", {"fields": ["closing_text"]}),
    ]

    @property
    def media(self):
        # A property, not `class Media`, to add the photo chooser's jQuery-ordered files.
        own = forms.Media(
            css={"all": ["newsroom/admin/desk.css"]},
            js=["newsroom/admin/slides.js", "newsroom/admin/share-link.js"],
        )
        return super().media + photo_chooser_media() + own

    # Permissions -----------------------------------------------------------

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += ["published_at", "significant_update_at", "protected_persons_override"]
        return fields

    # Changelist ------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by").with_lead_photo()

    @admin.display(description="photo")
    def lead_thumbnail(self, obj: Article):
        photo = obj.lead_slides[0].photo if obj.lead_slides else None
        return thumbnail_html(photo, alt=obj.headline)

    @admin.display(description="status", ordering="status")
    def status_now(self, obj: Article) -> str:
        return obj.status_now_display()

    @admin.display(description="author", ordering="byline")
    def author(self, obj: Article) -> str:
        return obj.byline or (who(obj.created_by) if obj.created_by else "—")

    @admin.display(description="slides", ordering="slide_total")
    def slide_count(self, obj: Article) -> int:
        return obj.slide_total

    # Change form -----------------------------------------------------------

    @admin.display(description="publish checklist")
    def checklist(self, obj: Article):
        if obj.pk is None:
            return "Save the story to check it."
        problems = blocking_problems(obj)
        if not problems:
            return "Ready to publish."
        return format_html(
            '<ul class="newsroom-checklist">{}</ul>',
            format_html_join("", "<li>{}</li>", ((p.message,) for p in problems)),
        )

    @admin.display(description="preview")
    def preview_links(self, obj: Article):
        if obj.pk is None:
            return "“Preview changes” below the form shows the story before it is saved."
        if obj.status == Article.Status.ARCHIVED:
            # Reviewer links stop working when a story is archived (preview.signed).
            return format_html(
                '<a href="{}" target="_blank">Preview as readers would see it</a><br>'
                "An archived story has no link for reviewers: those given out stopped "
                "working when it was archived.",
                reverse("preview:story", args=[obj.pk]),
            )
        reviewer = signed_preview_path(obj)
        # share-link.js spells the link out in full and adds the copy button.
        return format_html(
            '<a href="{}" target="_blank">Preview as readers will see it</a> (as last saved; '
            "“Preview changes” below the form shows your edits before you save them)<br>"
            "Link for a reviewer without an account (expires in {} days): "
            '<a href="{}" class="newsroom-share-link">{}</a> '
            '<button type="button" class="newsroom-copy" hidden>Copy link</button> '
            '<span class="newsroom-copy-status" role="status"></span><br>'
            "Unpublishing or archiving revokes the links given out; so does the button "
            "below the form's fields.",
            reverse("preview:story", args=[obj.pk]),
            PREVIEW_LINK_DAYS,
            reviewer,
            reviewer,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if change and not self.has_change_permission(request, obj):
            context["lifecycle_steps"] = []  # A read-only form saves nothing: no buttons to.
        response = super().render_change_form(request, context, add, change, form_url, obj)
        response.add_post_render_callback(drop_indentation)
        return response

    def slides_of(self, pk):
        return Slide.objects.filter(article_id=pk)

    def stories_touched(self, request, object_id) -> set:
        return {object_id} if object_id else set()

    def view_on_site(self, obj: Article):
        # Readers' address once public; until then it would be a 404, so the preview.
        return obj.get_absolute_url() if obj.is_public else reverse("preview:story", args=[obj.pk])

    def revision_view(self, request, object_id, version_id, extra_context=None):
        known = is_an_id(Article, object_id)  # Else reversion answers 404; a query, 500.
        current = Article.objects.filter(pk=object_id).first() if known else None
        if current is not None:
            request.newsroom_before_restore = BeforeRestore.of(current)
            request.newsroom_version_before_revert = current.version
            # Who changed it last, for the lock's message: the row will say the old
            # version's author once reverted.
            request.newsroom_changed_before_revert = {
                "updated_by": current.updated_by,
                "updated_at": current.updated_at,
            }
        with _restoring(request):
            return super().revision_view(request, object_id, version_id, extra_context)

    def get_object(self, request, object_id, from_field=None):
        article = super().get_object(request, object_id, from_field)
        before = getattr(request, "newsroom_before_restore", None)
        if article is not None and before is not None:
            # Reversion has written the old rows back (inside a transaction that
            # is undone unless the restore is saved); the form shows the result.
            before.apply(article)
        if article is not None and getattr(request, "newsroom_recovering", False):
            # Back as a draft: going public again is a lifecycle step, with its checks.
            article.status = Article.Status.DRAFT
            article.preview_key = new_preview_key()  # Old reviewer links stay dead.
        return article

    def delete_model(self, request, obj):
        save_before_delete([obj], by=request.user)
        services.article_delete(article=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        save_before_delete(queryset, by=request.user)
        for article in queryset:
            services.article_delete(article=article, by=request.user)

    def changelist_view(self, request, extra_context=None):
        context = {"can_recover": self.has_delete_permission(request), **(extra_context or {})}
        return super().changelist_view(request, context)

    # Who may delete a story may bring it back; reporters may not do either.
    def recoverlist_view(self, request, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        if taken := _address_taken(version_id):
            # Reversion would write the row back over the unique address and fail,
            # saying only "missing dependency".
            self.message_user(request, taken, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:newsroom_article_recoverlist"))
        request.newsroom_recovering = True
        with _restoring(request):
            return super().recover_view(request, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        attrs = {}
        if before := getattr(request, "newsroom_version_before_revert", None):
            attrs["version_before_revert"] = before
            attrs["changed_before_revert"] = getattr(
                request, "newsroom_changed_before_revert", None
            )
        if getattr(request, "newsroom_recovering", False):
            attrs["recovering"] = True
        return type(form.__name__, (form,), attrs) if attrs else form

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        refreshed = ["version"]
        if change:
            before = getattr(request, "newsroom_version_before_revert", None)
            obj.version = before + 1 if before else models.F("version") + 1
            # Reversion copies the slides and their quotes as this save adds the
            # story to the revision: two queries rather than one per slide.
            models.prefetch_related_objects([obj], "slides__quotes")
            refreshed.append("slides")  # Forgotten after: the inline forms change them next.
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=refreshed)
        if getattr(request, "newsroom_recovering", False):
            services.article_recovered(article=obj, by=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for correction in formset.save(commit=False):
            services.correction_append(correction=correction, by=request.user)
        for deleted in formset.deleted_objects:
            deleted.delete()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        # Duplicates and gaps in the positions typed or dragged become 1, 2, 3…
        renumbered = Slide.objects.filter(article=article).renumber()
        if renumbered and reversion.is_active():
            # This save's version took each slide as the form saved it: with the
            # numbers it has now, or the next save's "What changed" shows the move.
            models.prefetch_related_objects(renumbered, "quotes")
            for slide in renumbered:
                reversion.add_to_revision(slide)
        for differing in services.slides_apply_awaiting_credits(article=article):
            self.message_user(request, differing, messages.WARNING)
        step = request.POST.get("_lifecycle")
        if step not in TAKEN_DOWN_BY:
            # Before any message: a refusal undoes all. Publishing logs overrides itself.
            self.refuse_new_problems(request, log_overrides=step not in ("publish", "schedule"))
        if change and "slug" in form.changed_data:
            old_slug = form.initial.get("slug", "")
            if services.article_slug_changed(article=article, old_slug=old_slug):
                self.message_user(
                    request,
                    f"Links to the old address /stories/{old_slug}/ now lead to "
                    f"{article.get_absolute_url()}.",
                )
        to_come = article.published_at is not None and not has_come_out(article.published_at)
        if not step and article.status not in Article.PUBLIC_STATUSES and to_come:
            # WordPress's button turns into "Schedule" here; this desk's does not.
            how = (
                "you press “Save and schedule for the publication time”"
                if self.has_publish_permission(request)
                else "an editor schedules it (“Save and submit for review” asks them)"
            )
            self.message_user(
                request,
                f"Saved, not scheduled: the story stays {article.get_status_display().lower()} "
                f"and will not go out at its publication time until {how}.",
                messages.WARNING,
            )
        if step:
            self.run_lifecycle_step(request, article, step)
        elif article.is_public and blocking_problems(article):
            self.message_user(
                request,
                "This story is public but no longer passes the publish checklist; see below.",
                messages.WARNING,
            )
        self.release_photos_taken_off(request, article.pk)

    def response_add(self, request, obj, post_url_continue=None):
        if "_lifecycle" in request.POST:
            return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_lifecycle" in request.POST:
            return HttpResponseRedirect(request.path)
        # Django would say "was changed successfully" and show the list: say what
        # happened, and stay on the story, where the editor checks the result.
        if getattr(request, "newsroom_recovering", False):
            done = (
                f"“{obj}” is back as a draft, with its slides and quotes. Publishing it "
                "again runs the checklist."
            )
        elif getattr(request, "newsroom_before_restore", None) is not None:
            done = (
                f"Restored the chosen version of “{obj}”: its text, slides and quotes. "
                "Its address, status, dates and corrections are as they were."
            )
        else:
            return super().response_change(request, obj)
        self.message_user(request, done)
        return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[obj.pk]))

    @admin.action(description="Copy as new drafts", permissions=["add"])
    def copy_as_drafts(self, request, queryset):
        copies = [
            services.article_copy(article=article, by=request.user)
            for article in queryset.order_by("pk")
        ]
        if not copies:
            self.message_user(
                request,
                "Nothing was copied: the stories selected were deleted since the list was opened.",
                messages.WARNING,
            )
            return
        links = format_html_join(
            ", ",
            '<a href="{}">{}</a>',
            ((reverse("admin:newsroom_article_change", args=[c.pk]), c.slug) for c in copies),
        )
        self.message_user(
            request,
            format_html(
                "Copied {} as {}: {}. Notes, addresses and dates stay with the originals.",
                stories(len(copies)),
                "a new draft" if len(copies) == 1 else "new drafts",
                links,
            ),
        )

    def get_urls(self):
        return [
            path(
                "photo-thumbnail/<int:pk>/",
                self.admin_site.admin_view(self.photo_thumbnail_view),
                name="newsroom_article_photo_thumbnail",
            ),
            path(
                "<int:object_id>/revoke-preview-links/",
                self.admin_site.admin_view(self.revoke_preview_links_view),
                name="newsroom_article_revoke_preview_links",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                self.admin_site.admin_view(self.changes_view),
                name="newsroom_article_changes",
            ),
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="newsroom_article_compare",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        if not hasattr(response, "context_data"):
            return response  # A story deleted since: Django sends the editor home, saying so.
        actions = response.context_data.get("action_list", [])
        for newer, action in enumerate(actions):
            # Saves a minute apart share a date as shown: the number tells them apart.
            action["number"] = len(actions) - newer
            action["changes_url"] = f"{action['url']}changes/"
            action["version_id"] = resolve(action["url"]).args[-1]  # reversion: (id, version)
        response.context_data["compare_url"] = reverse(
            "admin:newsroom_article_compare", args=[object_id]
        )
        return response

    def _story_for_history(self, request, object_id: str) -> Article:
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if not is_an_id(Article, object_id):
            raise Http404  # Typed by hand: the lookup would be a 500 on PostgreSQL.
        return get_object_or_404(Article, pk=object_id)

    def changes_view(self, request, object_id: str, version_id: int):
        """What one save changed, field by field, against the save before it."""
        article = self._story_for_history(request, object_id)
        version = get_object_or_404(Version.objects.get_for_object(article), pk=version_id)
        return self._changes_page(request, article, version)

    def compare_view(self, request, object_id: str):
        """What changed between two saves chosen on the history page, older to newer."""
        article = self._story_for_history(request, object_id)
        versions = Version.objects.get_for_object(article)
        # ASCII digits only: "²" passes str.isdigit() and then fails int().
        chosen = [request.GET.get(name, "") for name in ("from", "to")]
        ids = [int(value) for value in chosen if re.fullmatch(r"[0-9]{1,18}", value)]
        if len(ids) != 2 or ids[0] == ids[1]:
            self.message_user(request, "Choose two different saves to compare.", messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:newsroom_article_history", args=[article.pk])
            )
        older, newer = sorted(
            (get_object_or_404(versions, pk=pk) for pk in ids), key=lambda v: v.pk
        )
        return self._changes_page(request, article, newer, against=older)

    def _changes_page(self, request, article, version, against=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": article,
            "title": f"What {'changed between these saves' if against else 'this save changed'}: "
            f"{article.headline}",
            "version": version,
            "against": against,
            "first_save": against is None and previous_version(version) is None,
            "sections": story_changes(version, against),
            "revision_url": reverse(
                "admin:newsroom_article_revision", args=[article.pk, version.pk]
            ),
        }
        return TemplateResponse(request, "admin/newsroom/article/changes.html", context)

    @method_decorator(require_POST)
    def revoke_preview_links_view(self, request, object_id: int):
        """Its own small form (change_form.html), so Enter in the story form never revokes."""
        article = self.get_object(request, str(object_id))
        if article is None:
            raise Http404
        # No form to refuse it with (has_change_permission lets posts through to one).
        if not self._may_change(request, article, form_decides=False):
            raise PermissionDenied
        if not super().has_change_permission(request, article):
            raise PermissionDenied
        moved = services.article_reviewers_revoke(article=article)
        message = "Earlier reviewer links no longer work; the link shown now does."
        if moved:
            message += (
                f" The {moved} photo{pluralize(moved)} they showed ha{pluralize(moved, 's,ve')} "
                "new image addresses, built again by the task worker: the old ones no longer work."
            )
        self.message_user(request, message)
        return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[article.pk]))

    def photo_thumbnail_view(self, request, pk: int):
        """The chosen photo's thumbnail and credit, for the slide being edited."""
        if not request.user.has_perm("gallery.view_photo"):
            raise PermissionDenied
        photo = Photo.objects.select_related("credit").prefetch_related("renditions")
        photo = photo.filter(pk=pk).first()
        rendition = photo.jpeg_rendition(480) if photo is not None else None
        return JsonResponse(
            {
                "thumbnail": rendition.file.url if rendition else "",
                "credit": str(photo.credit) if photo and photo.credit else "",
            }
        )


def _restoring(request):
    """A version written back writes every slide and quote: the pages they show on
    are made stale once, at the end (the page of a version writes nothing that stays)."""
    return invalidation.batched() if request.method == "POST" else nullcontext()


def _address_taken(version_id) -> str:
    """Why a deleted story's version cannot come back: another story has its address
    now. Empty when it can (or when there is no such version: reversion says so)."""
    version = (
        Version.objects.filter(pk=version_id).first() if is_an_id(Version, version_id) else None
    )
    if version is None or version.content_type.model_class() is not Article:
        return ""
    slug = version.field_dict.get("slug")
    holder = Article.objects.filter(slug=slug).first()
    if holder is None:
        return ""
    return (
        f"“{version.object_repr}” cannot be recovered: its address /stories/{slug}/ is "
        f"“{holder.headline}”'s now. To bring it back, give that story another address "
        "first."
    )
