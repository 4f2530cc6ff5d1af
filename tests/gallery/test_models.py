import pytest
from django.core.exceptions import ValidationError

from gallery.models import Credit, Redaction
from tests.factories import make_credit, make_photo

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("parts", "line"),
    [
        (
            {"kind": "screenshot", "platform": "YouTube", "account": "SecurityServiceUkraine"},
            "Screenshot / YouTube SecurityServiceUkraine",
        ),
        (
            {"kind": "social", "platform": "Telegram", "account": "@V_Zelenskiy_official"},
            "Telegram @V_Zelenskiy_official",
        ),
        (
            {"kind": "agency", "platform": "Reuters", "account": "", "creator": "Jane Roe"},
            "Reuters / Jane Roe",
        ),
        (
            {"kind": "handout", "platform": "Ministry of Defence", "account": ""},
            "Handout / Ministry of Defence",
        ),
    ],
)
def test_credit_line_is_derived_from_its_parts(parts, line):
    assert make_credit(**parts).line == line


def test_staff_can_override_the_credit_line_and_clear_the_override():
    credit = make_credit(platform="Telegram", account="@x", line_override="Courtesy of @x")
    assert credit.line == "Courtesy of @x"
    credit.line_override = ""
    credit.save()
    assert Credit.objects.get(pk=credit.pk).line == "Telegram @x"


def test_sensitive_photo_needs_a_warning_for_readers():
    photo = make_photo(size=(600, 400))
    photo.is_sensitive = True
    with pytest.raises(ValidationError, match="needs a warning"):
        photo.full_clean()
    photo.sensitivity_warning = "This photo shows a wounded soldier."
    photo.full_clean()


def test_focal_point_must_be_whole_and_inside_the_photo():
    photo = make_photo(size=(600, 400))
    assert photo.focal_point == (300, 200)
    photo.focal_x = 10
    with pytest.raises(ValidationError, match="both focal point coordinates"):
        photo.full_clean()
    photo.focal_x, photo.focal_y = 600, 10
    with pytest.raises(ValidationError, match=r"inside the photo \(600x400\)"):
        photo.full_clean()


def test_protected_people_flags():
    photo = make_photo(size=(600, 400))
    assert not photo.shows_protected_people
    photo.shows_detainees = True
    assert photo.shows_protected_people


def test_empty_redaction_is_refused():
    photo = make_photo(size=(600, 400))
    with pytest.raises(ValidationError, match="at least 1 pixel"):
        Redaction(photo=photo, x=0, y=0, width=0, height=10).full_clean()


def test_jpeg_rendition_picks_by_width_from_what_exists():
    photo = make_photo(size=(1200, 800))  # Test settings make JPEGs 480 and 800 wide.
    assert photo.jpeg_rendition().width == 800
    assert photo.jpeg_rendition(600).width == 480
    assert photo.jpeg_rendition(100).width == 480  # Nothing fits: the narrowest.
    assert photo.jpeg_rendition(2000).width == 800


def test_renditions_record_their_size_in_bytes():
    photo = make_photo()
    renditions = list(photo.renditions.all())
    assert renditions
    assert all(r.size == r.file.size > 0 for r in renditions)


@pytest.mark.parametrize(
    ("parts", "override", "named"),
    [
        (
            {"kind": "agency", "platform": "Reuters", "creator": "Jane Doe"},
            "Reuters / Jo Bloggs",
            "photographer given above (Jane Doe)",
        ),
        (
            {"kind": "social", "platform": "Telegram", "account": "@ua_channel"},
            "Telegram / another channel",
            "account given above (@ua_channel)",
        ),
    ],
)
def test_a_written_credit_line_must_name_whom_search_engines_are_told_took_it(
    parts, override, named
):
    credit = make_credit(**parts)
    credit.line_override = override
    with pytest.raises(ValidationError) as refused:
        credit.full_clean()
    assert named in refused.value.message_dict["line_override"][0]
    # Naming them, however written, is fine.
    credit.line_override = f"{override} / {credit.creator or credit.account.lstrip('@').upper()}"
    credit.full_clean()


def test_a_credit_saved_before_the_rule_can_still_be_marked_disputed():
    credit = make_credit(kind="agency", platform="Reuters", creator="Jane Doe")
    Credit.objects.filter(pk=credit.pk).update(line_override="Reuters / Someone Else")
    credit.refresh_from_db()
    credit.verification = Credit.Verification.DISPUTED
    credit.full_clean()  # The line is as it was: not judged again.
    credit.line_override = "Reuters / Another"
    with pytest.raises(ValidationError):
        credit.full_clean()


def test_a_credit_links_only_to_a_web_address_however_it_is_saved():
    from django.db import IntegrityError, transaction

    # Structured data gives it to search engines as where the picture came from.
    hostile = make_credit(kind="screenshot", platform="X", account="@someone")
    hostile.url = "javascript:alert(2)"
    with pytest.raises(ValidationError, match="must be a web address starting with https://"):
        hostile.validate_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        hostile.save()


def test_a_credit_cannot_show_readers_a_name_turned_round_or_a_day_to_come():
    from django.utils import timezone

    credit = make_credit(platform="Telegram\u202e", account="@V_Zel\u2067enskiy_official")
    assert credit.line == "Telegram @V_Zelenskiy_official"
    # A control beside a space leaves no gap in the line.
    assert make_credit(platform="\u202eTelegram", account="\u202c@x").line == "Telegram @x"
    credit.retrieved_at = timezone.now() + timezone.timedelta(days=30)
    with pytest.raises(ValidationError) as refused:
        credit.full_clean()
    assert refused.value.message_dict["retrieved_at"] == [
        "That date has not come yet: check the year."
    ]
