"""The admin import: upload a .txt, see what was found, confirm."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gallery.models import Credit, Photo
from newsroom.models import Article, Quote
from tests.factories import make_article

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "kursk-slideshow.txt"
UPLOAD = "/admin/newsroom/article/import/"
CONFIRM = "/admin/newsroom/article/import/confirm/"


@pytest.fixture(autouse=True)
def empty_desk():
    """The session's demo story may be loaded already; these tests count from an empty desk."""
    Article.objects.all().delete()
    Photo.objects.all().delete()
    Credit.objects.all().delete()


def upload(client, data: bytes, name="story.txt"):
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, data, "text/plain")})


def test_changelist_offers_the_import_next_to_add(admin_client):
    page = admin_client.get(reverse("admin:newsroom_article_changelist")).content.decode()
    assert f'<a href="{UPLOAD}" class="addlink">Import a slideshow</a>' in page
    assert reverse("admin:newsroom_article_add") in page


def test_upload_previews_slides_credits_and_quotes_without_saving(admin_client):
    response = upload(admin_client, FIXTURE.read_bytes())
    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert "9 slides, 2 distinct credits, 5 quotes, 3 closing paragraphs." in page
    assert '<h2 id="slide-9">Slide 9</h2>' in page
    # In the admin's words, not the parser's values.
    assert "(Screenshot or video still; platform YouTube; account SecurityServiceUkraine)" in page
    assert "<strong>Volodymyr Zelensky</strong> (Post on X)" in page
    # The slug field's help is what screen readers are pointed to.
    assert 'aria-describedby="id_slug_helptext"' in page and 'id="id_slug_helptext"' in page
    assert "speaker left blank for an editor" in page
    assert 'value="see-the-images-of-the-north-korean-soldiers-ukraine-captured-in-kursk"' in page
    assert Article.objects.count() == 0 and Credit.objects.count() == 0


def test_a_quote_whose_copy_names_only_a_title_asks_an_editor_for_the_name(admin_client):
    text = FIXTURE.read_text().replace("the SBU's report noted.", "said the Kremlin spokesman.", 1)
    page = " ".join(upload(admin_client, text.encode()).content.decode().split())
    assert (
        "speaker left blank for an editor</em> (the copy names only a title: Kremlin spokesman)"
        in page
    )


def test_a_file_imported_before_is_pointed_out_before_a_second_story_is_made(admin_client):
    admin_client.post(CONFIRM, {"text": FIXTURE.read_text(), "slug": "kursk"})
    first = Article.objects.get()
    page = " ".join(upload(admin_client, FIXTURE.read_bytes()).content.decode().split())
    assert "A story with this headline is already on the desk:" in page
    assert f'<a href="/admin/newsroom/article/{first.pk}/change/">kursk</a> (draft)' in page


def test_the_published_story_under_the_headline_is_named_first_and_the_rest_counted(
    admin_client,
):
    from tests.factories import make_article

    headline = FIXTURE.read_text().splitlines()[0]
    out = make_article(headline=headline, slug="kursk-out")
    for n in range(4):
        make_article(headline=headline, slug=f"kursk-draft-{n}", published=False)
    page = " ".join(upload(admin_client, FIXTURE.read_bytes()).content.decode().split())
    named = re.findall(r'<a href="/admin/newsroom/article/\d+/change/">([\w-]+)</a>', page)
    assert named[:3] == ["kursk-out", "kursk-draft-3", "kursk-draft-2"]
    assert f"{out.slug}</a> (published)" in page
    assert "kursk-draft-2</a> (draft) and 2 more." in page


def test_confirm_refuses_binary_the_upload_would_have_refused(admin_client):
    # The text comes back in a hidden field: a changed one is checked again.
    text = "Head\nStand\npara\x1b\nPhoto Credit: AP / Jo\n"
    page = admin_client.post(CONFIRM, {"text": text, "slug": "ctrl"}, follow=True)
    page = page.content.decode()
    assert "Line 3 contains the control character U+001B" in page
    assert Article.objects.count() == 0


