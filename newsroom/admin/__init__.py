"""The editors' desk: stories with their slides, corrections and history (see history.py)."""

# Order matters: history wraps the photo desk's admins, then our own register.
from newsroom.admin import history  # noqa: E402,F401  isort: skip
from newsroom.admin import articles, audit, slides  # noqa: E402,F401  isort: skip
