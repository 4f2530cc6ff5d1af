"""The photo picker of other forms (a story's slides): the library as thumbnails."""

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from gallery.models import Credit, Photo


class ThumbnailAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete answers, with a thumbnail for each photo and each
    credit named so that two reading alike can be told apart.

    Any form that picks a photo by autocomplete (a story's slides, say) can
    then show the library as pictures, not only titles: see photo_chooser_media().
    """

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, Credit):
            result["text"] = obj.choice_label()
        if isinstance(obj, Photo):
            # PhotoAdmin.get_queryset prefetches renditions: no query per result.
            rendition = obj.jpeg_rendition(480)
            if rendition is not None:
                result["thumbnail"] = rendition.file.url
        return result


def _autocomplete_view(request):
    return ThumbnailAutocompleteJsonView.as_view(admin_site=admin.site)(request)


admin.site.autocomplete_view = _autocomplete_view


def photo_chooser_media() -> forms.Media:
    """Media that makes every photo autocomplete on the page list thumbnails."""
    suffix = "" if settings.DEBUG else ".min"
    return forms.Media(
        js=[
            f"admin/js/vendor/jquery/jquery{suffix}.js",
            f"admin/js/vendor/select2/select2.full{suffix}.js",
            "admin/js/jquery.init.js",
            "gallery/photo-chooser.js",
        ],
        css={"all": ["gallery/photo-desk.css"]},
    )
