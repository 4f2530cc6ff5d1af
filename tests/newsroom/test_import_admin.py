"""The admin import on the QA report's cases: errors where they are seen, credits by permission."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gallery.models import Credit, Photo
from newsroom import imports
from newsroom.models import Article
from tests.factories import make_article, make_credit, make_user

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "kursk-slideshow.txt"
UPLOAD = "/admin/newsroom/article/import/"
CONFIRM = "/admin/newsroom/article/import/confirm/"
STORY = (
    "Kursk: خبر عاجل\nStandfirst.\n"
    "Slide one.\nPhoto Credit: Telegram @known\n"
    "Slide two.\nPhoto Credit: Press Office / Handout\n"
)


@pytest.fixture(autouse=True)
def empty_desk():
    """The session's demo story may be loaded already; these tests count from an empty desk."""
    Article.objects.all().delete()
    Photo.objects.all().delete()
    Credit.objects.all().delete()


def upload(client, data: bytes) -> str:
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("story.txt", data, "text/plain")})
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_an_over_long_credit_part_is_a_form_error_naming_the_line(admin_client):
    page = upload(admin_client, STORY.replace("Press Office", "P" * 120).encode())
    assert "Please correct the error below." in page
    assert "Line 6: the credit&#x27;s platform or organisation" in page
    assert "the limit is 100" in page


def test_a_utf16_file_is_previewed(admin_client):
    page = upload(admin_client, STORY.encode("utf-16"))
    assert "2 slides, 2 distinct credits" in page


def test_the_preview_shows_headings_in_their_own_direction_and_handouts_as_saved(admin_client):
    page = upload(admin_client, STORY.encode())
    assert '<h2 dir="auto">Kursk: خبر عاجل</h2>' in page
    assert "(Handout; platform Press Office; the line is kept exactly as written)" in page
    assert "not recognised" not in page


def test_a_headline_without_a_slug_is_explained_at_the_top(admin_client):
    page = upload(admin_client, STORY.replace("Kursk: ", "").encode())
    note = page.index("No slug could be made from this headline")
    assert note < page.index('<h2 dir="auto">')


def test_a_slug_error_is_shown_at_the_top_too(admin_client):
    make_article(slug="kursk", headline="Another story")
    response = admin_client.post(CONFIRM, {"text": STORY, "slug": "kursk"})
    page = response.content.decode()
    top = page.index('<a href="#id_slug">Slug</a> (at the end of the page): A story with the slug')
    assert top < page.index('<h2 dir="auto">')