def test_a_text_near_the_size_limit_survives_the_browsers_line_breaks(admin_client):
    # Browsers send a hidden field's line breaks back as CR LF: 400,000 short lines
    # grew past the limit on the way back, and the import bounced.
    from newsroom.importer import MAX_BYTES

    preview = upload(admin_client, FIXTURE.read_bytes()).content.decode()
    # Sent as multipart, the text travels as itself: URL-encoded, each line break
    # would be six bytes (%0D%0A), and a megabyte of them past the 5 MB post limit.
    assert re.search(
        r'<form method="post" action="[^"]+confirm/" enctype="multipart/form-data"', preview
    )
    text = FIXTURE.read_text()
    text += "\n" * (MAX_BYTES - len(text) - 10)
    assert len(text) <= MAX_BYTES < len(text.replace("\n", "\r\n"))
    posted = text.replace("\n", "\r\n")
    admin_client.post(CONFIRM, {"text": posted, "slug": "kursk"}, follow=True)
    assert Article.objects.get(slug="kursk").slides.count() == 9


def test_a_file_of_more_slides_than_a_story_may_hold_is_refused_naming_the_line(admin_client):
    from newsroom.importer import MAX_SLIDES

    slides = "".join(f"Photo {n}.\nPhoto Credit: AP / Jo\n" for n in range(MAX_SLIDES + 1))
    page = upload(admin_client, f"Head\nStand.\n{slides}".encode()).content.decode()
    line = 2 + 2 * (MAX_SLIDES + 1)
    assert f"Line {line}: more than {MAX_SLIDES} slides, the most a slideshow may have." in page
    assert Article.objects.count() == 0


