"""importstory on the QA report's cases: the images folder, library photos, races, wording."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from gallery.models import Credit, Photo
from newsroom import imports
from newsroom.importer import parse_story
from newsroom.imports import ImportFailed, story_import
from newsroom.models import Article
from tests.factories import make_article, make_credit, make_image_bytes, make_photo
from tests.newsroom.test_imports import empty_desk, run  # noqa: F401 (an autouse fixture)

pytestmark = pytest.mark.django_db

THREE = (
    "Three slide story\nStandfirst.\n"
    "Slide one text.\nPhoto Credit: Agency One / Ann\n"
    "Slide two text.\nPhoto Credit: Agency Two / Bob\n"
    "Slide three text.\nPhoto Credit: Agency Three / Cy\n"
)


def make_story_file(tmp_path: Path, text: str = THREE) -> Path:
    path = tmp_path / "story.txt"
    path.write_text(text)
    return path


def make_folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "images"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def gif_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), "green").save(buffer, "GIF")
    return buffer.getvalue()


def slides_and_photos():
    from newsroom.models import Article

    slides = Article.objects.get().slides.select_related("photo__credit")
    return [(s.position, s.photo and s.photo.original_filename) for s in slides]


# The images folder (D1) ---------------------------------------------------------


def test_photos_go_on_the_slide_their_name_numbers_whatever_the_gaps(tmp_path):
    folder = make_folder(
        tmp_path, {"slide-1.jfif": make_image_bytes((60, 40)), "slide-3.jpe": make_image_bytes()}
    )
    output = run(make_story_file(tmp_path), "--images", folder)
    assert slides_and_photos() == [(1, "slide-1.jfif"), (2, None), (3, "slide-3.jpe")]
    assert "Slide awaiting a photo: 2." in output
    # The 60 px one is said to be small, as an upload would say it; the other is not.
    assert "slide-1.jfif: At 60×40 pixels it is small" in output
    assert output.count("it is small") == 1


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("slide-2.gif", "slide-2.gif: GIF files are not accepted"),
        ("slide-2.heic", "slide-2.heic: HEIC files are not accepted"),
        ("slide-2", "slide-2: files without an extension are not accepted"),
        ("cover.jpg", "cover.jpg: the name has no slide number"),
        ("slide-7.jpg", "slide-7.jpg: there is no slide 7 (the story has 3 slides)"),
    ],
)
def test_a_file_that_cannot_be_used_stops_the_import_naming_it(tmp_path, name, problem):
    folder = make_folder(
        tmp_path,
        {"slide-1.jpg": make_image_bytes((60, 40)), name: gif_bytes(), "slide-3.jpg": b"x"},
    )
    with pytest.raises(CommandError) as raised:
        run(make_story_file(tmp_path), "--images", folder)
    message = str(raised.value)
    assert problem in message
    assert "named with its slide's number" in message and "Nothing was imported." in message
    assert Photo.objects.count() == 0 and Credit.objects.count() == 0


def test_hidden_files_are_checked_like_any_other_never_skipped(tmp_path):
    folder = make_folder(
        tmp_path, {"slide-1.jpg": make_image_bytes((60, 40)), "._slide-1.jpg": b"\x00\x05"}
    )
    with pytest.raises(CommandError, match=r"\._slide-1\.jpg: a hidden file macOS leaves"):
        run(make_story_file(tmp_path), "--images", folder)


def test_two_files_for_one_slide_stop_the_import_naming_both(tmp_path):
    folder = make_folder(
        tmp_path, {"slide-3.jpeg": make_image_bytes(), "slide-03.jpg": make_image_bytes()}
    )
    with pytest.raises(CommandError) as raised:
        run(make_story_file(tmp_path), "--images", folder)
    assert "slide-3.jpeg: slide 3 already has slide-03.jpg" in str(raised.value)
    assert Photo.objects.count() == 0


def test_file_manager_litter_is_not_a_photo_and_not_an_error(tmp_path):
    folder = make_folder(tmp_path, {"slide-2.png": make_image_bytes(fmt="PNG"), ".DS_Store": b""})
    run(make_story_file(tmp_path), "--images", folder)
    assert slides_and_photos() == [(1, None), (2, "slide-2.png"), (3, None)]


def test_dry_run_lists_which_file_goes_on_which_slide(tmp_path):
    folder = make_folder(tmp_path, {"slide-2.jpg": make_image_bytes()})
    output = run(make_story_file(tmp_path), "--images", folder, "--dry-run")
    assert "Slide 1: 1 paragraph(s); photo: none yet" in output
    assert "Slide 2: 1 paragraph(s); photo: slide-2.jpg" in output
    assert "Totals: 3 slides, 3 distinct credits, 0 quotes, 1 image" in output


# Photos already in the library (D4) ---------------------------------------------


def test_a_library_photo_without_a_credit_gets_the_texts_credit(tmp_path):
    data = make_image_bytes((60, 40))
    existing = make_photo(data=data)
    Photo.objects.filter(pk=existing.pk).update(credit=None)
    output = run(make_story_file(tmp_path), "--images", make_folder(tmp_path, {"1.jpg": data}))
    existing.refresh_from_db()
    assert existing.credit.line == "Agency One / Ann"
    assert (
        f"Slide 1: photo {existing.pk} was already in the library without a credit; "
        "it is now credited 'Agency One / Ann'." in output
    )
    # The photo's history says who gave it, and the change can be undone from there.
    from reversion.models import Version

    version = Version.objects.get_for_object(existing).get()
    assert version.revision.get_comment() == "Credit given by the import of “Three slide story”."


def test_a_library_photo_keeps_its_own_credit_and_the_difference_is_said(tmp_path):
    data = make_image_bytes((60, 40))
    existing = make_photo(data=data, credit=make_credit(platform="Reuters", account="Zed"))
    output = run(make_story_file(tmp_path), "--images", make_folder(tmp_path, {"1.jpg": data}))
    existing.refresh_from_db()
    assert existing.credit.line == "Reuters Zed"
    assert (
        f"Slide 1: photo {existing.pk} was already in the library, credited 'Reuters Zed'; "
        "the text says 'Agency One / Ann'. The library's credit is kept." in output
    )
    assert slides_and_photos()[0] == (1, existing.original_filename)


def test_a_library_photo_withheld_or_sensitive_is_said_so_when_an_import_reuses_it(tmp_path):
    withheld, sensitive = make_image_bytes((60, 40)), make_image_bytes((61, 40))
    first = make_photo(data=withheld, credit=make_credit(platform="Reuters", account="Zed"))
    Photo.objects.filter(pk=first.pk).update(withheld_reason="A source's safety.")
    second = make_photo(data=sensitive, is_sensitive=True, sensitivity_warning="Wounded.")
    Photo.objects.filter(pk=second.pk).update(credit=None)
    folder = make_folder(tmp_path, {"1.jpg": withheld, "2.jpg": sensitive})
    output = " ".join(run(make_story_file(tmp_path), "--images", folder).split())
    assert (
        f"Slide 1: photo {first.pk} was already in the library, credited 'Reuters Zed'; "
        "the text says 'Agency One / Ann'. The library's credit is kept. It is withheld from "
        "readers; the story cannot be published with it." in output
    )
    assert (
        f"Slide 2: photo {second.pk} was already in the library without a credit; it is now "
        "credited 'Agency Two / Bob'. It is marked sensitive; readers see it behind a warning."
        in output
    )


def test_a_library_photo_marked_sensitive_without_its_warning_is_said_to_need_one(tmp_path):
    sensitive = make_image_bytes((62, 40))
    photo = make_photo(data=sensitive)
    Photo.objects.filter(pk=photo.pk).update(is_sensitive=True, sensitivity_warning="")
    folder = make_folder(tmp_path, {"1.jpg": sensitive})
    output = " ".join(run(make_story_file(tmp_path), "--images", folder).split())
    assert "is marked sensitive with no warning for readers yet; the story cannot be" in output


# Credit parts too long (D5) ------------------------------------------------------


def test_an_over_long_credit_part_exits_non_zero_naming_the_line(tmp_path):
    story = make_story_file(tmp_path, THREE.replace("Agency Two", "A" * 150))
    with pytest.raises(CommandError) as raised:
        run(story)
    assert "Line 6: the credit's platform or organisation" in str(raised.value)
    assert "the limit is 100" in str(raised.value)
    assert Credit.objects.count() == 0


# Two imports of one story at once (D6) --------------------------------------------


def test_losing_the_race_for_a_slug_is_a_clear_refusal(monkeypatch):
    make_article(slug="three-slide-story", headline="Imported a moment ago")
    # The other submit took the slug after this one checked it.
    monkeypatch.setattr(imports, "slug_for", lambda headline, slug=None: "three-slide-story")
    with pytest.raises(ImportFailed, match="A story with the slug 'three-slide-story' already"):
        story_import(story=parse_story(THREE))
    assert Credit.objects.count() == 0


# Wording (D10) -------------------------------------------------------------------


def test_a_headline_that_gives_no_slug_asks_for_slug(tmp_path):
    story = make_story_file(tmp_path, THREE.replace("Three slide story", "Україна: полонені"))
    with pytest.raises(CommandError, match="No slug could be made from the headline .*--slug"):
        run(story)
    run(story, "--slug", "ukraine-prisoners")
    assert Photo.objects.count() == 0


def test_a_slug_too_long_for_the_address_is_refused_naming_its_length(tmp_path):
    with pytest.raises(CommandError, match="The slug is 250 characters; the limit is 200."):
        run(make_story_file(tmp_path), "--slug", "x" * 250)
    assert not Article.objects.exists()


def test_another_storys_former_address_is_refused_and_never_offered(tmp_path):
    from newsroom.models import FormerSlug, free_slug

    renamed = make_article(headline="Renamed since", slug="soldiers-in-kursk")
    FormerSlug.objects.create(slug="three-slide-story", article=renamed)
    with pytest.raises(CommandError, match="“three-slide-story” was the address of “Renamed"):
        run(make_story_file(tmp_path))
    assert free_slug("Three slide story") == "three-slide-story-2"


def test_counts_are_pluralised(tmp_path):
    output = run(make_story_file(tmp_path, "Headline\nStandfirst.\nText.\nPhoto Credit: AP\n"))
    assert "1 slide, 1 new and 0 reused credit, 0 new and 0 reused photos." in output
    assert "Slide awaiting a photo: 1." in output


def test_a_handout_credit_is_described_as_what_it_is_saved_as(tmp_path):
    story = make_story_file(tmp_path, THREE.replace("Agency Two / Bob", "Press Office / Handout"))
    output = run(story, "--dry-run")
    assert "Credit: Press Office / Handout (handout: platform Press Office; kept as written)" in (
        output
    )


# Tampered bundles (D8) ------------------------------------------------------------


def make_bundle(tmp_path: Path, change) -> Path:
    run(make_story_file(tmp_path, THREE.replace("Three slide", "Bundled")))
    from newsroom.models import Article

    out = tmp_path / "bundle"
    call_command("exportstory", Article.objects.get().slug, str(out), stdout=io.StringIO())
    Article.objects.all().delete()
    Credit.objects.all().delete()
    document = json.loads((out / "story.json").read_text())
    text = change(document)
    (out / "story.json").write_text(text if isinstance(text, str) else json.dumps(document))
    return out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["slides"][0].pop("photo") and None, "slides[0].photo is missing"),
        (lambda d: '{"article": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        (lambda d: '{"version": ' + "9" * 5000 + "}", "a number too long to read"),
        (lambda d: d["article"].pop("headline") and None, "article.headline is missing."),
        (lambda d: d["article"].update(headline=["x"]), "article.headline must be a single value"),
        (lambda d: d.update(slides=[]), "slides is empty: a story needs at least one slide."),
        (lambda d: d.update(version=True), "schema version true is not supported"),
    ],
)
def test_tampered_bundles_are_refused_naming_the_problem(tmp_path, change, message):
    bundle = make_bundle(tmp_path, change)
    with pytest.raises(CommandError) as raised:
        run(bundle)
    assert message in str(raised.value)
    assert "\n" not in str(raised.value)
    from newsroom.models import Article

    assert Article.objects.count() == 0
