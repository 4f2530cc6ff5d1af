"""The staff log-in, throttled: password guessing stops after a few failures.

Counted per address and account together, and per address alone with more
room: a lock on the account alone would let anyone lock an editor out by
typing wrong passwords for them. The window slides: a lock lasts until the
failure that set it off is older than the lock time, so a guesser gets at most
ADMIN_LOGIN_FAILURES tries per lock time. Failures are rows in the database
(newsroom.models.LoginFailure), exact under bursts and shared by every process.
"""

import hashlib
import ipaddress
import logging
import math
from datetime import timedelta

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from newsroom.models import LoginFailure

logger = logging.getLogger(__name__)

# One address may try this many accounts' worth of failures before all its log-ins wait.
ACCOUNTS_PER_ADDRESS = 4


def client_address(request) -> str:
    """The client's address, as the last trusted proxy saw it.

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


def throttled_address(address: str) -> str:
    """Whom an address stands for: an IPv6 client holds a whole /64, so it counts as one.

    Some proxies write the client's port too (203.0.113.7:51234, [2001:db8::1]:443);
    it changes with every connection, so it is dropped.
    """
    address = address.strip()
    if address.startswith("["):
        address = address[1:].partition("]")[0]
    elif address.count(":") == 1:
        address = address.partition(":")[0]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if ip.version == 6 and ip.ipv4_mapped:
        return str(ip.ipv4_mapped)
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class LoginThrottle:
    """One log-in attempt: counted before the password is checked, so that attempts
    arriving together are ranked and only the first few get a check."""

    def __init__(self, address: str, username: str):
        self.address = throttled_address(address)
        self.account = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
        self.lock = timedelta(seconds=settings.ADMIN_LOGIN_LOCK_SECONDS)
        self.attempt: LoginFailure | None = None

    def start(self) -> int:
        """Count this attempt; how many seconds it must wait instead (0: go ahead)."""
        now = timezone.now()
        LoginFailure.objects.filter(at__lte=now - self.lock).delete()
        self.attempt = LoginFailure.objects.create(
            address=self.address, account=self.account, at=now
        )
        wait = self._seconds_locked(now)
        if wait:
            self.attempt.delete()  # Refused unchecked: not a guess, so it sets nothing off.
            self.attempt = None
            logger.warning("Staff log-in paused for %s s from %s", wait, self.address)
        return wait

    def _seconds_locked(self, now) -> int:
        earlier = LoginFailure.objects.filter(
            address=self.address, at__gt=now - self.lock, pk__lt=self.attempt.pk
        ).order_by("-pk")
        limit = settings.ADMIN_LOGIN_FAILURES
        # What set a lock off: the limit-th attempt before this one, for the account or
        # for the address; the lock lasts until it is older than the lock time.
        setting_off = [
            *earlier.filter(account=self.account).values_list("at", flat=True)[limit - 1 : limit],
            *earlier.values_list("at", flat=True)[
                limit * ACCOUNTS_PER_ADDRESS - 1 : limit * ACCOUNTS_PER_ADDRESS
            ],
        ]
        until = [moment + self.lock for moment in setting_off]
        return max((math.ceil((u - now).total_seconds()) for u in until), default=0)

    def failed(self) -> None:
        """The password was wrong: the attempt stays counted."""
        logger.info("Failed staff log-in from %s", self.address)

    def not_a_guess(self) -> None:
        """Refused for another reason than the password (an inactive account)."""
        if self.attempt is not None:
            self.attempt.delete()

    def succeeded(self) -> None:
        # Earlier typos for this account no longer count; the address's other accounts still do.
        LoginFailure.objects.filter(address=self.address, account=self.account).delete()


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
        wait = throttle.start()
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
            else:
                throttle.not_a_guess()
            raise
        if self.get_user() is None:
            throttle.not_a_guess()  # A field left empty: no password was checked.
        else:
            throttle.succeeded()
        return cleaned
