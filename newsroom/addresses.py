"""The absolute addresses pages give out (canonical, share cards, structured data,
feed, sitemap, robots.txt): on SITE_URL when it is set, whatever host or scheme the
request came by (a CDN asking the origin by its own name, a second domain), so
search engines and feed readers see one address per page."""

from urllib.parse import urljoin

from django.conf import settings


def absolute_url(request, location: str) -> str:
    """``location`` (a path, or an address already absolute) as readers' address."""
    if settings.SITE_URL:
        return urljoin(settings.SITE_URL + "/", location)
    return request.build_absolute_uri(location)
