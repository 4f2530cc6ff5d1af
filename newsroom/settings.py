"""Settings for the newsroom project, read from the environment.

Local defaults need nothing running: SQLite in the project folder, media on
local disk under ``media/``, an in-process cache. Production values come from
environment variables (see README.md); with ``DJANGO_DEBUG`` off a missing
required value stops start-up with a message naming the variable.
"""

import logging
import os
import re
import zoneinfo
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsroom.csp import JS_FLAG_SOURCE
from newsroom.log import DATE_FORMAT, LINE_FORMAT

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True}
_BOOLEANS |= {"0": False, "false": False, "no": False, "off": False}


def env_bool(name: str, default: bool = False) -> bool:
    """On or off; a typo stops start-up rather than quietly meaning off."""
    value = env(name)
    if not value:
        return default
    if value.lower() not in _BOOLEANS:
        raise ImproperlyConfigured(
            f"{name} must be 1/0, true/false, yes/no or on/off, not {value!r}."
        )
    return _BOOLEANS[value.lower()]


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    """A whole number; set but empty, not a number, or below minimum stops start-up."""
    if name not in os.environ:
        return default
    value = os.environ[name].strip()
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(
            f"{name} must be a whole number of at least {minimum}, not {value!r}."
        )
    return number


def env_int_list(name: str, default: str, *, minimum: int = 0) -> tuple[int, ...]:
    """Comma-separated whole numbers, each at least minimum, and at least one of them."""
    value = env(name, default)
    try:
        numbers = tuple(int(item) for item in env_list(name, default))
    except ValueError:
        numbers = ()
    if not numbers or min(numbers) < minimum:
        raise ImproperlyConfigured(
            f"{name} must be comma-separated whole numbers of at least {minimum}, not {value!r}."
        )
    return numbers


def s3_public_origins(
    bucket: str, *, endpoint: str, region: str, style: str, domain: str
) -> list[str]:
    """Where browsers fetch the public bucket's files, as django-storages and botocore build
    their URLs: the custom domain, else the endpoint (path style, and botocore's fallback for
    bucket names that cannot be a host name), with the bucket as a subdomain for virtual style."""
    if domain:
        return [f"https://{domain}"]
    if endpoint:
        parts = urlsplit(endpoint)
        scheme, host = parts.scheme, parts.netloc.rpartition("@")[2]
    else:
        scheme = "https"
        host = "s3.amazonaws.com" if region == "us-east-1" else f"s3.{region}.amazonaws.com"
    origins = [f"{scheme}://{host}"]
    if style == "virtual":
        origins.append(f"{scheme}://{bucket}.{host}")
    elif style == "auto" and not endpoint:
        # botocore's "auto" on AWS names the bucket on the global host, whatever the region.
        origins.append(f"https://{bucket}.s3.amazonaws.com")
    return origins


def env_required(name: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(
            f"The environment variable {name} is required when DJANGO_DEBUG is off."
        )
    return value


DEBUG = env_bool("DJANGO_DEBUG", default=False)

if DEBUG:
    # Only ever used on a developer's machine; production must set its own.
    SECRET_KEY = env("DJANGO_SECRET_KEY") or "django-insecure-local-development-only"
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    # Not [","] from " , ": a host no request has, so every one would get a 400. In
    # any mode, so such a value fails on a developer's machine before a deploy.
    raise ImproperlyConfigured(
        "The environment variable DJANGO_ALLOWED_HOSTS must name at least one host, and is "
        "required when DJANGO_DEBUG is off: comma-separated host names (e.g. news.example.org)."
    )

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "newsroom.views.csrf_failure"
# How many proxies (load balancer, CDN) stand in front of the app: a client's
# address is the X-Forwarded-For entry the outermost of them appended. Required
# in production: a wrong guess either trusts addresses clients make up, or
# takes everyone for the proxy, and one person's typos would lock all out.
if not DEBUG:
    env_required("DJANGO_TRUSTED_PROXIES")
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXIES", 0)
# Staff log-in (newsroom.admin.login): failures allowed per account from one
# address within the lock time; then log-ins from there wait until the first
# of them is that old.
ADMIN_LOGIN_FAILURES = env_int("ADMIN_LOGIN_FAILURES", 5, minimum=1)
ADMIN_LOGIN_LOCK_SECONDS = env_int("ADMIN_LOGIN_LOCK_SECONDS", 15 * 60, minimum=1)
# Staff pages outside the admin (previews) send the logged-out to the admin's log-in.
LOGIN_URL = "admin:login"
# Where a log-in lands when its "next" was refused (another site's address).
LOGIN_REDIRECT_URL = "admin:index"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks_db",
    "reversion",
    "gallery",
    "newsroom",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "newsroom.middleware.health_probes_answered_first",
    "newsroom.middleware.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside CSP so a cached page keeps the CSP header it was rendered with.
    "newsroom.middleware.PublicPageCacheMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Inside the CSP: its 400 page gets the policy too.
    "newsroom.middleware.null_characters_refused",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"
ASGI_APPLICATION = "newsroom.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "newsroom.context_processors.site",
            ],
        },
    },
]

