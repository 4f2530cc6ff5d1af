"""Whether readers can see a photo. The library knows no stories: the apps showing photos say.

newsroom registers its check when it starts (newsroom.apps). Used to keep a
photo's protection (warning, protected-people flags, redactions) from being
lifted while it is out in public by someone not trusted to publish.
"""

from collections.abc import Callable

LIFT_PERMISSION = "gallery.lift_protection"

PROTECTION_LOCKED = (
    "Readers can see this photo (it is in a scheduled or published story): only an editor "
    "can take away its warning, its protected-people marks or its last redaction."
)

_checks: list[Callable] = []


def shown_publicly_by(check: Callable) -> None:
    """Register ``check(photo) -> bool``: True when that app shows the photo to readers."""
    if check not in _checks:
        _checks.append(check)


def is_shown_publicly(photo) -> bool:
    return photo.pk is not None and any(check(photo) for check in _checks)


def may_lift_protection(photo, user) -> bool:
    return user.has_perm(LIFT_PERMISSION) or not is_shown_publicly(photo)
