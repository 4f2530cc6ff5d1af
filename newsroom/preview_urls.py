"""Signed preview links for reviewers without an account (editorial desk)."""

app_name = "preview"

urlpatterns: list = []