# Database: SQLite in the project folder unless DATABASE_URL says otherwise.
try:
    DATABASES = {
        "default": dj_database_url.parse(
            env("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
except ValueError as exc:  # Not the URL itself in the message: it may hold a password.
    raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from None
if not DATABASES["default"]["ENGINE"].endswith(("postgresql", "sqlite3")):
    # dj-database-url knows MySQL and others, whose drivers are not installed: said
    # here in a line, not as a traceback at the first query.
    raise ImproperlyConfigured(
        "DATABASE_URL must name PostgreSQL (postgres://…) or SQLite (sqlite:///…), "
        "the two databases this project is built and tested for."
    )
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # psycopg waits about two minutes for a host that never answers; every request
    # and /healthz would wait with it. A ?connect_timeout= in DATABASE_URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Transactions take the write lock when they begin, so two that read and then
    # write (two editors saving, the task worker) queue for it instead of one
    # failing at once with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("transaction_mode", "IMMEDIATE")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches. "default" holds what every process must agree on (the page cache's
# invalidation counters, the next go-live time): Redis when REDIS_URL is set,
# otherwise files on local disk, which every process on this machine shares
# (gunicorn's workers, the task worker building renditions). In-process
# memory would let an edit reach only the process that made it.
# "pages" holds whole public pages: Redis too when there is one; without it,
# each process keeps its own copies, found by keys that carry those shared
# counters, so a hit costs a memory lookup and an edit still reaches them all.
if env("REDIS_URL"):
    # Not the URL itself in the messages: it may hold a password.
    if not env("REDIS_URL").lower().startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
    from redis.connection import parse_url

    # Read as the Redis client will, now: a port typed "6379:14" would otherwise
    # pass start-up and fail every request, and redis-py reads a database number
    # that is not one ("/l4") as database 0, another site's perhaps.
    # Django's Redis cache takes "primary,replica…": each is read.
    for _url in (url.strip() for url in re.split("[;,]", env("REDIS_URL"))):
        try:
            parse_url(_url)
        except ValueError:
            # Not redis-py's words either: they may quote a password holding # or /.
            raise ImproperlyConfigured(
                "REDIS_URL could not be read: check its port, the options after ?, and "
                "that a password holding # / ? or @ is percent-encoded."
            ) from None
        _redis_db = urlsplit(_url).path.strip("/")
        if _url.lower().startswith("redis") and _redis_db and not _redis_db.isdigit():
            raise ImproperlyConfigured(
                "REDIS_URL: the database after the host and port must be a number, "
                "as in redis://host:6379/0."
            )
    _redis = {
        # Django's Redis cache, made to serve pages without it when Redis is down.
        "BACKEND": "newsroom.cache.ResilientRedisCache",
        "LOCATION": env("REDIS_URL"),
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", "newsroom"),
    }
    CACHES = {"default": _redis, "pages": _redis}
else:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.FileCache",
            "LOCATION": env("CACHE_DIR", str(BASE_DIR / ".cache")),
            # One small file per story's counter: keep them rather than cull.
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        },
        "pages": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "newsroom-pages",
            "OPTIONS": {"MAX_ENTRIES": 1000},
        },
    }

# Public pages: seconds a shared cache/CDN may keep them, a browser may keep
# them, and a CDN may serve them stale while it refetches.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 300)
PUBLIC_BROWSER_CACHE_SECONDS = env_int("PUBLIC_BROWSER_CACHE_SECONDS", 60)
PUBLIC_STALE_SECONDS = env_int("PUBLIC_STALE_SECONDS", 600)
# Query parameters that make a different page wherever they appear. The pages'
# own (home's ?page=, the sitemap's ?p=, a slide's ?show=1) are known to the page
# cache (middleware._query_read), which a page that reads a new one must join;
# others (utm_…, fbclid) share one entry. The benchmarks add one to force misses.
PUBLIC_PAGE_CACHE_QUERY_PARAMS = ()

