import pytest
from reversion.models import Version

from newsroom.models import Article
from tests.factories import make_article, make_article_form_data, make_slide, make_user

pytestmark = pytest.mark.django_db


def change_url(article):
    return f"/admin/newsroom/article/{article.pk}/change/"


@pytest.fixture
def editor_client(client):
    client.force_login(make_user(role="Editors", first_name="Eve"))
    return client


def save(client, article, **changes):
    article.refresh_from_db()
    response = client.post(change_url(article), make_article_form_data(article, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]


def test_history_shows_who_changed_what(editor_client):
    article = make_article(published=False)
    make_slide(article=article, position=1)
    save(editor_client, article, headline="First headline")
    save(editor_client, article, standfirst="A sharper standfirst.")
    html = editor_client.get(f"{change_url(article).removesuffix('change/')}history/")
    html = html.content.decode()
    assert "Eve" in html
    assert "Changed Standfirst" in html or "Changed standfirst" in html


def test_restore_a_version_brings_back_the_story_and_its_slides(editor_client):
    article = make_article(published=False, headline="Original headline")
    make_slide(article=article, position=1, narrative="Original narrative.")
    save(editor_client, article)
    original = Version.objects.get_for_object(article).first()
    save(editor_client, article, headline="Rewritten", **{"slides-0-narrative": "Rewritten."})

    revert_url = f"/admin/newsroom/article/{article.pk}/history/{original.pk}/"
    form = editor_client.get(revert_url)
    assert "Original headline" in form.content.decode()
    article.refresh_from_db()
    assert article.headline == "Rewritten"  # looking does not restore
    data = make_article_form_data(article, headline="Original headline")
    data["slides-0-narrative"] = "Original narrative."
    assert editor_client.post(revert_url, data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "Original headline"
    assert article.slides.get().narrative == "Original narrative."
    # The lock counter keeps moving forward; a restore never rolls it back.
    assert article.version == 4


def test_a_deleted_story_is_recovered_with_its_slides(editor_client):
    article = make_article(published=False, headline="Lost and found")
    make_slide(article=article, position=1, narrative="Slide text.")
    save(editor_client, article)
    pk = article.pk
    delete = editor_client.post(f"/admin/newsroom/article/{pk}/delete/", {"post": "yes"})
    assert delete.status_code == 302
    assert not Article.objects.filter(pk=pk).exists()

    listing = editor_client.get("/admin/newsroom/article/recover/").content.decode()
    assert "Lost and found" in listing
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    recover_url = f"/admin/newsroom/article/recover/{version.pk}/"
    editor_client.get(recover_url)
    recovered_slide = version.revision.version_set.get(content_type__model="slide")
    data = make_article_form_data(article)
    # A recovered story starts its lock counter afresh, as the recover form says.
    data |= {"lock_version": 1, "slides-0-id": recovered_slide.object_id}
    assert editor_client.post(recover_url, data).status_code == 302
    recovered = Article.objects.get(pk=pk)
    assert recovered.headline == "Lost and found"
    assert recovered.slides.get().narrative == "Slide text."


@pytest.mark.parametrize("role", ["Reporters", "Photo desk"])
def test_only_editors_recover_deleted_stories(client, role):
    client.force_login(make_user(role=role))
    assert client.get("/admin/newsroom/article/recover/").status_code == 403


def test_photo_metadata_edits_are_versioned(editor_client):
    from tests.factories import make_photo

    photo = make_photo()
    url = f"/admin/gallery/photo/{photo.pk}/change/"
    page = editor_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: form[name].value() if form[name].value() is not None else "" for name in form.fields
    }
    data["alt_text"] = "Two soldiers in a hospital room."
    # Inline formsets of the photo desk, if any, sent empty.
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Version.objects.get_for_object(photo).count() == 1


@pytest.mark.parametrize(("role", "shown"), [("Editors", True), ("Reporters", False)])
def test_recover_link_shows_only_to_those_who_may_recover(client, role, shown):
    client.force_login(make_user(role=role))
    listing = client.get("/admin/newsroom/article/").content.decode()
    assert ("Recover deleted stories" in listing) is shown
    assert client.get("/admin/newsroom/article/recover/").status_code == (200 if shown else 403)
