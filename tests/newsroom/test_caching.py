"""Readers get cached pages with CDN headers; editors' changes reach them at once."""

import gzip
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import TestCase
from django.utils import timezone

from newsroom.csp import source_hash
from tests.conftest import wsgi_answer
from tests.factories import make_annotation, make_article, make_photo, make_quote, make_slide

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_second_anonymous_request_is_served_from_the_cache(client):
    article = make_article(slides=1)
    first = client.get(article.get_absolute_url())
    second = client.get(article.get_absolute_url())
    assert first["X-Cache"] == "miss"
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]


def test_cached_pages_carry_no_nonce_only_hashes_of_their_inline_blocks(client):
    article = make_article()
    make_slide(article=article, position=1, photo=make_photo())
    make_annotation(photo=article.slides.get().photo)
    first, second = (client.get(article.get_absolute_url()) for _ in range(2))
    assert second["X-Cache"] == "hit"
    # Every reader gets these bytes: a nonce in them would be public, so none is used.
    policy, html = second["Content-Security-Policy"], second.content.decode()
    assert "nonce" not in policy and "nonce" not in html
    inline = re.findall(r"<(script|style)>(.*?)</\1>", html, flags=re.S)
    assert {tag for tag, _ in inline} == {"script", "style"}
    for tag, body in inline:
        directive = re.search(rf"{tag}-src ([^;]*)", policy).group(1)
        assert source_hash(body) in directive.split()
    assert "'unsafe-inline'" not in policy


def test_staff_pages_keep_a_fresh_nonce(admin_client):
    policies = [admin_client.get("/admin/")["Content-Security-Policy"] for _ in range(2)]
    nonces = [re.search(r"'nonce-([^']+)'", policy).group(1) for policy in policies]
    assert nonces[0] != nonces[1]


def test_browsers_that_accept_gzip_get_the_page_compressed(client):
    url = make_article(slides=1).get_absolute_url()
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert len(packed.content) < len(plain.content) / 2
    assert int(packed["Content-Length"]) == len(packed.content)
    for response in (plain, packed):
        assert "Accept-Encoding" in response["Vary"]
    # One validator per encoding, each answered with a 304.
    assert packed["ETag"] != plain["ETag"]
    again = client.get(url, headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]})
    assert again.status_code == 304


def test_links_with_tracking_parameters_share_one_cached_page(client):
    url = make_article(slides=1).get_absolute_url()
    assert client.get(f"{url}?utm_source=facebook")["X-Cache"] == "miss"
    assert client.get(f"{url}?fbclid=IwAR0abc")["X-Cache"] == "hit"
    assert client.get(url)["X-Cache"] == "hit"


def test_parameters_a_page_reads_still_get_their_own_page(client):
    for n in range(13):
        make_article(headline=f"Story {n}")
    first, second = client.get("/"), client.get("/?page=2&utm_medium=social")
    assert second["X-Cache"] == "miss"
    assert "Page 2 of 2" in second.content.decode()
    assert second.content != first.content


def next_second() -> None:
    """Wait for the clock's next whole second: a copy made in the second of a change is
    never answered 304 by its date alone (HTTP dates could not tell it from the one before)."""
    time.sleep(1.01 - time.time() % 1)


def test_public_pages_carry_cdn_headers_and_validators(client):
    response = client.get(make_article().get_absolute_url())
    cache_control = response["Cache-Control"]
    assert "public" in cache_control
    assert "s-maxage=" in cache_control
    assert "stale-while-revalidate=" in cache_control
    assert response["ETag"]
    assert response["Last-Modified"]


def test_matching_etag_gets_304(client):
    url = make_article().get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    assert client.get(url, headers={"if-none-match": '"other"'}).status_code == 200


def test_editing_a_slide_shows_at_once(client, django_capture_on_commit_callbacks):
    article = make_article()
    slide = make_slide(article=article, position=1, narrative="Before the edit.")
    assert "Before the edit." in client.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        slide.narrative = "After the edit."
        slide.save()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "After the edit." in html and "Before the edit." not in html


