"""Stories are versioned as a whole (django-reversion): a version of a story holds its
slides, their quotes and its corrections. The admin shows them (admin/history.py);
imports and the demo save a first one, so the text as it arrived can be restored."""

import reversion

from newsroom.models import Article, Correction, Quote, Slide

# `version` is the lock counter: restoring an old revision must not roll it back.
reversion.register(Article, follow=["slides", "corrections"], exclude=["version"])
reversion.register(Slide, follow=["quotes"])
reversion.register(Quote)
reversion.register(Correction)


def save_story_versions(articles, *, by, comment: str) -> None:
    """A version of each story as it is now, under `by`'s name, in a revision of its own."""
    with reversion.create_revision():
        reversion.set_user(by)
        reversion.set_comment(comment)
        for article in articles:
            reversion.add_to_revision(article)
