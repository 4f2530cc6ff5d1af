"""Filters of the photo list."""

from django.contrib import admin
from django.db.models import Q


class SensitiveFilter(admin.SimpleListFilter):
    title = "people shown"
    parameter_name = "protected"

    def lookups(self, request, model_admin):
        return [("yes", "Prisoners, detainees or minors"), ("no", "None of these")]

    def queryset(self, request, queryset):
        protected = Q(shows_prisoners=True) | Q(shows_detainees=True) | Q(shows_minors=True)
        if self.value() == "yes":
            return queryset.filter(protected)
        if self.value() == "no":
            return queryset.exclude(protected)
        return queryset


class HasRedactionsFilter(admin.SimpleListFilter):
    title = "redactions"
    parameter_name = "redacted"

    def lookups(self, request, model_admin):
        return [("yes", "Has redactions"), ("no", "No redactions")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(redactions__isnull=False).distinct()
        if self.value() == "no":
            return queryset.filter(redactions__isnull=True)
        return queryset


class WithheldFilter(admin.SimpleListFilter):
    title = "withheld from readers"
    parameter_name = "withheld"

    def lookups(self, request, model_admin):
        return [("yes", "Withheld"), ("no", "Not withheld")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(withheld_reason="")
        if self.value() == "no":
            return queryset.filter(withheld_reason="")
        return queryset
