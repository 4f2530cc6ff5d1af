"""importstory with plain-text slideshows: what lands in the database, and what never does."""

import datetime as dt
import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from gallery.models import Credit, Photo
from newsroom.models import Article, Quote
from tests.factories import make_article, make_credit, make_image_bytes, make_photo

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "kursk-slideshow.txt"


@pytest.fixture(autouse=True)
def empty_desk():
    """The session's demo story may be loaded already; these tests count from an empty desk."""
    Article.objects.all().delete()
    Photo.objects.all().delete()
    Credit.objects.all().delete()


def run(*args) -> str:
    out = io.StringIO()
    call_command("importstory", *map(str, args), stdout=out)
    return out.getvalue()


def write_images(directory: Path, count: int, bad: int | None = None) -> Path:
    directory.mkdir(exist_ok=True)
    for number in range(1, count + 1):
        data = b"not an image at all" if number == bad else make_image_bytes((60, 40))
        (directory / f"slide-{number}.jpg").write_bytes(data)
    return directory


def stored_originals() -> set[str]:
    root = Path(settings.STORAGES["originals"]["OPTIONS"]["location"])
    return {str(p) for p in root.rglob("*") if p.is_file()}


def test_reference_story_imports_as_a_draft_with_photos_credits_and_quotes(tmp_path):
    images = write_images(tmp_path / "images", 10)
    (images / "slide-10.jpg").unlink()  # Name order is numeric: slide-2 before slide-10.
    output = run(FIXTURE, "--images", images)

    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT and article.published_at is None
    assert article.headline.startswith("See the images of the North Korean soldiers")
    assert article.slug == "see-the-images-of-the-north-korean-soldiers-ukraine-captured-in-kursk"
    assert len(article.closing_paragraphs()) == 3
    slides = list(article.slides.select_related("photo__credit"))
    assert [s.position for s in slides] == list(range(1, 10))
    assert [s.photo.original_filename for s in slides] == [f"slide-{n}.jpg" for n in range(1, 10)]
    assert Counter(s.photo.credit.line for s in slides) == {
        "Telegram @V_Zelenskiy_official": 6,
        "Screenshot / YouTube SecurityServiceUkraine": 3,
    }
    youtube = Credit.objects.get(kind=Credit.Kind.SCREENSHOT)
    assert (youtube.platform, youtube.account) == ("YouTube", "SecurityServiceUkraine")
    quotes = Quote.objects.filter(slide__article=article).order_by("slide__position")
    assert [(q.slide.position, q.speaker, q.said_in) for q in quotes] == [
        (1, "Volodymyr Zelensky", Quote.Medium.X),
        (3, "SBU", Quote.Medium.REPORT),
        (7, "SBU", Quote.Medium.REPORT),
        (8, "", Quote.Medium.X),
        (9, "Zelensky", ""),
    ]
    assert slides[7].narrative.startswith("Zelensky said taking the men alive had been hard.")
    assert "Imported 'See the images" in output and "as draft" in output
    assert "Uploading photos [" in output and "9/9 slide-9.jpg" in output


def test_existing_credit_is_reused_and_odd_lines_are_kept_as_written(tmp_path):
    existing = make_credit(platform="Telegram", account="@V_Zelenskiy_official", licence="Ours")
    story = tmp_path / "story.txt"
    story.write_text(
        "Headline\nStandfirst.\n"
        "One.\nPhoto Credit: Telegram @V_Zelenskiy_official\n"
        "Two.\nPhoto Credit: Courtesy of the family\n"
        "Three.\nPhoto Credit: Ministry press office / Handout\n"
    )
    output = run(story)

    credits = [s.photo for s in Article.objects.get().slides.all()]
    assert credits == [None, None, None]  # No images given: the slides await photos.
    assert "Slides awaiting a photo: 1, 2, 3." in output
    assert "slide 2: credit the photo to 'Courtesy of the family'" in output
    assert Credit.objects.count() == 3
    # The slide keeps the credit for the photo to come, as a record, not a message.
    waiting = [s.awaiting_credit for s in Article.objects.get().slides.all()]
    assert waiting[0] == existing
    assert [c.line for c in waiting[1:]] == [
        "Courtesy of the family",
        "Ministry press office / Handout",
    ]
    assert Credit.objects.filter(pk=existing.pk, licence="Ours").exists()
    lines = set(Credit.objects.values_list("line", flat=True))
    assert lines == {
        "Telegram @V_Zelenskiy_official",
        "Courtesy of the family",
        "Ministry press office / Handout",
    }
    assert Credit.objects.get(line="Ministry press office / Handout").kind == Credit.Kind.HANDOUT
    assert "2 new and 1 reused credits" in output