# Storage. Two media storages: "default" holds public renditions only,
# "originals" holds uploaded files and is never served to the public.
MEDIA_ROOT = Path(env("MEDIA_ROOT") or BASE_DIR / "media" / "public")
MEDIA_URL = env("MEDIA_URL", "/media/")
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT") or BASE_DIR / "media" / "private")
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATIC_URL = "/static/"

S3_BUCKET = env("S3_BUCKET")
# Browsers must be allowed to load renditions from wherever the storage serves them.
_s3_origins = []
if S3_BUCKET:
    from botocore.config import Config  # A tenth of a second: only when needed.

    _s3_endpoint = env("S3_ENDPOINT_URL")
    _s3_region = env("S3_REGION") or "us-east-1"
    _s3_style = env("S3_ADDRESSING_STYLE", "path")
    _s3_domain = env("S3_PUBLIC_DOMAIN")
    if _s3_endpoint and urlsplit(_s3_endpoint).scheme not in ("http", "https"):
        raise ImproperlyConfigured("S3_ENDPOINT_URL must start with http:// or https://.")
    if not re.fullmatch(r"[A-Za-z0-9-]+", _s3_region):
        # It goes into host names (s3.<region>.amazonaws.com) and request signatures.
        raise ImproperlyConfigured(
            f"S3_REGION must be letters, digits and hyphens (e.g. eu-west-1), not {_s3_region!r}."
        )
    if _s3_domain and not re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]+)?", _s3_domain):
        # django-storages and the CSP put https:// in front of it themselves.
        raise ImproperlyConfigured(
            f"S3_PUBLIC_DOMAIN must be the host only (e.g. cdn.example.org), not {_s3_domain!r}."
        )
    if _s3_style not in ("path", "virtual", "auto"):
        raise ImproperlyConfigured(
            f"S3_ADDRESSING_STYLE must be 'path', 'virtual' or 'auto', not {_s3_style!r}."
        )
    # Buckets AWS makes today refuse any object ACL ("bucket owner enforced"): there,
    # public read comes from a bucket policy on public/*, and S3_OBJECT_ACLS=0.
    _s3_acls = env_bool("S3_OBJECT_ACLS", default=True)
    _s3_origins = s3_public_origins(
        S3_BUCKET,
        endpoint=_s3_endpoint,
        region=_s3_region,
        style=_s3_style,
        domain=_s3_domain,
    )
    _s3 = {
        "bucket_name": S3_BUCKET,
        "endpoint_url": _s3_endpoint or None,
        "region_name": _s3_region,
        "access_key": env("S3_ACCESS_KEY_ID") or None,
        "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
        "file_overwrite": False,
        # botocore's defaults (60 s reads, several retries) held a request, or a
        # /healthz probe, for three minutes when S3 hung. A client_config replaces
        # django-storages' own, so the addressing style goes in here too.
        "client_config": Config(
            s3={"addressing_style": _s3_style},
            connect_timeout=3,
            read_timeout=5,
            retries={"mode": "standard", "total_max_attempts": 2},
        ),
    }
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "location": "public",
                "default_acl": "public-read" if _s3_acls else None,
                "querystring_auth": False,
                "custom_domain": _s3_domain or None,
                # Rendition names carry a content hash, so they never change.
                "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            },
        },
        "originals": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "bucket_name": env("S3_PRIVATE_BUCKET") or S3_BUCKET,
                "location": "originals",
                "default_acl": "private" if _s3_acls else None,
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }
else:
    STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
        },
        "originals": {
            # A local original has no URL at all.
            "BACKEND": "gallery.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": PRIVATE_MEDIA_ROOT},
        },
    }
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if not DEBUG
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Public renditions are served by Django itself only with local storage.
SERVE_MEDIA = not S3_BUCKET

# Background work: the database queue when the site runs (make run starts
# db_worker); tests and one-off scripts run tasks immediately.
_tasks_backends = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = env("TASKS_BACKEND", "immediate")
if _tasks_backend not in _tasks_backends:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be 'immediate' or 'database', not {_tasks_backend!r}."
    )
