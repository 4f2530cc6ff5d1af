import json
import re

import pytest

from newsroom.demo import SLUG
from newsroom.models import Correction, Quote
from tests.factories import make_article, make_credit, make_photo, make_quote, make_slide

pytestmark = pytest.mark.django_db


def news_article(html: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_demo_story_is_a_news_article_with_credited_images_and_quotations(demo_story, client):
    data = news_article(client.get(f"/stories/{SLUG}/").content.decode())
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == demo_story.headline
    assert data["datePublished"].startswith("2025-01-13T09:00:00")
    assert data["mainEntityOfPage"] == f"http://testserver/stories/{SLUG}/"
    images = data["image"]
    # Photo 6 is marked sensitive, so structured data leaves it out.
    assert len(images) == 8 and all(i["@type"] == "ImageObject" for i in images)
    credits = [i["creditText"] for i in images]
    assert credits.count("Telegram @V_Zelenskiy_official") == 5
    assert credits.count("Screenshot / YouTube SecurityServiceUkraine") == 3
    # Where each came from; the usage terms are words, not the address of a licence.
    assert images[0]["isBasedOn"] == "https://t.me/V_Zelenskiy_official"
    assert "license" not in images[0] and "acquireLicensePage" not in images[0]
    assert images[0]["contentUrl"].startswith("http://testserver/media/renditions/")
    quotes = data["hasPart"]
    assert len(quotes) == 5 and {q["@type"] for q in quotes} == {"Quotation"}
    assert quotes[0]["creator"] == {
        "@type": "Person",
        "name": "Volodymyr Zelensky",
        "jobTitle": "President of Ukraine",
    }
    assert quotes[0]["dateCreated"] == "2025-01-11"


def test_image_object_names_the_credits_creator_and_skips_sensitive_photos(client):
    article = make_article()
    credit = make_credit(
        kind="agency", platform="Agency", account="", licence="", creator="Jane Roe"
    )
    # What the file said of itself (EXIF Artist: a phone owner's name, say) stays
    # with the desk: a bulk upload fills it in with no one looking.
    photo = make_photo(credit=credit, creator="Owner Of Phone", copyright_notice="© Owner")
    hurt = make_photo(is_sensitive=True, sensitivity_warning="Injuries.")
    make_slide(article=article, position=1, photo=photo)
    make_slide(article=article, position=2, photo=hurt)
    data = news_article(client.get(f"/stories/{article.slug}/").content.decode())
    (image,) = data["image"]
    assert image["creator"] == {"@type": "Person", "name": "Jane Roe"}
    page = client.get(f"/stories/{article.slug}/").content.decode()
    assert "Owner" not in page and "copyrightNotice" not in page
    assert image["creditText"] == credit.line
    assert "license" not in image


def test_a_licence_given_as_an_address_is_the_images_license(client):
    credit = make_credit(licence="https://creativecommons.org/licenses/by/4.0/")
    article = make_article()
    make_slide(article=article, position=1, photo=make_photo(credit=credit))
    (image,) = news_article(client.get(f"/stories/{article.slug}/").content.decode())["image"]
    assert image["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_quote_link_and_corrections_are_included(client):
    article = make_article(slides=1)
    make_quote(
        slide=article.slides.get(),
        speaker="SBU",
        speaker_role="report",
        said_in=Quote.Medium.REPORT,
        url="https://example.org/report",
    )
    Correction.objects.create(article=article, text="A date was wrong.")
    data = news_article(client.get(f"/stories/{article.slug}/").content.decode())
    (quote,) = data["hasPart"]
    assert quote["isBasedOn"] == "https://example.org/report"
    assert quote["creator"] == {"@type": "Organization", "name": "SBU"}
    assert data["correction"][0]["text"] == "A date was wrong."


def test_json_ld_cannot_close_its_script(client):
    article = make_article(headline="</script><script>alert(1)</script>")
    html = client.get(f"/stories/{article.slug}/").content.decode()
    assert "</script><script>alert(1)" not in html
    assert news_article(html)["headline"] == article.headline


def test_annotations_are_a_web_annotation_collection(client):
    from tests.factories import make_annotation

    article = make_article()
    photo = make_photo()
    make_slide(article=article, position=1, photo=make_photo())
    make_slide(article=article, position=2, photo=photo)
    note = make_annotation(photo=photo, note="Military ID in another man's name")
    response = client.get(f"/stories/{article.slug}/annotations.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    data = response.json()
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == 1
    (item,) = data["first"]["items"]
    assert item["type"] == "Annotation"
    assert item["body"]["value"] == note.note
    target = item["target"]
    assert target["scope"] == f"http://testserver/stories/{article.slug}/2/"
    assert target["source"].startswith(f"http://testserver/media/renditions/{photo.pk}/jpeg-")
    assert target["selector"] == {
        "type": "FragmentSelector",
        "conformsTo": "http://www.w3.org/TR/media-frags/",
        "value": "xywh=percent:10,20,30,25",
    }


def test_annotations_of_a_draft_are_not_found(client):
    draft = make_article(published=False, slides=1)
    assert client.get(f"/stories/{draft.slug}/annotations.jsonld").status_code == 404


def test_notes_on_a_sensitive_photo_never_point_at_its_file(client):
    from tests.factories import make_annotation

    article = make_article()
    photo = make_photo(is_sensitive=True, sensitivity_warning="Shows a wounded man.")
    make_slide(article=article, position=1, photo=photo)
    make_annotation(photo=photo, note="The hospital's insignia")
    body = client.get(f"/stories/{article.slug}/annotations.jsonld").content.decode()
    (item,) = json.loads(body)["first"]["items"]
    assert item["body"]["value"] == "The hospital's insignia"
    assert item["target"]["source"] == f"http://testserver/stories/{article.slug}/1/"
    assert "/media/" not in body


@pytest.mark.parametrize(
    ("byline", "author"),
    [
        ("By Jane Doe", {"@type": "Person", "name": "Jane Doe"}),
        ("By the photo desk", {"@type": "Organization", "name": "The photo desk"}),
        ("", {"@type": "Organization", "name": "Newsroom"}),
        ("By Reuters", {"@type": "Organization", "name": "Reuters"}),
        (
            "By our correspondent in Kyiv",
            {"@type": "Organization", "name": "our correspondent in Kyiv"},
        ),
        (
            "By Jane Doe and John Roe",
            [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "John Roe"}],
        ),
        ("By danah boyd", {"@type": "Person", "name": "danah boyd"}),
        # Where they are and what they do belong to the person, not to another one.
        ("By Jane Doe in Kyiv", {"@type": "Person", "name": "Jane Doe"}),
        ("By Jane Doe, Kyiv correspondent", {"@type": "Person", "name": "Jane Doe"}),
        ("By John Press", {"@type": "Person", "name": "John Press"}),
        (
            "By Jane Doe and the AP",
            [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Organization", "name": "AP"}],
        ),
    ],
)
def test_a_byline_naming_a_person_makes_a_person_the_author(client, byline, author):
    article = make_article(slides=1, byline=byline)
    data = news_article(client.get(f"/stories/{article.slug}/").content.decode())
    assert data["author"] == author


def test_a_long_headline_is_cut_at_a_word_and_an_unnamed_medium_says_nothing(client):
    headline = "The " + "Donaudampfschifffahrt and more " * 6
    article = make_article(slides=1, headline=headline.strip())
    make_quote(slide=article.slides.get(), said_in=Quote.Medium.OTHER)
    data = news_article(client.get(f"/stories/{article.slug}/").content.decode())
    assert len(data["headline"]) <= 110 and data["headline"].endswith("more…")
    assert "description" not in data["hasPart"][0]


def test_a_correction_is_a_change_search_engines_feeds_and_sitemaps_are_told_of(client):
    import datetime as dt
    import xml.etree.ElementTree as ET

    from django.utils import timezone

    came_out = timezone.now() - dt.timedelta(days=2)
    article = make_article(slides=1, published_at=came_out)
    corrected = timezone.now() - dt.timedelta(hours=1)
    Correction.objects.create(article=article, text="A date was wrong.", published_at=corrected)

    data = news_article(client.get(f"/stories/{article.slug}/").content.decode())
    assert data["datePublished"] == came_out.isoformat()
    assert data["dateModified"] == corrected.isoformat()
    atom = "{http://www.w3.org/2005/Atom}"
    (entry,) = ET.fromstring(client.get("/feed/").content).iter(f"{atom}entry")
    assert dt.datetime.fromisoformat(entry.find(f"{atom}updated").text) == corrected
    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"<lastmod>{corrected:%Y-%m-%d}</lastmod>" in sitemap


@pytest.mark.parametrize(
    ("speaker", "role", "creator"),
    [
        ("Olena Kovalenko", "", {"@type": "Person", "name": "Olena Kovalenko"}),
        (
            "Volodymyr Zelensky",
            "President",
            {"@type": "Person", "name": "Volodymyr Zelensky", "jobTitle": "President"},
        ),
        ("SBU", "", {"@type": "Organization", "name": "SBU"}),
        ("General Staff", "", {"@type": "Organization", "name": "General Staff"}),
        # A surname that is also a body's word is still a person's.
        ("Kevin Court", "Judge", {"@type": "Person", "name": "Kevin Court", "jobTitle": "Judge"}),
        ("BBC Monitoring", "", {"@type": "Organization", "name": "BBC Monitoring"}),
        ("Supreme Court", "", {"@type": "Organization", "name": "Supreme Court"}),
        # An unnamed spokesperson speaks for the ministry.
        (
            "Ministry of Defence",
            "Spokesperson",
            {"@type": "Organization", "name": "Ministry of Defence"},
        ),
    ],
)
def test_a_quote_is_said_by_a_person_or_a_body_as_its_speaker_is_named(
    client, speaker, role, creator
):
    article = make_article(slides=1)
    make_quote(slide=article.slides.get(), speaker=speaker, speaker_role=role)
    data = news_article(client.get(f"/stories/{article.slug}/").content.decode())
    assert data["hasPart"][0]["creator"] == creator


def test_an_update_note_is_no_correction_and_no_image_is_no_empty_list(client):
    article = make_article()
    hurt = make_photo(is_sensitive=True, sensitivity_warning="Shows injuries.")
    make_slide(article=article, position=1, photo=hurt)
    update = Correction.objects.create(
        article=article, kind=Correction.Kind.UPDATE, text="Added a new photo."
    )
    data = news_article(client.get(f"/stories/{article.slug}/").content.decode())
    assert "correction" not in data
    assert data["dateModified"] == update.published_at.isoformat()
    assert "image" not in data  # Its only photo is sensitive.


def test_a_quote_in_another_language_than_its_story_says_which(client):
    article = make_article(slides=1, language="uk")
    make_quote(slide=article.slides.get(), text="نحن ندين هذا الهجوم بشدة", language="ar")
    html = client.get(f"/stories/{article.slug}/").content.decode()
    # Screen readers read it with an Arabic voice, not the story's Ukrainian one.
    assert '<p lang="ar" dir="auto">نحن ندين هذا الهجوم بشدة</p>' in html
    assert news_article(html)["hasPart"][0]["inLanguage"] == "ar"


def test_a_quotes_language_is_a_code_or_nothing(admin_client):
    from tests.factories import make_quote_form_data

    article = make_article(slides=1)
    quote = make_quote(slide=article.slides.get(), text="Words said in Arabic, translated.")
    data = make_quote_form_data(quote, language="Arabic")
    page = admin_client.post(f"/admin/newsroom/quote/{quote.pk}/change/", data).content.decode()
    assert "A language code such as en, uk, ar or pt-BR." in page
    data = make_quote_form_data(quote, language="ar")
    assert admin_client.post(f"/admin/newsroom/quote/{quote.pk}/change/", data).status_code == 302
    assert Quote.objects.get(pk=quote.pk).language == "ar"
