"""exportstory / importstory with bundles: a story leaves and comes back with nothing lost."""

import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import TestCase
from django.utils import timezone

from gallery.models import Credit, Photo, Redaction
from gallery.services import photo_create, photo_set_redactions
from newsroom.models import Article, Correction, Quote, Slide
from tests.factories import make_article, make_credit, make_image_bytes, make_photo, make_slide

pytestmark = pytest.mark.django_db

# Columns that belong to the site rather than to the story: ids, clocks, users, file names.
SITE_COLUMNS = {
    "id",
    "atom_id",  # Its own feed's entry id: a bundle imported twice is two stories.
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
    "uploaded_by",
    "original",
    "version",
    "preview_key",
    "address_key",
}


@pytest.fixture(autouse=True)
def empty_desk():
    """The session's demo story may be loaded already; these tests count from an empty desk."""
    Article.objects.all().delete()
    Photo.objects.all().delete()
    Credit.objects.all().delete()


def columns(instance) -> dict:
    return {
        field.name: getattr(instance, field.name)
        for field in instance._meta.concrete_fields
        if field.name not in SITE_COLUMNS and not field.is_relation
    }


def original_sha256(photo: Photo) -> str:
    with photo.original.open("rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def snapshot(article: Article) -> dict:
    """Everything a reader or an editor could see of the story, field by field."""
    slides = []
    for slide in article.slides.all():
        photo = slide.photo
        slides.append(
            {
                **columns(slide),
                "quotes": [columns(q) for q in slide.quotes.all()],
                "photo": photo
                and {
                    **columns(photo),
                    "file sha256": original_sha256(photo),
                    "credit": photo.credit and columns(photo.credit),
                    "redactions": [columns(r) for r in photo.redactions.all()],
                },
            }
        )
    return {
        **columns(article),
        "slides": slides,
        "corrections": [columns(c) for c in article.corrections.all()],
    }


def store_photo(credit, **fields) -> Photo:
    return photo_create(
        data=make_image_bytes((90, 60)),
        filename=fields.pop("filename", "p.jpg"),
        credit=credit,
        **fields,
    )


def make_rich_story() -> Article:
    telegram = make_credit(
        platform="Telegram",
        account="@V_Zelenskiy_official",
        url="https://t.me/V_Zelenskiy_official",
        retrieved_at=dt.datetime(2025, 1, 11, 14, 30, tzinfo=dt.UTC),
        licence="Official channel; editorial use",
        verification=Credit.Verification.VERIFIED,
        verification_note="The president's verified channel.",
    )
    youtube = Credit.objects.create(
        kind=Credit.Kind.SCREENSHOT, platform="YouTube", account="SecurityServiceUkraine"
    )
    passport = store_photo(
        telegram,
        filename="passport.jpg",
        title="Passport",
        alt_text="A passport held open; the details are blurred.",
        caption="One soldier's passport.",
        creator="Office of the President",
        copyright_notice="© Office of the President of Ukraine",
        taken_at=dt.datetime(2025, 1, 10, 9, 0, tzinfo=dt.UTC),
        digital_source_type=Photo.SourceType.DIGITAL_CAPTURE,
        focal_x=30,
        focal_y=20,
        is_sensitive=True,
        sensitivity_warning="This photo shows a prisoner of war's document.",
        shows_prisoners=True,
    )
    Redaction.objects.create(
        photo=passport, x=5, y=6, width=20, height=10, method="blur", note="name"
    )
    Redaction.objects.create(photo=passport, x=40, y=6, width=8, height=8)
    still = store_photo(youtube, alt_text="A prisoner on a bed; his face is blurred.")
    article = make_article(
        headline="See the images of the North Korean soldiers Ukraine captured in Kursk",
        slug="kursk",
        standfirst="Ukraine says it has captured two North Korean soldiers.",
        byline="By the photo desk",
        published_at=dt.datetime(2025, 1, 13, 9, 0, tzinfo=dt.UTC),
        closing_text="First closing paragraph.\nSecond, with “quotes” and [brackets].",
    )
    first = make_slide(article=article, position=1, photo=passport, narrative="One.\nTwo.")
    shared = make_slide(article=article, position=2, photo=still, narrative="Three.")
    Slide.objects.filter(pk=shared.pk).update(is_share_image=True)  # Travels too.
    make_slide(article=article, position=3, photo=passport, narrative="The passport again.")
    Quote.objects.create(
        slide=first,
        position=1,
        text="The world needs to know the truth about what is happening.",
        speaker="Volodymyr Zelensky",
        speaker_role="President of Ukraine",
        said_in=Quote.Medium.X,
        said_on=dt.date(2025, 1, 11),
        url="https://x.com/ZelenskyyUa",
    )
    Quote.objects.create(
        slide=first, position=2, text="A second quote.", speaker="SBU", said_in=Quote.Medium.REPORT
    )
    Correction.objects.create(
        article=article,
        kind=Correction.Kind.UPDATE,
        text="Adds the SBU video.",
        published_at=dt.datetime(2025, 1, 14, 8, 0, tzinfo=dt.UTC),
    )
    return article


def export(slug: str, out: Path) -> str:
    stdout = io.StringIO()
    call_command("exportstory", slug, str(out), stdout=stdout)
    return stdout.getvalue()


def import_(*args) -> str:
    stdout = io.StringIO()
    call_command("importstory", *map(str, args), stdout=stdout)
    return stdout.getvalue()


def delete_everything() -> None:
    Article.objects.all().delete()
    Photo.objects.all().delete()
    Credit.objects.all().delete()


def stored_originals() -> set[str]:
    root = Path(settings.STORAGES["originals"]["OPTIONS"]["location"])
    return {str(p) for p in root.rglob("*") if p.is_file()}


def test_export_then_import_into_an_empty_database_gives_an_equal_story(tmp_path):
    before = snapshot(make_rich_story())
    output = export("kursk", tmp_path / "bundle")
    assert "Copying [" in output and "Exported 'See the images" in output
    delete_everything()
    assert (Article.objects.count(), Photo.objects.count(), Credit.objects.count()) == (0, 0, 0)

    import_(tmp_path / "bundle", "--publish")

    after = snapshot(Article.objects.get(slug="kursk"))
    assert after == before
    assert after["status"] == Article.Status.PUBLISHED
    # The shared photo and credit come back once each, not once per slide.
    assert (Photo.objects.count(), Credit.objects.count()) == (2, 2)


def test_bundle_is_documented_json_with_the_original_files(tmp_path):
    article = make_rich_story()
    export("kursk", tmp_path / "bundle")
    document = json.loads((tmp_path / "bundle" / "story.json").read_text())
    assert (document["format"], document["version"]) == ("newsroom.story-bundle", 1)
    assert document["article"]["slug"] == "kursk"
    assert [s["photo"] for s in document["slides"]] == ["photo-1", "photo-2", "photo-1"]
    assert len(document["photos"][0]["redactions"]) == 2
    # Not the site's own file addresses: a site without them could not read the bundle.
    assert "address_key" not in document["photos"][0]
    assert document["corrections"][0]["text"] == "Adds the SBU video."
    for entry in document["photos"]:
        data = (tmp_path / "bundle" / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    first = article.slides.first().photo
    assert (tmp_path / "bundle" / document["photos"][0]["file"]).read_bytes() == (
        first.original.open("rb").read()
    )


def test_without_publish_a_bundle_arrives_as_a_draft_under_a_new_slug(tmp_path):
    make_rich_story()
    export("kursk", tmp_path / "bundle")
    output = import_(tmp_path / "bundle", "--slug", "kursk-copy")
    copy = Article.objects.get(slug="kursk-copy")
    assert copy.status == Article.Status.DRAFT
    assert copy.published_at == dt.datetime(2025, 1, 13, 9, 0, tzinfo=dt.UTC)
    # Same bytes and same credits: the library's photos and credits are reused.
    assert (Photo.objects.count(), Credit.objects.count()) == (2, 2)
    assert "0 new and 2 reused photos" in output
    assert "gained" not in output  # The library's photos were protected as much already.
    assert [s.photo for s in copy.slides.all()] == [
        s.photo for s in Article.objects.get(slug="kursk").slides.all()
    ]


def test_a_photo_already_in_the_library_gains_the_bundles_protection(tmp_path):
    make_rich_story()
    export("kursk", tmp_path / "bundle")
    # The library's copy of the passport photo: same bytes, nothing hidden, no warning.
    passport = Photo.objects.get(title="Passport")
    with TestCase.captureOnCommitCallbacks(execute=True):
        photo_set_redactions(photo=passport, regions=[])
    unredacted = {r.file.name for r in passport.renditions.all()}
    assert unredacted
    Photo.objects.filter(pk=passport.pk).update(
        is_sensitive=False, shows_prisoners=False, sensitivity_warning="", caption="Ours."
    )
    Article.objects.all().delete()

    # A dry run says what the import would do, and does nothing.
    rehearsal = import_(tmp_path / "bundle", "--dry-run")
    assert "Would import 'See the images" in rehearsal
    assert f"Photo {passport.pk} was already in the library; from the bundle it would gain: " in (
        rehearsal
    )
    passport.refresh_from_db()
    assert (passport.is_sensitive, passport.redactions.count()) == (False, 0)

    with TestCase.captureOnCommitCallbacks(execute=True):
        output = import_(tmp_path / "bundle")

    passport.refresh_from_db()
    assert (passport.is_sensitive, passport.shows_prisoners) == (True, True)
    assert passport.sensitivity_warning == "This photo shows a prisoner of war's document."
    assert passport.caption == "Ours."  # Its own metadata stays.
    assert sorted((r.x, r.y, r.method) for r in passport.redactions.all()) == [
        (5, 6, "blur"),
        (40, 6, "box"),
    ]
    # Public files are remade with the regions hidden; none from before remains.
    remade = {r.file.name for r in passport.renditions.all()}
    assert remade and remade.isdisjoint(unredacted)
    for rendition in passport.renditions.all():
        assert rendition.source_key == passport.rendition_source_key(share=rendition.is_share)
    assert (
        f"Photo {passport.pk} was already in the library; from the bundle it gained: "
        "the flag 'sensitive', the flag 'shows prisoners of war', 2 redactions." in output
    )


def test_slides_awaiting_photos_travel_too(tmp_path):
    article = make_article(slug="plain", published=False, slides=2)
    wire = make_credit(kind="screenshot", platform="YouTube", account="SecurityServiceUkraine")
    article.slides.filter(position=2).update(awaiting_credit=wire)
    # A credit the copy gave that no library credit matched, kept as its words.
    article.slides.filter(position=1).update(awaiting_credit_line="Press Office / Handout")
    snapshot_before = snapshot(article)
    export("plain", tmp_path / "bundle")
    delete_everything()
    output = import_(tmp_path / "bundle")
    assert "Slides awaiting a photo: 1, 2." in output
    assert snapshot(Article.objects.get()) == snapshot_before
    waiting = [s.awaiting_credit for s in Article.objects.get().slides.all()]
    assert waiting[0] is None
    assert waiting[1].line == "Screenshot / YouTube SecurityServiceUkraine"
    lines = [s.awaiting_credit_line for s in Article.objects.get().slides.all()]
    assert lines == ["Press Office / Handout", ""]


@pytest.fixture
def bundle_dir(tmp_path) -> Path:
    make_rich_story()
    export("kursk", tmp_path / "bundle")
    delete_everything()
    return tmp_path / "bundle"


def edit_story(bundle: Path, change) -> None:
    path = bundle / "story.json"
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.update(version=99),
            "schema version 99 is not supported; this site reads version 1",
        ),
        (lambda d: d.update(format="something"), "format must be 'newsroom.story-bundle'"),
        (lambda d: d["photos"][0].update(colour="red"), "photos[0].colour is not a field"),
        (lambda d: d["article"].update(published_at="yesterday"), "article.published_at:"),
        (lambda d: d["article"].update(status="viral"), "article.status: Value 'viral' is not"),
        (
            lambda d: d["article"].update(language="en\n"),
            "article.language: A language code such as en",
        ),
        (
            lambda d: d["credits"][0].update(url="https://example.org/a\u0007b"),
            "credits[0].url: The address holds an invisible control character",
        ),
        (lambda d: d["slides"][1].update(photo="photo-9"), "slides[1].photo refers to 'photo-9'"),
        (lambda d: d["slides"][0].update(photo=["photo-1"]), "slides[0].photo must be a text id"),
        (lambda d: d["photos"][0].update(credit={"id": "c"}), "photos[0].credit must be a text"),
        (
            lambda d: d["slides"][0].update(awaiting_credit=["x"]),
            "slides[0].awaiting_credit must be a text id or null",
        ),
        (lambda d: d["photos"][1].update(file="photos/a\u0000b.jpg"), "is not a file name"),
        (lambda d: d["photos"][1].update(file="../../etc/passwd"), "points outside the bundle"),
        (
            lambda d: [slide.update(is_share_image=True) for slide in d["slides"][:2]],
            "More than one of slides[].is_share_image is true",
        ),
        (lambda d: d["photos"][1].update(sha256="0" * 64), "does not match its sha256"),
        (
            lambda d: d["photos"][0].update(focal_x=5, focal_y=None),
            "photos[0]: Give both focal point coordinates, or neither.",
        ),
        (lambda d: d.pop("slides"), "slides is missing or is not a list"),
        (lambda d: d.update(comments=[]), "comments is not part of schema version 1"),
        (
            lambda d: d["photos"][0]["redactions"][0].update(x=85),
            "photos[0].redactions[0]: The region must lie inside the photo (90x60 pixels).",
        ),
        (
            lambda d: d["article"].update(published_at="9999-12-31T23:59:59-14:00"),
            "article.published_at: Give a date between the years 1800 and 2999.",
        ),
        (
            lambda d: d["credits"][0].update(retrieved_at="0001-01-01T00:00:00+05:00"),
            "credits[0].retrieved_at: Give a date between the years 1800 and 2999.",
        ),
        (
            lambda d: d["slides"][2]["quotes"].append({"text": "x", "said_on": "2999-01-01"}),
            "slides[2].quotes[0].said_on: That day has not come yet",
        ),
        # Fails only after the photos were stored: the rollback must remove their files.
        (
            lambda d: d["slides"][2]["quotes"].append({"text": "x", "said_in": "pigeon"}),
            "slides[2].quotes[0].said_in: Value 'pigeon' is not a valid choice",
        ),
    ],
)
def test_bad_bundles_are_refused_naming_the_field(bundle_dir, change, message):
    edit_story(bundle_dir, change)
    files = stored_originals()
    with pytest.raises(CommandError) as raised:
        import_(bundle_dir)
    assert message in str(raised.value)
    assert "Nothing was imported" in str(raised.value)
    assert (Article.objects.count(), Photo.objects.count(), Credit.objects.count()) == (0, 0, 0)
    assert stored_originals() == files


