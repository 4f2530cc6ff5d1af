"""Whole-page caching for readers, CDN headers, and a calm answer when the database is down."""

import functools
import gzip
import hashlib
import logging
import math
import re
import time
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache, caches
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from django.db import InterfaceError, OperationalError
from django.db.models import Min
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string
from django.urls import get_resolver
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.csp import CSP, build_policy
from django.utils.http import http_date, parse_http_date_safe

from newsroom import invalidation
from newsroom.health import healthz

logger = logging.getLogger(__name__)

_accepts_gzip = re.compile(r"\bgzip\b")

# A story's own pages: story, slide, notes (story_patterns in newsroom/urls.py).
STORY_PATH = re.compile(r"^/stories/(?P<slug>[-\w]+)/")
_PAGE_NUMBER = re.compile(r"[0-9]{1,9}")  # Not "²", which isdigit() lets through.
SLIDE_PATH = re.compile(r"^/stories/[-\w]+/[1-9][0-9]*/$")

# How long answers other than pages may be kept, by status.
SHORT_LIVED = {
    # A rename can be undone: a browser holding old->new for long would then loop
    # new->old->new. A CDN may keep it longer: a save purges the story's address.
    301: "public, max-age=60, s-maxage=3600",
    # Browsers ask again each time: one that looked before a story went out would
    # show it missing for a minute after (a save purges the CDN's copy, not theirs).
    404: "public, max-age=0, s-maxage=60",
    410: "public, max-age=0, s-maxage=60",
}

# Paths that never go through the page cache: staff, previews, files, health.
UNCACHED_PREFIXES = ("/admin/", "/preview/", "/healthz", "/static/", "/media/")


@functools.cache
def _release() -> str:
    """This build's static files, by the hash of their manifest ("" without one).

    In the key, so pages cached by the previous deploy (pointing at its static
    files, rendered by its templates) are not served by this one.
    """
    return getattr(staticfiles_storage, "manifest_hash", "") or ""


def _next_go_live(generation: str):
    """When the next story dated in the future becomes public, if any.

    Remembered per generation (any story save starts a new one), so a page
    cache miss does not pay a query for it; once that time has passed, the
    next one is looked up.
    """
    from newsroom.models import Article

    key = f"public-pages:next-go-live:{generation}"
    known = cache.get(key)  # A 1-tuple, so "no story scheduled" is remembered too.
    if known is not None and (known[0] is None or known[0] > timezone.now()):
        return known[0]
    next_live = (
        # A draft dated ahead goes out only by a save, which starts a new generation.
        Article.objects.filter(status__in=Article.PUBLIC_STATUSES, published_at__gt=timezone.now())
        .aggregate(next=Min("published_at"))
        .get("next")
    )
    cache.set(key, (next_live,), timeout=settings.PUBLIC_PAGE_CACHE_SECONDS)
    return next_live


def _query_read(request) -> list[tuple[str, str]]:
    """The query parameters the page reads, made canonical. Any other parameter or
    value shows the same page, so shares its entry: a shared link arrives with a fresh
    ?fbclid= or ?utm_… on every click, and a flood of made-up values must not push
    the real pages out of the cache."""
    extra = settings.PUBLIC_PAGE_CACHE_QUERY_PARAMS
    read = [(k, v) for k, values in request.GET.lists() if k in extra for v in values]
    path, query = request.path_info, request.GET  # As the URLs match it, under any prefix.
    if path == "/" and "page" in query:
        # Values that are not the page served redirect to it (views.home): never stored.
        read.append(("page", query["page"]))
    elif path == "/sitemap.xml" and "p" in query:
        # Not a page number: a 404, never stored. 01 and 1 are one page.
        p = query["p"].strip()
        read.append(("p", str(int(p)) if _PAGE_NUMBER.fullmatch(p) else p))
    elif SLIDE_PATH.match(path) and query.get("show") == "1":
        read.append(("show", "1"))  # Any other value shows the warning, as none does.
    return read


def _authenticated(request) -> bool:
    """Whether the request is a logged-in user's: no one's when the database cannot say
    (the page is then a 503, or one that needs no database, such as robots.txt)."""
    user = getattr(request, "user", None)
    try:
        return user is not None and user.is_authenticated
    except (OperationalError, InterfaceError):
        return False


def _host_allowed(request) -> bool:
    # Answered outside the except block: Django's own DisallowedHost, raised again
    # further in, would otherwise log two tracebacks for one request.
    try:
        request.get_host()
    except DisallowedHost:
        return False
    return True


def _headers_only_for_head(request, response):
    if request.method == "HEAD" and not response.streaming and response.content:
        # Headers only, Content-Length included; a body would make gunicorn
        # log a warning for every probe a load balancer sends.
        response["Content-Length"] = str(len(response.content))
        response.content = b""
    return response


