"""Parse the partners' plain-text slideshow format into plain data. No database here.

The format (see the story brief): the headline on the first line, the
standfirst on the next, then slides, each closed by a ``Photo Credit:`` line,
then closing paragraphs after the last credit. One paragraph per line.
"""

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

MAX_BYTES = 1_000_000  # A nine-slide story is about 10 kB; a megabyte is not a slideshow.
HEADLINE_MAX = 200  # Article.headline
CREDIT_MAX = 300  # Credit.line_override
# Credit's part fields: a longer part would not fit its column (PostgreSQL refuses it).
CREDIT_PART_MAX = {"platform": 100, "account": 200, "creator": 200}
CREDIT_PART_NAMES = {
    "platform": "platform or organisation",
    "account": "account",
    "creator": "photographer",
}
MIN_QUOTE_WORDS = 4  # Shorter quoted stretches are scare quotes or titles, not quotations.

CREDIT_LINE = re.compile(r"^\s*photo\s+credits?\s*:\s*(?P<credit>.*)$", re.IGNORECASE)

# Platform names as partners write them; matched case-insensitively, kept as written.
PLATFORMS = {
    "bluesky",
    "facebook",
    "instagram",
    "linkedin",
    "mastodon",
    "reddit",
    "rumble",
    "telegram",
    "threads",
    "tiktok",
    "twitter",
    "vk",
    "vkontakte",
    "weibo",
    "whatsapp",
    "x",
    "youtube",
}

# File signatures worth naming when someone uploads the wrong file.
SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a ZIP archive (or a Word document)",
    b"RIFF": "a RIFF file (WebP image or audio)",
}


class ParseError(ValueError):
    """Input that is not a slideshow; the message names the line or byte at fault."""


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int  # 1-based line number in the file


@dataclass(frozen=True)
class ParsedCredit:
    """A credit line split into provenance parts; ``line_override`` set when not understood."""

    line: str
    kind: str = "social"
    platform: str = ""
    account: str = ""
    creator: str = ""
    line_override: str = ""

    @property
    def recognised(self) -> bool:
        return not self.line_override

    @property
    def parts_known(self) -> bool:
        """Understood, though the line is kept as written ("Press Office / Handout")."""
        return bool(self.platform or self.account or self.creator)


@dataclass(frozen=True)
class ParsedQuote:
    text: str
    speaker: str = ""
    said_in: str = ""  # a Quote.Medium value, or "" when the text does not say
    attribution: str = ""  # the words that told us who, as written


