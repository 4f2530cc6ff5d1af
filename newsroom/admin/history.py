"""Versions of stories and photos (django-reversion).

History uses django-reversion rather than django-simple-history: a story is
one unit made of several tables (slides, their quotes, corrections), and
reversion stores a *revision* that groups every row saved in one request, so
"restore this version" and "recover this deleted story" bring the slides back
with it. simple-history keeps one history table per model and restores rows
one at a time, which cannot put a story back together. Reversion also ships
the admin views (history, revert, recover) and needs no schema change in
gallery, whose Photo and Credit we register from this side.
"""

from dataclasses import dataclass

import reversion
from django.contrib import admin, messages
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from reversion.admin import VersionAdmin
from reversion.models import Version

import gallery.admin  # noqa: F401  (registered first, so it can be wrapped below)
from gallery import usage
from gallery.admin.checked import is_an_id
from gallery.models import Credit, Photo
from newsroom.models import Article, Correction
from newsroom.versions import save_story_versions

# The photo list's actions that change photos' own fields.
VERSIONED_PER_PHOTO = {"give_credit"}


class EditLockThroughRestore:
    """Restoring an old version writes its values back before the form is built, its
    save time too: the form's edit lock must compare with the row as it is now
    (gallery.forms.EditLockForm)."""

    def revision_view(self, request, object_id, version_id, extra_context=None):
        known = is_an_id(self.model, object_id)  # Else reversion answers 404; a query, 500.
        with transaction.atomic():
            # Locked until the restore is saved or shown: a save in between would be
            # overwritten unseen by the edit lock, which compares with this row.
            rows = self.model.objects.select_for_update()
            current = rows.filter(pk=object_id).first() if known else None
            if current is not None:
                self.remember(request, current)
            return super().revision_view(request, object_id, version_id, extra_context)

    def remember(self, request, current) -> None:
        setattr(request, usage.CHANGED_AT_BEFORE_ATTR, current.updated_at)


class PhotoProtectionThroughRestore(EditLockThroughRestore):
    """The form must also see what the photo's protection was, and the photo keeps
    today's file addresses (gallery.usage)."""

    def remember(self, request, current) -> None:
        super().remember(request, current)
        setattr(request, usage.PROTECTION_BEFORE_ATTR, usage.protection_of(current))
        setattr(request, usage.ADDRESS_KEY_BEFORE_ATTR, current.address_key)

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and request.POST.get("action") in VERSIONED_PER_PHOTO:
            # Not in the one revision reversion opens for the list: restoring one photo
            # would restore every photo changed with it. The action makes each photo's
            # versions itself (photos_before_change, log_change).
            return super(VersionAdmin, self).changelist_view(request, extra_context)
        return super().changelist_view(request, extra_context)

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        _version_outside_the_form(request, obj, entry)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        _version_outside_the_form(request, obj, entry)
        return entry

    def photos_before_change(self, request, photos) -> None:
        # A photo never saved in its form (the demo's, an import's) has no version of
        # how it was: the one the action leaves could not undo it.
        ids = [str(photo.pk) for photo in photos]
        kept = Version.objects.get_for_model(Photo).filter(object_id__in=ids)
        versioned = set(kept.values_list("object_id", flat=True))
        for photo in photos:
            if str(photo.pk) not in versioned:
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    reversion.set_comment("As it was before a change from the photo list.")
                    reversion.add_to_revision(photo)

    def recover_view(self, request, version_id, extra_context=None):
        version = Version.objects.get_for_model(Photo).filter(pk=version_id).first()
        if version is not None:
            back = Photo.objects.filter(pk=version.object_id).first()
            same_file = Photo.objects.filter(sha256=version.field_dict.get("sha256")).first()
            if back is not None or same_file is not None:
                # A stale Recover page: recovering again would write the old row over
                # today's (its withholding, its new addresses). Or the file came back as
                # another photo, whose place it would take.
                there = back or same_file
                self.message_user(
                    request,
                    f"This photo is in the library already, as “{there}”: that is the one to "
                    "use and change."
                    if back is not None
                    else f"The same file is in the library again, uploaded since as “{there}”: "
                    "use that one.",
                    messages.WARNING,
                )
                return HttpResponseRedirect(reverse("admin:gallery_photo_change", args=[there.pk]))
        setattr(request, usage.RECOVERING_ATTR, True)
        return super().recover_view(request, version_id, extra_context)


def _version_outside_the_form(request, photo: Photo, entry) -> None:
    """Uploaded with others, or changed by a list action: outside the form's revision.
    A version of its own, so a photo deleted by mistake can be recovered, and a change
    undone."""
    if not reversion.is_active():
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(entry.get_change_message())
            reversion.add_to_revision(photo)


# Registered with reversion in newsroom.versions.
for _model, _extra in (
    (Photo, (PhotoProtectionThroughRestore,)),
    (Credit, (EditLockThroughRestore,)),
):
    # Wrap the photo desk's own admin so its saves become versions too; gallery
    # stays unaware of the newsroom.
    _current = admin.site._registry.get(_model)
    if _current is not None and not isinstance(_current, VersionAdmin):
        admin.site.unregister(_model)
        _bases = (*_extra, VersionAdmin, type(_current))
        # Newest first, as a story's history is: the latest save is what one looks for.
        _attrs = {"history_latest_first": True}
        admin.site.register(_model, type(f"Versioned{type(_current).__name__}", _bases, _attrs))


# What "restore this version" leaves as it is now. Status and dates change only
# through the lifecycle steps, which check who may publish and write the audit
# log; corrections are a public record that an older version must not erase.
KEPT_THROUGH_RESTORE = (
    # The address: links shared since a rename must keep working. Typed in the
    # restore form, a new one is a rename like any other (old links redirect).
    "slug",
    "status",
    "published_at",
    "significant_update_at",
    "protected_persons_override",
    "preview_key",  # Links revoked since stay revoked.
    "atom_id",  # One entry in feed readers, however old the version.
)


@dataclass
class BeforeRestore:
    version: int
    kept: dict
    corrections: list[Correction]

    @classmethod
    def of(cls, article: Article) -> "BeforeRestore":
        return cls(
            version=article.version,
            kept={name: getattr(article, name) for name in KEPT_THROUGH_RESTORE},
            corrections=list(article.corrections.all()),
        )

    def apply(self, article: Article) -> None:
        """Put back, on the restored story, what a restore must not change."""
        for name, value in self.kept.items():
            setattr(article, name, value)
        restored = set(article.corrections.values_list("pk", flat=True))
        for correction in self.corrections:
            if correction.pk not in restored:
                correction.save(force_insert=True)


def save_before_delete(articles, *, by) -> None:
    """A version of each story as it was, so "Recover deleted stories" can bring it back.

    Stories changed by a script since their last version would otherwise come
    back without those changes.
    """
    save_story_versions(articles, by=by, comment="Deleted")
