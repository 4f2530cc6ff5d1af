"""Credits: one per source, picked on each photo."""

from django.contrib import admin, messages
from django.db.models import Count
from django.template.defaultfilters import pluralize

from gallery import usage
from gallery.admin.checked import CheckedAdmin
from gallery.admin.filters import PlatformFilter
from gallery.forms import CreditForm
from gallery.models import Credit
from gallery.usage import count_shown_publicly


@admin.register(Credit)
class CreditAdmin(CheckedAdmin):
    form = CreditForm
    list_display = ["line", "kind", "platform", "account", "verification", "photo_count"]
    list_filter = ["kind", "verification", PlatformFilter]
    # The photo form's credit picker searches these too (autocomplete).
    search_fields = ["line", "platform", "account", "creator"]
    readonly_fields = ["line", "used_by"]
    date_hierarchy = "retrieved_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "line",
                    "used_by",
                    "kind",
                    "platform",
                    "account",
                    "creator",
                    "line_override",
                    "opened_at",
                ],
                "description": "One credit serves every photo from the same source: pick it "
                "on the photo instead of retyping it. The credit line readers see is built "
                "from these parts unless you override it.",
            },
        ),
        (
            "Provenance",
            {
                "fields": ["url", "retrieved_at", "licence"],
                "description": "Where and when the desk took the image, and on what terms.",
            },
        ),
        ("Verification", {"fields": ["verification", "verification_note"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.changed_at_before = getattr(request, usage.CHANGED_AT_BEFORE_ATTR, None)
        return form

    def get_queryset(self, request):
        # An aggregate drops Meta.ordering; the credit picker pages through this list.
        return super().get_queryset(request).annotate(num_photos=Count("photos")).order_by("line")

    @admin.display(description="photos", ordering="num_photos")
    def photo_count(self, obj: Credit) -> int:
        return obj.num_photos

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        twins = Credit.objects.filter(line=obj.line).exclude(pk=obj.pk)
        if twin := twins.first():
            # Readers cannot tell them apart; the desk's pickers only by number.
            self.message_user(
                request,
                f"Another credit reads “{obj.line}” too (#{twin.pk}, "
                f"{twin.get_verification_display().lower()}): readers cannot tell them "
                "apart, and credit pickers only by their numbers. Use that one, or make "
                "this line differ.",
                messages.WARNING,
            )
        disputed = obj.verification == Credit.Verification.DISPUTED
        if disputed and "verification" in form.changed_data:
            shown = count_shown_publicly(obj.photos.filter(withheld_reason=""))
            if shown:
                # The checklist stops new publications; what is out, or scheduled, stays.
                self.message_user(
                    request,
                    f"{shown} photo{pluralize(shown)} with this credit "
                    f"{pluralize(shown, 'is,are')} in published or scheduled stories, which "
                    "stay as they are: check them, "
                    "and withhold a photo or take it off a story if its source is in doubt.",
                    messages.WARNING,
                )

    @admin.display(description="used by")
    def used_by(self, obj: Credit) -> str:
        if obj.pk is None:
            return "No photo yet."
        photos = obj.photos.all()
        total = photos.count()
        if not total:
            return "No photo yet."
        # A withheld photo shows readers no credit.
        shown = count_shown_publicly(photos.filter(withheld_reason=""))
        used = f"{total} photo{pluralize(total)}"
        if not shown:
            return f"{used}, none of them in a published or scheduled story."
        return (
            f"{used}, {shown} of them in published or scheduled stories: readers see a "
            "change to this credit there at once."
        )