def test_a_credit_line_with_direction_controls_finds_the_credit_already_kept(tmp_path):
    existing = make_credit(platform="Telegram", account="@chan")
    story = tmp_path / "story.txt"
    story.write_text("Headline\nStandfirst.\nOne.\nPhoto Credit: Telegram \u202b@chan\u202c\n")
    run(story, "--slug", "first")
    run(story, "--slug", "second")
    # Not a look-alike credit added by each import.
    assert list(Credit.objects.all()) == [existing]
    assert Article.objects.get(slug="second").slides.get().awaiting_credit == existing


def test_a_quotes_role_and_full_date_are_imported_with_it(tmp_path):
    from newsroom.models import Quote

    story = tmp_path / "story.txt"
    story.write_text(
        "Headline\nStandfirst.\n"
        "“The world needs to know the truth,” said President Volodymyr Zelensky "
        "on 12 January 2025.\nPhoto Credit: Telegram @V_Zelenskiy_official\n"
    )
    run(story)
    quote = Quote.objects.get()
    assert (quote.speaker, quote.speaker_role) == ("Volodymyr Zelensky", "President")
    assert quote.said_on == dt.date(2025, 1, 12)


def test_publish_goes_through_the_checklist_and_imports_nothing_when_it_fails(tmp_path):
    images = write_images(tmp_path / "images", 8)
    with pytest.raises(CommandError) as raised:
        run(FIXTURE, "--images", images, "--publish")
    message = str(raised.value)
    assert "It cannot be published yet:" in message
    assert "Slide 1: the photo “slide-1.jpg” has no alt text." in message
    assert "Slide 9 has no photo (its credit: Telegram @V_Zelenskiy_official)." in message
    assert "Nothing was imported" in message
    assert (Article.objects.count(), Photo.objects.count()) == (0, 0)


def test_dry_run_prints_the_structure_and_changes_nothing(tmp_path):
    output = run(FIXTURE, "--images", write_images(tmp_path / "images", 9), "--dry-run")
    assert "Slide 9: 1 paragraph(s); photo: slide-9.jpg" in output
    assert (
        "Credit: Screenshot / YouTube SecurityServiceUkraine (screenshot: platform YouTube"
        in output
    )
    assert "Quote (Volodymyr Zelensky, x): Our soldiers have captured" in output
    assert "Totals: 9 slides, 2 distinct credits, 5 quotes, 9 images" in output
    assert "Dry run: nothing was changed." in output
    assert (Article.objects.count(), Photo.objects.count(), Credit.objects.count()) == (0, 0, 0)


def test_existing_slug_is_refused_with_a_way_out():
    make_article(slug="kursk", headline="Another story")
    with pytest.raises(CommandError, match="slug 'kursk' already exists .'Another story'.*--slug"):
        run(FIXTURE, "--slug", "kursk")
    with pytest.raises(CommandError, match="slug 'kursk' already exists"):
        run(FIXTURE, "--slug", "kursk", "--dry-run")
    assert Article.objects.count() == 1
    run(FIXTURE, "--slug", "kursk-2")
    assert Article.objects.filter(slug="kursk-2").exists()


def test_a_bad_image_midway_leaves_no_rows_and_no_files(tmp_path):
    images = write_images(tmp_path / "images", 9, bad=5)
    before = stored_originals()
    with pytest.raises(
        CommandError, match="slide-5.jpg: This is not an image.*Nothing was imported"
    ):
        run(FIXTURE, "--images", images)
    assert (Article.objects.count(), Photo.objects.count(), Credit.objects.count()) == (0, 0, 0)
    assert stored_originals() == before


