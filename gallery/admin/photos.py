"""The photo desk's pages: upload, edit, redact, withdraw; the photo list."""

import json
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.db.models.constants import LOOKUP_SEP
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from gallery import usage, views
from gallery.admin.actions import PhotoActions, withdrawn_message, withheld_message
from gallery.admin.checked import CheckedAdmin
from gallery.admin.filters import HasRedactionsFilter, SensitiveFilter, WithheldFilter
from gallery.admin.inlines import AnnotationInline, RedactionInline
from gallery.forms import (
    CreditChoiceField,
    PhotoActionForm,
    PhotoAddForm,
    PhotoChangeForm,
)
from gallery.models import Photo
from gallery.services import (
    GIVEN_UP_AFTER,
    StorageFailed,
    photo_create,
    photo_original_missing,
    photo_restore_original,
    photo_sync_renditions,
    photo_withdraw_files,
    photos_like,
    renditions_queued_lately,
)
from gallery.validation import ImageRejected


@admin.register(Photo)
class PhotoAdmin(PhotoActions, CheckedAdmin):
    list_display = [
        "thumbnail",
        "__str__",
        "credit",
        "has_alt_text",
        "is_sensitive",
        "protected_people",
        "redaction_count",
        "renditions_ready",
        "created_at",
    ]
    list_filter = [
        "credit__kind",
        "is_sensitive",
        SensitiveFilter,
        HasRedactionsFilter,
        WithheldFilter,
        "digital_source_type",
        "created_at",
    ]
    search_fields = [
        "title",
        "alt_text",
        "caption",
        "original_filename",
        "creator",
        "embedded_credit_line",
        "credit__line",
        "credit__account",
    ]
    autocomplete_fields = ["credit"]
    date_hierarchy = "created_at"
    actions = ["give_credit", "rebuild_renditions", "withdraw_public_files"]
    action_form = PhotoActionForm
    inlines = [RedactionInline, AnnotationInline]
    readonly_fields = [
        "preview",
        "used_in",
        "original_file",
        "original_filename",
        "dimensions",
        "sha256",
        "uploaded_by",
        "created_at",
        "location",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "preview",
                    "used_in",
                    "title",
                    "alt_text",
                    "caption",
                    "credit",
                    "opened_at",
                ]
            },
        ),
        (
            "From the file",
            {
                "fields": [
                    "embedded_credit_line",
                    "creator",
                    "copyright_notice",
                    "taken_at",
                    "digital_source_type",
                    "location",
                ],
                "description": "Read from the file's IPTC, XMP and EXIF on upload; correct "
                "them here (the location stays as the file gave it). For the desk only: "
                "readers and search engines get the credit above, never these fields nor "
                "the file's metadata. If the credit line in the file matches no credit "
                "above, make one with the + button.",
            },
        ),
        (
            "Sensitivity",
            {
                "fields": [
                    "is_sensitive",
                    "sensitivity_warning",
                    ("shows_prisoners", "shows_detainees", "shows_minors"),
                ],
                "description": "Photos of prisoners, detainees or minors need their faces "
                "and identity documents redacted below before they are published.",
            },
        ),
        (
            "Share image",
            {
                "fields": [("focal_x", "focal_y")],
                "description": "The 1200x630 share image is cropped around this point, in "
                "pixels of the upright photo. Click the picture in 'Set focal point' mode "
                "below, or type it. Empty means the centre.",
            },
        ),
        (
            "Public files",
            {
                "fields": ["withheld_reason", "withdraw_files"],
                "description": "What readers get are copies of the photo (renditions) at "
                "addresses nobody can guess. Those addresses travel: share images on social "
                "networks, links readers copy, copies at the CDN.",
            },
        ),
        (
            "File",
            {
                "fields": [
                    "original_file",
                    "original_filename",
                    "dimensions",
                    "sha256",
                    "uploaded_by",
                    "created_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]

    class Media:
        css = {"all": ["gallery/photo-desk.css"]}
        js = ["gallery/photo-editor.js", "gallery/photo-actions.js"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "credit":
            kwargs.setdefault("form_class", CreditChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        extra = {"model_admin": self}
        return [
            path("upload/", wrap(views.bulk_upload), extra, name="gallery_photo_upload"),
            path(
                "<int:object_id>/original/",
                wrap(views.original_download),
                name="gallery_photo_original",
            ),
            path(
                "<int:object_id>/original/preview/",
                wrap(views.original_preview),
                name="gallery_photo_original_preview",
            ),
            path("<int:object_id>/choose/", wrap(self.choose_view), name="gallery_photo_choose"),
            *super().get_urls(),
        ]

    # Shown only to those who may see originals (get_fieldsets): not to be found out
    # through the list's address either, one narrowing filter after another. (The
    # original's stored name is a random one; the name it was uploaded under is shown.)
    PRIVATE_FIELDS = ("latitude", "longitude", "original")

    def lookup_allowed(self, lookup, value, request):
        private = lookup.split(LOOKUP_SEP)[0] in self.PRIVATE_FIELDS
        if private and not views.can_see_originals(request.user):
            return False  # The admin answers 400.
        return super().lookup_allowed(lookup, value, request)

    # The add form: one file and the fields staff want to set straight away.

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            options = {"may_view_library": self.has_view_or_change_permission(request)}
            if failure := getattr(request, "gallery_upload_failure", None):
                options["storage_failure"] = failure
            if IS_POPUP_VAR in request.POST or IS_POPUP_VAR in request.GET:
                to_field = request.POST.get(TO_FIELD_VAR) or request.GET.get(TO_FIELD_VAR, "")
                options["choose_query"] = urlencode({IS_POPUP_VAR: 1, TO_FIELD_VAR: to_field})
            form = type("PhotoAddForm", (PhotoAddForm,), options)
            return super().get_form(request, obj, change, form=form, **kwargs)
        form = super().get_form(request, obj, change, form=PhotoChangeForm, **kwargs)
        form.user = request.user
        form.protection_before = getattr(request, usage.PROTECTION_BEFORE_ATTR, None)
        form.changed_at_before = getattr(request, usage.CHANGED_AT_BEFORE_ATTR, None)
        return form

    def choose_view(self, request, object_id):
        """The end of an upload from a slide's "+" that found the file in the library
        already: the photo goes into the field that opened the window, as a new one would."""
        photo = self.get_object(request, object_id)
        if photo is None or not self.has_view_or_change_permission(request, photo):
            raise Http404("No such photo.")
        if IS_POPUP_VAR not in request.GET:
            return HttpResponseRedirect(reverse("admin:gallery_photo_change", args=[photo.pk]))
        to_field = request.GET.get(TO_FIELD_VAR)
        if to_field and not self.to_field_allowed(request, to_field):
            raise DisallowedModelAdminToField(f"The field {to_field} cannot be referenced.")
        value = photo.serializable_value(to_field or photo._meta.pk.attname)
        return TemplateResponse(
            request,
            "admin/popup_response.html",
            {"popup_response_data": json.dumps({"value": str(value), "obj": str(photo)})},
        )

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except (ImageRejected, StorageFailed) as exc:
            # The admin's transaction is rolled back: nothing was saved. Show the
            # form again with what staff typed and why the file was not stored.
            request.gallery_upload_failure = str(exc)
            return super().add_view(request, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["upload", "title", "alt_text", "caption", "credit"]})]
        hidden = set()
        if not views.can_see_originals(request.user):
            # No link that would only answer 403, and no more of the original than it.
            hidden |= {"original_file", "location"}
        if not self.has_change_permission(request, obj):
            hidden.add("withdraw_files")  # Not a field of the photo: nothing to show.
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in self.fieldsets
            if set(options["fields"]) - hidden
        ]
        if self.has_change_permission(request, obj) and _original_missing(obj):
            fieldsets.insert(0, ("Lost original", {"fields": ["restore_original"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if change and getattr(request, usage.RECOVERING_ATTR, False):
            obj.withheld_reason = obj.withheld_reason or usage.RECOVERED_WITHHELD
        if change:
            kept = getattr(request, usage.ADDRESS_KEY_BEFORE_ATTR, None)
            if kept is not None:
                obj.address_key = kept  # Restoring an old version keeps today's addresses.
            return super().save_model(request, obj, form, change)
        # ImageRejected (the same file uploaded at the same moment) and
        # StorageFailed are shown on the form by add_view.
        created = photo_create(
            data=form.upload_bytes,
            filename=form.upload_name,
            by=request.user,
            **form.photo_fields(),
        )
        obj.pk = created.pk
        obj.__dict__.update(created.__dict__)
        if small := created.smallness():
            self.message_user(request, small, messages.WARNING)
        lookalikes = photos_like(created)
        if lookalikes:
            self.message_user(
                request,
                format_html(
                    "This photo looks like {}, already in the library: check it is not "
                    "the same picture.",
                    format_html_join(
                        ", ",
                        '<a href="{}">{}</a>',
                        (
                            (reverse("admin:gallery_photo_change", args=[other.pk]), other)
                            for other in lookalikes
                        ),
                    ),
                ),
                messages.WARNING,
            )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            return
        # Compared with the photo before this request: a restore has already written
        # the old version's values, which the form's own initial ones are then.
        was_withheld = bool((form.protection_before or form.initial).get("withheld_reason"))
        photo = form.instance
        if form.cleaned_data.get("restore_original"):
            try:
                photo_restore_original(photo=photo, data=form.restored_bytes)
            except StorageFailed as exc:
                self.message_user(request, f"The original was not restored: {exc}", messages.ERROR)
            else:
                photo._original_missing = False
                made = "" if photo.withheld_reason else "; its public files are being made"
                self.message_user(request, f"The original is back{made}.")
        if was_withheld != bool(photo.withheld_reason):
            if photo.withheld_reason:
                # New addresses too: should it come back one day, no old link works.
                photo_withdraw_files(photo=photo)
                self.message_user(request, withheld_message())
                return
            self.message_user(request, "No longer withheld: its public files are being made.")
        if form.cleaned_data.get("withdraw_files"):
            photo_withdraw_files(photo=form.instance)
            self.message_user(request, withdrawn_message(1))
            return
        # Drops public files made before this change (unredacted ones included) and
        # queues new ones; files still matching the photo are kept.
        removed = photo_sync_renditions(photo=form.instance)
        if removed and _original_missing(photo):
            self.message_user(
                request,
                f"{removed} public file(s) no longer matched the redactions or focal point, "
                "so they were deleted. They cannot be made again until the original is "
                "restored: readers see a placeholder meanwhile.",
                messages.WARNING,
            )
        elif removed:
            self.message_user(
                request,
                f"{removed} public file(s) no longer matched the redactions or focal point; "
                "they were deleted and are being made again.",
            )

    def get_deleted_objects(self, objs, request):
        to_delete, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        if protected:
            # The rows that use the photo (a story's slides) keep it whoever asks. Django
            # would blame the account for lacking the right to delete those rows, which
            # nobody could; the page should name them and say they keep the photo.
            perms_needed = set()
        return to_delete, counts, perms_needed, protected

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and _original_missing(obj):
            self.message_user(
                request,
                "The original file of this photo has gone from the photo store: no public "
                "file of it can be made until it is restored, and a save that changes its "
                "redactions or focal point leaves readers a placeholder. Upload the same "
                "file under “Restore the original”.",
                messages.WARNING,
            )
        if obj is not None:
            can_see = views.can_see_originals(request.user)
            context["can_download_original"] = can_see
            if can_see:
                context["editor_image_url"] = reverse(
                    "admin:gallery_photo_original_preview", args=[obj.pk]
                )
            else:
                # Without the right to see originals, draw on what readers get.
                rendition = obj.jpeg_rendition(1200)
                context["editor_image_url"] = rendition.file.url if rendition else ""
        return super().render_change_form(request, context, add, change, form_url, obj)

    # The changelist.

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("credit")
            .prefetch_related("renditions", "redactions")
        )

    @admin.display(description="picture")
    def thumbnail(self, obj: Photo):
        rendition = obj.jpeg_rendition(480)
        if rendition is None:
            return "—"
        # Fit an 80x80 box: a tall scan must not stretch its row of the list.
        scale = 80 / max(rendition.width, rendition.height)
        # The list links it to the photo's page: its text is the link's name.
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}" class="gallery-thumbnail">',
            rendition.file.url,
            obj,
            max(1, round(rendition.width * scale)),
            max(1, round(rendition.height * scale)),
        )

    @admin.display(description="used in")
    def used_in(self, obj: Photo):
        # A change to the caption, credit or redactions reaches every one of these.
        # Read here, for the page showing it, with the viewer's permissions (get_object).
        uses = usage.uses_of(obj, obj.viewer) if hasattr(obj, "viewer") else []
        if not uses:
            return "No story yet."
        items = (
            format_html(
                "<li>{}{}</li>",
                format_html('<a href="{}">{}</a>', url, label) if url else label,
                " — readers see it" if public else "",
            )
            for label, url, public in uses
        )
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((item,) for item in items)))

    def get_object(self, request, object_id, from_field=None):
        photo = super().get_object(request, object_id, from_field)
        if photo is not None:
            photo.viewer = request.user  # For used_in: which stories' pages to link.
        return photo

    @admin.display(description="what readers see")
    def preview(self, obj: Photo):
        rendition = obj.jpeg_rendition(800)
        if rendition is None:
            return _why_no_renditions(obj)
        return format_html(
            '<img src="{}" alt="" width="{}" height="{}" class="gallery-preview">',
            rendition.file.url,
            rendition.width,
            rendition.height,
        )

    @admin.display(description="original")
    def original_file(self, obj: Photo):
        if _original_missing(obj):
            return "Gone from the photo store."
        url = reverse("admin:gallery_photo_original", args=[obj.pk])
        return format_html(
            '<a href="{}" download>Download the original</a> (private: unredacted, '
            "with all its metadata; never share it).",
            url,
        )

    @admin.display(description="where taken")
    def location(self, obj: Photo) -> str:
        if obj.latitude is None or obj.longitude is None:
            return "No GPS position in the file."
        return format_html(
            '{}, {} (<a href="https://www.openstreetmap.org/?mlat={}&amp;mlon={}#map=15/{}/{}" '
            'target="_blank" rel="noopener noreferrer">map</a>)<div class="help">From the '
            "file's GPS data, for checking where it was made. Never published: public files "
            "carry no location.</div>",
            *(f"{obj.latitude:.6f}", f"{obj.longitude:.6f}") * 3,
        )

    @admin.display(description="size")
    def dimensions(self, obj: Photo) -> str:
        return f"{obj.width} x {obj.height} pixels"

    @admin.display(boolean=True, description="alt text")
    def has_alt_text(self, obj: Photo) -> bool:
        return bool(obj.alt_text.strip())

    @admin.display(boolean=True, description="prisoners, detainees or minors")
    def protected_people(self, obj: Photo) -> bool:
        return obj.shows_protected_people

    @admin.display(description="redactions")
    def redaction_count(self, obj: Photo) -> int:
        return len(obj.redactions.all())

    @admin.display(boolean=True, description="renditions ready")
    def renditions_ready(self, obj: Photo) -> bool:
        renditions = obj.renditions.all()
        if not any(r.is_share for r in renditions) or not any(
            r.format == "jpeg" for r in renditions
        ):
            return False
        return all(r.source_key == obj.rendition_source_key(share=r.is_share) for r in renditions)


def _why_no_renditions(photo: Photo) -> str:
    if photo.withheld_reason.strip():
        return "None: the photo is withheld from readers."
    if _original_missing(photo):
        return "None can be made: the original has gone from the photo store."
    if timezone.now() - photo.updated_at > GIVEN_UP_AFTER and not renditions_queued_lately(
        photo.pk
    ):
        return (
            "None: making them failed (the task worker's log says why). Once the cause is "
            "fixed, run “Rebuild renditions” on this photo from the photo list."
        )
    return "Renditions are being prepared."


def _original_missing(photo: Photo) -> bool:
    # Asked several times per page (fieldsets, form, messages): one storage call.
    if not hasattr(photo, "_original_missing"):
        photo._original_missing = bool(photo_original_missing(photo))
    return photo._original_missing
