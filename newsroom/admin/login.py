"""The staff log-in, throttled: password guessing stops after a few failures.

Counted per address and account together, and per address alone with more
room: a lock on the account alone would let anyone lock an editor out by
typing wrong passwords for them. Counters live in the default cache, shared by
every process (Redis at scale, else files on the machine); when it is down,
log-ins go on unthrottled rather than locking the newsroom out of its own desk.
"""

import hashlib
import logging
import math
import time

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

# One address may try this many accounts' worth of failures before all its log-ins wait.
ACCOUNTS_PER_ADDRESS = 4


def client_address(request) -> str:
    """The reader's address, as the last trusted proxy saw it.

    Proxies append to X-Forwarded-For, so with N trusted proxies the client is
    the N-th entry from the right; entries further left are whatever the
    client chose to send.
    """
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if count == 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    # Fewer entries than proxies: the request did not come through them all.
    return forwarded[-count] if len(forwarded) >= count else remote


class LoginThrottle:
    def __init__(self, address: str, username: str):
        account = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
        self.limits = {
            f"login-failures:{address}:{account}": settings.ADMIN_LOGIN_FAILURES,
            f"login-failures:{address}": settings.ADMIN_LOGIN_FAILURES * ACCOUNTS_PER_ADDRESS,
        }
        self.address = address

    def seconds_locked(self) -> int:
        """How long log-ins from here for this account must wait; 0 when they need not."""
        try:
            until = cache.get_many([f"{key}:locked" for key in self.limits]).values()
        except OSError:
            logger.warning("Log-in throttle unavailable: the cache is down.", exc_info=True)
            return 0
        return max((math.ceil(moment - time.time()) for moment in until), default=0)

    def failed(self) -> None:
        lock = settings.ADMIN_LOGIN_LOCK_SECONDS
        try:
            for key, limit in self.limits.items():
                # The window opens at the first failure and lasts as long as a lock.
                cache.add(key, 0, timeout=lock)
                if cache.incr(key) >= limit:
                    cache.set(f"{key}:locked", time.time() + lock, timeout=lock)
                    cache.delete(key)
                    logger.warning("Staff log-in locked for %s s: %s", lock, key)
        except (ValueError, OSError):  # incr's "no such key" when the cache dropped the add
            logger.warning("Log-in throttle unavailable: the cache is down.", exc_info=True)

    def succeeded(self) -> None:
        account_key = next(iter(self.limits))
        try:
            cache.delete(account_key)
        except OSError:
            logger.warning("Log-in throttle unavailable: the cache is down.", exc_info=True)


class ThrottledLoginForm(AdminAuthenticationForm):
    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": (
            "Too many failed log-ins from here. For your account's safety, log-in is "
            "paused: try again in %(minutes)s. If you have forgotten your password, "
            "ask an administrator to reset it."
        ),
    }

    def clean(self):
        throttle = LoginThrottle(
            client_address(self.request), self.cleaned_data.get("username") or ""
        )
        # Checked before the password, so a locked-out guesser learns nothing.
        wait = throttle.seconds_locked()
        if wait > 0:
            minutes = math.ceil(wait / 60)
            raise ValidationError(
                self.error_messages["throttled"],
                code="throttled",
                params={"minutes": f"{minutes} minute{'s' if minutes != 1 else ''}"},
            )
        try:
            cleaned = super().clean()
        except ValidationError as error:
            if error.code == "invalid_login":
                throttle.failed()
            raise
        throttle.succeeded()
        return cleaned