TASKS = {"default": {"BACKEND": _tasks_backends[_tasks_backend]}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("DJANGO_TIME_ZONE") or "UTC"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    # Django's own refusal ("Incorrect timezone setting") does not say where it came from.
    raise ImproperlyConfigured(
        f"DJANGO_TIME_ZONE must be a time zone name (e.g. Europe/Kyiv), not {TIME_ZONE!r}."
    ) from None
USE_I18N = True
USE_TZ = True

SITE_NAME = env("SITE_NAME") or "Newsroom"  # Set but blank: readers still get a name.

# A CDN in front of the site keeps pages for minutes and renditions for a
# year; a takedown (a new redaction, an unpublished story) must not wait for
# either. "http" sends an HTTP PURGE per URL, as Fastly, Varnish and the like
# take it, with CDN_PURGE_HEADER (e.g. "Fastly-Key: …") if the CDN wants one.
CDN_PURGE = env("CDN_PURGE")
if CDN_PURGE not in ("", "http"):
    raise ImproperlyConfigured(f"CDN_PURGE must be 'http' or unset, not {CDN_PURGE!r}.")
# The readers' address: every absolute address pages give out is on it
# (newsroom.addresses), and the purges' outside a request. Scheme and host only:
# reverse() gives paths from the root.
SITE_URL = env("SITE_URL").rstrip("/")
if SITE_URL:
    try:
        _site = urlsplit(SITE_URL)
        _site_fine = _site.scheme in ("https", "http") and _site.hostname and not _site.path
        _site.port  # noqa: B018 -- ValueError for a port that is not one.
    except ValueError:
        _site_fine = False
    if not _site_fine or _site.query or _site.fragment:
        raise ImproperlyConfigured(
            "SITE_URL must be the readers' address as https://host or https://host:port "
            f"(http:// too), with no path, not {SITE_URL!r}."
        )
if CDN_PURGE and _tasks_backend != "database":
    # Run in the request, a slow CDN would hold every save (a photo's 40 addresses).
    raise ImproperlyConfigured(
        "CDN_PURGE needs TASKS_BACKEND=database: the task worker sends the purges."
    )
if CDN_PURGE and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(
        "CDN_PURGE needs SITE_URL, the address readers use (e.g. https://news.example.org)."
    )
CDN_PURGE_HEADERS = {}
if _header := env("CDN_PURGE_HEADER"):
    _name, _colon, _value = _header.partition(":")
    if not (_colon and _name.strip() and _value.strip()):
        raise ImproperlyConfigured("CDN_PURGE_HEADER must look like 'Name: value'.")
    CDN_PURGE_HEADERS = {_name.strip(): _value.strip()}

# Upload limits for the photo desk.
GALLERY_MAX_UPLOAD_BYTES = env_int("GALLERY_MAX_UPLOAD_BYTES", 40 * 1024 * 1024, minimum=1)
GALLERY_MAX_PIXELS = env_int("GALLERY_MAX_PIXELS", 50_000_000, minimum=1)
GALLERY_RENDITION_WIDTHS = env_int_list(
    "GALLERY_RENDITION_WIDTHS", "480,800,1200,1600,2400", minimum=1
)
GALLERY_MAX_FILES_PER_UPLOAD = env_int("GALLERY_MAX_FILES_PER_UPLOAD", 50, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django's own cap answers a bare 400; keep it well above ours so the photo
# desk's form can say "too many files" in words.
DATA_UPLOAD_MAX_NUMBER_FILES = max(1000, GALLERY_MAX_FILES_PER_UPLOAD * 10)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The story form sends about five fields per slide: Django's default cap of
# 1000 refused to save a story of about 200 slides, with a bare 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20_000

# Security. Strict CSP everywhere: our own files, and inline code only with
# the per-request nonce or, on cacheable reader pages, by hash (newsroom/csp.py).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, JS_FLAG_SOURCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:", *_s3_origins, *env_list("CSP_IMG_SRC")],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Read in any mode, used in production: a typo fails on a developer's machine too.
_ssl_redirect = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
_hsts_seconds = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
if not DEBUG:
    if TRUSTED_PROXY_COUNT:
        # Only a proxy's word: a client reaching the app directly could otherwise
        # say it came over https, and skip the redirect to it.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = _ssl_redirect
    # Load balancers probe the app directly over plain HTTP; a redirect would fail them.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = _hsts_seconds
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# logging names the level only in "Unable to configure root logger", not the variable.
_log_level = env("DJANGO_LOG_LEVEL").upper() or "INFO"
if _log_level not in logging.getLevelNamesMapping():
    raise ImproperlyConfigured(
        "DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, "
        f"not {env('DJANGO_LOG_LEVEL')!r}."
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "lines": {"format": LINE_FORMAT, "datefmt": DATE_FORMAT},
    },
    # One line per task state change is noise; failures still show.
    "filters": {"quiet_task_states": {"()": "newsroom.log.quiet_task_states"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "lines",
            "filters": ["quiet_task_states"],
        }
    },
    "root": {"handlers": ["console"], "level": _log_level},
    # Django's own console handler (when debugging) printed its lines a second time,
    # task lines included; its mail to ADMINS has no one to go to here.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}
