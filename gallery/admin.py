"""The photo desk in the admin."""

import hashlib

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from gallery.models import Credit, Photo
from gallery.services import photo_create
from gallery.validation import ImageRejected, inspect_image, sanitise_filename


@admin.register(Credit)
class CreditAdmin(admin.ModelAdmin):
    list_display = ["line", "kind", "platform", "account", "verification", "photo_count"]
    list_filter = ["kind", "verification", "platform"]
    search_fields = ["line", "platform", "account", "creator"]
    readonly_fields = ["line"]
    fieldsets = [
        (None, {"fields": ["line", "kind", "platform", "account", "creator", "line_override"]}),
        ("Provenance", {"fields": ["url", "retrieved_at", "licence"]}),
        ("Verification", {"fields": ["verification", "verification_note"]}),
    ]

    @admin.display(description="photos")
    def photo_count(self, obj: Credit) -> int:
        return obj.photos.count()


class PhotoAddForm(forms.ModelForm):
    upload = forms.FileField(
        label="Image file",
        help_text="JPEG, PNG, WebP or AVIF. The original stays private; readers get renditions.",
    )

    class Meta:
        model = Photo
        fields = ["title", "alt_text", "caption", "credit"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        data = upload.read()
        try:
            inspect_image(data)
        except ImageRejected as exc:
            raise forms.ValidationError(f"{sanitise_filename(upload.name)}: {exc}") from exc
        existing = Photo.objects.filter(sha256=hashlib.sha256(data).hexdigest()).first()
        if existing:
            raise forms.ValidationError(
                format_html(
                    'This file was already uploaded: <a href="{}">{}</a>.',
                    reverse("admin:gallery_photo_change", args=[existing.pk]),
                    existing,
                )
            )
        self.upload_bytes, self.upload_name = data, upload.name
        return upload


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = [
        "thumbnail",
        "__str__",
        "credit",
        "has_alt_text",
        "width",
        "height",
        "created_at",
    ]
    list_filter = ["credit__kind", "created_at"]
    search_fields = ["title", "alt_text", "caption", "original_filename", "credit__line"]
    autocomplete_fields = ["credit"]
    readonly_fields = ["preview", "original_filename", "width", "height", "sha256", "uploaded_by"]
    date_hierarchy = "created_at"

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PhotoAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["upload", "title", "alt_text", "caption", "credit"]
        return [
            "preview",
            "title",
            "alt_text",
            "caption",
            "credit",
            "original_filename",
            "width",
            "height",
            "sha256",
            "uploaded_by",
        ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        fields = {
            name: form.cleaned_data.get(name) for name in ("title", "alt_text", "caption", "credit")
        }
        try:
            created = photo_create(
                data=form.upload_bytes, filename=form.upload_name, by=request.user, **fields
            )
        except ImageRejected as exc:
            # Reaching here means clean() let a bad file through; surface it, don't 500.
            raise forms.ValidationError(str(exc)) from exc
        obj.pk = created.pk
        obj.__dict__.update(created.__dict__)

    def _rendition(self, obj: Photo, max_width: int):
        renditions = sorted(
            (r for r in obj.renditions.all() if r.format == "jpeg"), key=lambda r: r.width
        )
        fitting = [r for r in renditions if r.width <= max_width]
        return fitting[-1] if fitting else (renditions[0] if renditions else None)

    @admin.display(description="")
    def thumbnail(self, obj: Photo):
        rendition = self._rendition(obj, 480)
        if rendition is None:
            return "—"
        return format_html(
            '<img src="{}" alt="" width="80" height="{}" style="object-fit:cover">',
            rendition.file.url,
            round(80 * rendition.height / rendition.width),
        )

    @admin.display(description="preview")
    def preview(self, obj: Photo):
        rendition = self._rendition(obj, 800)
        if rendition is None:
            return "Renditions are being prepared."
        return format_html(
            '<img src="{}" alt="" style="max-width:100%;height:auto">', rendition.file.url
        )

    @admin.display(boolean=True, description="alt text")
    def has_alt_text(self, obj: Photo) -> bool:
        return bool(obj.alt_text.strip())

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("credit").prefetch_related("renditions")
