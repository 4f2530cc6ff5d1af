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
from django.contrib import admin
from reversion.admin import VersionAdmin

import gallery.admin  # noqa: F401  (registered first, so it can be wrapped below)
from gallery import usage
from gallery.models import Credit, Photo
from newsroom.admin.common import is_an_id
from newsroom.models import Article, Correction
from newsroom.versions import save_story_versions


class PhotoProtectionThroughRestore:
    """Restoring an old version writes its values back before the form is built;
    the form must still see what the photo's protection was, and the photo keeps
    today's file addresses (gallery.usage)."""

    def revision_view(self, request, object_id, version_id, extra_context=None):
        known = is_an_id(Photo, object_id)  # Else reversion answers 404; a query, 500.
        current = Photo.objects.filter(pk=object_id).first() if known else None
        if current is not None:
            setattr(request, usage.PROTECTION_BEFORE_ATTR, usage.protection_of(current))
            setattr(request, usage.ADDRESS_KEY_BEFORE_ATTR, current.address_key)
            setattr(request, usage.CHANGED_AT_BEFORE_ATTR, current.updated_at)
        return super().revision_view(request, object_id, version_id, extra_context)


for _model, _extra in ((Photo, (PhotoProtectionThroughRestore,)), (Credit, ())):
    if not reversion.is_registered(_model):
        reversion.register(_model)
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
