"""Previews of unpublished stories: for staff, and by signed link for reviewers."""

from django.urls import path

from newsroom import preview

app_name = "preview"

urlpatterns = [
    path("stories/<int:pk>/", preview.story, name="story"),
    path("s/<str:token>/", preview.signed, name="signed"),
]
