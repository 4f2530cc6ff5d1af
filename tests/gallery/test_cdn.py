"""A takedown reaches the CDN: purges for the pages and files a change made stale."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import TestCase

from gallery.services import photo_set_redactions
from newsroom import services
from tests.factories import make_article, make_photo, make_slide, make_user

pytestmark = pytest.mark.django_db

REGION = {"x": 0, "y": 0, "width": 20, "height": 20, "method": "box"}


class CDN(ThreadingHTTPServer):
    """A stand-in CDN on loopback that records the PURGE requests it gets."""

    def __init__(self, status: int = 200):
        self.status = status
        self.purged: list[tuple[str, str | None]] = []
        super().__init__(("127.0.0.1", 0), PurgeHandler)


class PurgeHandler(BaseHTTPRequestHandler):
    def do_PURGE(self):  # noqa: N802 - the method name is the HTTP verb.
        self.server.purged.append((self.path, self.headers.get("Fastly-Key")))
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn(settings):
    def start(status=200):
        server = CDN(status)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        settings.CDN_PURGE = "http"
        settings.SITE_URL = f"http://127.0.0.1:{server.server_port}"
        settings.CDN_PURGE_HEADERS = {"Fastly-Key": "secret-key"}
        return server

    servers = []
    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def story_with_photos(slides=2):
    article = make_article(headline="Kursk", slug="kursk")
    photos = [make_photo(size=(120 + n, 80)) for n in range(slides)]
    for number, photo in enumerate(photos, start=1):
        make_slide(article=article, position=number, photo=photo)
    return article, photos


def test_a_new_redaction_purges_the_old_files_and_the_pages_showing_them(cdn):
    article, photos = story_with_photos()
    old_files = [r.file.url for r in photos[1].renditions.all()]
    server = cdn()
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo_set_redactions(photo=photos[1], regions=[REGION])

    purged = {path for path, _ in server.purged}
    # Every unredacted file readers' browsers were sent, at its public address…
    assert old_files and set(old_files) <= purged
    # …and every page that showed it, sensitive view included.
    for page in ("/", "/feed/", "/sitemap.xml", "/stories/kursk/", "/stories/kursk/2/"):
        assert page in purged
    assert "/stories/kursk/2/?show=1" in purged
    assert "/stories/kursk/annotations.jsonld" in purged
    assert {key for _, key in server.purged} == {"secret-key"}


def test_unpublishing_purges_the_story_pages_at_once(cdn):
    article, _ = story_with_photos(slides=3)
    server = cdn()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=article, by=make_user(role="Editors"))
    purged = [path for path, _ in server.purged]
    assert len(purged) == len(set(purged))  # One purge each, however many rows moved.
    assert {"/stories/kursk/", "/stories/kursk/1/", "/stories/kursk/3/", "/"} <= set(purged)


def test_a_takedown_purges_the_home_pages_and_sitemap_pages_listing_it(cdn):
    from newsroom.views import STORIES_PER_PAGE

    article, _ = story_with_photos(slides=1)
    for _ in range(STORIES_PER_PAGE):  # Newer stories push it onto the home page's page 2.
        make_article()
    server = cdn()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=article, by=make_user(role="Editors"))
    purged = {path for path, _ in server.purged}
    assert {"/", "/?page=2", "/sitemap.xml", "/sitemap.xml?p=2"} <= purged


def test_taking_many_stories_down_at_once_purges_every_page_they_emptied(cdn, client):
    from newsroom.models import Article
    from newsroom.views import STORIES_PER_PAGE

    for _ in range(STORIES_PER_PAGE * 2 + 1):  # Three home pages.
        make_article()
    server = cdn()
    editor = make_user(role="Editors")
    client.force_login(editor)
    doomed = list(Article.objects.values_list("pk", flat=True)[: STORIES_PER_PAGE * 2])
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post("/admin/newsroom/article/", {"action": "unpublish", "_selected_action": doomed})
    assert "/?page=3" in {path for path, _ in server.purged}


def test_a_refused_purge_is_logged_with_the_addresses_to_purge_by_hand(cdn, caplog):
    article, _ = story_with_photos(slides=1)
    cdn(status=503)
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.article_unpublish(article=article, by=make_user(role="Editors"))
    errors = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "purge them by hand" in errors[0] and "/stories/kursk/" in errors[0]


def test_nothing_is_sent_without_a_cdn(cdn, settings):
    article, photos = story_with_photos(slides=1)
    server = cdn()
    settings.CDN_PURGE = ""
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo_set_redactions(photo=photos[0], regions=[REGION])
        services.article_unpublish(article=article, by=make_user(role="Editors"))
    assert server.purged == []


def test_photo_pages_that_stop_existing_are_purged_too(cdn):
    article, _ = story_with_photos(slides=4)
    server = cdn()
    with TestCase.captureOnCommitCallbacks(execute=True):
        article.slides.filter(position__gte=3).delete()  # One query for both.
    assert "/stories/kursk/4/" in {path for path, _ in server.purged}

    server.purged.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        article.slug = "kursk-captives"
        article.save()
    purged = {path for path, _ in server.purged}
    assert {"/stories/kursk/1/", "/stories/kursk/2/", "/stories/kursk-captives/2/"} <= purged

    server.purged.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        article.delete()
    purged = {path for path, _ in server.purged}
    assert {"/stories/kursk-captives/", "/stories/kursk-captives/2/"} <= purged


def test_work_on_drafts_purges_nothing(cdn):
    from tests.newsroom.test_caching import draft_worked_on

    server = cdn()
    with TestCase.captureOnCommitCallbacks(execute=True):
        draft_worked_on(make_user(role="Editors"))
    assert server.purged == []
