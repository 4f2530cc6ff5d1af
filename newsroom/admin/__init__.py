"""The editors' desk: stories with their slides, corrections and history (see history.py)."""

from django.contrib import admin

# Order matters: history wraps the photo desk's admins, then our own register.
from newsroom.admin import history  # noqa: F401  isort: skip
from newsroom.admin import articles, audit, slides  # noqa: F401  isort: skip
from newsroom.admin.login import ThrottledLoginForm

# The one log-in for all staff pages (LOGIN_URL is the admin's), throttled.
admin.site.login_form = ThrottledLoginForm
