"""Content Security Policy for reader pages, which the page cache shares.

A nonce protects only while it is secret and new for every response. A cached
page is the same bytes and the same header for every reader, so a nonce in it
would be public. Reader pages therefore allow their few inline blocks by hash
(the policy names each block's SHA-256) and carry no nonce; staff pages, never
cached, keep Django's per-request nonce.
"""

import base64
import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.utils.csp import CSP, build_policy

# Marks the page as scripted before first paint, so the slideshow layout never flashes;
# and takes the mark off if story.js has not run by the time the page has loaded (it
# failed to arrive): the story is then read as without scripts, not stuck at photo 1.
JS_FLAG = (
    'document.documentElement.classList.add("js");'
    'addEventListener("load",function(){'
    'if(!window.newsroomStory)document.documentElement.classList.remove("js")})'
)


def source_hash(text: str) -> str:
    """A CSP source allowing exactly this inline script or stylesheet."""
    digest = base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()
    return f"'sha256-{digest}'"


JS_FLAG_SOURCE = source_hash(JS_FLAG)


def shared_page_policy(*, styles: Iterable[str] = ()) -> str:
    """SECURE_CSP without its nonce, allowing these inline stylesheets by hash."""
    config = {
        directive: [value for value in values if value != CSP.NONCE]
        if isinstance(values, list | tuple | set)
        else values
        for directive, values in settings.SECURE_CSP.items()
    }
    config["style-src"] = [
        *config.get("style-src", [CSP.SELF]),
        *(source_hash(css) for css in styles if css),
    ]
    return build_policy(config)


def set_shared_page_policy(response, *, styles: Iterable[str] = ()):
    # The CSP middleware leaves a header a view has set.
    response[str(CSP.HEADER_ENFORCE)] = shared_page_policy(styles=styles)
    return response
