"""Quotations in a paragraph of the partners' slideshows: where they are, and who said them.

Plain text in, plain data out (newsroom.importer reads the rest of the format).
"""

import bisect
import datetime as dt
import re
from dataclasses import dataclass

MIN_QUOTE_WORDS = 4  # Shorter quoted stretches are scare quotes or titles, not quotations.


@dataclass(frozen=True)
class ParsedQuote:
    text: str
    speaker: str = ""
    said_in: str = ""  # a Quote.Medium value, or "" when the text does not say
    attribution: str = ""  # the words that told us who, as written
    speaker_role: str = ""  # "President", from "said President Volodymyr Zelensky"
    said_on: dt.date | None = None  # only from a date the sentence gives in full


SPEECH_VERBS = (
    r"said|says|wrote|writes|added|adds|noted|notes|posted|posts|stated|states|told|"
    r"explained|explains|reported|reports|warned|warns|claimed|claims|declared|declares|"
    r"tweeted|continued|insisted|insists|announced|announces|stressed|stresses"
)
PRONOUNS = {"he", "she", "they", "it", "we", "i", "who", "this", "that"}
# The full stop of "Dr.", "Gen." or an initial ("John F. Kennedy", "U.S.") ends no
# sentence: it is read as this look-alike while a speaker is looked for.
ABBREVIATION_STOP = "\u2024"
ABBREVIATION = re.compile(
    r"\b(Dr|Mrs?|Ms|Prof|Gen|Lt|Col|Sen|Rep|Gov|Capt|Maj|Sgt|Adm|Cmdr|Rev|Hon|St|Jr|Sr|[A-Z])"
    r"\.(?=\s*\w)"
)
# A call sign in single quotes belongs to the name: Oleksandr ‘Sasha’ Kovalenko.
WHO = rf"(?P<who>[^\W\d_][\w'’‘.{ABBREVIATION_STOP}\- ]{{0,80}}?)"
# After the closing quote: ',” Name wrote', ',” wrote Name', ', according to X'.
AFTER_NAME_VERB = re.compile(rf"^\s*[,—–-]?\s*{WHO}\s+(?P<verb>{SPEECH_VERBS})\b", re.I)
AFTER_VERB_NAME = re.compile(
    rf"^\s*[,—–-]?\s*(?P<verb>{SPEECH_VERBS})\s+{WHO}\s*(?:[.,;:!?]|$|\bon\b|\bin\b)", re.I
)
AFTER_ACCORDING = re.compile(rf"^\s*[,—–-]?\s*according\s+to\s+{WHO}\s*(?:[.,;:!?]|$)", re.I)
# Before the opening quote: 'Name wrote on X: “…”', 'according to X, “…”'.
BEFORE_NAME_VERB = re.compile(
    rf"(?:^|[.;:!?,]\s+){WHO}\s+(?P<verb>{SPEECH_VERBS})(?:\s+(?:on|in)\s+[\w ]{{1,30}}?)?"
    r"(?:\s+that)?\s*[:,]?\s*$",
    re.I,
)
BEFORE_ACCORDING = re.compile(rf"according\s+to\s+{WHO}\s*[:,]\s*$", re.I)

MEDIA = [
    ("x", re.compile(r"\bon (?:X|Twitter)\b|\bposts? on X\b")),
    ("telegram", re.compile(r"\bTelegram\b")),
    ("facebook", re.compile(r"\bFacebook\b")),
    ("report", re.compile(r"\breport(?:s|ed)?\b", re.I)),
    ("video", re.compile(r"\bvideo\b", re.I)),
    ("interview", re.compile(r"\binterview\b", re.I)),
    ("statement", re.compile(r"\bstatement\b", re.I)),
]


# Titles written before a name: "President", "Defence Minister", "Lieutenant General",
# "Gen." ("Dr." and "Mr." stay with the name).
OFFICES = {
    "ambassador", "brigadier", "captain", "chancellor", "chief", "colonel", "commander",
    "general", "governor", "lieutenant", "major", "mayor", "minister", "president",
    "secretary", "senator", "sergeant", "spokesman", "spokesperson", "spokeswoman",
    "adm.", "capt.", "cmdr.", "col.", "gen.", "gov.", "lt.", "maj.", "rep.", "sen.", "sgt.",
}  # fmt: skip
QUALIFIERS = {
    "acting",
    "attorney",
    "surgeon",
    "defence",
    "defense",
    "deputy",
    "foreign",
    "former",
    "interior",
    "prime",
    "vice",
}
# A country's or a body's initials before a title: "US Ambassador", "NATO Secretary".
INITIALS_OR_ACRONYM = re.compile(r"(?:[A-Z]\.?){2,6}")
# What follows "General" and the like in the names of institutions, not people.
NOT_NAMES = {"assembly", "command", "council", "dynamics", "electric", "motors", "office", "staff"}
MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january", "february", "march", "april", "may", "june",
            "july", "august", "september", "october", "november", "december",
        ),
        start=1,
    )
}  # fmt: skip
# "on 11 January 2025", "on January 11, 2025": a date without its year is left for an editor.
DATE = re.compile(
    r"\b[Oo]n\s+"
    r"(?:(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]+)|(?P<month2>[A-Z][a-z]+)\s+(?P<day2>\d{1,2}),?)"
    r"\s+(?P<year>\d{4})\b"
)
# Where a clause ends: not at the comma of "January 11, 2025".
CLAUSE_END = re.compile(r"[.;:!?]|,(?!\s*\d{4}\b)")

