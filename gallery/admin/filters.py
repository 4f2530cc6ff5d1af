"""Filters of the photo list: each splits the photos by one condition, yes or no."""

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q

from gallery.models import Redaction


class YesNoFilter(admin.SimpleListFilter):
    """The photos that meet ``condition`` (a Q or a boolean expression), or the others."""

    condition: Q | Exists
    labels: tuple[str, str]  # For "yes" and for "no".

    def lookups(self, request, model_admin):
        return list(zip(("yes", "no"), self.labels, strict=True))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition)
        if self.value() == "no":
            return queryset.exclude(self.condition)
        return queryset


class SensitiveFilter(YesNoFilter):
    title = "people shown"
    parameter_name = "protected"
    labels = ("Prisoners, detainees or minors", "None of these")
    condition = Q(shows_prisoners=True) | Q(shows_detainees=True) | Q(shows_minors=True)


class HasRedactionsFilter(YesNoFilter):
    title = "redactions"
    parameter_name = "redacted"
    labels = ("Has redactions", "No redactions")
    # Exists rather than a join: no duplicate rows to remove, either way.
    condition = Exists(Redaction.objects.filter(photo=OuterRef("pk")))


class WithheldFilter(YesNoFilter):
    title = "withheld from readers"
    parameter_name = "withheld"
    labels = ("Withheld", "Not withheld")
    condition = ~Q(withheld_reason="")


class PlatformFilter(admin.SimpleListFilter):
    """Credits by platform or agency; those naming none (a photographer alone) say so,
    where Django's own filter gave them a link with no words."""

    title = "platform"
    parameter_name = "platform"
    NONE = "-"

    def lookups(self, request, model_admin):
        platforms = model_admin.get_queryset(request).exclude(platform="")
        distinct = platforms.order_by().values_list("platform", flat=True).distinct()
        named = sorted(distinct, key=str.lower)
        return [*((platform, platform) for platform in named), (self.NONE, "None named")]

    def queryset(self, request, queryset):
        if self.value() == self.NONE:
            return queryset.filter(platform="")
        if self.value():
            return queryset.filter(platform=self.value())
        return queryset
