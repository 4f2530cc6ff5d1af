"""Whether readers can see a photo. The library knows no stories: the apps showing photos say.

newsroom registers its check when it starts (newsroom.apps). Used to keep a
photo's protection (warning, protected-people flags, redactions) from being
lifted while it is out in public by someone not trusted to publish.
"""

import contextlib
from collections.abc import Callable

LIFT_PERMISSION = "gallery.lift_protection"

PROTECTION_LOCKED = (
    "Readers can see this photo (it is in a scheduled or published story): only an editor "
    "can take away its warning, its protected-people marks or its last redaction, or make "
    "its redactions hide less."
)

_checks: list[Callable] = []


def shown_publicly_by(check: Callable) -> None:
    """Register ``check(photos) -> photos``: of a QuerySet of photos, those that app
    shows to readers."""
    if check not in _checks:
        _checks.append(check)


def is_shown_publicly(photo) -> bool:
    if photo.pk is None:
        return False
    one = type(photo).objects.filter(pk=photo.pk)
    return any(check(one).exists() for check in _checks)


def shown_publicly(photos) -> set:
    """The ids of these photos (a QuerySet) that readers can see."""
    shown = set()
    for check in _checks:
        shown.update(check(photos).values_list("pk", flat=True))
    return shown


def count_shown_publicly(photos) -> int:
    """How many of these photos (a QuerySet) readers can see."""
    return len(shown_publicly(photos))


# Where a photo is used, for the desk: (what, its admin page, the permission that page
# needs, whether readers see it).
_describers: list[Callable] = []


def uses_described_by(describe: Callable) -> None:
    """Register ``describe(photo) -> [(label, url, permission, public), …]``: where that
    app uses it."""
    if describe not in _describers:
        _describers.append(describe)


def uses_of(photo, user) -> list[tuple[str, str, bool]]:
    """(label, url, public) for each use; the url empty where `user` may not open it."""
    if photo.pk is None:
        return []
    uses = [use for describe in _describers for use in describe(photo)]
    return [
        (label, url if user.has_perm(perm) else "", public) for label, url, perm, public in uses
    ]


def may_lift_protection(photo, user) -> bool:
    return user.has_perm(LIFT_PERMISSION) or not is_shown_publicly(photo)


# Set on the request, before anything else runs, by whatever writes an old
# version of a photo back before its form is built (newsroom's "restore this
# version"): the photo's protection as it was, for PhotoChangeForm to compare.
PROTECTION_BEFORE_ATTR = "gallery_protection_before"
# Set likewise: the photo's address key as it was (Photo.address_key). An old
# version carries the key of its day, and its files must not come back at
# addresses withdrawn since.
ADDRESS_KEY_BEFORE_ATTR = "gallery_address_key_before"
# Set likewise: when the photo was last saved, as it was (the photo page's edit lock).
CHANGED_AT_BEFORE_ATTR = "gallery_changed_at_before"
# Set by whatever brings a deleted photo back (newsroom's "recover"): its redactions
# and notes do not come back with it, so it comes back withheld, for a person to check.
RECOVERING_ATTR = "gallery_recovering"
RECOVERED_WITHHELD = (
    "Recovered after it was deleted: its redactions and notes did not come back with it. "
    "Draw them again if it needs them, restore its original, then an editor clears this."
)
PROTECTION_FLAGS = ("is_sensitive", "shows_prisoners", "shows_detainees", "shows_minors")


def protection_of(photo) -> dict:
    """What a save must not take from a photo readers see, as the photo's form names it."""
    return {
        **{name: getattr(photo, name) for name in PROTECTION_FLAGS},
        "alt_text": photo.alt_text,
        "credit": photo.credit_id,
        "withheld_reason": photo.withheld_reason,
    }


# What the apps showing photos do with many changes to one photo's files at once (a
# build writes a dozen renditions): newsroom makes its pages stale once, at the end.
_batch: Callable = contextlib.nullcontext


def changes_batched_by(batch: Callable) -> None:
    """Register ``batch()``, a context manager around many writes to photo rows."""
    global _batch
    _batch = batch


def many_changes():
    return _batch()
