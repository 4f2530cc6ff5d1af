import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gallery.models import Redaction
from newsroom import services
from newsroom.models import Article, AuditEntry, Correction
from tests.factories import make_article, make_photo, make_slide, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return make_user(role="Editors")


def ready_article(**fields):
    article = make_article(published=False, **fields)
    make_slide(article=article, position=1, photo=make_photo())
    return article


def test_publish_makes_a_ready_story_public_and_audits_it(editor):
    article = ready_article()
    services.article_publish(article=article, by=editor)
    assert Article.objects.published().filter(pk=article.pk).exists()
    entry = AuditEntry.objects.get(article=article, action=AuditEntry.Action.PUBLISH)
    assert entry.by == editor


def _no_photo(article):
    article.slides.update(photo=None)


def _no_alt(article):
    article.slides.first().photo.__class__.objects.filter(slides__article=article).update(
        alt_text=""
    )


def _no_credit(article):
    article.slides.first().photo.__class__.objects.filter(slides__article=article).update(
        credit=None
    )


def _sensitive_without_warning(article):
    article.slides.first().photo.__class__.objects.filter(slides__article=article).update(
        is_sensitive=True, sensitivity_warning=""
    )


def _prisoners_unredacted(article):
    article.slides.first().photo.__class__.objects.filter(slides__article=article).update(
        shows_prisoners=True
    )


def _empty_credit(article):
    # Saved before credits had to say something: there may still be some.
    from gallery.models import Credit

    Credit.objects.filter(photos__slides__article=article).update(line="", line_override="")


def _disputed_credit(article):
    from gallery.models import Credit

    Credit.objects.filter(photos__slides__article=article).update(
        verification=Credit.Verification.DISPUTED, verification_note="the channel denies it"
    )


def _no_standfirst(article):
    Article.objects.filter(pk=article.pk).update(standfirst="")
    article.refresh_from_db()


def _no_headline(article):
    Article.objects.filter(pk=article.pk).update(headline=" ")
    article.refresh_from_db()


def _no_slug(article):
    Article.objects.filter(pk=article.pk).update(slug="")
    article.refresh_from_db()


def _no_slides(article):
    article.slides.all().delete()


def _unattributed_quote(article):
    from newsroom.models import Quote

    Quote.objects.create(
        slide=article.slides.first(), text="Words that nobody is said to have said."
    )


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (_no_slides, "The story has no slides"),
        (_no_photo, "Slide 1 has no photo."),
        (_no_alt, "has no alt text"),
        (_no_credit, "has no credit"),
        (_empty_credit, "has a credit with nothing in it"),
        (_sensitive_without_warning, "no warning text"),
        (_disputed_credit, "is marked disputed (the desk's note: the channel denies it)"),
        (_prisoners_unredacted, "shows prisoners, detainees or minors and has no redactions"),
        (_no_headline, "no headline"),
        (_no_slug, "no slug"),
        (_no_standfirst, "no standfirst"),
        (_unattributed_quote, "the quote “Words that nobody is said to…” has no speaker"),
    ],
)
@pytest.mark.parametrize("how", ["publish", "schedule"])
def test_checklist_refuses_each_missing_item(editor, spoil, expected, how):
    article = ready_article()
    spoil(article)
    with pytest.raises(services.ChecklistFailed) as refused:
        if how == "publish":
            services.article_publish(article=article, by=editor)
        else:
            at = timezone.now() + timezone.timedelta(days=1)
            services.article_schedule(article=article, by=editor, at=at)
    assert any(expected in problem for problem in refused.value.problems)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not Article.objects.published().filter(pk=article.pk).exists()
    # The refusal itself is on the record, though nothing was published.
    refusal = AuditEntry.objects.get(article=article, action=AuditEntry.Action.REFUSED)
    assert expected in refusal.note and refusal.by == editor


def test_redactions_satisfy_the_protected_persons_check(editor):
    article = ready_article()
    photo = article.slides.first().photo
    photo.shows_minors = True
    photo.save()
    Redaction.objects.create(photo=photo, x=0, y=0, width=10, height=10)
    services.article_publish(article=article, by=editor)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.OVERRIDE).exists()


