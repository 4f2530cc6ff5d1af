"""The Atom feed of the latest stories, each with its lead image as an enclosure."""

from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed, Enclosure

from gallery.models import Rendition
from newsroom import jsonld
from newsroom.models import Article, Slide

FEED_SIZE = 20


class LatestStoriesFeed(Feed):
    feed_type = Atom1Feed
    title = "Newsroom: latest stories"
    subtitle = "Photo stories, every image with its source."
    link = reverse_lazy("newsroom:home")

    def items(self):
        lead = Prefetch(
            "slides",
            queryset=Slide.objects.select_related("photo__credit")
            .prefetch_related(Prefetch("photo__renditions", queryset=Rendition.objects.all()))
            .filter(photo__isnull=False, photo__is_sensitive=False)
            .order_by("position", "pk")[:1],
            to_attr="lead_slides",
        )
        return Article.objects.published().prefetch_related(lead)[:FEED_SIZE]

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        return item.standfirst

    def item_author_name(self, item: Article) -> str:
        return item.byline

    def item_pubdate(self, item: Article):
        return item.published_at

    def item_updateddate(self, item: Article):
        return item.significant_update_at or item.published_at

    def item_enclosures(self, item: Article) -> list[Enclosure]:
        share = jsonld.share_image(item.lead_slides)
        if share is None:
            return []
        rendition = share["rendition"]
        return [
            Enclosure(
                self.request.build_absolute_uri(rendition.file.url),
                # The recorded size: asking S3 would cost a request per story.
                str(rendition.size or rendition.file.size),
                "image/jpeg",
            )
        ]

    def get_object(self, request, *args, **kwargs):
        # Enclosure URLs must be absolute; keep the request for them.
        self.request = request
        return None