QUOTE_MARKS = re.compile('["“”„‚‘«»‹›]')
# Marks that may pair with one another. Straight and curly double marks mix, as partners
# mix them; a guillemet pairs with either guillemet of its size, since French opens with
# « and German and Danish with ».
PAIRS = {
    **dict.fromkeys('"“”„', "double"),
    **dict.fromkeys("‚‘", "single"),
    **dict.fromkeys("«»", "guillemet"),
    **dict.fromkeys("‹›", "single guillemet"),
}
# Where a mark sits says which way it faces: "word or word" ...
OPENS_AFTER = set("([{—–-/:")
CLOSES_BEFORE = set(".,;:!?)]}—–-…")


def _facing(paragraph: str, index: int) -> str:
    """'open', 'close' or '' (cannot tell) for the mark at ``index``, from what touches it."""
    before = paragraph[index - 1] if index else ""
    after = paragraph[index + 1] if index + 1 < len(paragraph) else ""
    if (not before or before.isspace() or before in OPENS_AFTER) and after and not after.isspace():
        return "open"
    if before and not before.isspace() and (not after or after.isspace() or after in CLOSES_BEFORE):
        return "close"
    return ""


def _role(paragraph: str, index: int, innermost: str) -> tuple[str, bool]:
    """('open', 'close' or '' for no quotation mark here; whether that is a guess).

    ``innermost`` is the mark that opened the innermost quotation still open, or "".
    """
    char = paragraph[index]
    if char == '"':
        role = _facing(paragraph, index)
        return (role, False) if role else ("close" if innermost else "open", True)
    if char == "“":
        # German closes „…“ with the mark English opens with; facing the words after it,
        # it still opens (“…” inside „…“).
        closes = innermost == "„" and _facing(paragraph, index) != "open"
        return ("close" if closes else "open"), False
    if char == "‘":
        # Only German ‚…‘ is read: in English ‘ opens, and its partner ’ is also the apostrophe.
        closes = innermost == "‚" and _facing(paragraph, index) != "open"
        return ("close" if closes else ""), False
    if char == "‚":
        # Against the word before it, it is a comma look-alike, not an opening mark.
        return ("open" if _facing(paragraph, index) == "open" else ""), False
    if char == "„":
        return "open", False
    if char == "”":
        return "close", False
    return _guillemet_role(paragraph, index, innermost), False


def _guillemet_role(paragraph: str, index: int, innermost: str) -> str:
    """'open' or 'close'; French « … », German and Danish »…«, Swiss «…» alike."""
    char = paragraph[index]
    before = paragraph[index - 1] if index else " "
    after = paragraph[index + 1] if index + 1 < len(paragraph) else " "
    # isspace() includes the no-break and narrow no-break spaces French sets inside them.
    words_before = not (before.isspace() or before in OPENS_AFTER)
    words_after = not (after.isspace() or after in CLOSES_BEFORE)
    if words_after != words_before:
        return "open" if words_after else "close"
    if not words_before:
        # Spaced on both sides: only French spaces guillemets, and it opens with « and ‹.
        return "open" if char in "«‹" else "close"
    # Between two words: it closes a quotation the other guillemet opened, else opens one.
    closes = innermost != char and PAIRS.get(innermost) == PAIRS[char]
    return "close" if closes else "open"


