import re
from collections import Counter

import pytest
from django.core.management import call_command

from gallery.models import Credit, Photo
from newsroom.demo import SLUG, demo_load
from newsroom.models import Article, Quote, Slide

pytestmark = pytest.mark.django_db


def test_demo_story_has_the_reference_shape(demo_story):
    article = Article.objects.get(slug=SLUG)
    slides = list(article.slides.all())
    assert article.headline == (
        "See the images of the North Korean soldiers Ukraine captured in Kursk"
    )
    assert article.standfirst
    assert len(slides) == 9
    assert all(slide.photo_id for slide in slides)
    assert len(article.closing_paragraphs()) == 3
    lines = Counter(slide.photo.credit.line for slide in slides)
    assert lines == {
        "Telegram @V_Zelenskiy_official": 6,
        "Screenshot / YouTube SecurityServiceUkraine": 3,
    }
    quotes = Quote.objects.filter(slide__article=article)
    assert quotes.count() == 5
    assert Counter(q.speaker for q in quotes) == {
        "Volodymyr Zelensky": 3,
        "Security Service of Ukraine (SBU)": 2,
    }
    assert any("[" in q.text for q in quotes)


def test_demo_photos_are_distinct_labelled_placeholders(demo_story):
    photos = Photo.objects.filter(slides__article=demo_story)
    assert len({p.sha256 for p in photos}) == 9
    for photo in photos:
        assert (photo.width, photo.height) == (3000, 2000)
        assert photo.alt_text.startswith("Placeholder image.")
        assert photo.original.read(3) == b"\xff\xd8\xff"  # A real JPEG file.
        photo.original.close()


def test_loading_the_demo_twice_changes_nothing(demo_story):
    before = [M.objects.count() for M in (Article, Slide, Quote, Photo, Credit)]
    article, created = demo_load()
    assert not created
    assert article == demo_story
    assert [M.objects.count() for M in (Article, Slide, Quote, Photo, Credit)] == before


def test_loaddemo_creates_admin_with_a_random_printed_password(demo_story, capsys, client):
    call_command("loaddemo")
    first = capsys.readouterr().out
    password = re.search(r"Admin account: admin / (\S+)", first).group(1)
    assert client.login(username="admin", password=password)

    call_command("loaddemo")
    second = capsys.readouterr().out
    assert "already exists" in second
    assert password not in second


def test_loaddemo_uses_the_password_from_the_environment(demo_story, monkeypatch, capsys, client):
    monkeypatch.setenv("DEMO_ADMIN_USERNAME", "deskchief")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "correct horse battery staple")
    call_command("loaddemo")
    out = capsys.readouterr().out
    assert "correct horse" not in out
    assert client.login(username="deskchief", password="correct horse battery staple")


def test_loaddemo_refuses_a_weak_admin_password_and_takes_a_blank_name_as_admin(
    demo_story, monkeypatch
):
    from django.contrib.auth.models import User
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("DEMO_ADMIN_USERNAME", " ")
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "1")
    with pytest.raises(CommandError, match="DEMO_ADMIN_PASSWORD: This password is too short"):
        call_command("loaddemo")
    assert not User.objects.exists()
    monkeypatch.setenv("DEMO_ADMIN_PASSWORD", "correct horse battery staple")
    call_command("loaddemo")
    assert User.objects.get().username == "admin"
    for name, said in (("bob smith", "Enter a valid username"), ("a" * 151, "at most 150")):
        monkeypatch.setenv("DEMO_ADMIN_USERNAME", name)
        with pytest.raises(CommandError, match=f"DEMO_ADMIN_USERNAME: .*{said}"):
            call_command("loaddemo")
    monkeypatch.setenv("DEMO_ADMIN_USERNAME", "ａｄｍｉｎ")  # Stored as "admin": that one.
    call_command("loaddemo")
    assert User.objects.count() == 1


def test_demo_story_protects_the_prisoners_it_shows(demo_story):
    from newsroom.checklist import publish_problems

    photos = [slide.photo for slide in demo_story.slides.all()]
    assert all(photo.shows_prisoners and photo.redactions.exists() for photo in photos)
    assert publish_problems(demo_story) == []
    sensitive = [n for n, photo in enumerate(photos, start=1) if photo.is_sensitive]
    assert sensitive == [6]
    assert photos[5].sensitivity_warning
    notes = {n: [a.note for a in p.annotations.all()] for n, p in enumerate(photos, start=1)}
    assert "Tuva" in notes[3][0]
    assert {n for n, found in notes.items() if found} == {3, 9}


def test_demo_words_say_how_each_photo_is_covered(demo_story):
    """Alt text, notes and standfirst tell readers what the redactions really look like."""
    from gallery.models import Redaction

    said = {Redaction.Method.BLUR: "blurred", Redaction.Method.BOX: "blacked out"}
    used = set()
    for slide in demo_story.slides.all():
        photo = slide.photo
        text = " ".join([photo.alt_text, *(a.note for a in photo.annotations.all())])
        methods = set(photo.redactions.values_list("method", flat=True))
        used |= methods
        for method, words in said.items():
            # Never a word for a method this photo does not use...
            assert words not in text or method in methods, (photo.alt_text, methods)
        # ...and a covered document is described as covered.
        assert Redaction.Method.BOX not in methods or said[Redaction.Method.BOX] in text, text
    for method in used:
        assert said[method] in demo_story.standfirst
