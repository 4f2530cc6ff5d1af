"""Structured data: schema.org NewsArticle for search engines, W3C Web Annotations for notes.

Sensitive photos are left out of everything another site may show as a
thumbnail (share images, ImageObjects); their notes stay, as text.
"""

import datetime as dt
import re

from django.conf import settings
from django.urls import reverse

from gallery.metadata import shorten
from gallery.models import Photo
from newsroom.addresses import absolute_url
from newsroom.importer import AGENCIES
from newsroom.models import SITE_LANGUAGE, Article, Correction, Slide


def notes(photo: Photo | None) -> list:
    """The photo's notes, as `views.attach_slide_parts` left them."""
    return photo.notes if photo is not None else []


def shareable(slide: Slide) -> bool:
    """models.SHAREABLE, for a slide already in memory."""
    photo = slide.photo
    return photo is not None and not photo.is_sensitive and not photo.withheld_reason


def for_sharing(slides: list[Slide]) -> list[Slide]:
    """The slide editors chose as the share image first (SlideQuerySet.leads, in memory)."""
    return sorted(slides, key=lambda slide: not slide.is_share_image)


def share_image(slides: list[Slide]) -> dict | None:
    """The first non-sensitive photo's 1200x630 share image (or widest JPEG), with its alt text.

    Reads `photo.public_files` (gallery.pictures.attach_public_files).
    """
    for slide in slides:
        if shareable(slide):
            files = slide.photo.public_files
            image = files.share() or files.jpeg()
            if image is not None:
                return {"file": image, "alt": slide.photo.alt_text}
    return None


# A byline naming a desk, a team or an agency rather than people ("By the photo desk").
_NOT_PEOPLE = re.compile(
    r"^(the|our)\b|\b(desk|staff|newsroom|team|reporters?|correspondents?|agenc(y|ies)|bureau"
    r"|service)\b",
    re.IGNORECASE,
)
# Words that name a body, not a person: "Ministry of Defence", "General Staff".
_BODIES = re.compile(
    r"\b(ministry|service|office|council|command|staff|agency|forces|army|navy|government"
    r"|police|department|committee|kremlin|parliament|court|company|press|bureau|embassy"
    r"|administration|authority|party|commission|directorate|headquarters|brigade"
    r"|battalion|regiment)\b",
    re.IGNORECASE,
)
# "SBU", "UN", "IAEA": initials stand for a body, as does a name holding a word of
# three capitals or more ("BBC Monitoring").
_INITIALS = re.compile(r"[A-Z][A-Z0-9&.\-]+(?:\s+[A-Z][A-Z0-9&.\-]+)*")
_ACRONYM = re.compile(r"\b[A-Z]{3,}\b")
# A body's word last in a name makes it a body only after one of these ("General
# Staff", "Supreme Court"): "Kevin Court" and "John Press" are people.
_BODY_QUALIFIERS = {
    "general", "national", "federal", "state", "security", "armed", "presidential",
    "foreign", "supreme", "central", "joint", "border", "emergency", "main", "press",
    "defence", "defense", "interior", "ukrainian", "russian", "israeli", "british",
    "american", "european", "military", "city", "regional",
}  # fmt: skip
# After a name, the byline's word for what they do ("Jane Doe, Kyiv correspondent").
_TITLE_AFTER_NAME = re.compile(
    r"\b(correspondent|reporter|editor|photographer|writer|producer|journalist)s?$", re.I
)
_PLACE_AFTER_NAME = re.compile(r"\s+in\s+[A-Z][\w'’.\- ]*$")  # "Jane Doe in Kyiv"


def _is_a_body(name: str) -> bool:
    words = name.split()
    if not words:
        return False
    if _INITIALS.fullmatch(name) or _ACRONYM.search(name) or name.lower() in AGENCIES:
        return True
    # "Ministry of Defence", "Police", "the Kremlin"; "General Staff", not "Kevin Court".
    first, last = _BODIES.fullmatch(words[0]), _BODIES.fullmatch(words[-1])
    named_after = len(words) > 1 and words[-2].lower() in _BODY_QUALIFIERS
    return bool(first or " of " in name or (last and named_after))


def _author(byline_name: str) -> dict | list[dict]:
    if not byline_name or re.match(r"(the|our)\b", byline_name, re.IGNORECASE):
        return {"@type": "Organization", "name": byline_name or settings.SITE_NAME}
    # "Jane Doe and John Roe", "Jane Doe, John Roe", "Jane Doe and the AP": one each.
    agents = []
    for part in re.split(r",|\band\b", byline_name):
        name = _PLACE_AFTER_NAME.sub("", part.strip())
        if not name:
            continue
        if _TITLE_AFTER_NAME.search(name) and agents and agents[-1]["@type"] == "Person":
            continue  # What the person before does, not someone else.
        if _NOT_PEOPLE.search(name) or _is_a_body(name):
            agents.append({"@type": "Organization", "name": re.sub(r"^the\s+", "", name)})
        else:
            agents.append({"@type": "Person", "name": name})
    return agents[0] if len(agents) == 1 else agents


