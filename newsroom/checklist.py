"""The publish checklist: what must be true before readers may see a story.

Every way to publish (the change form, the changelist action, a schedule)
goes through newsroom.services, which asks `publish_problems()` first.
"""

import re
from collections import Counter
from dataclasses import dataclass

from newsroom.models import Article, Slide


@dataclass(frozen=True)
class Problem:
    message: str
    # Problems an editor may knowingly accept by writing down why.
    overridable: bool = False


def publish_problems(article: Article, slides: list[Slide] | None = None) -> list[Problem]:
    """Everything that stands between this story and publication, in reading order.

    `slides`: the story's slides as a form has them, not yet saved (in order, with
    their photos' credits and redactions read, and the saved ones' quotes).
    """
    problems = []
    for label, value in (
        ("headline", article.headline),
        ("slug", article.slug),
        ("standfirst", article.standfirst),
    ):
        if not (value or "").strip():
            problems.append(Problem(f"The story has no {label}."))
    if slides is None:
        if article.pk is None:
            return problems
        slides = list(
            article.slides.select_related("photo__credit", "awaiting_credit").prefetch_related(
                "photo__redactions", "quotes"
            )
        )
    if not slides:
        problems.append(Problem("The story has no slides: a photo story needs at least one photo."))
    for number, slide in enumerate(slides, start=1):
        for quote in slide.quotes.all() if slide.pk else ():
            if not quote.speaker.strip():
                # Readers would see words in quotation marks said by no one.
                words = quote.text.split()
                opening = " ".join(words[:6]) + ("…" if len(words) > 6 else "")
                problems.append(Problem(f"Slide {number}: the quote “{opening}” has no speaker."))
        photo = slide.photo
        copy_says = (
            f" (the copy's credit, not yet in the library: {slide.awaiting_credit_line})"
            if slide.awaiting_credit_line
            else ""
        )
        if photo is None:
            wanted = f" (its credit: {slide.awaiting_credit.line})" if slide.awaiting_credit else ""
            problems.append(Problem(f"Slide {number} has no photo{wanted or copy_says}."))
            continue
        if photo.withheld_reason.strip():
            problems.append(
                Problem(
                    f"Slide {number}: the photo “{photo}” is withheld from readers "
                    f"({photo.withheld_reason.strip()}): choose another."
                )
            )
        if not photo.alt_text.strip():
            problems.append(Problem(f"Slide {number}: the photo “{photo}” has no alt text."))
        if photo.credit_id is None:
            problems.append(
                Problem(f"Slide {number}: the photo “{photo}” has no credit{copy_says}.")
            )
        elif not photo.credit.line.strip():
            # Saved before credits had to say something: readers would see "Photo Credit: ".
            problems.append(
                Problem(
                    f"Slide {number}: the photo “{photo}” has a credit with nothing in it "
                    f"(credit #{photo.credit_id}): fill it in, or choose another."
                )
            )
        elif photo.credit.verification == photo.credit.Verification.DISPUTED:
            # Someone has said it is not what, or whose, the credit says. The note may
            # still be what was written when it was verified: quoted as the desk's note,
            # not given as the reason.
            note = photo.credit.verification_note.strip()
            said = f" (the desk's note: {note})" if note else ""
            problems.append(
                Problem(
                    f"Slide {number}: the credit of the photo “{photo}”, "
                    f"{photo.credit.line}, is marked disputed{said}: "
                    "settle where it came from, or choose another photo."
                )
            )
        if photo.is_sensitive and not photo.sensitivity_warning.strip():
            problems.append(
                Problem(
                    f"Slide {number}: the photo “{photo}” is marked sensitive "
                    "but has no warning text for readers."
                )
            )
        if photo.shows_protected_people and not photo.redactions.all():
            problems.append(
                Problem(
                    f"Slide {number}: the photo “{photo}” shows prisoners, detainees or "
                    "minors and has no redactions.",
                    overridable=True,
                )
            )
    return problems


def blocking_problems(article: Article, problems: list[Problem] | None = None) -> list[Problem]:
    """The problems left once an editor's recorded override is taken into account.

    Pass `problems` when `publish_problems()` has already been run.
    """
    if problems is None:
        problems = publish_problems(article)
    overridden = bool(article.protected_persons_override.strip())
    return [p for p in problems if not (p.overridable and overridden)]


# Slide numbers change as slides move: a problem is known by what it says.
_SLIDE_NUMBER = re.compile(r"^Slide \d+:? ")


def _what(problem: Problem) -> str:
    return _SLIDE_NUMBER.sub("", problem.message)


@dataclass(frozen=True)
class Findings:
    """What the checklist found in a story at one moment, slide numbers aside."""

    blocking: Counter
    overridden: Counter  # Let through by the story's recorded override.


def _split(article: Article, slides=None) -> tuple[list[Problem], list[Problem]]:
    """The blocking problems, and those the story's recorded override lets through."""
    problems = publish_problems(article, slides)
    blocking = blocking_problems(article, problems)
    return blocking, [p for p in problems if p not in blocking]


def findings(article: Article) -> Findings:
    blocking, overridden = _split(article)
    return Findings(Counter(map(_what, blocking)), Counter(map(_what, overridden)))


def problems_added(
    article: Article, before: Findings, slides=None
) -> tuple[list[Problem], list[Problem]]:
    """Since ``before``: the blocking problems the story has gained, and those its
    override now lets through that it did not (`slides` as for publish_problems)."""
    blocking, let_through = _split(article, slides)
    new = Counter(map(_what, blocking)) - before.blocking
    fresh = Counter(map(_what, let_through)) - before.overridden
    return [p for p in blocking if _what(p) in new], [p for p in let_through if _what(p) in fresh]
