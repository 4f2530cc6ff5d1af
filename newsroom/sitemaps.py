"""sitemap.xml: every published story, with its non-sensitive photos as image entries."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Prefetch

from gallery.pictures import attach_public_files
from newsroom.models import Article, Slide


class StorySitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        photos = Slide.objects.select_related("photo").shareable()
        return (
            Article.objects.published()
            .with_last_note()
            .prefetch_related(Prefetch("slides", queryset=photos, to_attr="public_slides"))
        )

    def lastmod(self, item: Article):
        return item.modified_at()

    # On SITE_URL when it is set (newsroom.addresses), else the request's own.
    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme if settings.SITE_URL else protocol

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc if settings.SITE_URL else super().get_domain(site)

    def get_urls(self, *args, **kwargs):
        # The image entries ride along with each URL for templates/newsroom/sitemap.xml.
        urls = super().get_urls(*args, **kwargs)
        attach_public_files(slide.photo for url in urls for slide in url["item"].public_slides)
        for url in urls:
            jpegs = (slide.photo.public_files.jpeg() for slide in url["item"].public_slides)
            url["images"] = [jpeg.url for jpeg in jpegs if jpeg is not None]
        return urls