def test_invalid_json_names_the_line_and_column(bundle_dir):
    (bundle_dir / "story.json").write_text('{\n  "format": "newsroom.story-bundle",\n  oops\n}')
    with pytest.raises(CommandError, match="not valid JSON: .* at line 3, column 3"):
        import_(bundle_dir)


def test_a_missing_photo_file_is_named(bundle_dir):
    name = json.loads((bundle_dir / "story.json").read_text())["photos"][1]["file"]
    (bundle_dir / name).unlink()
    with pytest.raises(CommandError, match=rf"photos\[1\].file: {name} is missing from the bundle"):
        import_(bundle_dir)
    assert Article.objects.count() == 0


def test_a_photo_file_that_is_no_image_is_named_as_the_bundle_holds_it(bundle_dir):
    import hashlib

    damaged = b"not a picture at all"

    def damage(document):
        (bundle_dir / document["photos"][1]["file"]).write_bytes(damaged)
        document["photos"][1]["sha256"] = hashlib.sha256(damaged).hexdigest()

    edit_story(bundle_dir, damage)
    name = json.loads((bundle_dir / "story.json").read_text())["photos"][1]["file"]
    with pytest.raises(CommandError, match=rf"photos\[1\]\.file {name} \("):
        import_(bundle_dir)
    assert Article.objects.count() == 0


