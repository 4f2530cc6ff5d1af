"""The editors' desk: stories with their slides, corrections and history.

History uses django-reversion rather than django-simple-history: a story is
one unit made of several tables (slides, their quotes, corrections), and
reversion stores a *revision* that groups every row saved in one request, so
"restore this version" and "recover this deleted story" bring the slides back
with it. simple-history keeps one history table per model and restores rows
one at a time, which cannot put a story back together. Reversion also ships
the admin views (history, revert, recover) and needs no schema change in
gallery, whose Photo and Credit we register from this side.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin

import gallery.admin  # noqa: F401  (registered first, so it can be wrapped below)
from gallery.models import Credit, Photo
from newsroom import services
from newsroom.checklist import blocking_problems
from newsroom.models import Article, AuditEntry, Correction, Quote, Slide
from newsroom.preview import PREVIEW_LINK_DAYS, signed_preview_path

# `version` is the lock counter: restoring an old revision must not roll it back.
reversion.register(Article, follow=["slides", "corrections"], exclude=["version"])
reversion.register(Slide, follow=["quotes"])
reversion.register(Quote)
reversion.register(Correction)
for _model in (Photo, Credit):
    if not reversion.is_registered(_model):
        reversion.register(_model)
    # Wrap the photo desk's own admin so its saves become versions too; gallery
    # stays unaware of the newsroom.
    _current = admin.site._registry.get(_model)
    if _current is not None and not isinstance(_current, VersionAdmin):
        admin.site.unregister(_model)
        admin.site.register(
            _model, type(f"Versioned{type(_current).__name__}", (VersionAdmin, type(_current)), {})
        )

LIFECYCLE = {
    # button value: (label, service, needs the publish permission)
    "submit": ("Submit for review", services.article_submit_for_review, False),
    "publish": ("Publish now", services.article_publish, True),
    "schedule": ("Schedule for the publication time", services.article_schedule, True),
    "unpublish": ("Unpublish", services.article_unpublish, True),
    "archive": ("Archive", services.article_archive, True),
}


def lead_rendition(photo: Photo | None, max_width: int = 480):
    if photo is None:
        return None
    jpegs = sorted((r for r in photo.renditions.all() if r.format == "jpeg"), key=lambda r: r.width)
    fitting = [r for r in jpegs if r.width <= max_width]
    return fitting[-1] if fitting else (jpegs[0] if jpegs else None)


def thumbnail_html(photo: Photo | None, width: int = 80):
    rendition = lead_rendition(photo)
    if rendition is None:
        return "—"
    return format_html(
        '<img src="{}" alt="" width="{}" height="{}" class="newsroom-thumb">',
        rendition.file.url,
        width,
        round(width * rendition.height / rendition.width),
    )


def who(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


def stale_message(*, current: dict, model_name: str) -> str:
    changed_at = date_format(timezone.localtime(current["updated_at"]), "DATETIME_FORMAT")
    by = who(current["updated_by"])
    return (
        f"{by} changed this {model_name} at {changed_at}, after you opened it. "
        "Your changes were NOT saved, so that theirs are not overwritten; they are still "
        "in the form below. Open the story in a new tab to see the current version, "
        "copy across what you need, then reload this page."
    )


def current_state(article_pk) -> dict | None:
    # Locked for the rest of the request's transaction, so two saves cannot
    # both pass this check (SQLite serialises writers anyway).
    row = (
        Article.objects.select_for_update()
        .filter(pk=article_pk)
        .values("version", "updated_by", "updated_at")
        .first()
    )
    if row:
        row["updated_by"] = (
            Article._meta.get_field("updated_by")
            .related_model.objects.filter(pk=row["updated_by"])
            .first()
        )
    return row


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
            "published_at",
            "significant_update_at",
            "protected_persons_override",
            "closing_text",
        ]

    # Set by ArticleAdmin while a revision is restored: reversion writes the old
    # row back before the form runs, so the lock must compare with the version
    # the row had before that.
    version_before_revert: int | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance, for the same reason.
            self.fields["lock_version"].initial = self.version_before_revert or (
                Article.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = current_state(self.instance.pk)
            if current and self.version_before_revert:
                current["version"] = self.version_before_revert
            if current and cleaned.get("lock_version") != current["version"]:
                raise forms.ValidationError(
                    stale_message(current=current, model_name="story"), code="stale"
                )
        return cleaned


class SlideForm(forms.ModelForm):
    article_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Slide
        fields = ["article", "position", "photo", "narrative"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["article_version"].initial = self.instance.article.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = current_state(self.instance.article_id)
            if current and cleaned.get("article_version") != current["version"]:
                raise forms.ValidationError(
                    stale_message(current=current, model_name="story or slide"), code="stale"
                )
        return cleaned


class SlideInline(admin.StackedInline):
    model = Slide
    extra = 0
    fields = ["position", ("photo", "photo_preview"), "narrative", "edit_quotes"]
    readonly_fields = ["photo_preview", "edit_quotes"]
    autocomplete_fields = ["photo"]
    ordering = ["position", "pk"]
    classes = ["newsroom-sortable"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("photo__credit")

    @admin.display(description="photo and credit")
    def photo_preview(self, obj: Slide):
        if obj.photo_id is None:
            return "No photo yet."
        photo = obj.photo
        edit = reverse("admin:gallery_photo_change", args=[photo.pk])
        return format_html(
            '{} <span class="newsroom-credit">Photo Credit: {}</span> '
            '<a href="{}?_popup=1" class="related-widget-wrapper-link change-related" '
            'data-popup="yes" target="_blank">Edit photo, alt text or credit</a>',
            thumbnail_html(photo, 120),
            photo.credit or "none yet",
            edit,
        )

    @admin.display(description="quotes")
    def edit_quotes(self, obj: Slide):
        # Quotes belong to a slide and the admin has no nested inlines: each
        # slide's own change page carries them as an inline.
        if not obj.pk:
            return "Save the story first, then add quotes to this slide."
        url = reverse("admin:newsroom_slide_change", args=[obj.pk])
        count = obj.quotes.count()
        return format_html('<a href="{}">{} quote(s): edit</a>', url, count)


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["kind", "published_at", "text", "created_by"]
    readonly_fields = ["created_by"]
    verbose_name = "correction or update"
    verbose_name_plural = "corrections and updates (shown to readers at the end of the story)"


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    fields = ["position", "text", ("speaker", "speaker_role"), ("said_in", "said_on"), "url"]


class RefuseUnpermittedActionsMixin:
    """Posting an action one may not use is a 403, not a silent "no action selected"."""

    def changelist_view(self, request, extra_context=None):
        name = request.POST.get("action") if request.method == "POST" else None
        if name:
            every = {action.name for action in self._get_base_actions()}
            if name in every and name not in self.get_actions(request):
                raise PermissionDenied
        return super().changelist_view(request, extra_context)


@admin.register(Article)
class ArticleAdmin(RefuseUnpermittedActionsMixin, VersionAdmin):
    form = ArticleForm
    list_display = [
        "lead_thumbnail",
        "headline",
        "status",
        "published_at",
        "author",
        "slide_count",
        "updated_at",
    ]
    list_display_links = ["lead_thumbnail", "headline"]
    list_filter = ["status", ("created_by", admin.RelatedOnlyFieldListFilter), "published_at"]
    search_fields = ["headline", "standfirst", "byline", "slug"]
    prepopulated_fields = {"slug": ["headline"]}
    date_hierarchy = "published_at"
    inlines = [SlideInline, CorrectionInline]
    actions = ["publish", "unpublish"]
    readonly_fields = ["status", "preview_links", "checklist"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "standfirst", "byline", "lock_version"]}),
        (
            "Publication",
            {
                "fields": [
                    "status",
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

    class Media:
        css = {"all": ["newsroom/admin/desk.css"]}
        js = ["newsroom/admin/slides.js"]

    # Permissions -----------------------------------------------------------

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm(services.PUBLISH_PERMISSION)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            fields += ["published_at", "significant_update_at", "protected_persons_override"]
        return fields

    # Changelist ------------------------------------------------------------

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by").with_lead_photo()

    @admin.display(description="")
    def lead_thumbnail(self, obj: Article):
        slides = list(obj.slides.all())
        return thumbnail_html(slides[0].photo if slides else None)

    @admin.display(description="author", ordering="byline")
    def author(self, obj: Article) -> str:
        return obj.byline or (who(obj.created_by) if obj.created_by else "—")

    @admin.display(description="slides")
    def slide_count(self, obj: Article) -> int:
        return len(obj.slides.all())

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
            return "Save the story to preview it."
        return format_html(
            '<a href="{}" target="_blank">Preview as readers will see it</a><br>'
            'Link for a reviewer without an account (expires in {} days): <a href="{}">{}</a>',
            reverse("preview:story", args=[obj.pk]),
            PREVIEW_LINK_DAYS,
            signed_preview_path(obj),
            signed_preview_path(obj),
        )

    def view_on_site(self, obj: Article):
        return obj.get_absolute_url()

    def revision_view(self, request, object_id, version_id, extra_context=None):
        request.newsroom_version_before_revert = (
            Article.objects.filter(pk=object_id).values_list("version", flat=True).first()
        )
        return super().revision_view(request, object_id, version_id, extra_context)

    # Who may delete a story may bring it back; reporters may not do either.
    def recoverlist_view(self, request, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        before = getattr(request, "newsroom_version_before_revert", None)
        if before:
            form = type(form.__name__, (form,), {"version_before_revert": before})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        step = request.POST.get("_lifecycle") if request.method == "POST" else None
        if step is not None:
            if step not in LIFECYCLE:
                raise PermissionDenied
            if LIFECYCLE[step][2] and not self.has_publish_permission(request):
                raise PermissionDenied
        extra_context = {
            **(extra_context or {}),
            "lifecycle_steps": [
                (value, label)
                for value, (label, _, needs_publish) in LIFECYCLE.items()
                if not needs_publish or self.has_publish_permission(request)
            ],
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        if change:
            before = getattr(request, "newsroom_version_before_revert", None)
            obj.version = before + 1 if before else models.F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db(fields=["version"])

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
        Slide.objects.filter(article=article).renumber()
        step = request.POST.get("_lifecycle")
        if step:
            self._run_lifecycle(request, article, step)
        elif article.is_public and blocking_problems(article):
            self.message_user(
                request,
                "This story is public but no longer passes the publish checklist; see below.",
                messages.WARNING,
            )

    def _run_lifecycle(self, request, article: Article, step: str) -> None:
        label, service, _ = LIFECYCLE[step]
        kwargs = {"article": article, "by": request.user}
        if step == "schedule":
            if article.published_at is None:
                self.message_user(
                    request,
                    "Saved, but not scheduled: give a publication time first.",
                    messages.ERROR,
                )
                return
            kwargs["at"] = article.published_at
        try:
            service(**kwargs)
        except services.ChecklistFailed as exc:
            self.message_user(
                request,
                format_html(
                    "Saved, but not published. Still missing:<ul>{}</ul>",
                    format_html_join("", "<li>{}</li>", ((p,) for p in exc.problems)),
                ),
                messages.ERROR,
            )
        else:
            self.message_user(
                request, f"{label}: done. Status is now {article.get_status_display()}."
            )

    def response_add(self, request, obj, post_url_continue=None):
        if "_lifecycle" in request.POST:
            return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_lifecycle" in request.POST:
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    # Actions ---------------------------------------------------------------

    @admin.action(description="Publish selected stories", permissions=["publish"])
    def publish(self, request, queryset):
        published = 0
        for article in queryset:
            try:
                services.article_publish(article=article, by=request.user)
                published += 1
            except services.ChecklistFailed as exc:
                self.message_user(request, str(exc), messages.ERROR)
        if published:
            self.message_user(request, f"Published {published} stories.")

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish(self, request, queryset):
        for article in queryset:
            services.article_unpublish(article=article, by=request.user)
        self.message_user(request, f"Unpublished {len(queryset)} stories.")

    def get_urls(self):
        return [
            path(
                "photo-thumbnail/<int:pk>/",
                self.admin_site.admin_view(self.photo_thumbnail_view),
                name="newsroom_article_photo_thumbnail",
            ),
            *super().get_urls(),
        ]

    def photo_thumbnail_view(self, request, pk: int):
        """The chosen photo's thumbnail and credit, for the slide being edited."""
        if not request.user.has_perm("gallery.view_photo"):
            raise PermissionDenied
        photo = Photo.objects.select_related("credit").prefetch_related("renditions")
        photo = photo.filter(pk=pk).first()
        rendition = lead_rendition(photo)
        return JsonResponse(
            {
                "thumbnail": rendition.file.url if rendition else "",
                "credit": str(photo.credit) if photo and photo.credit else "",
            }
        )


@admin.register(Slide)
class SlideAdmin(VersionAdmin):
    form = SlideForm
    list_display = ["__str__", "article", "position", "photo"]
    list_select_related = ["article", "photo"]
    search_fields = ["article__headline", "narrative"]
    autocomplete_fields = ["photo", "article"]
    fields = ["article", "position", "photo", "narrative", "article_version"]
    inlines = [QuoteInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A slide and its quotes are part of the story: move the story's lock on.
        Article.objects.filter(pk=obj.article_id).update(
            version=models.F("version") + 1, updated_by=request.user, updated_at=timezone.now()
        )


@admin.register(Quote)
class QuoteAdmin(VersionAdmin):
    list_display = ["speaker", "text", "said_in", "said_on"]
    list_filter = ["said_in"]
    search_fields = ["text", "speaker", "speaker_role"]
    autocomplete_fields = ["slide"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "article_headline", "by", "note"]
    list_filter = ["action", "at"]
    search_fields = ["article_headline", "note"]
    date_hierarchy = "at"

    # The audit trail is written by services only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
