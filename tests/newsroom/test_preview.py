import re
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase
from django.utils import timezone

from newsroom import services
from newsroom.preview import PREVIEW_LINK_DAYS, signed_preview_path
from tests.factories import make_article, make_article_form_data, make_photo, make_slide, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    article = make_article(published=False, headline="A draft about Kursk")
    make_slide(article=article, position=1, narrative="Draft narrative.", photo=make_photo())
    return article


def assert_private_preview(response, article):
    assert response.status_code == 200
    assert article.headline in response.content.decode()
    assert "Draft narrative." in response.content.decode()
    assert response.context["preview"] is True
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize("role", ["Editors", "Reporters"])
def test_staff_preview_an_unpublished_story(client, draft, role):
    client.force_login(make_user(role=role))
    assert_private_preview(client.get(f"/preview/stories/{draft.pk}/"), draft)
    assert client.get(draft.get_absolute_url()).status_code == 404  # still not public


def test_anonymous_visitors_are_sent_to_log_in(client, draft):
    response = client.get(f"/preview/stories/{draft.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/preview/")
    assert client.get(response["Location"]).status_code == 200  # A page, not a 404.


def test_photo_desk_cannot_preview_stories(client, draft):
    client.force_login(make_user(role="Photo desk"))
    assert client.get(f"/preview/stories/{draft.pk}/").status_code == 403


def test_signed_link_works_without_an_account(client, draft):
    assert_private_preview(client.get(signed_preview_path(draft)), draft)


def test_signed_link_expires(client, draft):
    path = signed_preview_path(draft)
    later = timezone.now().timestamp() + PREVIEW_LINK_DAYS * 24 * 3600 + 1
    with mock.patch("time.time", return_value=later):
        assert client.get(path).status_code == 404
    assert client.get(path).status_code == 200


def test_tampered_signed_link_is_404(client, draft):
    other = make_article(published=False)
    token = signed_preview_path(draft).rstrip("/").rsplit("/", 1)[1]
    forged = token.replace(f"{draft.pk}:", f"{other.pk}:", 1)
    assert forged != token
    assert client.get(f"/preview/s/{forged}/").status_code == 404
    assert client.get("/preview/s/garbage/").status_code == 404


def test_change_form_offers_both_preview_links(client, draft):
    client.force_login(make_user(role="Editors"))
    html = client.get(f"/admin/newsroom/article/{draft.pk}/change/").content.decode()
    assert f"/preview/stories/{draft.pk}/" in html
    assert signed_preview_path(draft).split(":")[0] in html


def test_photo_links_in_a_preview_stay_on_the_preview(client, draft):
    make_slide(article=draft, position=2, narrative="Second photo.")
    path = signed_preview_path(draft)
    html = client.get(path).content.decode()
    assert f'<a href="{path}#slide-2">Link to photo 2</a>' in html
    assert f'data-story="{path}"' in html
    # Public photo addresses of an unpublished story would be 404s.
    assert f"/stories/{draft.slug}/2/" not in html


def test_the_desk_revokes_reviewer_links_given_out(client, draft):
    client.force_login(make_user(role="Editors"))
    change = f"/admin/newsroom/article/{draft.pk}/change/"
    page = client.get(change).content.decode()
    # Its own form: Enter in a field of the story form submits that form's Save.
    assert 'form="newsroom-revoke-links"' in page
    given_out = signed_preview_path(draft)
    shown = re.findall(r'src="(/media/[^"]+)"', client.get(given_out).content.decode())
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(
            f"/admin/newsroom/article/{draft.pk}/revoke-preview-links/", follow=True
        )
    page = " ".join(response.content.decode().split())
    assert "Earlier reviewer links no longer work" in page
    assert "The 1 photo they showed has new image addresses" in page
    # Nor do the pictures the reviewer's page loaded stay reachable.
    assert shown and not any(default_storage.exists(url.removeprefix("/media/")) for url in shown)
    client.logout()
    gone = client.get(given_out)
    assert gone.status_code == 404
    # The reviewer is told what happened and what to do, not "page not found".
    assert "This preview link no longer works" in gone.content.decode()
    assert "Ask the editor who sent it to you for a new link." in gone.content.decode()
    assert gone["Cache-Control"] == "private, no-store"
    draft.refresh_from_db()
    assert_private_preview(client.get(signed_preview_path(draft)), draft)


