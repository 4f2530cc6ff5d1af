"""Role × action: what each group of the desk may do, through the admin and the views."""

import pytest
from django.contrib.auth.models import Group

from newsroom.models import Article
from newsroom.preview import signed_preview_path
from tests.factories import (
    make_article,
    make_article_form_data,
    make_photo,
    make_quote,
    make_slide,
    make_user,
)

pytestmark = pytest.mark.django_db

ROLES = ["Editors", "Reporters", "Photo desk"]


def test_groups_are_created_by_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLES)
    assert Group.objects.get(name="Editors").permissions.filter(codename="publish_article")
    assert not Group.objects.get(name="Reporters").permissions.filter(codename="publish_article")
    assert not Group.objects.get(name="Photo desk").permissions.filter(codename="publish_article")


@pytest.fixture
def story():
    article = make_article(published=False)
    make_slide(article=article, position=1, photo=make_photo())
    return article


ACTIONS = {
    "list stories": lambda c, a: c.get("/admin/newsroom/article/"),
    "add story": lambda c, a: c.get("/admin/newsroom/article/add/"),
    "edit story": lambda c, a: c.post(
        f"/admin/newsroom/article/{a.pk}/change/", make_article_form_data(a, byline="Edited")
    ),
    "delete story": lambda c, a: c.post(f"/admin/newsroom/article/{a.pk}/delete/", {"post": "yes"}),
    "publish by action": lambda c, a: c.post(
        "/admin/newsroom/article/",
        {"action": "publish", "_selected_action": [a.pk], "index": 0},
    ),
    "publish by button": lambda c, a: c.post(
        f"/admin/newsroom/article/{a.pk}/change/",
        make_article_form_data(a, _lifecycle="publish"),
    ),
    "preview story": lambda c, a: c.get(f"/preview/stories/{a.pk}/"),
    "story history": lambda c, a: c.get(f"/admin/newsroom/article/{a.pk}/history/"),
    "recover deleted": lambda c, a: c.get("/admin/newsroom/article/recover/"),
    "edit slide": lambda c, a: c.get(f"/admin/newsroom/slide/{a.slides.get().pk}/change/"),
    "audit log": lambda c, a: c.get("/admin/newsroom/auditentry/"),
    "list photos": lambda c, a: c.get("/admin/gallery/photo/"),
    "add photo": lambda c, a: c.get("/admin/gallery/photo/add/"),
    "edit credit": lambda c, a: c.get(
        f"/admin/gallery/credit/{a.slides.get().photo.credit_id}/change/"
    ),
}

OK, DENIED = "ok", "denied"
# fmt: off
MATRIX = {
    #                      Editors  Reporters  Photo desk
    "list stories":        (OK,     OK,        DENIED),
    "add story":           (OK,     OK,        DENIED),
    "edit story":          (OK,     OK,        DENIED),
    "delete story":        (OK,     DENIED,    DENIED),
    "publish by action":   (OK,     DENIED,    DENIED),
    "publish by button":   (OK,     DENIED,    DENIED),
    "preview story":       (OK,     OK,        DENIED),
    "story history":       (OK,     OK,        DENIED),
    "recover deleted":     (OK,     DENIED,    DENIED),
    "edit slide":          (OK,     OK,        DENIED),
    "audit log":           (OK,     DENIED,    DENIED),
    "list photos":         (OK,     OK,        OK),
    "add photo":           (OK,     DENIED,    OK),
    "edit credit":         (OK,     OK,        OK),  # reporters see it read-only
}
# fmt: on


@pytest.mark.parametrize("action", MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, story, role, action):
    client.force_login(make_user(role=role))
    expected = MATRIX[action][ROLES.index(role)]
    response = ACTIONS[action](client, story)
    if expected == OK:
        assert response.status_code in (200, 302), response.status_code
    else:
        assert response.status_code == 403
    story_now = Article.objects.filter(pk=story.pk).first()
    if action.startswith("publish"):
        assert (story_now.status == Article.Status.PUBLISHED) is (expected == OK)
    if action == "delete story":
        assert (story_now is None) is (expected == OK)
    if action == "edit story":
        assert (story_now.byline == "Edited") is (expected == OK)


def test_reporter_sees_credit_read_only(client, story):
    client.force_login(make_user(role="Reporters"))
    response = client.get(f"/admin/gallery/credit/{story.slides.get().photo.credit_id}/change/")
    assert 'name="platform"' not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_public_views_show_drafts_to_nobody(client, story, role):
    client.force_login(make_user(role=role))
    assert client.get(story.get_absolute_url()).status_code == 404


