"""The photo desk in the admin: uploads, credits, redaction, renditions."""

from gallery.admin import credits, photos  # noqa: F401  (registers them)
from gallery.admin.chooser import photo_chooser_media
from gallery.admin.inlines import LabelledTabularInline

__all__ = ["LabelledTabularInline", "photo_chooser_media"]
