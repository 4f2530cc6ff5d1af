import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from newsroom.models import Article
from tests.factories import make_article, make_photo, make_slide

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client) -> dict:
    response = client.get("/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return {entry.find(f"{ATOM}title").text: entry for entry in root.iter(f"{ATOM}entry")}


def test_feed_lists_only_published_stories(client):
    make_article(headline="Live story")
    make_article(headline="Draft story", published=False)
    make_article(headline="Future story", published_at=timezone.now() + timezone.timedelta(days=1))
    titles = set(entries(client))
    assert "Live story" in titles
    assert not titles & {"Draft story", "Future story"}


def test_feed_entry_carries_the_lead_share_image_and_standfirst(client):
    article = make_article(headline="With photos", standfirst="What happened.")
    hurt = make_photo(is_sensitive=True, sensitivity_warning="Injuries.")
    calm = make_photo()
    make_slide(article=article, position=1, photo=hurt)
    make_slide(article=article, position=2, photo=calm)
    entry = entries(client)["With photos"]
    assert entry.find(f"{ATOM}summary").text == "What happened."
    assert entry.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        f"http://testserver/stories/{article.slug}/"
    )
    enclosures = entry.findall(f"{ATOM}link[@rel='enclosure']")
    share = calm.renditions.get(spec="share")
    assert [e.get("href") for e in enclosures] == [f"http://testserver{share.file.url}"]
    assert enclosures[0].get("type") == "image/jpeg"
    assert enclosures[0].get("length") == str(share.file.size)


def test_feed_entry_without_photo_has_no_enclosure(client):
    make_article(headline="Words only", slides=1)
    assert entries(client)["Words only"].find(f"{ATOM}link[@rel='enclosure']") is None


def test_an_entry_in_another_language_says_which(client):
    make_article(headline="Полонені", language="uk")
    make_article(headline="Prisoners")
    found = entries(client)
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert found["Полонені"].get(lang) == "uk"
    assert found["Prisoners"].get(lang) is None  # The feed's own, "en".


def test_feed_names_the_author_without_the_bylines_by(client):
    make_article(headline="Signed", byline="By Olena Kovalenko")
    make_article(headline="Unsigned", byline="")
    found = entries(client)
    assert found["Signed"].find(f"{ATOM}author/{ATOM}name").text == "Olena Kovalenko"
    assert found["Unsigned"].find(f"{ATOM}author") is None


def test_a_standfirst_reads_in_a_feed_reader_as_it_reads_on_the_page(client):
    # The summary is HTML to feed readers; the standfirst is plain text.
    make_article(headline="Prices", standfirst="Prices rose 5% <b>overnight</b> &amp; a < b.")
    summary = entries(client)["Prices"].find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert summary.text == "Prices rose 5% &lt;b&gt;overnight&lt;/b&gt; &amp;amp; a &lt; b."


def test_a_word_processors_line_break_in_a_standfirst_no_longer_takes_the_feed_down(
    admin_client,
):
    from tests.factories import make_article_form_data

    article = make_article(headline="Pasted")
    pasted = "Pasted from Word:\x0bsecond line\x07.\x00"
    data = make_article_form_data(article, standfirst=pasted, byline="By Jane\x1b Doe\x00")
    assert (
        admin_client.post(f"/admin/newsroom/article/{article.pk}/change/", data).status_code == 302
    )
    article.refresh_from_db()
    # The soft line break is a line break; the bell and escape, which nobody sees, are gone.
    assert article.standfirst == "Pasted from Word:\nsecond line."
    assert article.byline == "By Jane Doe"
    summary = entries(admin_client)["Pasted"].find(f"{ATOM}summary").text
    assert summary == "Pasted from Word:\nsecond line."


def test_words_saved_with_control_characters_before_do_not_break_the_feed(client):
    from django.db import connection

    article = make_article(headline="Old story")
    with connection.cursor() as cursor:  # As rows saved before the fields cleaned them hold.
        cursor.execute(
            "UPDATE newsroom_article SET headline = %s, standfirst = %s WHERE id = %s",
            ["Old\x0bstory", "Kept\x07 words\ufffe.", article.pk],
        )
    entry = entries(client)["Old story"]
    assert entry.find(f"{ATOM}summary").text == "Kept words."


def test_an_entrys_id_outlives_a_rename_so_feed_readers_do_not_show_it_again(client):
    from newsroom import services
    from tests.factories import make_user

    article = make_article(headline="Renamed later", slug="first-name")
    before = entries(client)["Renamed later"].find(f"{ATOM}id").text
    article.slug = "second-name"
    article.save()
    services.article_slug_changed(article=article, old_slug="first-name")
    make_user()  # Another write: the feed's cached copy is stale either way.
    after = entries(client)["Renamed later"]
    assert after.find(f"{ATOM}id").text == before
    assert re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", before)
    assert after.find(f"{ATOM}link[@rel='alternate']").get("href").endswith("/second-name/")


def test_a_story_from_before_entry_ids_keeps_its_address_as_its_id(client):
    # Feed readers would otherwise be shown every story again on the day of the change.
    article = make_article(headline="Older story")
    Article.objects.filter(pk=article.pk).update(atom_id="")
    entry = entries(client)["Older story"]
    assert entry.find(f"{ATOM}id").text == f"http://testserver/stories/{article.slug}/"


def test_each_story_and_its_copy_have_an_id_of_their_own(client):
    from newsroom import services
    from tests.factories import make_user

    article = make_article(headline="Copied")
    copy = services.article_copy(article=article, by=make_user(role="Editors"))
    assert copy.atom_id != article.atom_id and copy.atom_id.startswith("urn:uuid:")