def test_signed_link_needs_no_role(client, story):
    assert client.get(signed_preview_path(story)).status_code == 200


# A scheduled or published story: a save publishes the change, so only editors may.


@pytest.fixture
def live_story():
    article = make_article(published=True, headline="Live headline")
    slide = make_slide(article=article, position=1, photo=make_photo())
    make_quote(slide=slide)
    return article


@pytest.mark.parametrize("status", ["published", "scheduled"])
def test_a_reporter_sees_a_live_story_read_only_and_cannot_save_it(client, live_story, status):
    Article.objects.filter(pk=live_story.pk).update(status=status)
    live_story.refresh_from_db()
    client.force_login(make_user(role="Reporters"))
    url = f"/admin/newsroom/article/{live_story.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="headline"' not in page  # Shown, not editable.
    assert "only an editor can change it now" in page
    assert 'name="_lifecycle"' not in page and 'name="_save"' not in page
    # A reporter who opened it as a draft, then an editor published it: refused,
    # with what the reporter typed still in the form.
    data = make_article_form_data(live_story, headline="Changed by a reporter")
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not saved: this story is scheduled or published" in page
    assert 'value="Changed by a reporter"' in page
    live_story.refresh_from_db()
    assert live_story.headline == "Live headline"


def test_an_editor_still_corrects_a_live_story(client, live_story):
    client.force_login(make_user(role="Editors"))
    data = make_article_form_data(live_story, headline="Corrected headline")
    response = client.post(f"/admin/newsroom/article/{live_story.pk}/change/", data)
    assert response.status_code == 302
    live_story.refresh_from_db()
    assert live_story.headline == "Corrected headline"


def test_a_reporter_cannot_change_a_live_story_through_its_slides_or_quotes(client, live_story):
    client.force_login(make_user(role="Reporters"))
    slide = live_story.slides.get()
    quote = slide.quotes.get()
    slide_page = f"/admin/newsroom/slide/{slide.pk}/change/"
    assert 'name="narrative"' not in client.get(slide_page).content.decode()
    posted = {"article": live_story.pk, "position": 1, "narrative": "Slipped in."}
    refused = "Not saved: this story is scheduled or published"
    assert refused in client.post(slide_page, posted).content.decode()
    draft = make_article(published=False)
    moved_out = client.post(slide_page, {**posted, "article": draft.pk})  # Leaving changes it too.
    assert refused in moved_out.content.decode()
    quote_page = f"/admin/newsroom/quote/{quote.pk}/change/"
    quoted = {"slide": slide.pk, "text": "Made up.", "position": 1}
    assert refused in client.post(quote_page, quoted).content.decode()

    response = client.post("/admin/newsroom/slide/add/", {**posted, "position": 2})
    assert response.status_code == 200
    assert refused in response.content.decode()
    response = client.post("/admin/newsroom/quote/add/", quoted)
    assert refused in response.content.decode()

    bulk = {"action": "delete_selected", "_selected_action": [slide.pk]}
    response = client.post("/admin/newsroom/slide/", bulk, follow=True)
    assert "is scheduled or published, so only an editor can remove its parts" in (
        response.content.decode()
    )
    confirmed = {**bulk, "post": "yes"}  # Past the question, as a crafted post would be.
    assert (
        "Nothing deleted"
        in client.post("/admin/newsroom/slide/", confirmed, follow=True).content.decode()
    )
    assert live_story.slides.count() == 1 and slide.quotes.count() == 1
    slide.refresh_from_db()
    assert slide.narrative != "Slipped in." and slide.article_id == live_story.pk
    assert quote.text == quote.__class__.objects.get(pk=quote.pk).text


def test_a_reporter_cannot_restore_an_old_version_of_a_live_story(client, live_story):
    from reversion.models import Version

    editor, reporter = make_user(role="Editors"), make_user(role="Reporters")
    client.force_login(editor)
    data = make_article_form_data(live_story, headline="Second headline")
    client.post(f"/admin/newsroom/article/{live_story.pk}/change/", data)
    version = Version.objects.get_for_object(live_story).last()
    client.force_login(reporter)
    url = f"/admin/newsroom/article/{live_story.pk}/history/{version.pk}/"
    response = client.post(url, make_article_form_data(live_story))
    assert "Not saved: this story is scheduled or published" in response.content.decode()
    live_story.refresh_from_db()
    assert live_story.headline == "Second headline"


def test_a_page_the_account_may_not_open_says_so_in_words(client):
    client.force_login(make_user(role="Photo desk"))
    response = client.get("/admin/newsroom/article/import/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Your account may not open this page" in page
    assert "Importing a slideshow needs permission to add stories." in page