def test_saving_the_story_keeps_the_links_given_out(client, draft):
    client.force_login(make_user(role="Editors"))
    given_out = signed_preview_path(draft)
    data = make_article_form_data(draft, headline="Edited")
    assert client.post(f"/admin/newsroom/article/{draft.pk}/change/", data).status_code == 302
    assert client.get(given_out).status_code == 200


def test_who_may_not_change_the_story_gets_no_revoke_button_and_cannot_revoke(client):
    live = make_article(published=True)
    make_slide(article=live, position=1, photo=make_photo())
    client.force_login(make_user(role="Reporters"))
    page = client.get(f"/admin/newsroom/article/{live.pk}/change/").content.decode()
    assert "Revoke earlier reviewer links" not in page
    given_out = signed_preview_path(live)
    response = client.post(f"/admin/newsroom/article/{live.pk}/revoke-preview-links/")
    assert response.status_code == 403
    assert client.get(given_out).status_code == 200


def test_unpublishing_or_archiving_revokes_reviewer_links(client, draft):
    editor = make_user(role="Editors")
    services.article_publish(article=draft, by=editor)
    before_takedown = signed_preview_path(draft)
    services.article_unpublish(article=draft, by=editor)
    assert client.get(before_takedown).status_code == 404
    current = signed_preview_path(draft)
    assert client.get(current).status_code == 200
    services.article_archive(article=draft, by=editor)
    assert client.get(signed_preview_path(draft)).status_code == 404
    # Nor does its form give out a link that would answer 404.
    client.force_login(editor)
    page = client.get(f"/admin/newsroom/article/{draft.pk}/change/").content.decode()
    assert "An archived story has no link for reviewers" in page
    assert "newsroom-share-link" not in page and "/preview/s/" not in page


def test_a_preview_of_an_undated_story_shows_no_empty_date(client):
    article = make_article(published=False, byline="By Reggie Reporter")
    make_slide(article=article, position=1, photo=make_photo())
    client.force_login(make_user(role="Reporters"))
    html = client.get(f"/preview/stories/{article.pk}/").content.decode()
    assert '<span class="byline">By Reggie Reporter</span></p>' in html
    assert 'datetime=""' not in html


def test_the_preview_banner_says_what_readers_have(client, draft):
    client.force_login(make_user(role="Editors"))
    banner = re.compile(r'<p class="preview-banner"[^>]*>(.*?)</p>')

    def said() -> str:
        page = client.get(f"/preview/stories/{draft.pk}/").content.decode()
        return re.sub(r"<[^>]+>", "", banner.search(page).group(1))

    assert said() == "Preview, not published. Readers cannot see this page yet."
    services.article_schedule(
        article=draft, by=make_user(role="Editors"), at=timezone.now() + timezone.timedelta(days=2)
    )
    assert said().startswith("Preview, not published yet. It is scheduled to go out ")
    services.article_publish(article=draft, by=make_user(role="Editors"))
    assert said() == "Preview. This story is published: readers see this version now."


def test_a_quote_given_only_its_speakers_title_previews_without_a_stray_comma(client, draft):
    from tests.factories import make_quote

    slide = draft.slides.get()
    make_quote(
        slide=slide, text="We will answer this.", speaker="", speaker_role="Kremlin spokesman"
    )
    client.force_login(make_user(role="Editors"))
    page = client.get(f"/preview/stories/{draft.pk}/").content.decode()
    quote = page[page.index('<figure class="quote">') :]
    caption = re.search(r"<figcaption[^>]*>\s*(.*?)</figcaption>", quote, re.S)
    assert caption.group(1).startswith('<span class="role" dir="auto">Kremlin spokesman</span>')


def test_a_sensitive_photo_in_a_preview_is_shown_on_the_preview_without_a_script(client):
    article = make_article(published=False)
    hurt = make_photo(is_sensitive=True, sensitivity_warning="Shows injuries.")
    make_slide(article=article, position=1, photo=hurt)
    path = signed_preview_path(article)
    page = client.get(path).content.decode()
    # The story has no public photo pages yet: those would be 404s.
    assert f'class="reveal without-script" href="{path}?show=1#slide-1"' in page
    assert f'href="/stories/{article.slug}/' not in page
    shown = client.get(f"{path}?show=1").content.decode()
    assert 'class="sensitive"' not in shown
    assert hurt.renditions.get(spec="jpeg-480").file.url in shown
