"""Versions of stories and photos (django-reversion).

History uses django-reversion rather than django-simple-history: a story is
one unit made of several tables (slides, their quotes, corrections), and
reversion stores a *revision* that groups every row saved in one request, so
"restore this version" and "recover this deleted story" bring the slides back
with it. simple-history keeps one history table per model and restores rows
one at a time, which cannot put a story back together. Reversion also ships
the admin views (history, revert, recover) and needs no schema change in
gallery, whose Photo and Credit we register from this side.
"""

import reversion
from django.contrib import admin
from reversion.admin import VersionAdmin

import gallery.admin  # noqa: F401  (registered first, so it can be wrapped below)
from gallery.models import Credit, Photo
from newsroom.models import Article, Correction, Quote, Slide

# `version` is the lock counter: restoring an old revision must not roll it back.
reversion.register(Article, follow=["slides", "corrections"], exclude=["version"])
reversion.register(Slide, follow=["quotes"])
reversion.register(Quote)
reversion.register(Correction)
for _model in (Photo, Credit):
    if not reversion.is_registered(_model):
        reversion.register(_model)
    # Wrap the photo desk's own admin so its saves become versions too; gallery
    # stays unaware of the newsroom.
    _current = admin.site._registry.get(_model)
    if _current is not None and not isinstance(_current, VersionAdmin):
        admin.site.unregister(_model)
        admin.site.register(
            _model, type(f"Versioned{type(_current).__name__}", (VersionAdmin, type(_current)), {})
        )
