"""The Atom feed of the latest stories, each with its lead image as an enclosure."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Enclosure
from django.utils.html import escape

from gallery.pictures import attach_public_files
from gallery.text import plain_text
from newsroom import jsonld
from newsroom.addresses import absolute_url
from newsroom.models import SITE_LANGUAGE, Article, Slide

FEED_SIZE = 20


class StoriesAtomFeed(Atom1Feed):
    """An entry in another language than the feed's says so: feed readers hyphenate,
    and read aloud, its headline and summary in that language."""

    def item_attributes(self, item):
        attributes = super().item_attributes(item)
        if item.get("language"):
            attributes["xml:lang"] = item["language"]
        return attributes


class LatestStoriesFeed(Feed):
    feed_type = StoriesAtomFeed
    language = SITE_LANGUAGE
    subtitle = "Photo stories, every image with its source."

    def link(self) -> str:
        return absolute_url(self.request, reverse("newsroom:home"))

    def title(self) -> str:
        return f"{settings.SITE_NAME}: latest stories"

    def items(self):
        lead = Prefetch(
            "slides",
            queryset=Slide.objects.select_related("photo__credit").leads()[:1],
            to_attr="lead_slides",
        )
        stories = Article.objects.published().with_last_note()
        articles = list(stories.prefetch_related(lead)[:FEED_SIZE])
        attach_public_files(slide.photo for article in articles for slide in article.lead_slides)
        return articles

    # plain_text: words saved before control characters were kept out of them would
    # make the XML unwritable, and the whole feed a 500.
    def item_title(self, item: Article) -> str:
        return plain_text(item.headline, multiline=False)

    def item_description(self, item: Article) -> str:
        # Atom readers take the summary as HTML; the standfirst is plain text.
        return escape(plain_text(item.standfirst))

    def item_author_name(self, item: Article) -> str | None:
        return plain_text(item.byline_name(), multiline=False) or None

    def item_extra_kwargs(self, item: Article) -> dict:
        return {"language": item.language} if item.language != SITE_LANGUAGE else {}

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.modified_at()

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        share = jsonld.share_image(item.lead_slides)
        if share is None:
            return []
        image = share["file"]
        return [
            Enclosure(
                absolute_url(self.request, image.url),
                # The recorded size: asking S3 would cost a request per story.
                str(image.size or default_storage.size(image.name)),
                "image/jpeg",
            )
        ]

    def get_object(self, request, *args, **kwargs):
        # Enclosure URLs must be absolute; keep the request for them.
        self.request = request
        return None

    # Absolute already, the syndication framework leaves these as they are, instead
    # of putting the request's host in front.
    def feed_url(self) -> str:
        return absolute_url(self.request, self.request.path)

    def item_link(self, item: Article) -> str:
        return absolute_url(self.request, item.get_absolute_url())

    def item_guid(self, item: Article) -> str:
        # Article.atom_id; a story from before it keeps the address its entry had.
        return item.atom_id or self.item_link(item)

    item_guid_is_permalink = False
