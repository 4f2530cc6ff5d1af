"""Importing a plain-text slideshow from the admin (import/export desk)."""

app_name = "article_import"

urlpatterns: list = []