def test_editing_one_story_keeps_the_other_stories_cached(client):
    viral, other = make_article(slides=1), make_article(headline="Before", slides=1)
    viral_pages = [viral.get_absolute_url(), f"{viral.get_absolute_url()}1/"]
    for url in [*viral_pages, other.get_absolute_url(), "/"]:
        client.get(url)
    with TestCase.captureOnCommitCallbacks(execute=True):
        other.headline = "After"
        other.save()
        make_slide(article=other, position=2, narrative="A new slide.")
    # The viral story's pages are still served from the cache…
    assert [client.get(url)["X-Cache"] for url in viral_pages] == ["hit", "hit"]
    # …while the edited story and the home page, which lists it, show the change.
    html = client.get(other.get_absolute_url()).content.decode()
    assert "After" in html and "A new slide." in html
    assert "After" in client.get("/").content.decode()


def test_a_renamed_story_leaves_nothing_cached_at_its_old_address(client):
    article = make_article(slides=1)
    old_url = article.get_absolute_url()
    assert client.get(old_url).status_code == 200
    article.slug = "a-new-address"
    article.save()
    assert client.get(old_url).status_code == 404
    assert client.get("/stories/a-new-address/").status_code == 200


def test_a_slide_moved_to_another_story_leaves_its_old_story(client):
    first, second = make_article(slides=1), make_article(slides=1)
    moved = make_slide(article=first, position=2, narrative="Moving on.")
    assert "Moving on." in client.get(first.get_absolute_url()).content.decode()
    moved.article, moved.position = second, 2
    moved.save()
    assert "Moving on." not in client.get(first.get_absolute_url()).content.decode()
    assert "Moving on." in client.get(second.get_absolute_url()).content.decode()


def test_a_quote_or_correction_moved_to_another_story_leaves_its_old_story(client):
    from newsroom.models import Correction

    first, second = make_article(slides=1), make_article(slides=1)
    quote = make_quote(slide=first.slides.get(), text="Words that move.")
    note = Correction.objects.create(article=first, text="A note that moves.")
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Words that move." in page and "A note that moves." in page
    quote.slide = second.slides.get()
    quote.save()
    note.article = second
    note.save()
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Words that move." not in page and "A note that moves." not in page


def test_every_story_page_is_in_its_story_scope():
    from django.urls import reverse

    from newsroom.middleware import STORY_PATH

    for name, args in [("story", []), ("slide", [3]), ("annotations", [])]:
        path = reverse(f"newsroom:{name}", args=["a-story", *args])
        assert STORY_PATH.match(path)["slug"] == "a-story", name
    assert not STORY_PATH.match(reverse("newsroom:home"))


def test_credit_change_reaches_the_story_page(client):
    from tests.factories import make_photo

    article = make_article()
    photo = make_photo()
    make_slide(article=article, position=1, photo=photo)
    client.get(article.get_absolute_url())
    photo.credit.line_override = "Handout / Ministry of Defence"
    photo.credit.save()
    assert (
        "Handout / Ministry of Defence" in client.get(article.get_absolute_url()).content.decode()
    )


def test_staff_are_never_served_or_given_cached_pages(client, admin_user):
    article = make_article()
    client.get(article.get_absolute_url())  # Warm the cache as a reader.
    client.force_login(admin_user)
    response = client.get(article.get_absolute_url())
    assert response.get("X-Cache") is None
    assert response["Cache-Control"] == "private, no-store"


def test_a_made_up_session_cookie_still_gets_the_cached_page(client):
    # Otherwise one header would turn every request into a full render.
    url = make_article(slides=1).get_absolute_url()
    client.get(url)
    client.cookies["sessionid"] = "made-up-0123456789abcdefghijklmnopqrstuv"
    response = client.get(url)
    assert response["X-Cache"] == "hit"
    assert "public" in response["Cache-Control"]


def test_scheduled_stories_appear_at_their_times_despite_the_cache(client):
    soon, later = (
        make_article(
            headline=headline, published_at=timezone.now() + timezone.timedelta(seconds=seconds)
        )
        for headline, seconds in (("Goes live in a moment", 1), ("Goes live a bit later", 2))
    )
    html = client.get("/").content.decode()
    assert soon.headline not in html and later.headline not in html
    time.sleep(1.3)
    html = client.get("/").content.decode()
    assert soon.headline in html and later.headline not in html
    time.sleep(1.0)
    # No editorial save in between: the cache must know the second time by itself.
    assert later.headline in client.get("/").content.decode()