def test_losing_the_race_for_a_slug_is_a_form_error_not_a_server_error(admin_client, monkeypatch):
    make_article(slug="kursk", headline="Imported a moment ago")
    # The other submit took the slug after this one's form checked it.
    monkeypatch.setattr(imports, "slug_for", lambda headline, slug=None: "kursk")
    response = admin_client.post(CONFIRM, {"text": STORY, "slug": "kursk-2"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "A story with the slug &#x27;kursk&#x27; already exists. Nothing was imported." in page
    assert Article.objects.count() == 1


def test_reporters_import_without_adding_credits_and_are_told(client):
    known = make_credit(platform="Telegram", account="@known")
    client.force_login(make_user(role="Reporters"))
    preview = upload(client, STORY.encode())
    assert (
        "Not in the library, and you may not add credits: Press Office / Handout (slide 2)."
        in preview
    )

    response = client.post(CONFIRM, {"text": STORY, "slug": "kursk"}, follow=True)

    assert list(Credit.objects.all()) == [known]
    article = Article.objects.get()
    waiting = [s.awaiting_credit for s in article.slides.all()]
    assert waiting == [known, None]
    page = " ".join(response.content.decode().split())
    assert (
        "Not in the library, and you may not add credits: Press Office / Handout (slide 2). "
        "Those slides await a credit; ask the photo desk to add the missing credits." in page
    )
    # The partner's words stay on the slide, where the story's page and checklist show them.
    story_page = client.get(f"/admin/newsroom/article/{article.pk}/change/").content.decode()
    assert "The copy credits it <strong>Press Office / Handout</strong>" in story_page
    assert (
        "Slide 2 has no photo (the copy&#x27;s credit, not yet in the library: "
        "Press Office / Handout)." in story_page
    )


def test_editors_who_may_add_credits_add_them(client):
    client.force_login(make_user(role="Editors"))
    assert "you may not add credits" not in upload(client, STORY.encode())
    client.post(CONFIRM, {"text": STORY, "slug": "kursk"})
    assert Credit.objects.filter(line="Press Office / Handout", kind="handout").exists()


def test_a_credit_named_in_words_is_used_once_the_photo_desk_adds_it(client):
    from newsroom import services

    client.force_login(make_user(role="Reporters"))
    client.post(CONFIRM, {"text": STORY, "slug": "kursk"})
    article = Article.objects.get()
    added = make_credit(platform="", account="", line_override="Press Office / Handout")
    assert added.line == "Press Office / Handout"  # What the photo desk made.
    services.slides_apply_awaiting_credits(article=article)
    slide = article.slides.get(position=2)
    assert slide.awaiting_credit == added and slide.awaiting_credit_line == ""


def test_looking_up_credits_named_in_words_costs_the_same_for_any_number_of_slides():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsroom import services
    from tests.factories import make_slide

    def queries(slides: int) -> int:
        article = make_article(published=False)
        for n in range(1, slides + 1):
            slide = make_slide(article=article, position=n)
            type(slide).objects.filter(pk=slide.pk).update(awaiting_credit_line=f"Agency {n}")
        with CaptureQueriesContext(connection) as captured:
            services.slides_apply_awaiting_credits(article=article)
        return len(captured)

    assert queries(3) == queries(30)


def test_a_photo_chosen_with_another_credit_than_the_copys_is_pointed_out(client):
    from tests.factories import make_article_form_data, make_photo

    client.force_login(make_user(role="Editors"))
    client.post(CONFIRM, {"text": STORY, "slug": "kursk"})
    article = Article.objects.get()
    photo = make_photo()  # Credited already, by the photo desk.
    data = make_article_form_data(article, **{"slides-0-photo": photo.pk})
    response = client.post(f"/admin/newsroom/article/{article.pk}/change/", data, follow=True)
    shown = " ".join(str(m) for m in response.context["messages"])
    assert (
        f"Slide 1: the copy credits “Telegram @known”, but the photo chosen is credited "
        f"“{photo.credit}”, and keeps that credit." in shown
    )
    photo.refresh_from_db()
    assert photo.credit.line != "Telegram @known"


def confirm_with_photos(client, photos: list[SimpleUploadedFile], slug="kursk-photos"):
    return client.post(CONFIRM, {"text": STORY, "slug": slug, "photos": photos}, follow=True)


def test_the_photos_that_came_with_the_text_go_on_the_slides_their_names_number(admin_client):
    from tests.factories import make_image_bytes

    second = SimpleUploadedFile("slide-2.jpg", make_image_bytes((300, 200)), "image/jpeg")
    response = confirm_with_photos(admin_client, [second])
    assert response.status_code == 200
    article = Article.objects.get(slug="kursk-photos")
    photos = [slide.photo for slide in article.slides.order_by("position")]
    assert photos[0] is None and photos[1].original_filename == "slide-2.jpg"
    assert "1 slide awaits a photo" in " ".join(response.content.decode().split())


def test_a_photo_named_for_no_slide_stops_the_import_naming_it(admin_client):
    from tests.factories import make_image_bytes

    stray = SimpleUploadedFile("slide-7.jpg", make_image_bytes((300, 200)), "image/jpeg")
    note = SimpleUploadedFile("notes.txt", b"not a photo", "text/plain")
    response = confirm_with_photos(admin_client, [stray, note])
    page = " ".join(response.content.decode().split())
    assert "slide-7.jpg: there is no slide 7 (the story has 2 slides)" in page
    assert "notes.txt: TXT files are not accepted" in page
    assert "choose them again" in page
    assert not Article.objects.exists() and not Photo.objects.exists()


def test_a_file_that_is_no_image_stops_the_import_and_stores_nothing(admin_client):
    fake = SimpleUploadedFile("slide-1.jpg", b"<html>not a photo</html>", "image/jpeg")
    response = confirm_with_photos(admin_client, [fake])
    page = " ".join(response.content.decode().split())
    assert "slide-1.jpg" in page and "Nothing was imported." in page
    assert not Article.objects.exists() and not Photo.objects.exists()


def test_two_photos_of_one_name_are_refused_not_one_dropped(admin_client):
    from tests.factories import make_image_bytes

    twins = [
        SimpleUploadedFile("slide-1.jpg", make_image_bytes((300, 200)), "image/jpeg")
        for _ in range(2)
    ]
    page = " ".join(confirm_with_photos(admin_client, twins).content.decode().split())
    assert "Two files are named slide-1.jpg" in page
    assert not Article.objects.exists()


def test_more_photos_than_one_upload_takes_are_refused_before_any_is_read(admin_client, settings):
    settings.GALLERY_MAX_FILES_PER_UPLOAD = 1  # As the photo desk's bulk upload.
    photos = [SimpleUploadedFile(f"slide-{n}.jpg", b"never read", "image/jpeg") for n in (1, 2)]
    page = " ".join(confirm_with_photos(admin_client, photos).content.decode().split())
    assert "You chose 2 photos; an import takes at most 1." in page
    assert "Nothing was imported." in page
    assert not Article.objects.exists() and not Photo.objects.exists()


def test_who_may_not_add_photos_imports_the_text_only(client):
    from tests.factories import make_image_bytes

    client.force_login(make_user(role="Reporters"))
    page = upload(client, STORY.encode())
    assert "Import as a draft" in page and 'name="photos"' not in page
    photo = SimpleUploadedFile("slide-1.jpg", make_image_bytes((300, 200)), "image/jpeg")
    assert confirm_with_photos(client, [photo]).status_code == 403
    assert not Photo.objects.exists() and not Article.objects.exists()
