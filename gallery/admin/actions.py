"""The photo list's actions: credit, rebuild or withdraw many photos at once."""

from django.conf import settings
from django.contrib import admin, messages
from django.template.defaultfilters import pluralize

from gallery import usage
from gallery.forms import CONFIRM_WITHDRAWAL, PhotoActionForm
from gallery.models import Credit, Photo
from gallery.services import photo_rebuild_renditions, photo_withdraw_files, photos_credit


class PhotoActions:
    """Mixed into PhotoAdmin, whose `actions` name these."""

    def response_action(self, request, queryset, *args, **kwargs):
        # Many photos at once: the pages showing them go stale once, at the end.
        with usage.many_changes():
            return super().response_action(request, queryset, *args, **kwargs)

    def photos_before_change(self, request, photos: list[Photo]) -> None:
        """Called by list actions before they change photos; for whoever keeps versions."""

    @admin.action(description="Give the credit chosen beside", permissions=["change"])
    def give_credit(self, request, queryset):
        chosen = request.POST.get("credit")
        credit = PhotoActionForm.base_fields["credit"].clean(chosen)
        if credit is None:
            why = (
                "the credit chosen is no longer in the library (deleted since the page was "
                "opened): choose another"
                if chosen
                else "choose one"
            )
            self.message_user(
                request,
                f"No credit was given: {why} in “Credit to give” beside the action, "
                "then select the photos again and run it.",
                messages.WARNING,
            )
            return
        photos = list(queryset.select_related("credit"))
        disputed = credit.verification == Credit.Verification.DISPUTED
        kept = set()
        if disputed:
            # As on a photo's own page: a story that is out may not show a doubted credit.
            live = usage.shown_publicly(queryset)
            kept = {p.pk for p in photos if p.pk in live and p.credit_id != credit.pk}
            photos = [p for p in photos if p.pk not in kept]
        self.photos_before_change(request, [p for p in photos if p.credit_id != credit.pk])
        changed = photos_credit(photos=photos, credit=credit)
        for photo in changed:
            self.log_change(request, photo, f"Credit: “{credit}” (given to several at once).")
        had = len(photos) - len(changed)
        if changed:
            message = f"Gave {len(changed)} photo{pluralize(len(changed))} the credit “{credit}”."
            message += f" {had} had it already." if had else ""
        elif not kept:
            message = f"Nothing changed: the selected photos have the credit “{credit}” already."
        elif had:
            have = pluralize(had, "photo has,photos have")
            message = f"The other {had} {have} the credit “{credit}” already."
        else:
            message = ""
        if message:
            self.message_user(request, message)
        if kept:
            count = len(kept)
            self.message_user(
                request,
                f"{count} photo{pluralize(count)} that readers can see kept "
                f"{pluralize(count, 'its,their')} credit: “{credit}” is marked disputed, and a "
                "story that is out may not show one. Settle it on the credit's page first.",
                messages.WARNING,
            )
        if disputed and changed:
            self.message_user(
                request,
                f"“{credit}” is marked disputed: stories with the photos given it cannot be "
                "published until it is settled.",
                messages.WARNING,
            )

    @admin.action(description="Rebuild renditions", permissions=["change"])
    def rebuild_renditions(self, request, queryset):
        photos = list(queryset)
        queued = [photo for photo in photos if photo_rebuild_renditions(photo=photo)]
        withheld = sum(1 for photo in photos if photo.withheld_reason)
        waiting = len(photos) - len(queued) - withheld
        message = (
            f"Rebuilding the renditions of {len(queued)} photo{pluralize(len(queued))}; "
            "readers see the current ones until each new one takes its place."
            if queued
            else "Nothing more was queued."
        )
        if waiting:
            message += f" {waiting} {pluralize(waiting, 'was,were')} waiting for a rebuild already."
        if withheld:
            being = pluralize(withheld, "it is,they are")
            message += f" {withheld} withheld: no public file while {being}."
        self.message_user(request, message)

    @admin.action(description="Withdraw public files (new addresses)", permissions=["change"])
    def withdraw_public_files(self, request, queryset):
        if not request.POST.get(CONFIRM_WITHDRAWAL):
            self.message_user(
                request,
                "Nothing was withdrawn. Withdrawing gives the public files of the selected "
                "photos new addresses: every link to the old ones stops working for good, "
                "everywhere (share images on social networks, links readers copied, copies "
                "at the CDN), and pages show a placeholder until the new files are built. "
                "To go ahead, select the photos again, tick “Yes, old image links stop "
                "working” beside the action, and run it.",
                messages.WARNING,
            )
            return
        count = 0
        for photo in queryset:
            photo_withdraw_files(photo=photo)
            count += 1
        self.message_user(request, withdrawn_message(count))


def _cdn_told() -> str:
    # Promised only when purges are sent: a takedown must not be believed done
    # at a CDN that was never told.
    return " and the CDN is told to drop its copies" if settings.CDN_PURGE else ""


def withheld_message() -> str:
    return (
        # Deleted after the save, and again while the photo store does not answer.
        f"Withheld: its public files go as soon as the photo store answers{_cdn_told()}, "
        "stories show “Photo "
        "withdrawn” in its place, and no story can be published with it."
    )


def withdrawn_message(count: int) -> str:
    # The old files are deleted after the save, tried again while the storage does not
    # answer (gallery.tasks.delete_file): said as it is, not as done.
    cdn = _cdn_told()
    return (
        f"Withdrew the public files of {count} photo{pluralize(count)}: their old image links "
        f"stop working as their files are deleted, now{cdn} (should the photo store not "
        "answer, the deletion is tried again for ten minutes, then left to "
        "manage.py gallery_cleanup). Pages show the "
        f"photo{pluralize(count)} again, at new addresses, once the new files are built; "
        "a reader whose browser loaded a page in the last minute may see a broken image "
        "until it is reloaded."
    )