def test_override_with_a_reason_lets_it_through_and_is_logged(editor):
    article = ready_article(protected_persons_override="Faces are not recognisable at this size.")
    _prisoners_unredacted(article)
    services.article_publish(article=article, by=editor)
    entry = AuditEntry.objects.get(article=article, action=AuditEntry.Action.OVERRIDE)
    assert entry.by == editor
    assert "Faces are not recognisable" in entry.note
    assert "no redactions" in entry.note


def test_override_does_not_excuse_other_problems(editor):
    article = ready_article(protected_persons_override="Agreed with the legal desk.")
    _no_alt(article)
    with pytest.raises(services.ChecklistFailed):
        services.article_publish(article=article, by=editor)


def test_schedule_in_the_future_waits(editor):
    article = ready_article()
    at = timezone.now() + timezone.timedelta(hours=3)
    services.article_schedule(article=article, by=editor, at=at)
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.SCHEDULED, at)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_schedule_in_the_past_publishes_now(editor):
    article = ready_article()
    before = timezone.now()
    services.article_schedule(article=article, by=editor, at=before - timezone.timedelta(days=3))
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at >= before
    assert Article.objects.published().filter(pk=article.pk).exists()


@pytest.mark.parametrize(
    "action",
    ["article_publish", "article_unpublish", "article_archive"],
)
@pytest.mark.parametrize("role", ["Reporters", "Photo desk"])
def test_only_editors_change_what_is_public(action, role):
    article = ready_article()
    with pytest.raises(PermissionDenied):
        getattr(services, action)(article=article, by=make_user(role=role))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not AuditEntry.objects.exists()


def test_unpublish_and_archive_hide_the_story_and_are_audited(editor):
    article = ready_article()
    services.article_publish(article=article, by=editor)
    services.article_unpublish(article=article, by=editor)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    services.article_publish(article=article, by=editor)
    services.article_archive(article=article, by=editor)
    assert not Article.objects.published().filter(pk=article.pk).exists()
    actions = list(AuditEntry.objects.filter(article=article).values_list("action", flat=True))
    assert sorted(actions) == ["archive", "publish", "publish", "unpublish"]


def test_reporter_submits_for_review():
    reporter = make_user(role="Reporters")
    article = ready_article()
    services.article_submit_for_review(article=article, by=reporter)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_every_lifecycle_change_moves_the_lock_on(editor):
    article = ready_article()
    before = article.version
    services.article_publish(article=article, by=editor)
    assert Article.objects.get(pk=article.pk).version == before + 1
    assert article.version == before + 1


def test_an_update_note_sets_the_updated_time_a_correction_does_not(editor):
    article = ready_article()
    services.article_publish(article=article, by=editor)
    services.correction_append(
        correction=Correction(article=article, kind=Correction.Kind.CORRECTION, text="Fixed."),
        by=editor,
    )
    article.refresh_from_db()
    assert article.significant_update_at is None
    update = services.correction_append(
        correction=Correction(article=article, kind=Correction.Kind.UPDATE, text="New facts."),
        by=editor,
    )
    article.refresh_from_db()
    assert article.significant_update_at == update.published_at
    assert update.created_by == editor


def test_a_note_waits_until_its_story_is_out(editor):
    # A note dated before its story would tell readers of a correction before it came out.
    article = ready_article()
    services.article_schedule(article=article, by=editor, at=timezone.now() + dt.timedelta(hours=2))
    with pytest.raises(ValidationError, match="This story has not come out yet"):
        services.correction_append(correction=Correction(article=article, text="x"), by=editor)
    assert not article.corrections.exists()


def test_reporters_cannot_append_corrections():
    with pytest.raises(PermissionDenied):
        services.correction_append(
            correction=Correction(article=ready_article(), text="x"),
            by=make_user(role="Reporters"),
        )


