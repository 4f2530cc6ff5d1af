from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from newsroom import views

story_patterns = [
    path("", views.home, name="home"),
    path("stories/<slug:slug>/", views.story, name="story"),
    path("stories/<slug:slug>/<int:number>/", views.slide, name="slide"),
]

urlpatterns = [
    # Before admin.site.urls so the story importer's pages live under the article admin.
    path("admin/newsroom/article/import/", include("newsroom.admin_import")),
    path("admin/", admin.site.urls),
    path("", include((story_patterns, "newsroom"))),
    path("preview/", include("newsroom.preview_urls")),
]

if settings.SERVE_MEDIA:
    # Local-disk mode: Django serves the public renditions (originals live
    # elsewhere and have no URL). Behind S3 the bucket serves them.
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    )