def test_pages_are_served_when_the_cache_is_down(client, settings):
    down = {
        "BACKEND": "newsroom.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # Nothing listens here.
    }
    settings.CACHES = {"default": down, "pages": down}
    article = make_article(slides=1)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.content.decode()


@pytest.mark.redis
def test_page_cache_works_on_redis(client, redis_caches):
    article = make_article()
    assert client.get(article.get_absolute_url())["X-Cache"] == "miss"
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"


def test_database_down_is_a_503_page_not_a_traceback(tmp_path):
    # A real outage: a database server address where nothing listens.
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/stories/anything/');"
        "robots = Client().get('/robots.txt');"
        "staff = Client(); staff.cookies['sessionid'] = 'an-editors-session';"
        "codes = [staff.get(url).status_code for url in ('/', '/robots.txt', '/admin/')];"
        "print(r.status_code, r['Retry-After'], r['X-Frame-Options'], robots.status_code, codes);"
        "print(r['Content-Security-Policy']); print(r.content.decode())"
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "test-secret-key-for-the-outage-test-only-0123456789",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_TRUSTED_PROXIES": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/nowhere",
        "REDIS_URL": "",
        "CACHE_DIR": str(tmp_path),  # Nothing remembered from an earlier run.
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    first_line, _, rest = result.stdout.partition("\n")
    policy, _, body = rest.partition("\n")
    # robots.txt needs no database: it is served, only not cached.
    # With a session cookie (staff at work) the same: the session cannot be read either.
    assert first_line == "503 30 DENY 200 [503, 200, 503]", result.stdout + result.stderr
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "We will be back shortly" in body
    assert "Traceback" not in result.stdout
    # Four requests failed: one line says so, dated and levelled as gunicorn's are.
    said = [line for line in result.stderr.splitlines() if "nowhere" in line or "127.0.0.1" in line]
    assert len(said) == 1, result.stderr
    assert re.match(r"\[\d{4}-\d\d-\d\d [\d:]{8} [+-]\d{4}\] \[\d+\] \[ERROR\] ", said[0])
    assert "Database unavailable: connection" in said[0]
    assert "Service Unavailable" not in result.stderr


def test_uploading_photos_for_no_story_keeps_cached_pages(client):
    from newsroom.invalidation import current_generation
    from tests.factories import make_photo

    article = make_article(slides=1)
    client.get(article.get_absolute_url())
    before = current_generation()
    make_photo()  # A new photo and its renditions, on no story yet.
    assert current_generation() == before
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"


def test_rebuilding_a_photo_on_a_story_refreshes_its_pages(client):
    from gallery.services import photo_set_redactions
    from tests.factories import make_photo

    article = make_article()
    photo = make_photo()
    make_slide(article=article, position=1, photo=photo)
    client.get(article.get_absolute_url())
    photo_set_redactions(
        photo=photo, regions=[{"x": 0, "y": 0, "width": 10, "height": 10, "method": "box"}]
    )
    assert client.get(article.get_absolute_url())["X-Cache"] == "miss"