def test_confirm_imports_a_draft_and_opens_it(admin_client):
    text = FIXTURE.read_text()
    response = admin_client.post(CONFIRM, {"text": text, "slug": "kursk"}, follow=True)
    article = Article.objects.get(slug="kursk")
    assert response.redirect_chain[-1][0] == reverse(
        "admin:newsroom_article_change", args=[article.pk]
    )
    page = response.content.decode()
    assert "as a draft: 9 slides, 5 quotes. 9 slides await a photo" in page
    # One entry per credit, with its slides: short even for a 200-slide story.
    assert (
        "Credits for the photos still to upload: Telegram @V_Zelenskiy_official "
        "(slides 1, 3, 4, 6, 8, 9); Screenshot / YouTube SecurityServiceUkraine (slides 2, 5, 7)."
    ) in page
    assert article.status == Article.Status.DRAFT
    assert article.slides.count() == 9
    assert Quote.objects.filter(slide__article=article).count() == 5
    # Each is read once, where the partner's paragraph has it, not again below it.
    preview = admin_client.get(f"/preview/stories/{article.pk}/").content.decode()
    assert '<figure class="quote">' not in preview
    assert set(Credit.objects.values_list("line", flat=True)) == {
        "Telegram @V_Zelenskiy_official",
        "Screenshot / YouTube SecurityServiceUkraine",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"Only a headline\n", "Line 1: there is only a headline"),
        (b"Headline\nStandfirst\nPhoto Credit: AP\n", "Line 3: a &#x27;Photo Credit:&#x27; line"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "This is a PNG image, not a plain-text slideshow."),
        (b"Headline\n\xff", "byte offset 9 (line 2) is 0xff"),
        (b"x" * (5 * 1024 * 1024), "The file is 5.2 MB"),
    ],
)
def test_bad_uploads_are_form_errors(admin_client, data, message):
    response = upload(admin_client, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the error below." in page
    assert message in page
    assert Article.objects.count() == 0


def test_taken_slug_is_a_field_error_and_the_preview_stays(admin_client):
    make_article(slug="kursk", headline="Another story")
    response = admin_client.post(CONFIRM, {"text": FIXTURE.read_text(), "slug": "kursk"})
    page = response.content.decode()
    assert "A story with the slug &#x27;kursk&#x27; already exists" in page
    assert '<h2 id="slide-1">Slide 1</h2>' in page
    assert Article.objects.count() == 1


def test_the_same_import_posted_twice_opens_the_story_the_first_made(admin_client, client):
    text = FIXTURE.read_text()
    first = admin_client.post(CONFIRM, {"text": text, "slug": "kursk"})
    again = admin_client.post(CONFIRM, {"text": text, "slug": "kursk"}, follow=True)
    article = Article.objects.get()
    assert again.redirect_chain[-1][0] == first["Location"]
    assert (
        f"“{article.headline}” was imported a moment ago, from this same form: here it is. "
        "Nothing more was imported."
    ) in [str(m) for m in again.context["messages"]]
    # Someone else's post of it is refused as a taken address, as any other.
    from tests.factories import make_user

    client.force_login(make_user(role="Editors"))
    other = client.post(CONFIRM, {"text": text, "slug": "kursk"})
    assert "A story with the slug &#x27;kursk&#x27; already exists" in other.content.decode()


def test_another_file_under_the_same_headline_is_not_taken_for_the_first_posted_again(
    admin_client,
):
    text = FIXTURE.read_text()
    admin_client.post(CONFIRM, {"text": text, "slug": "kursk"})
    other = text.replace("Photo Credit:", "A sentence added.\nPhoto Credit:", 1)
    again = admin_client.post(CONFIRM, {"text": other, "slug": "kursk"})
    assert "A story with the slug &#x27;kursk&#x27; already exists" in again.content.decode()
    assert Article.objects.count() == 1


def test_tampered_text_sends_the_editor_back_to_upload(admin_client):
    response = admin_client.post(CONFIRM, {"text": "Just a headline", "slug": "x"}, follow=True)
    assert response.redirect_chain[-1][0] == UPLOAD
    assert "there is only a headline" in response.content.decode()
    assert Article.objects.count() == 0


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user("staff", password="pw", is_staff=True)


@pytest.mark.parametrize("can_add", [True, False])
def test_import_needs_the_add_story_permission(client, staff, can_add):
    staff.user_permissions.add(Permission.objects.get(codename="view_article"))
    if can_add:
        staff.user_permissions.add(Permission.objects.get(codename="add_article"))
    client.force_login(staff)
    assert client.get(UPLOAD).status_code == (200 if can_add else 403)
    response = client.post(CONFIRM, {"text": FIXTURE.read_text(), "slug": "kursk"})
    assert response.status_code == (302 if can_add else 403)
    assert Article.objects.filter(slug="kursk").exists() is can_add
    changelist = client.get(reverse("admin:newsroom_article_changelist")).content.decode()
    assert ("Import a slideshow" in changelist) is can_add


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.post(CONFIRM, {"text": "x", "slug": "x"}).status_code == 302


def test_the_suggested_slug_is_free_and_a_headline_without_latin_letters_asks_for_one(
    admin_client,
):
    make_article(slug="kursk-report", headline="An earlier story")
    page = upload(
        admin_client,
        FIXTURE.read_text()
        .replace(FIXTURE.read_text().splitlines()[0], "Kursk report", 1)
        .encode(),
    ).content.decode()
    assert 'value="kursk-report-2"' in page

    cyrillic = "Звіт з Курська\n" + "\n".join(FIXTURE.read_text().splitlines()[1:])
    upload(admin_client, cyrillic.encode())
    response = admin_client.post(CONFIRM, {"text": cyrillic, "slug": ""})
    assert "None could be made from this headline." in response.content.decode()
    assert Article.objects.count() == 1


def test_long_runs_of_slide_numbers_are_shortened():
    from newsroom.admin_import import _numbers

    assert _numbers([*range(1, 200), 201]) == "1–199, 201"