def quoted_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each outermost closed quotation, marks included.

    Quotations nest (“… "so-called" …”, „… ‚…‘ …“), and a straight mark may
    pair with a curly one ("…” or “…"): which way a straight mark faces decides
    whether it opens or closes. “ opens in English but closes German „…“;
    guillemets open French « … » and German »…« alike, and the spaces French
    sets inside them tell the two apart. A quotation whose pairing rests on a
    mark that faces neither way, that a mark of another kind closes, or that
    never closes is left out: no quote is better than a misquote.
    """
    return _scan(paragraph)[0]


def _scan(paragraph: str) -> tuple[list[tuple[int, int]], list[int]]:
    """quoted_spans, and where every character that acted as a quotation mark is.

    Only those bound an attribution: an English ‘ (a call sign, ‘Sasha’) is a
    quotation mark to no one here.
    """
    spans: list[tuple[int, int]] = []
    marks: list[int] = []
    opened: list[str] = []  # the mark that opened each quotation still open, innermost last
    start, doubtful = 0, False
    for match in QUOTE_MARKS.finditer(paragraph):
        index, char = match.start(), match.group()
        role, guessed = _role(paragraph, index, opened[-1] if opened else "")
        if role:
            marks.append(index)
        if role == "open":
            if not opened:
                start, doubtful = index, False
            opened.append(char)
            doubtful = doubtful or guessed
        elif role == "close" and opened:
            # Closed by a mark of another kind, the quotation ends, but in doubt.
            mismatched = PAIRS[opened.pop()] != PAIRS[char]
            doubtful = doubtful or guessed or mismatched
            if not opened and not doubtful:
                spans.append((start, index + 1))
    return spans, marks


# The typeset and typewriter forms of one mark: a partner's text has one, an editor
# retyping the quote the other.
SAME_MARKS = str.maketrans(
    {"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "„": '"', "–": "-", "—": "-", "…": "..."}
)


def as_quoted(text: str) -> str:
    """A quotation's words, for telling whether two texts quote the same words: one
    form of each apostrophe, quotation mark and dash, whitespace made single, case
    folded, without the comma or full stop that closes it."""
    words = " ".join(text.translate(SAME_MARKS).split())
    return words.rstrip(" ,.;:!?").casefold()


def quoted_texts(text: str) -> set[str]:
    """The words of each quotation in a text of paragraphs, as_quoted."""
    return {
        as_quoted(paragraph[start + 1 : end - 1])
        for paragraph in text.splitlines()
        for start, end in quoted_spans(paragraph)
    }


def extract_quotes(paragraph: str) -> list[ParsedQuote]:
    """Quotations in one paragraph, with the speaker when the attribution says who."""
    quotes = []
    # Computed once: per quote over the whole paragraph, a long one took minutes.
    spans, marks = _scan(paragraph)
    paragraph_media = _media_in(paragraph)
    for start, end in spans:
        text = paragraph[start + 1 : end - 1].strip().rstrip(",").strip()
        if len(text.split()) < MIN_QUOTE_WORDS:
            continue
        # Only the sentence around the quote counts: stop at the neighbouring quote marks.
        previous = bisect.bisect_left(marks, start)
        following = bisect.bisect_left(marks, end)
        before = paragraph[marks[previous - 1] + 1 if previous else 0 : start]
        after = paragraph[end : marks[following] if following < len(marks) else len(paragraph)]
        before, after = (ABBREVIATION.sub(rf"\1{ABBREVIATION_STOP}", t) for t in (before, after))
        speaker, attribution = (
            found.replace(ABBREVIATION_STOP, ".") for found in _attribution(before, after)
        )
        role, speaker = _title(speaker)
        quotes.append(
            ParsedQuote(
                text=text,
                speaker=speaker,
                said_in=_medium(_media_in(attribution), paragraph_media),
                attribution=attribution,
                speaker_role=role,
                said_on=_said_on(before, after),
            )
        )
    return quotes


def _title(speaker: str) -> tuple[str, str]:
    """("Kremlin spokesman", "Dmitry Peskov") from "Kremlin spokesman Dmitry Peskov": the
    title ends at its last office ("President", "spokesman"), the name follows. A title
    with no name after it ("said the President.") is the role of someone the copy does
    not name: ("President", ""), for an editor to name. ("", speaker) when there is no
    office, or what follows it is not a person's name."""
    words = speaker.split()
    offices = [i for i, word in enumerate(words) if word.lower() in OFFICES]
    if not offices:
        return "", speaker
    role, name = words[: offices[-1] + 1], words[offices[-1] + 1 :]
    if not name:
        # "John Major" is a name: before a title alone stand only other titles, their
        # qualifiers ("Defence"), an owner ("Ukraine's") or an office in lower case
        # ("Kremlin spokesman").
        before = words[:-1]
        if words[-1].islower() or all(
            word.lower() in OFFICES
            or word.lower() in QUALIFIERS
            or word.endswith(("'s", "’s"))
            or INITIALS_OR_ACRONYM.fullmatch(word)  # "US Ambassador", "NATO Secretary"
            for word in before
        ):
            return speaker, ""
        return "", speaker
    if (
        # First and last capitalised ("Ursula von der Leyen"), a call sign in quotes too.
        not all(word.lstrip("‘’'")[:1].isupper() for word in (name[0], name[-1]))
        or any(word.lower() in NOT_NAMES for word in name)
    ):
        return "", speaker
    return " ".join(role), " ".join(name)


