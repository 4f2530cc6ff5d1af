"""Stories are versioned as a whole (django-reversion): a version of a story holds its
slides, their quotes and its corrections. The admin shows them (admin/history.py);
imports and the demo save a first one, so the text as it arrived can be restored.
Photos and credits are versioned one by one."""

import reversion

from gallery.models import Credit, Photo
from newsroom.models import Article, Correction, Quote, Slide

# `version` is the lock counter: restoring an old revision must not roll it back.
reversion.register(Article, follow=["slides", "corrections"], exclude=["version"])
reversion.register(Slide, follow=["quotes"])
reversion.register(Quote)
reversion.register(Correction)
reversion.register(Photo)
reversion.register(Credit)


def save_story_versions(articles, *, by, comment: str) -> None:
    """A version of each story as it is now, under `by`'s name, in a revision of its own."""
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(comment)
        for article in articles:
            reversion.add_to_revision(article)


def save_photo_versions(photos, *, by, comment: str) -> None:
    """A first version of each photo stored outside its form (an import), so one
    deleted by mistake can be recovered. Each in a revision of its own: restoring
    one photo never restores the others."""
    for photo in photos:
        with reversion.create_revision():
            reversion.set_user(by)
            reversion.set_comment(comment)
            reversion.add_to_revision(photo)