def test_a_lost_counter_never_brings_back_a_page_from_before_an_edit(
    client, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    from newsroom import invalidation

    article = make_article()
    slide = make_slide(article=article, position=1, narrative="Before the edit.")
    scope = invalidation.story_scope(article.slug)
    first = invalidation.current_generation(scope)
    client.get(article.get_absolute_url())  # Cached under that number.
    with django_capture_on_commit_callbacks(execute=True):
        slide.narrative = "After the edit."
        slide.save()
    # The cache drops the story's counter (Redis eviction, culling, a restart),
    # and later edits move the new one on…
    cache.delete(f"public-pages:generation:{scope}")
    while invalidation.current_generation(scope) < first:
        invalidation.bump_generation(scope)
    html = client.get(article.get_absolute_url()).content.decode()
    # …never back onto the number the page from before the edit is cached under.
    assert "After the edit." in html and "Before the edit." not in html


def test_a_forged_host_gets_the_400_page_with_the_csp(client):
    response = client.get("/stories/anything/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_a_missing_page_and_a_renamed_story_are_kept_only_briefly(client):
    from newsroom import services
    from tests.factories import make_user

    missing = client.get("/stories/not-yet-live/")
    # Browsers ask again each time: one that looked before the story went out would
    # show it missing for a minute after it did. The CDN's copy is purged on a save.
    assert missing.status_code == 404
    assert missing["Cache-Control"] == "public, max-age=0, s-maxage=60"
    article = make_article(slug="old-name")
    article.slug = "new-name"
    article.save()
    services.article_slug_changed(article=article, old_slug="old-name")
    moved = client.get("/stories/old-name/")
    assert moved.status_code == 301
    # Browsers briefly: renaming it back would otherwise send them round in a loop.
    assert moved["Cache-Control"] == "public, max-age=60, s-maxage=3600"
    client.force_login(make_user(role="Editors"))
    assert client.get("/stories/not-yet-live/")["Cache-Control"] == "private, no-store"


@pytest.mark.redis
def test_a_takedown_during_a_cache_outage_stays_down_when_the_cache_returns(
    client, settings, redis_caches
):
    from newsroom import services
    from tests.factories import make_user

    up = dict(redis_caches)
    article = make_article(slides=1)
    page = article.get_absolute_url()
    client.get(page)
    assert client.get(page)["X-Cache"] == "hit"

    down = {"BACKEND": "newsroom.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {"default": down, "pages": down}  # Redis unreachable.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=article, by=make_user(role="Editors"))
    assert client.get(page).status_code == 404

    settings.CACHES = up  # Back, with the old page in it.
    assert client.get(page).status_code == 404
    # Another process, which never saw the failure (or this one, restarted),
    # learns of it from the database.
    from newsroom import invalidation

    invalidation._epoch.update(value=0, read_at=-invalidation.EPOCH_CHECK_SECONDS)
    assert client.get(page).status_code == 404


def test_before_a_scheduled_story_goes_live_cdns_keep_pages_only_until_then(client):
    make_article(slides=1)
    make_article(
        published=False,
        status="scheduled",
        published_at=timezone.now() + timezone.timedelta(seconds=90),
    )
    policy = client.get("/")["Cache-Control"]
    s_maxage = int(re.search(r"s-maxage=(\d+)", policy).group(1))
    assert 0 < s_maxage <= 91
    assert "stale-while-revalidate=0" in policy


def test_a_draft_dated_ahead_leaves_the_sites_cache_lifetimes_alone(client, settings):
    make_article(slides=1)
    make_article(published=False, published_at=timezone.now() + timezone.timedelta(seconds=90))
    policy = client.get("/")["Cache-Control"]
    assert f"s-maxage={settings.PUBLIC_PAGE_CACHE_SECONDS}" in policy
    assert f"stale-while-revalidate={settings.PUBLIC_STALE_SECONDS}" in policy


def test_a_story_about_to_go_live_is_missing_only_until_its_time(client):
    # Its link is shared at launch: a 404 fetched just before must not outlive it.
    scheduled = make_article(
        published=False,
        status="scheduled",
        published_at=timezone.now() + timezone.timedelta(seconds=20),
    )
    missing = client.get(f"/stories/{scheduled.slug}/")
    assert missing.status_code == 404
    max_age = int(re.search(r"s-maxage=(\d+)", missing["Cache-Control"]).group(1))
    assert 0 < max_age <= 21


def test_a_cached_page_counts_down_what_cdns_may_keep_as_the_go_live_nears(client, monkeypatch):
    # A CDN that fetches the page 60 s after it was cached must keep it 60 s less,
    # or the home page would miss the story for a minute after it went live.
    make_article(slides=1)
    make_article(
        published=False,
        status="scheduled",
        published_at=timezone.now() + timezone.timedelta(seconds=90),
    )

    def s_maxage(response):
        return int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))

    first = client.get("/")
    later = time.time() + 60
    monkeypatch.setattr("newsroom.middleware.time.time", lambda: later)
    again = client.get("/")
    assert again["X-Cache"] == "hit"
    assert s_maxage(again) <= s_maxage(first) - 59
    browser = int(re.search(r"\bmax-age=(\d+)", again["Cache-Control"]).group(1))
    assert browser <= s_maxage(again)


def test_made_up_parameters_and_values_share_the_real_pages_entry(client):
    story = make_article(slides=2)
    url = story.get_absolute_url()
    assert client.get(url)["X-Cache"] == "miss"
    for junk in ("page=7", "p=2", "show=1", "page=abc&show=poison"):
        assert client.get(f"{url}?{junk}")["X-Cache"] == "hit", junk  # The story reads none.
    slide = f"{url}2/"
    assert client.get(slide)["X-Cache"] == "miss"
    assert client.get(f"{slide}?show=2")["X-Cache"] == "hit"  # Only ?show=1 shows.
    assert client.get(f"{slide}?show=1")["X-Cache"] == "miss"
    assert client.get("/sitemap.xml?p=1")["X-Cache"] == "miss"
    assert client.get("/sitemap.xml?p=01")["X-Cache"] == "hit"
    for odd in ("%C2%B2", "1" * 5000, "-1", "x"):  # Superscript two; too long for int().
        assert client.get(f"/sitemap.xml?p={odd}").status_code == 404


def test_a_home_page_number_that_is_not_a_page_goes_to_one_and_is_never_stored(client):
    for n in range(13):
        make_article(headline=f"Story {n}")
    # The first page has one address, the home page's own.
    for wanted, served in (("abc", "/"), ("1", "/"), ("02", "/?page=2"), ("999", "/?page=2")):
        response = client.get(f"/?page={wanted}")
        assert response.status_code == 302 and response["Location"] == served
        assert response["Cache-Control"] == "public, max-age=60"
        assert not response.has_header("X-Cache")  # Only pages are stored.
    assert "Page 2 of 2" in client.get("/?page=2").content.decode()


def test_https_and_http_readers_get_pages_naming_their_own_address(client):
    url = make_article(slides=1).get_absolute_url()
    plain = client.get(url)
    secure = client.get(url, secure=True)
    assert secure["X-Cache"] == "miss"
    assert 'href="https://testserver' in secure.content.decode()
    assert 'href="https://testserver' not in plain.content.decode()


def test_if_modified_since_gets_a_304(client):
    article = make_article(slides=1)
    next_second()
    first = client.get(article.get_absolute_url())
    again = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304 and again.content == b""


def test_a_change_in_the_same_second_as_a_copy_is_never_answered_not_modified(client):
    article = make_article(slides=1)
    next_second()
    first = client.get(article.get_absolute_url())
    quote = make_quote(slide=article.slides.get(), text="Added a moment later.")
    second = client.get(article.get_absolute_url())
    assert quote.text in second.content.decode() and second["Last-Modified"]
    again = client.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 200 and quote.text in again.content.decode()


def test_a_deploy_with_new_static_files_does_not_serve_the_old_pages(client, settings, tmp_path):
    import json

    from newsroom import middleware

    used = {
        name: name for name in ("newsroom/favicon.svg", "newsroom/site.css", "newsroom/story.js")
    }

    def deploy(manifest_hash: str) -> None:
        (tmp_path / "staticfiles.json").write_text(
            json.dumps({"paths": used, "version": "1.1", "hash": manifest_hash})
        )
        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {
                "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
                "OPTIONS": {"location": str(tmp_path)},
            },
        }
        middleware._release.cache_clear()  # A deploy starts new processes.

    article = make_article()
    deploy("first-build")
    client.get(article.get_absolute_url())
    assert client.get(article.get_absolute_url())["X-Cache"] == "hit"
    deploy("second-build")
    assert client.get(article.get_absolute_url())["X-Cache"] == "miss"
    middleware._release.cache_clear()