def _framed_and_policed(response):
    """For an answer made outside the CSP and frame middlewares: their headers, by hand."""
    # The name as a plain str: wsgiref (runserver) refuses the enum with a 500.
    response[str(CSP.HEADER_ENFORCE)] = build_policy(settings.SECURE_CSP)
    response["X-Frame-Options"] = "DENY"
    return response


def health_probes_answered_first(get_response):
    """/healthz before anything else. Load balancers probe a server by its own
    address (an AWS target's IP, a Kubernetes pod's), which is no host of the
    site's: Django would answer 400 and the server be taken out. The answer
    writes no link, which is what ALLOWED_HOSTS guards. It comes after
    SecurityMiddleware (nosniff, HSTS…)."""

    def middleware(request):
        if request.path_info != "/healthz":
            return get_response(request)
        return _headers_only_for_head(request, _framed_and_policed(healthz(request)))

    return middleware


class PublicPageCacheMiddleware:
    """Serve anonymous GETs of public pages from the shared cache.

    Keys carry an invalidation generation (newsroom.invalidation): a story's
    own counter for its pages, the site's for the rest, so an editorial save
    makes every page that shows the change stale at once. Entries also expire
    when the next scheduled story goes live, so it appears on time without cron.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return _headers_only_for_head(request, self._answer(request))

    def _answer(self, request):
        if not _host_allowed(request):
            # Not ours to answer: inside, Django's 400 page gets the CSP like any page.
            return self.get_response(request)
        if request.method not in ("GET", "HEAD") and not request.path.startswith(UNCACHED_PREFIXES):
            # Readers' pages only answer reading: say so (Django's CSRF check
            # would say 403, as if something had been refused).
            page = render_to_string("405.html", request=request)
            return _framed_and_policed(HttpResponseNotAllowed(["GET", "HEAD"], page))
        if not self._cacheable_request(request):
            response = self.get_response(request)
            return self._mark_private(request, response)

        # A Redis outage is absorbed by newsroom.cache.ResilientRedisCache.
        scope = self._scope(request)
        key = self._key(request, scope, invalidation.page_version(scope))
        entry = caches["pages"].get(key)
        if entry is not None:
            response = self._from_entry(entry, request)
            response["X-Cache"] = "hit"
            return self._conditional(request, response, scope)

        response = self.get_response(request)
        if self._cacheable_response(request, response):
            try:
                timeout = self._timeout()
            except (OperationalError, InterfaceError):
                # A page that needs no database (robots.txt) still goes out; unstored.
                return response
            self._add_validators(response)
            entry = self._to_entry(response, timeout)
            caches["pages"].set(key, entry, timeout=timeout)
            # Answered from the entry, as every later reader will be.
            response = self._from_entry(entry, request)
            response["X-Cache"] = "miss"
            return self._conditional(request, response, scope)
        return self._mark_private(request, response)

    def _cacheable_request(self, request) -> bool:
        return (
            request.method in ("GET", "HEAD")
            and not request.path.startswith(UNCACHED_PREFIXES)
            and not self._logged_in(request)
        )

    @staticmethod
    def _logged_in(request) -> bool:
        """Staff, whose pages are never shared. Readers never log in, but a session
        cookie alone proves nothing: a made-up one must not make every request a miss."""
        key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if not key:
            return False
        try:
            return SESSION_KEY in import_module(settings.SESSION_ENGINE).SessionStore(key)
        except (OperationalError, InterfaceError):
            return False  # No one can work as staff with the database down; readers still read.

    def _cacheable_response(self, request, response) -> bool:
        return (
            response.status_code == 200
            and not response.streaming
            and not response.has_header("Set-Cookie")
            and not response.cookies
            and "private" not in response.get("Cache-Control", "")
            and "no-store" not in response.get("Cache-Control", "")
            and not _authenticated(request)
        )

    @staticmethod
    def _scope(request) -> str:
        """A story's own pages move with its own counter; every other page with the site's."""
        match = STORY_PATH.match(request.path_info)
        return invalidation.story_scope(match["slug"]) if match else invalidation.SITE

    def _key(self, request, scope: str, generation: int) -> str:
        query = urlencode(sorted(_query_read(request)))
        digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()[:32]
        # The scheme too: pages name their own address (canonical, og:url).
        where = f"{request.scheme}://{request.get_host()}"
        # v2: entries carry their expiry time; older ones would not be understood.
        return f"public-page:v2:{_release()}:{scope}:{generation}:{where}:{digest}"

    def _timeout(self) -> int:
        timeout = settings.PUBLIC_PAGE_CACHE_SECONDS
        next_live = _next_go_live(invalidation.page_version())
        if next_live is not None:
            until = int((next_live - timezone.now()).total_seconds()) + 1
            timeout = max(1, min(timeout, until))
        return timeout

    def _add_validators(self, response) -> None:
        if not response.has_header("ETag"):
            response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'
        # When this copy was made, whatever the view said: the feed's and sitemap's
        # own dates (the newest story's) go back when that story is taken down,
        # and an If-Modified-Since would then get a 304 for a page that changed.
        response["Last-Modified"] = http_date()

    @staticmethod
    def _add_public_headers(response, entry: dict) -> None:
        # What is left of the entry's life, worked out on each answer: a CDN or
        # browser must not keep a copy longer than the entry, which ends when a
        # scheduled story goes live (nor serve it stale then).
        left = max(0, math.ceil(entry["expires"] - time.time()))
        stale = 0 if entry["shortened"] else settings.PUBLIC_STALE_SECONDS
        response["Cache-Control"] = (
            f"public, max-age={min(settings.PUBLIC_BROWSER_CACHE_SECONDS, left)}, "
            f"s-maxage={left}, stale-while-revalidate={stale}"
        )

    def _mark_private(self, request, response):
        if _authenticated(request) or request.path.startswith("/preview/"):
            response["Cache-Control"] = "private, no-store"
        elif response.status_code in SHORT_LIVED and not response.has_header("Cache-Control"):
            # Left unsaid, CDNs keep a 404 for their default hours (a scheduled story
            # would stay missing after its time) and browsers a 301 for ever (a
            # renamed story's old slug may go to a new story one day).
            response["Cache-Control"] = SHORT_LIVED[response.status_code]
            if response.status_code == 404:
                # The address of a story about to go live: kept no later than its time
                # (the link is shared at launch). Only 404s ask: a query at most per
                # change of the site, and only where a database answers.
                try:
                    seconds = min(60, self._timeout())
                except (OperationalError, InterfaceError):
                    seconds = 60
                response["Cache-Control"] = f"public, max-age=0, s-maxage={seconds}"
        return response

    def _conditional(self, request, response, scope: str):
        modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if (
            modified is not None
            and "If-Modified-Since" in request.headers
            and "If-None-Match" not in request.headers
            and invalidation.changed_in_second(scope, modified)
        ):
            # HTTP dates count whole seconds: a copy made in the second of a change
            # carries the date of the copy before it. Only the ETag tells them apart.
            modified = None
        return get_conditional_response(
            request, etag=response.get("ETag"), last_modified=modified, response=response
        )

    @staticmethod
    def _to_entry(response, timeout: int) -> dict:
        # Compressed once, here, rather than on each of the many hits. Reader
        # pages hold no secret (no CSRF token, nothing personal), so BREACH has
        # nothing to find in them.
        content = response.content
        compressed = gzip.compress(content, compresslevel=6, mtime=0)
        return {
            "status": response.status_code,
            "content": content,
            "gzip": compressed if len(compressed) < len(content) else None,
            "headers": [(k, v) for k, v in response.headers.items() if k.lower() != "x-cache"],
            "expires": time.time() + timeout,
            "shortened": timeout < settings.PUBLIC_PAGE_CACHE_SECONDS,
        }

    @classmethod
    def _from_entry(cls, entry: dict, request) -> HttpResponse:
        compressed = entry.get("gzip")
        use_gzip = compressed is not None and _accepts_gzip.search(
            request.headers.get("Accept-Encoding", "")
        )
        body = compressed if use_gzip else entry["content"]
        response = HttpResponse(body, status=entry["status"])
        for name, value in entry["headers"]:
            response[name] = value
        cls._add_public_headers(response, entry)
        if use_gzip:
            response["Content-Encoding"] = "gzip"
            # Each encoding its own validator, so a CDN never mixes them up.
            if response.has_header("ETag"):
                response["ETag"] = response["ETag"].removesuffix('"') + '-gzip"'
        response["Content-Length"] = str(len(response.content))
        patch_vary_headers(response, ["Accept-Encoding"])
        return response


def null_characters_refused(get_response):
    """A query string with a null character gets the 400 page: no search, filter or page
    number holds one, and PostgreSQL refuses it in a query (a 500)."""

    def middleware(request):
        if "%00" in request.META.get("QUERY_STRING", ""):
            # Answered here, not raised: scanners send these, and each would log a traceback.
            bad_request = get_resolver().resolve_error_handler(400)
            return bad_request(request, SuspiciousOperation("A null character in the query."))
        return get_response(request)

    return middleware


class DatabaseUnavailableMiddleware:
    """A 503 page with Retry-After when the database is down, never a traceback."""

    # An outage under load would write a line per request: one per few seconds (per
    # process) says it.
    LOG_EVERY_SECONDS = 5.0
    _logged_at = float("-inf")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        # Connection failures surface as these two, whichever backend is in use.
        if isinstance(exception, (OperationalError, InterfaceError)):
            return self._unavailable(exception)
        return None

    def _unavailable(self, exc) -> HttpResponse:
        now = time.monotonic()
        if now - DatabaseUnavailableMiddleware._logged_at >= self.LOG_EVERY_SECONDS:
            DatabaseUnavailableMiddleware._logged_at = now
            # psycopg's message runs on over lines: the first says it.
            first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            logger.error("Database unavailable: %s", first_line)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response._has_been_logged = True  # Django would add "Service Unavailable: /path".
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return _framed_and_policed(response)