def test_export_refuses_an_unknown_slug_and_a_non_empty_directory(tmp_path):
    with pytest.raises(CommandError, match="No story has the slug 'nope'"):
        export("nope", tmp_path / "out")
    make_article(slug="story")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="already exists and is not an empty directory"):
        export("story", tmp_path / "full")
    assert [p.name for p in (tmp_path / "full").iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


def test_export_to_a_place_no_folder_can_be_made_names_the_place_given():
    make_article(slug="story")
    # /proc takes no folders, even from root (CI runs as root: permissions would not stop it).
    with pytest.raises(CommandError) as refused:
        export("story", Path("/proc/newsroom-export"))
    assert str(refused.value).startswith("Export failed: /proc/newsroom-export cannot be written (")


def test_a_photo_withheld_where_the_bundle_came_from_is_withheld_here_too(tmp_path):
    make_rich_story()
    passport = Photo.objects.get(title="Passport")
    Photo.objects.filter(pk=passport.pk).update(withheld_reason="Source safety")
    export("kursk", tmp_path / "bundle")
    Photo.objects.filter(pk=passport.pk).update(withheld_reason="")  # This site's copy.
    Article.objects.all().delete()

    with TestCase.captureOnCommitCallbacks(execute=True):
        output = import_(tmp_path / "bundle")

    passport.refresh_from_db()
    assert passport.withheld_reason == "Source safety"
    assert not passport.renditions.exists()
    assert "withheld from readers" in output


def test_an_imported_photo_deleted_by_mistake_can_be_recovered(tmp_path, admin_client):
    make_rich_story()
    export("kursk", tmp_path / "bundle")
    delete_everything()
    import_(tmp_path / "bundle", "--slug", "kursk-again")
    photo = Photo.objects.first()
    history = admin_client.get(f"/admin/gallery/photo/{photo.pk}/history/").content.decode()
    assert "Imported from a story bundle." in history
    Article.objects.all().delete()  # The story went first; its photo, by mistake, after.
    admin_client.post(f"/admin/gallery/photo/{photo.pk}/delete/", {"post": "yes"})
    assert not Photo.objects.filter(pk=photo.pk).exists()
    recover = admin_client.get("/admin/gallery/photo/recover/").content.decode()
    assert str(photo) in recover


def test_control_characters_in_a_bundles_words_are_left_out(bundle_dir):
    # PostgreSQL refuses a NUL (the import ended in a traceback); the others break XML.
    def dirty(document):
        document["article"]["headline"] = "Head\u0000line"
        document["photos"][0]["alt_text"] = "Two soldiers\u0007 in a\u000bhospital."
        document["credits"][0]["platform"] = "Tele\u0000gram"

    edit_story(bundle_dir, dirty)
    import_(bundle_dir)
    article = Article.objects.get()
    assert article.headline == "Headline"
    assert Photo.objects.filter(alt_text="Two soldiers in a\nhospital.").exists()
    assert Credit.objects.filter(platform="Telegram").exists()


def test_a_bundles_bad_field_value_is_caught_by_a_dry_run(bundle_dir):
    edit_story(bundle_dir, lambda d: d["article"].update(status="viral"))
    with pytest.raises(CommandError, match="article.status: Value 'viral' is not"):
        import_(bundle_dir, "--dry-run")


def test_a_dry_run_of_a_good_bundle_changes_nothing_and_leaves_no_file(bundle_dir):
    before = stored_originals()
    output = import_(bundle_dir, "--dry-run")
    assert "Dry run: nothing was changed." in output
    assert (Article.objects.count(), Photo.objects.count(), Credit.objects.count()) == (0, 0, 0)
    assert stored_originals() == before


def test_a_story_imported_and_published_is_on_the_cached_home_page_at_once(bundle_dir, client):
    assert "See the images" not in client.get("/").content.decode()  # Cached, without it.
    import_(bundle_dir, "--publish")
    assert "See the images" in client.get("/").content.decode()


def test_an_export_with_the_photo_store_unreachable_says_so_in_a_line_and_leaves_nothing(
    settings, tmp_path
):
    from tests.gallery.test_storage_down import dead_s3_storages

    article = make_article(slug="kursk-export", published=True)
    photo = make_photo()
    make_slide(article=article, position=1, photo=photo)
    settings.STORAGES = dead_s3_storages()
    out = tmp_path / "exports" / "2026" / "bundle"  # Folders the export makes.
    with pytest.raises(CommandError) as refused:
        export("kursk-export", out)
    message = str(refused.value)
    assert message.startswith(
        f"Export failed: The original of photo {photo.pk} ({photo.original.name}) could not be "
        "copied: EndpointConnectionError: Could not connect to the endpoint URL"
    )
    assert "\n" not in message
    assert list(tmp_path.iterdir()) == []  # No half-written bundle, nor folders made for it.


def test_a_bundle_published_at_a_time_to_come_arrives_scheduled(bundle_dir, client):
    later = (timezone.now() + timezone.timedelta(days=2)).isoformat()
    edit_story(bundle_dir, lambda d: d["article"].update(status="published", published_at=later))
    import_(bundle_dir, "--publish")
    article = Article.objects.get()
    assert article.status == Article.Status.SCHEDULED
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_failure_after_the_import_committed_keeps_the_photos_files(bundle_dir, monkeypatch):
    from newsroom import invalidation

    def fails(rows):
        raise RuntimeError("the pages to make stale could not be worked out")

    # Runs once the import's transaction has committed (invalidation.batched).
    monkeypatch.setattr(invalidation, "_stories_showing_all", fails)
    with pytest.raises(RuntimeError):
        import_(bundle_dir)
    photos = list(Photo.objects.all())
    assert photos and Article.objects.count() == 1
    assert all(photo.original.storage.exists(photo.original.name) for photo in photos)
