"""What every page's template may need besides its view's own context."""

from django.conf import settings


def site(request) -> dict:
    # SITE_NAME names the site to readers (header, titles, share cards), not only to
    # search engines in structured data.
    return {"site_name": settings.SITE_NAME}
