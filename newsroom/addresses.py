"""The absolute addresses pages give out (canonical, share cards, structured data,
feed, sitemap, robots.txt): on SITE_URL when it is set, whatever host or scheme the
request came by (a CDN asking the origin by its own name, a second domain), so
search engines and feed readers see one address per page."""

from urllib.parse import urljoin, urlsplit

from django.conf import settings


def absolute_url(request, location: str) -> str:
    """``location`` (a path, or an address already absolute) as readers' address."""
    if settings.SITE_URL:
        return urljoin(settings.SITE_URL + "/", location)
    return request.build_absolute_uri(location)


def site_domain_and_scheme(request) -> tuple[str, str]:
    """("news.example.org", "https"): SITE_URL's, else the request's."""
    if settings.SITE_URL:
        parts = urlsplit(settings.SITE_URL)
        return parts.netloc, parts.scheme
    return request.get_host(), request.scheme