def test_a_head_request_gets_headers_and_no_body():
    article = make_article(slides=1)
    _, _, get_body = wsgi_answer("GET", article.get_absolute_url())
    _, head_headers, head_body = wsgi_answer("HEAD", article.get_absolute_url())
    assert head_body == b""
    assert head_headers["Content-Length"] == str(len(get_body))


def test_after_a_takedown_the_feed_is_not_answered_not_modified(client):
    from newsroom import services
    from tests.factories import make_user

    older = make_article(slides=1, published_at=timezone.now() - timezone.timedelta(days=2))
    newest = make_article(slides=1)
    before = client.get("/feed/")
    assert newest.headline in before.content.decode()
    time.sleep(1.1)  # HTTP dates count whole seconds.
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=newest, by=make_user(role="Editors"))
    after = client.get("/feed/", HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
    assert after.status_code == 200
    assert newest.headline not in after.content.decode()
    assert older.headline in after.content.decode()


def test_posting_to_a_readers_page_is_method_not_allowed(client):
    article = make_article(slides=1)
    for url in (article.get_absolute_url(), "/", "/feed/"):
        response = client.post(url, {"x": "1"})
        assert response.status_code == 405, url
        assert response["Allow"] == "GET, HEAD"
        assert "This page is only for reading" in response.content.decode(), url
        # Made before the policy's middlewares run: its headers all the same.
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert response["X-Frame-Options"] == "DENY", url
    assert client.post("/admin/login/", {}).status_code == 200  # Forms still post.


def test_with_the_database_down_cached_pages_still_go_out_asking_it_once_per_half_minute(
    client,
):
    from django.db import OperationalError, connection

    from newsroom import invalidation

    page = make_article(slides=1).get_absolute_url()
    client.get(page)
    invalidation._epoch.update(read_at=-invalidation.EPOCH_CHECK_SECONDS)  # Due a re-read.
    attempts = []

    def database_down(execute, sql, params, many, context):
        attempts.append(sql)
        raise OperationalError("connection refused")

    with connection.execute_wrapper(database_down):
        answers = [client.get(page) for _ in range(5)]
    assert [(a.status_code, a["X-Cache"]) for a in answers] == [(200, "hit")] * 5
    assert len(attempts) == 1  # Not one connection timeout per reader.


def test_a_process_started_while_the_database_is_down_still_serves_cached_pages(client):
    from django.db import OperationalError, connection

    from newsroom import invalidation
    from newsroom.models import PageCacheEpoch

    page = make_article(slides=1).get_absolute_url()
    # An epoch other than a new process's 0, as the running processes read it.
    PageCacheEpoch.objects.update_or_create(pk=1, defaults={"value": 12345})
    invalidation._epoch.update(read_at=-invalidation.EPOCH_CHECK_SECONDS)
    client.get(page)
    invalidation._epoch.update(value=0, read_at=-invalidation.EPOCH_CHECK_SECONDS)  # Restarted.

    def database_down(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(database_down):
        answer = client.get(page)
    assert (answer.status_code, answer["X-Cache"]) == (200, "hit")


def test_building_a_photos_files_makes_its_pages_stale_once_not_file_by_file(
    client, django_capture_on_commit_callbacks
):
    from gallery.services import photo_build_renditions
    from newsroom import invalidation
    from tests.factories import make_article, make_photo, make_slide

    article = make_article()
    photo = make_photo()
    make_slide(article=article, position=1, photo=photo)
    story = invalidation.story_scope(article.slug)
    before = invalidation.current_generation(), invalidation.current_generation(story)
    with django_capture_on_commit_callbacks(execute=True):
        assert photo_build_renditions(photo=photo, force=True)
    after = invalidation.current_generation(), invalidation.current_generation(story)
    # Now and after the commit, for every file remade: a dozen changes, one each.
    assert [a - b for a, b in zip(after, before, strict=True)] == [2, 2]


def draft_worked_on(by) -> None:
    """A reporter's day on a story readers have not seen: written, illustrated, credited,
    copied, renamed, deleted."""
    from newsroom import services
    from tests.factories import make_credit

    draft = make_article(published=False, headline="Still a draft")
    slide = make_slide(article=draft, position=1, photo=make_photo())
    make_quote(slide=slide)
    slide.photo.credit = make_credit()
    slide.photo.save()
    services.article_copy(article=draft, by=by)
    draft.headline = "Still a draft, renamed"
    draft.save()
    draft.delete()


def test_work_on_drafts_keeps_the_lists_of_stories_cached(client):
    from tests.factories import make_user

    make_article(headline="Out already", slides=1)
    lists = ["/", "/feed/", "/sitemap.xml"]
    for url in lists:
        client.get(url)
    with TestCase.captureOnCommitCallbacks(execute=True):
        draft_worked_on(make_user(role="Editors"))
    assert [client.get(url)["X-Cache"] for url in lists] == ["hit", "hit", "hit"]


def test_a_story_coming_out_or_going_reaches_the_lists_of_stories(client):
    draft = make_article(published=False, headline="Out soon", slides=1)
    assert "Out soon" not in client.get("/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        draft.status = draft.Status.PUBLISHED
        draft.published_at = timezone.now()
        draft.save()
    assert "Out soon" in client.get("/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        draft.status = draft.Status.DRAFT
        draft.save()
    assert "Out soon" not in client.get("/").content.decode()
