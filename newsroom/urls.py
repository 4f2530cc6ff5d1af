from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.templatetags.static import static
from django.urls import include, path, re_path, register_converter
from django.utils.functional import lazy
from django.views.generic import RedirectView
from django.views.static import serve

from newsroom import views
from newsroom.feeds import LatestStoriesFeed
from newsroom.health import healthz
from newsroom.sitemaps import StorySitemap

handler400 = views.bad_request
handler500 = views.server_error


class SlideNumber:
    """A photo's number as the slideshow writes it: /3/, never /03/ (one address per photo)."""

    regex = "[1-9][0-9]*"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(SlideNumber, "slide")

story_patterns = [
    path("", views.home, name="home"),
    path("feed/", LatestStoriesFeed(), name="feed"),
    path("stories/<slug:slug>/", views.story, name="story"),
    path("stories/<slug:slug>/<slide:number>/", views.slide, name="slide"),
    path("stories/<slug:slug>/annotations.jsonld", views.annotations, name="annotations"),
]

urlpatterns = [
    # Before admin.site.urls so the story importer's pages live under the article admin.
    path("admin/newsroom/article/import/", include("newsroom.admin_import")),
    path("admin/", admin.site.urls),
    path("", include((story_patterns, "newsroom"))),
    path("preview/", include("newsroom.preview_urls")),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": {"stories": StorySitemap}, "template_name": "newsroom/sitemap.xml"},
        name="sitemap",
    ),
    path("robots.txt", views.robots, name="robots"),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico on pages that name no icon (the admin's).
    path("favicon.ico", RedirectView.as_view(url=lazy(static, str)("newsroom/favicon.svg"))),
]


def serve_rendition(request, path):
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    # Rendition names carry a hash of their content: they never change.
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


if settings.SERVE_MEDIA:
    # Local-disk mode: Django serves the public renditions (originals live
    # elsewhere and have no URL). Behind S3 the bucket serves them.
    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", serve_rendition))
