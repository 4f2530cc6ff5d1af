"""What search engines and social sites read: titles, descriptions, share cards, robots, sitemap."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from newsroom.demo import SLUG
from newsroom.models import Slide
from tests.factories import make_article, make_photo, make_slide

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
IMAGE = "{http://www.google.com/schemas/sitemap-image/1.1}"


def meta(html: str, name: str) -> str | None:
    """The content of <meta property|name="…">, unescaped enough for comparisons."""
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    return match.group(1).replace("&#x27;", "'") if match else None


def test_slide_page_title_canonical_and_share_card(demo_story, client):
    html = client.get(f"/stories/{SLUG}/3/").content.decode()
    headline = demo_story.headline
    assert f"<title>{headline}: photo 3 of 9</title>" in html
    assert f'<link rel="canonical" href="http://testserver/stories/{SLUG}/">' in html
    assert meta(html, "og:url") == f"http://testserver/stories/{SLUG}/3/"
    third = demo_story.slides.all()[2].photo
    share = third.renditions.get(spec="share")
    assert meta(html, "og:image") == f"http://testserver{share.file.url}"
    assert meta(html, "og:image:alt") == third.alt_text
    assert meta(html, "og:image:width") == "1200" and meta(html, "og:image:height") == "630"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image:alt") == third.alt_text


def test_story_page_describes_itself(demo_story, client):
    html = client.get(f"/stories/{SLUG}/").content.decode()
    assert f"<title>{demo_story.headline}</title>" in html
    assert meta(html, "description").startswith("Ukraine says it has taken two")
    assert meta(html, "og:title") == demo_story.headline
    lead = demo_story.slides.all()[0].photo
    assert (
        meta(html, "og:image") == f"http://testserver{lead.renditions.get(spec='share').file.url}"
    )


@pytest.mark.parametrize(
    ("language", "title", "locale"),
    [
        ("uk", '<title lang="uk">', "uk_UA"),
        ("pt-BR", '<title lang="pt-BR">', "pt_BR"),
        ("zh-Hant-TW", '<title lang="zh-Hant-TW">', "zh_TW"),
        # Open Graph's default, en_US; and a language whose territory is not known.
        ("en", "<title>", None),
        ("gd", '<title lang="gd">', None),
        ("zh-Hant", '<title lang="zh-Hant">', None),  # Not zh_CN.
    ],
)
def test_a_story_in_another_language_says_so_in_its_title_and_share_card(
    client, language, title, locale
):
    article = make_article(headline="Полонені", language=language, slides=1)
    story = client.get(f"/stories/{article.slug}/").content.decode()
    assert f"{title}Полонені</title>" in story
    assert meta(story, "og:locale") == locale
    # A photo's page mixes the site's words into its title ("photo 1 of 1"): no lang
    # there, but its share card names the story's language.
    slide = client.get(f"/stories/{article.slug}/1/").content.decode()
    assert "<title>Полонені: photo 1 of 1</title>" in slide
    assert meta(slide, "og:locale") == locale


def test_every_page_links_the_feed(demo_story, client):
    for url in ("/", f"/stories/{SLUG}/", f"/stories/{SLUG}/2/"):
        html = client.get(url).content.decode()
        assert '<link rel="alternate" type="application/atom+xml"' in html, url
        assert 'href="/feed/"' in html, url


def test_sensitive_photo_is_never_the_share_image(client):
    article = make_article()
    calm = make_photo(alt_text="A quiet street")
    hurt = make_photo(
        alt_text="A wounded man", is_sensitive=True, sensitivity_warning="Shows injuries."
    )
    make_slide(article=article, position=1, photo=hurt)
    make_slide(article=article, position=2, photo=calm)
    for url in (f"/stories/{article.slug}/", f"/stories/{article.slug}/1/"):
        html = client.get(url).content.decode()
        assert meta(html, "og:image").endswith(calm.renditions.get(spec="share").file.url), url
        assert meta(html, "og:image:alt") == "A quiet street", url
        assert "A wounded man" not in (meta(html, "description") or ""), url


def share_url(photo) -> str:
    return f"http://testserver{photo.renditions.get(spec='share').file.url}"


def test_the_photo_editors_chose_is_the_share_image_wherever_the_story_is_shown(client):
    article = make_article()
    first, chosen = make_photo(alt_text="A checkpoint"), make_photo(alt_text="Two soldiers")
    make_slide(article=article, position=1, photo=first)
    Slide.objects.filter(pk=make_slide(article=article, position=2, photo=chosen).pk).update(
        is_share_image=True
    )
    make_slide(article=article, position=3, photo=make_photo())
    story = client.get(f"/stories/{article.slug}/").content.decode()
    assert meta(story, "og:image") == share_url(chosen)
    assert meta(story, "og:image:alt") == "Two soldiers"
    # A slide page shares its own photo; one without a shareable photo, the chosen one.
    assert meta(client.get(f"/stories/{article.slug}/1/").content.decode(), "og:image") == (
        share_url(first)
    )
    home = client.get("/").content.decode()
    assert chosen.renditions.get(spec="avif-480").file.url in home
    assert first.renditions.get(spec="avif-480").file.url not in home
    feed = client.get("/feed/").content.decode()
    assert share_url(chosen) in feed and share_url(first) not in feed
    # Search engines' cards take the structured data's first image.
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', story)
    first_image = json.loads(data)["image"][0]["url"]
    assert first_image.endswith(chosen.renditions.get(spec="jpeg-800").file.url)


def test_a_chosen_photo_marked_sensitive_later_gives_way_to_the_first_shareable_one(client):
    article = make_article()
    first = make_photo()
    make_slide(article=article, position=1, photo=first)
    hurt = make_photo(is_sensitive=True, sensitivity_warning="Shows injuries.")
    make_slide(article=article, position=2, photo=hurt)
    Slide.objects.filter(photo=hurt).update(is_share_image=True)
    for url in (f"/stories/{article.slug}/", f"/stories/{article.slug}/2/"):
        assert meta(client.get(url).content.decode(), "og:image") == share_url(first), url
    assert hurt.renditions.get(spec="avif-480").file.url not in client.get("/").content.decode()


def test_story_with_only_sensitive_photos_has_no_share_image(client):
    article = make_article()
    hurt = make_photo(alt_text="A wounded man", is_sensitive=True, sensitivity_warning="Injuries.")
    make_slide(article=article, position=1, photo=hurt)
    html = client.get(f"/stories/{article.slug}/1/").content.decode()
    assert meta(html, "og:image") is None
    assert meta(html, "twitter:card") == "summary"


def test_a_small_photo_is_shared_on_the_small_card(client):
    # X refuses a large card's image under 300 × 157 pixels: the card would have none.
    article = make_article()
    make_slide(article=article, position=1, photo=make_photo(size=(280, 180)))
    html = client.get(f"/stories/{article.slug}/").content.decode()
    assert meta(html, "og:image:width") == "280"
    assert meta(html, "twitter:card") == "summary"
    assert meta(html, "twitter:image") == meta(html, "og:image")


def test_robots_txt_points_to_the_sitemap_and_keeps_staff_pages_out(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text and "Disallow: /preview/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_sitemap_lists_only_published_stories_with_their_public_photos(client):
    live = make_article(headline="Live")
    calm = make_photo(alt_text="Calm")
    hurt = make_photo(alt_text="Hurt", is_sensitive=True, sensitivity_warning="Injuries.")
    make_slide(article=live, position=1, photo=calm)
    make_slide(article=live, position=2, photo=hurt)
    draft = make_article(published=False)
    make_slide(article=draft, position=1, photo=make_photo())
    root = ET.fromstring(client.get("/sitemap.xml").content)
    urls = {
        url.find(f"{SITEMAP}loc").text: [
            i.find(f"{IMAGE}loc").text for i in url.iter(f"{IMAGE}image")
        ]
        for url in root.iter(f"{SITEMAP}url")
    }
    assert f"http://testserver/stories/{draft.slug}/" not in urls
    images = urls[f"http://testserver/stories/{live.slug}/"]
    widest = max(calm.renditions.filter(spec__startswith="jpeg"), key=lambda r: r.width)
    assert images == [f"http://testserver{widest.file.url}"]


def test_preview_shows_a_banner_and_asks_not_to_be_indexed(rf):
    from django.template.loader import render_to_string

    from newsroom.views import story_context

    article = make_article(published=False, slides=1)
    request = rf.get("/preview/whatever/")
    html = render_to_string(
        "newsroom/story.html", {**story_context(request, article), "preview": True}, request
    )
    assert "Preview, not published" in html
    assert '<meta name="robots" content="noindex">' in html
    public = render_to_string("newsroom/story.html", story_context(request, article), request)
    assert "Preview, not published" not in public and "noindex" not in public


def test_server_error_page_is_styled_and_standalone(client):
    from newsroom.views import server_error

    html = server_error(None).content.decode()
    assert "Something went wrong on our side" in html
    assert "/static/newsroom/site.css" in html


def test_the_sites_name_is_what_readers_see_everywhere(client, settings):
    from newsroom.views import server_error

    settings.SITE_NAME = "Kyiv Daily"
    article = make_article(slides=1)
    home = client.get("/").content.decode()
    assert "<title>Kyiv Daily: photo stories</title>" in home
    assert '<a class="site-name" href="/">Kyiv Daily</a>' in home
    story = client.get(article.get_absolute_url()).content.decode()
    assert '<meta property="og:site_name" content="Kyiv Daily">' in story
    assert "<title>Kyiv Daily: latest stories</title>" in client.get("/feed/").content.decode()
    assert "Page not found: Kyiv Daily" in client.get("/stories/none-such/").content.decode()
    assert "Something went wrong: Kyiv Daily" in server_error(None).content.decode()
    assert "Newsroom" not in home + story


def test_not_found_page_is_styled(client):
    response = client.get("/stories/no-such-story/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html and "site.css" in html


def test_every_address_given_out_is_on_the_sites_own_address_whatever_the_host_asked(
    client, settings
):
    # A CDN asking the origin by its own name, or a second domain, must not give
    # search engines and feed readers a second "canonical" address.
    settings.SITE_URL = "https://news.example.org"
    settings.ALLOWED_HOSTS = ["origin.internal"]
    article = make_article()
    photo = make_photo()
    make_slide(article=article, position=1, photo=photo)
    ask = {"HTTP_HOST": "origin.internal"}
    site = "https://news.example.org"
    slide = client.get(f"/stories/{article.slug}/1/", **ask).content.decode()
    assert f'<link rel="canonical" href="{site}/stories/{article.slug}/">' in slide
    assert meta(slide, "og:url") == f"{site}/stories/{article.slug}/1/"
    assert meta(slide, "og:image") == f"{site}{photo.renditions.get(spec='share').file.url}"
    story = client.get(f"/stories/{article.slug}/", **ask).content.decode()
    (data,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', story)
    assert json.loads(data)["url"] == f"{site}/stories/{article.slug}/"
    robots = client.get("/robots.txt", **ask).content.decode()
    assert f"Sitemap: {site}/sitemap.xml" in robots
    sitemap = ET.fromstring(client.get("/sitemap.xml", **ask).content)
    assert [loc.text for loc in sitemap.iter(f"{SITEMAP}loc")] == [
        f"{site}/stories/{article.slug}/"
    ]
    assert all(loc.text.startswith(site) for loc in sitemap.iter(f"{IMAGE}loc"))
    feed = client.get("/feed/", **ask).content.decode()
    assert "origin.internal" not in feed
    assert f'href="{site}/stories/{article.slug}/"' in feed
    assert f"<id>{article.atom_id}</id>" in feed  # Minted once, on no host.


def test_a_corrected_story_tells_share_sites_when_it_changed(client):
    from newsroom.models import Correction

    article = make_article(slides=1)
    story = client.get(f"/stories/{article.slug}/").content.decode()
    assert meta(story, "article:modified_time") is None  # Unchanged since it came out.
    note = Correction.objects.create(article=article, text="A name was misspelt.")
    for url in (f"/stories/{article.slug}/", f"/stories/{article.slug}/1/"):
        page = client.get(url).content.decode()
        assert (
            meta(page, "article:modified_time") == f"{note.published_at:%Y-%m-%dT%H:%M:%S+00:00}"
        ), url


def test_the_home_page_has_a_share_card_on_the_sites_address(client, settings):
    settings.SITE_URL = "https://news.example.org"
    make_article(slides=1)
    home = client.get("/").content.decode()
    assert '<link rel="canonical" href="https://news.example.org/">' in home
    assert meta(home, "og:url") == "https://news.example.org/"
    assert meta(home, "og:title") == f"{settings.SITE_NAME}: photo stories"
    assert meta(home, "og:type") == "website" and meta(home, "twitter:card") == "summary"
