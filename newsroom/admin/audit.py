"""The audit log of publish, unpublish and overrides: read-only."""

from django.contrib import admin

from gallery.admin.checked import CheckedAdmin
from newsroom.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(CheckedAdmin):
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