def test_a_photo_already_in_the_library_is_reused(tmp_path):
    images = write_images(tmp_path / "images", 2)
    existing = make_photo(data=(images / "slide-2.jpg").read_bytes())
    output = run(FIXTURE, "--images", images)
    slides = list(Article.objects.get().slides.all())
    assert slides[1].photo == existing
    assert "1 new and 1 reused photos" in output
    assert "Slides awaiting a photo: 3, 4, 5, 6, 7, 8, 9." in output


@pytest.mark.parametrize(
    ("content", "extra", "message"),
    [
        (b"", [], "The file is empty"),
        (b"Just a headline\n", [], "Line 1: there is only a headline"),
        (b"Headline\nStandfirst\nPhoto Credit: AP\n", [], "Line 3: a 'Photo Credit:' line with no"),
        (b"\x00\x01\x02\x03", [], "binary data"),
        (b"Headline\n\xff\xfe oops", [], "byte offset 9 (line 2) is 0xff"),
        (b"A" * (5 * 1024 * 1024), [], "The file is 5.2 MB"),
        (FIXTURE.read_bytes(), ["--slug", "Not a slug!"], "'Not a slug!' cannot be a slug"),
    ],
)
def test_bad_input_fails_with_the_reason_and_imports_nothing(tmp_path, content, extra, message):
    path = tmp_path / "story.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError) as raised:
        run(path, *extra)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)
    assert Article.objects.count() == 0


def test_more_images_than_slides_is_refused(tmp_path):
    with pytest.raises(CommandError, match="There are 10 files in .* for 9 slides"):
        run(FIXTURE, "--images", write_images(tmp_path / "images", 10))
    assert Photo.objects.count() == 0


def test_missing_paths_are_named(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "nowhere.txt")
    with pytest.raises(CommandError, match="is not a directory"):
        run(FIXTURE, "--images", tmp_path / "no-images")


def test_from_the_shell_bad_input_exits_non_zero_without_a_traceback(tmp_path):
    path = tmp_path / "story.txt"
    path.write_bytes(b"Headline\n\xe9\n")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "importstory", str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
        timeout=60,
    )
    assert result.returncode == 1
    assert "not UTF-8 text: byte offset 9 (line 2) is 0xe9" in result.stderr
    assert "Traceback" not in result.stderr


def test_photo_store_down_stops_the_import_with_the_reason_and_saves_nothing(tmp_path, settings):
    images = write_images(tmp_path / "images", 9)
    blocked = tmp_path / "originals"
    blocked.write_text("a file where the originals folder should be")
    settings.STORAGES = {
        **settings.STORAGES,
        "originals": {**settings.STORAGES["originals"], "OPTIONS": {"location": blocked}},
    }

    with pytest.raises(CommandError) as refused:
        run(FIXTURE, "--images", images)

    assert "slide-1.jpg: The photo store could not be reached" in str(refused.value)
    assert "Nothing was imported." in str(refused.value)
    assert not Article.objects.exists() and not Photo.objects.exists()


def test_an_imported_photo_deleted_by_mistake_can_be_recovered(tmp_path, admin_client):
    run(FIXTURE, "--images", write_images(tmp_path / "images", 9))
    photo = Photo.objects.get(original_filename="slide-4.jpg")
    history = admin_client.get(f"/admin/gallery/photo/{photo.pk}/history/").content.decode()
    assert "Imported from a partner slideshow." in history

    Article.objects.all().delete()  # The story went first; its photo, by mistake, after.
    admin_client.post(f"/admin/gallery/photo/{photo.pk}/delete/", {"post": "yes"})
    assert not Photo.objects.filter(pk=photo.pk).exists()
    recover = admin_client.get("/admin/gallery/photo/recover/").content.decode()
    assert str(photo) in recover


def test_a_device_with_no_end_is_refused_once_past_the_limit_not_read_forever():
    # A file's size is judged before reading it; a device or a pipe says 0.
    with pytest.raises(CommandError, match="over 1 MB, the most a slideshow text can be"):
        run("/dev/zero")