@dataclass
class ParsedSlide:
    paragraphs: list[Paragraph]
    credit: ParsedCredit
    credit_line_number: int
    quotes: list[ParsedQuote] = field(default_factory=list)

    @property
    def narrative(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@dataclass
class ParsedStory:
    headline: str
    standfirst: str
    slides: list[ParsedSlide]
    closing: list[Paragraph]

    @property
    def closing_text(self) -> str:
        return "\n".join(p.text for p in self.closing)

    def credits(self) -> list[ParsedCredit]:
        """Distinct credits in order of first appearance."""
        return list(dict.fromkeys(slide.credit for slide in self.slides))

    def quotes(self) -> list[ParsedQuote]:
        return [quote for slide in self.slides for quote in slide.quotes]


def decode_text(data: bytes) -> str:
    """Bytes of an uploaded file to text, or ParseError saying why it is not a text file."""
    if not data or not data.strip():
        raise ParseError("The file is empty.")
    if len(data) > MAX_BYTES:
        raise ParseError(
            f"The file is {len(data) / 1e6:.1f} MB; a slideshow text is at most "
            f"{MAX_BYTES / 1e6:.0f} MB. Is this the right file?"
        )
    unicode = _decode_by_bom(data)
    if unicode is not None:
        return _refuse_control_characters(unicode)
    for signature, name in SIGNATURES.items():
        if data.startswith(signature):
            raise ParseError(f"This is {name}, not a plain-text slideshow.")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ParseError(
            f"This is binary data, not text: byte offset {nul} (line {_line_at(data, nul)}) "
            "is a NUL byte."
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ParseError(
            f"The file is not UTF-8 text: byte offset {error.start} "
            f"(line {_line_at(data, error.start)}) is 0x{data[error.start]:02x}. "
            "Save it as UTF-8 and try again."
        ) from None
    return _refuse_control_characters(text)


# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
BYTE_ORDER_MARKS = [
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
]


def _decode_by_bom(data: bytes) -> str | None:
    """Text saved as UTF-16 (Notepad's "Unicode") or UTF-32 says so in its first bytes."""
    for mark, codec, name in BYTE_ORDER_MARKS:
        if data.startswith(mark):
            try:
                return data.decode(codec).removeprefix("\ufeff")
            except UnicodeDecodeError as error:
                raise ParseError(
                    f"The file is marked as {name} text but byte offset {error.start} "
                    "does not decode; save it as UTF-8 and try again."
                ) from None
    return None


def _refuse_control_characters(text: str) -> str:
    for number, line in _raw_paragraphs(text):
        for char in line:
            if unicodedata.category(char) == "Cc" and char != "\t":
                raise ParseError(
                    f"Line {number} contains the control character U+{ord(char):04X}; "
                    "this looks like binary data, not text."
                )
    return text.removeprefix("\ufeff")


def _line_at(data: bytes, offset: int) -> int:
    # As LINE_END counts them: CRLF, a lone CR (old Mac files) and LF each end a line.
    crlf = data.count(b"\r\n", 0, offset)
    return data.count(b"\n", 0, offset) + data.count(b"\r", 0, offset) - crlf + 1


# Where a text editor starts a new line, and so what "Line N" in a message counts.
LINE_END = re.compile(r"\r\n|\r|\n")


def _raw_paragraphs(text: str) -> Iterator[tuple[int, str]]:
    """Each paragraph of ``text``, uncleaned and possibly blank, with the number of its line.

    Word processors end a paragraph with U+2029 or a page break (form feed), and a
    line within one with U+2028 or a vertical tab. In a format of one paragraph per
    line each ends a paragraph as a newline does: ``str.splitlines`` splits on them,
    as ``split_paragraphs`` does when a stored narrative is read back. Only CR and LF
    start a new line number, as in the text editor where the partner looks it up.
    """
    for number, line in enumerate(LINE_END.split(text), start=1):
        for paragraph in line.splitlines():
            yield number, paragraph


# Invisible characters that copy-and-paste and joined files leave behind: zero-width
# space, word joiner, byte order mark, Mongolian vowel separator. Noise wherever they are.
NOISE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u180e"))
# Zero-width (non-)joiners shape Persian or emoji inside a line; at its ends they are noise.
EDGE_NOISE = "\u200c\u200d"


def clean_line(raw: str) -> str:
    """A line without invisible noise; a line of only such characters becomes ""."""
    line = raw.translate(NOISE).strip()
    while line and (line[0] in EDGE_NOISE or line[-1] in EDGE_NOISE):
        line = line.strip(EDGE_NOISE).strip()
    return line


def parse_story(text: str) -> ParsedStory:
    """The slideshow in ``text``; raises ParseError naming the line at fault."""
    paragraphs: list[Paragraph] = []
    slides: list[ParsedSlide] = []
    headline: Paragraph | None = None
    standfirst: Paragraph | None = None
    for number, raw in _raw_paragraphs(text):
        line = clean_line(raw)
        if not line:
            continue
        credit_match = CREDIT_LINE.match(line)
        if credit_match is None:
            if headline is None:
                headline = Paragraph(line, number)
            elif standfirst is None:
                standfirst = Paragraph(line, number)
            else:
                paragraphs.append(Paragraph(line, number))
            continue
        if headline is None:
            raise ParseError(
                f"Line {number}: the file starts with a 'Photo Credit:' line; "
                "the first line must be the headline."
            )
        if not paragraphs:
            where = (
                f"line {headline.line} is the headline and a standfirst paragraph must follow it"
                if standfirst is None
                else f"line {standfirst.line} is read as the standfirst"
                if not slides
                else f"the previous slide ended on line {slides[-1].credit_line_number}"
            )
            raise ParseError(
                f"Line {number}: a 'Photo Credit:' line with no narrative paragraph "
                f"before it ({where})."
            )
        credit_text = credit_match["credit"].strip()
        if not credit_text:
            raise ParseError(f"Line {number}: the 'Photo Credit:' line names no one.")
        if len(credit_text) > CREDIT_MAX:
            raise ParseError(
                f"Line {number}: the credit is {len(credit_text)} characters; "
                f"the limit is {CREDIT_MAX}."
            )
        credit = parse_credit(credit_text)
        _check_credit_parts(credit, number)
        slides.append(
            ParsedSlide(
                paragraphs=paragraphs,
                credit=credit,
                credit_line_number=number,
                quotes=[q for p in paragraphs for q in extract_quotes(p.text)],
            )
        )
        paragraphs = []
    if headline is None:
        raise ParseError("The file is empty.")
    if len(headline.text) > HEADLINE_MAX:
        raise ParseError(
            f"Line {headline.line}: the headline is {len(headline.text)} characters; "
            f"the limit is {HEADLINE_MAX}."
        )
    if standfirst is None:
        raise ParseError(
            f"Line {headline.line}: there is only a headline. A standfirst paragraph and at "
            "least one slide ending with a 'Photo Credit:' line must follow it."
        )
    if not slides:
        raise ParseError(
            "No 'Photo Credit:' line: a slideshow needs at least one slide, "
            "its paragraphs followed by a line such as 'Photo Credit: Agency / Photographer'."
        )
    return ParsedStory(headline.text, standfirst.text, slides, closing=paragraphs)


def parse_story_bytes(data: bytes) -> ParsedStory:
    return parse_story(decode_text(data))


# Credit lines ---------------------------------------------------------------


def _check_credit_parts(credit: "ParsedCredit", number: int) -> None:
    """Each part must fit its column; the database would refuse it at the end otherwise."""
    for name, limit in CREDIT_PART_MAX.items():
        value = getattr(credit, name)
        if len(value) > limit:
            raise ParseError(
                f"Line {number}: the credit's {CREDIT_PART_NAMES[name]} "
                f"'{value[:40]}…' is {len(value)} characters; the limit is {limit}. "
                "Shorten it in the file."
            )


def parse_credit(line: str) -> ParsedCredit:
    """Split a credit line into provenance; anything unrecognised is kept verbatim."""
    line = " ".join(line.split())
    parts = [part.strip() for part in line.split("/")]
    verbatim = ParsedCredit(line=line, kind="social", line_override=line)
    if any(not part for part in parts) or len(parts) > 2:
        return verbatim
    if len(parts) == 1:
        # "Telegram @handle", "YouTube SomeChannel", or just "Telegram".
        platform, _, account = line.partition(" ")
        if platform.lower() in PLATFORMS:
            return ParsedCredit(line=line, kind="social", platform=platform, account=account)
        return verbatim
    first, second = parts
    if first.lower() in {"screenshot", "video still", "screengrab"}:
        platform, _, account = second.partition(" ")
        if platform.lower() in PLATFORMS:
            return ParsedCredit(line=line, kind="screenshot", platform=platform, account=account)
        return ParsedCredit(line=line, kind="screenshot", platform=second)
    if first.lower() == "handout":
        return ParsedCredit(line=line, kind="handout", platform=second)
    if second.lower() == "handout":
        # "Press Office / Handout": the organisation handed it out. The line stays as written.
        return ParsedCredit(line=line, kind="handout", platform=first, line_override=line)
    # "Agency Name / Photographer Name".
    return ParsedCredit(line=line, kind="agency", platform=first, creator=second)


# Quotes ---------------------------------------------------------------------

SPEECH_VERBS = (
    r"said|says|wrote|writes|added|adds|noted|notes|posted|posts|stated|states|told|"
    r"explained|explains|reported|reports|warned|warns|claimed|claims|declared|declares|"
    r"tweeted|continued|insisted|insists|announced|announces|stressed|stresses"
)
PRONOUNS = {"he", "she", "they", "it", "we", "i", "who", "this", "that"}
WHO = r"(?P<who>[^\W\d_][\w'’.\- ]{0,80}?)"
# After the closing quote: ',” Name wrote', ',” wrote Name', ', according to X'.
AFTER_NAME_VERB = re.compile(rf"^\s*[,—–-]?\s*{WHO}\s+(?P<verb>{SPEECH_VERBS})\b", re.I)
AFTER_VERB_NAME = re.compile(
    rf"^\s*[,—–-]?\s*(?P<verb>{SPEECH_VERBS})\s+{WHO}\s*(?:[.,;:!?]|$|\bon\b|\bin\b)", re.I
)
AFTER_ACCORDING = re.compile(rf"^\s*[,—–-]?\s*according\s+to\s+{WHO}\s*(?:[.,;:!?]|$)", re.I)
# Before the opening quote: 'Name wrote on X: “…”', 'according to X, “…”'.
BEFORE_NAME_VERB = re.compile(
    rf"(?:^|[.;:!?]\s+){WHO}\s+(?P<verb>{SPEECH_VERBS})(?:\s+(?:on|in)\s+[\w ]{{1,30}}?)?"
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
    spans: list[tuple[int, int]] = []
    opened: list[str] = []  # the mark that opened each quotation still open, innermost last
    start, doubtful = 0, False
    for match in QUOTE_MARKS.finditer(paragraph):
        index, char = match.start(), match.group()
        role, guessed = _role(paragraph, index, opened[-1] if opened else "")
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
    return spans


def extract_quotes(paragraph: str) -> list[ParsedQuote]:
    """Quotations in one paragraph, with the speaker when the attribution says who."""
    quotes = []
    # Computed once: per quote over the whole paragraph, a long one took minutes.
    marks = [match.start() for match in QUOTE_MARKS.finditer(paragraph)]
    paragraph_media = _media_in(paragraph)
    for start, end in quoted_spans(paragraph):
        text = paragraph[start + 1 : end - 1].strip().rstrip(",").strip()
        if len(text.split()) < MIN_QUOTE_WORDS:
            continue
        # Only the sentence around the quote counts: stop at the neighbouring quote marks.
        previous = bisect.bisect_left(marks, start)
        following = bisect.bisect_left(marks, end)
        before = paragraph[marks[previous - 1] + 1 if previous else 0 : start]
        after = paragraph[end : marks[following] if following < len(marks) else len(paragraph)]
        speaker, attribution = _attribution(before, after)
        quotes.append(
            ParsedQuote(
                text=text,
                speaker=speaker,
                said_in=_medium(_media_in(attribution), paragraph_media),
                attribution=attribution,
            )
        )
    return quotes


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
            if who is not None:
                return who, match.group(0).strip(" ,—–-:")
    return "", ""


def _speaker(phrase: str) -> str | None:
    """A name from the attribution phrase; "" when it names no one; None when not a subject."""
    words = phrase.strip().rstrip(".").split()
    if not words or len(words) > 8:
        return None
    if words[0].lower() in PRONOUNS:
        return ""
    if words[0].lower() in {"the", "a", "an"}:
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