def _said_on(before: str, after: str) -> dt.date | None:
    """The date the attribution gives: in its own clause after the quote ("…,” X said on
    11 January 2025"), or opening the sentence before it ("On 11 January 2025, X said:").
    A date in another clause ("said X, whose city was shelled on…") is some other day."""
    clause = CLAUSE_END.split(after.lstrip(" ,;:—–-"), maxsplit=1)[0]
    sentence = re.split(r"[.!?]\s", before)[-1]
    opening = DATE.match(sentence.lstrip())
    return _date(clause) or (_date(opening.group(0)) if opening else None)


def _date(text: str) -> dt.date | None:
    """The one full date the text gives ("on 11 January 2025"), if any, and not to come."""
    found = set()
    for match in DATE.finditer(text):
        month = MONTHS.get((match["month"] or match["month2"]).lower())
        try:
            found.add(dt.date(int(match["year"]), month, int(match["day"] or match["day2"])))
        except (TypeError, ValueError):  # Not a month, or no such day.
            continue
    day = found.pop() if len(found) == 1 else None
    return day if day is not None and day <= dt.date.today() else None


def _attribution(before: str, after: str) -> tuple[str, str]:
    for pattern, text in (
        (AFTER_ACCORDING, after),
        (AFTER_NAME_VERB, after),
        (AFTER_VERB_NAME, after),
        (BEFORE_ACCORDING, before),
        (BEFORE_NAME_VERB, before),
    ):
        match = pattern.search(text)
        if match:
            who = _speaker(match["who"])
            if who is None:
                continue
            attribution = match.group(0)
            # "said the President, Volodymyr Zelensky.": the name after the comma.
            titled = who and attribution.endswith(",") and _title(who)[1] == ""
            if titled and (named := APPOSITIVE.match(text, match.end())):
                who = f"{who} {named['name'].rstrip('.')}"
                attribution = text[match.start() : named.end()]
            return who, attribution.strip(" ,—–-:")
    return "", ""


# A name set off by commas after a title: ", Volodymyr Zelensky." Each word capitalised.
APPOSITIVE = re.compile(r"\s*(?P<name>[A-Z][\w'’.\-]+(?:\s+[A-Z][\w'’.\-]+){1,3})\s*(?=[.,;:!?]|$)")


# "U.S.", "U.K.": a country's initials, not who said it ("a U.S. official said").
INITIALS_ONLY = re.compile(rf"^(?:[A-Z][.{ABBREVIATION_STOP}])+$")


def _speaker(phrase: str) -> str | None:
    """A name from the attribution phrase; "" when it names no one; None when not a subject."""
    name = _named(phrase)
    if name and all(INITIALS_ONLY.match(word) for word in name.split()):
        return ""
    return name


def _named(phrase: str) -> str | None:
    phrase = phrase.strip().rstrip(".")
    if opening := DATE.match(phrase):  # "On 12 January 2025 President X said": when, not who.
        phrase = phrase[opening.end() :].lstrip(" ,")
    words = phrase.split()
    if not words or len(words) > 8:
        return None
    if words[0].lower() in PRONOUNS:
        return ""
    if words[0].lower() in {"the", "a", "an", "former"}:
        rest = " ".join(words[1:])
        # "the Kremlin spokesman Dmitry Peskov": a title, then a name; "the Kremlin
        # spokesman": a title alone, not the Kremlin.
        if _title(rest)[0]:
            return rest if words[0].lower() != "former" else phrase
        # 'the President's office', 'the Mayor's chief of staff': the office speaks,
        # or someone unnamed in it, not the President.
        possessive = [i for i, w in enumerate(words) if w.endswith(("'s", "’s"))]
        if possessive and possessive[0] < len(words) - 1:
            owner = words[possessive[0]][:-2].lower()
            if owner in OFFICES:
                return rest
        # 'the report', 'the SBU's report': the capitalised owner, if any, is the speaker.
        owners = [w.removesuffix("'s").removesuffix("’s") for w in words[1:] if w[0].isupper()]
        return " ".join(owners)
    if not words[0][0].isupper() or not words[-1][0].isupper():
        return None
    return " ".join(words)


def _media_in(text: str) -> set[str]:
    return {name for name, pattern in MEDIA if pattern.search(text)}


def _medium(attribution_media: set[str], paragraph_media: set[str]) -> str:
    """The one medium the attribution names, else the one the paragraph names, else ""."""
    for found in (attribution_media, paragraph_media):
        if len(found) == 1:
            return next(iter(found))
        if found:
            return ""
    return ""