def _agent(name: str, role: str = "") -> dict:
    """Who said a quote: a body ("SBU", "the General Staff", a report) or a person."""
    kind = "Organization" if role.lower() == "report" or _is_a_body(name) else "Person"
    agent = {"@type": kind, "name": name}
    if kind == "Person" and role:
        agent["jobTitle"] = role
    return agent


def image_object(request, photo: Photo) -> dict | None:
    jpeg = photo.public_files.jpeg()
    if jpeg is None:
        return None
    url = absolute_url(request, jpeg.url)
    image = {
        "@type": "ImageObject",
        "contentUrl": url,
        "url": url,
        "width": jpeg.width,
        "height": jpeg.height,
        "caption": photo.caption or photo.alt_text,
    }
    credit = photo.credit
    if credit is not None and credit.line:
        image["creditText"] = credit.line
    # From the credit only: the photo's own creator and copyright fields hold what
    # the file said (often a phone owner's name), filled in unseen by a bulk upload.
    if credit is not None and credit.creator:
        image["creator"] = {"@type": "Person", "name": credit.creator}
    elif credit is not None and credit.account:
        image["creator"] = {"@type": "Organization", "name": f"{credit.platform} {credit.account}"}
    # `license` is the address of a licence: usage terms in words stay with the desk.
    if credit is not None and credit.licence.startswith(("https://", "http://")):
        image["license"] = credit.licence
    if credit is not None and credit.url:
        image["isBasedOn"] = credit.url  # The post or video it was taken from.
    return image


def quotation(quote) -> dict:
    data = {"@type": "Quotation", "text": quote.text}
    if quote.language:
        data["inLanguage"] = quote.language  # Else the article's.
    if quote.speaker:
        data["creator"] = _agent(quote.speaker, quote.speaker_role)
    if quote.said_on:
        data["dateCreated"] = quote.said_on.isoformat()
    if quote.said_in_phrase():
        data["description"] = f"Said {quote.said_in_phrase()}"
    if quote.url:
        data["isBasedOn"] = quote.url
    return data


def news_article(
    request,
    article: Article,
    slides: list[Slide],
    corrections: list[Correction],
    *,
    modified: dt.datetime | None,
) -> dict:
    """``modified``: Article.modified_at with the story's notes, as the page has it."""
    site = {"@type": "Organization", "name": settings.SITE_NAME}
    url = absolute_url(request, article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": url,
        "url": url,
        "headline": shorten(article.headline, 110),  # Google's limit.
        "description": article.standfirst,
        "publisher": site,
        "author": _author(article.byline_name()),
        "isAccessibleForFree": True,
        "inLanguage": article.language,
    }
    if article.published_at:
        data["datePublished"] = article.published_at.isoformat()
    if modified:
        data["dateModified"] = modified.isoformat()
    # Search engines take the first image for their cards, as share cards do.
    images = [
        image_object(request, slide.photo)
        for slide in for_sharing(slides)
        if slide.photo is not None and not slide.photo.is_sensitive
    ]
    if images := [image for image in images if image]:
        data["image"] = images
    quotes = [quotation(quote) for slide in slides for quote in slide.quote_list]
    if quotes:
        data["hasPart"] = quotes
    # An update note says what is new, not what was wrong: it moves dateModified only.
    if fixed := [note for note in corrections if note.kind == Correction.Kind.CORRECTION]:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": correction.text,
                "datePublished": correction.published_at.isoformat(),
            }
            for correction in fixed
        ]
    return data


def annotation_collection(request, article: Article, slides: list[Slide]) -> dict:
    url = absolute_url(request, reverse("newsroom:annotations", args=[article.slug]))
    items = []
    for number, slide in enumerate(slides, start=1):
        if slide.photo is None:
            continue
        # A sensitive photo's notes point at its slide page, where the warning
        # comes first, never at the image file itself.
        jpeg = slide.photo.public_files.jpeg() if shareable(slide) else None
        source = absolute_url(request, jpeg.url) if jpeg else None
        slide_url = absolute_url(request, reverse("newsroom:slide", args=[article.slug, number]))
        for annotation in notes(slide.photo):
            xywh = ",".join(
                f"{value * 100:g}"
                for value in (annotation.x, annotation.y, annotation.width, annotation.height)
            )
            items.append(
                {
                    "id": f"{url}#annotation-{annotation.pk}",
                    "type": "Annotation",
                    "motivation": "describing",
                    "body": {
                        "type": "TextualBody",
                        "value": annotation.note,
                        "format": "text/plain",
                        # The photo desk's words, shared by every story using the photo.
                        "language": SITE_LANGUAGE,
                    },
                    "target": {
                        "source": source or slide_url,
                        "scope": slide_url,
                        "selector": {
                            "type": "FragmentSelector",
                            "conformsTo": "http://www.w3.org/TR/media-frags/",
                            "value": f"xywh=percent:{xywh}",
                        },
                    },
                }
            )
    return {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": url,
        "type": "AnnotationCollection",
        "label": f"Notes on the photos of “{article.headline}”",
        "total": len(items),
        "first": {"id": f"{url}#page-1", "type": "AnnotationPage", "items": items},
    }