def test_a_photo_chosen_for_a_waiting_slide_gets_the_wire_copys_credit():
    from newsroom.services import slides_apply_awaiting_credits
    from tests.factories import make_credit

    article = make_article(published=False)
    wire = make_credit(kind="screenshot", platform="YouTube", account="SecurityServiceUkraine")
    uncredited = make_photo()
    uncredited.credit = None
    uncredited.save()
    own = make_photo()
    first = make_slide(article=article, position=1, photo=uncredited)
    second = make_slide(article=article, position=2, photo=own)
    article.slides.update(awaiting_credit=wire)

    assert slides_apply_awaiting_credits(article=article) == [
        f"Slide 2: the copy credits “{wire}”, but the photo chosen is credited “{own.credit}”, "
        "and keeps that credit. Check which is right: is it the picture the copy meant?"
    ]
    uncredited.refresh_from_db()
    own_credit = own.credit
    own.refresh_from_db()
    assert uncredited.credit == wire
    assert own.credit == own_credit  # A photo's own credit is never replaced.
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.awaiting_credit is None and second.awaiting_credit is None


def test_a_copy_is_a_new_draft_with_the_words_slides_photos_and_quotes_only():
    from reversion.models import Version

    from tests.factories import make_quote

    original = make_article(headline="Weekly gallery", language="uk", closing_text="Closing.")
    photos = [make_photo(), make_photo()]
    for position, photo in enumerate(photos, start=1):
        slide = make_slide(article=original, position=position, photo=photo)
    make_quote(slide=slide, text="We held the line.", speaker="A sergeant")
    Correction.objects.create(article=original, text="The date was 3 May.")
    reporter = make_user(role="Reporters")

    copy = services.article_copy(article=original, by=reporter)

    assert (copy.headline, copy.language, copy.closing_text) == (
        "Weekly gallery",
        "uk",
        "Closing.",
    )
    assert copy.slug == f"{original.slug}-copy" and copy.status == Article.Status.DRAFT
    assert copy.published_at is None and not copy.corrections.exists()
    assert copy.preview_key != original.preview_key
    assert [s.photo for s in copy.slides.order_by("position")] == photos
    assert [q.text for q in copy.slides.get(position=2).quotes.all()] == ["We held the line."]
    assert original.slides.count() == 2 and original.slides.get(position=2).quotes.count() == 1
    assert not Article.objects.published().filter(pk=copy.pk).exists()
    assert AuditEntry.objects.get(article=copy).action == AuditEntry.Action.COPY
    assert Version.objects.get_for_object(copy).count() == 1  # Recoverable if deleted.
    # A second copy gets an address of its own.
    assert services.article_copy(article=original, by=reporter).slug == f"{original.slug}-copy-2"


def test_only_who_may_add_stories_may_copy_one():
    with pytest.raises(PermissionDenied):
        services.article_copy(article=make_article(), by=make_user(role="Photo desk"))


def test_copying_a_long_story_costs_the_queries_of_a_short_one():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_quote

    def queries_to_copy(slides: int) -> int:
        story = make_article()
        for position in range(1, slides + 1):
            make_quote(slide=make_slide(article=story, position=position))
        with CaptureQueriesContext(connection) as captured:
            copy = services.article_copy(article=story, by=editor)
        assert copy.slides.count() == slides
        return len(captured)

    editor = make_user(role="Editors")
    queries_to_copy(1)  # Content types and permissions, read once.
    assert queries_to_copy(30) <= queries_to_copy(2)


def test_a_copy_of_a_long_address_still_ends_in_copy():
    original = make_article(slug="k" * 199)
    editor = make_user(role="Editors")
    first = services.article_copy(article=original, by=editor)
    second = services.article_copy(article=original, by=editor)
    assert first.slug == "k" * 180 + "-copy"
    assert second.slug == "k" * 180 + "-copy-2"


def test_two_copies_at_once_both_get_an_address(monkeypatch):
    # A double click: the other copy took the free address between looking and saving.
    original = make_article(slug="weekly")
    make_article(slug="taken-meanwhile")
    real = services.free_slug
    answers = iter(["taken-meanwhile"])
    monkeypatch.setattr(services, "free_slug", lambda base: next(answers, None) or real(base))
    copy = services.article_copy(article=original, by=make_user(role="Editors"))
    assert copy.slug == "weekly-copy"


def test_a_rename_never_removes_another_storys_former_address():
    from newsroom.models import FormerSlug

    first = make_article(slug="first-now")
    FormerSlug.objects.create(slug="first-then", article=first)
    second = make_article(slug="first-then-x")
    second.slug = "first-then"  # Past the form's check, as a script might.
    second.save()
    services.article_slug_changed(article=second, old_slug="first-then-x")
    assert FormerSlug.objects.get(slug="first-then").article == first
