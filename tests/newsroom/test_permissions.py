"""Role × action: what each group of the desk may do, through the admin and the views."""

import pytest
from django.contrib.auth.models import Group

from newsroom.models import Article
from newsroom.preview import signed_preview_path
from tests.factories import make_article, make_article_form_data, make_photo, make_slide, make_user

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
