"""Parse the partners' plain-text slideshow format into plain data. No database here.

The format (see the story brief): the headline on the first line, the
standfirst on the next, then slides, each closed by a ``Photo Credit:`` line,
then closing paragraphs after the last credit. One paragraph per line.
"""

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

from gallery.metadata import shorten
from gallery.text import without_direction_controls
from newsroom.quotations import ParsedQuote, extract_quotes

MAX_BYTES = 1_000_000  # A nine-slide story is about 10 kB; a megabyte is not a slideshow.
HEADLINE_MAX = 200  # Article.headline
CREDIT_MAX = 300  # Credit.line_override
# Far beyond any slideshow; past them a story is no longer one editors can open
# and save in the admin (a 20,000-slide file made an 86 MB form).
MAX_SLIDES = 500
MAX_PARAGRAPHS = 5_000
# Credit's part fields: a longer part would not fit its column (PostgreSQL refuses it).
CREDIT_PART_MAX = {"platform": 100, "account": 200, "creator": 200}
CREDIT_PART_NAMES = {
    "platform": "platform or organisation",
    "account": "account",
    "creator": "photographer",
}

# "Photo Credit:", also as typed in haste ("Photocredit:", a full-width colon). A dash
# or a semicolon also ends the words, when a name follows: "Photo Credit - Telegram
# @x", not "Photo credit - the brigade asked that its name be withheld."
CREDIT_LINE = re.compile(
    r"^\s*photo\s*credits?\s*(?:[:：]|[;\-–—](?=\s*(?-i:[A-Z@])[^.!?]*$))\s*(?P<credit>.*)$",
    re.IGNORECASE,
)
# Lines a partner meant as a credit but wrote otherwise ("Credit: Reuters", "Photo:
# Telegram @x", "Picture credit: AP", "Photo by Jane Doe"). Read as narrative, one
# would join two slides into one without a word, its credit shown to readers as text.
# Only a line opening with a capital, a name after it and no sentence in it: a
# narrative line wrapped before "photo by the brigade shows." is not one.
LOOKS_LIKE_A_CREDIT = re.compile(
    r"^\s*(?:(?:(?:Photo|Picture|Image|Foto|Photograph)\s*[Cc]redits?|Credits?|Photo|Photograph|Picture)"
    r"\s*[:：]\s*[A-Z@]|Photo(?:graph)?\s+by\s+[A-Z@][^,.!?…;:]*$"
    r"|Photo\s*[Cc]redits?\s+[A-Z@][^,.!?…;:]*$)",
)

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

# News agencies and picture services credited by name alone ("Reuters"), or as one
# part of a longer line ("Getty Images / AFP / John Smith"); matched case-insensitively.
AGENCIES = {
    "afp",
    "anadolu",
    "anadolu agency",
    "ap",
    "ap photo",
    "associated press",
    "dpa",
    "epa",
    "epa-efe",
    "getty images",
    "reuters",
    "ria novosti",
    "sipa",
    "tass",
    "ukrinform",
    "xinhua",
}

# What may follow an agency's name instead of a photographer's.
NOT_A_PHOTOGRAPHER = AGENCIES | {"file", "pool", "staff", "stringer"}

# Given out by whoever is named; nobody named in it took the picture.
HANDOUT = re.compile(r"handout(\s+(via|from)\s+.+)?|courtesy(\s+of)?\s+.+|.+\s+handout", re.I)

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
        return refuse_control_characters(unicode)
    for signature, name in SIGNATURES.items():
        if data.startswith(signature):
            raise ParseError(f"This is {name}, not a plain-text slideshow.")
    nul = data.find(b"\x00")
    if nul >= 0 and _looks_like_utf16(data):
        raise ParseError(
            "This looks like UTF-16 text without the mark that says so (a byte-order "
            "mark). Save it as UTF-8, or as UTF-16 with the mark, and try again."
        )
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
    return refuse_control_characters(text)


# Longest first: the UTF-32 little-endian mark starts with the UTF-16 one.
BYTE_ORDER_MARKS = [
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
]


def _looks_like_utf16(data: bytes) -> bool:
    """Mostly Latin text as UTF-16: every other byte NUL, on the same side."""
    sample = data[:2000]
    for side in (0, 1):
        half = sample[side::2]
        if half and half.count(0) >= 0.9 * len(half):
            return True
    return False


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


def refuse_control_characters(text: str) -> str:
    """The text without a byte order mark, or ParseError naming a line with binary in it."""
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
NOISE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u180e")) | {ord("\t"): " "}
# Zero-width (non-)joiners shape Persian or emoji inside a line; at its ends they are noise.
EDGE_NOISE = "\u200c\u200d"


def clean_line(raw: str) -> str:
    """A line without invisible noise, tabs read as spaces; a line of only such characters
    becomes ""."""
    line = raw.translate(NOISE).strip()
    while line and (line[0] in EDGE_NOISE or line[-1] in EDGE_NOISE):
        line = line.strip(EDGE_NOISE).strip()
    return line


def parse_story(text: str) -> ParsedStory:
    """The slideshow in ``text``; raises ParseError naming the line at fault."""
    paragraphs: list[Paragraph] = []
    slides: list[ParsedSlide] = []
    count = 0
    headline: Paragraph | None = None
    standfirst: Paragraph | None = None
    for number, raw in _raw_paragraphs(text):
        line = clean_line(raw)
        if not line:
            continue
        count += 1
        if count > MAX_PARAGRAPHS:
            raise ParseError(
                f"Line {number}: more than {MAX_PARAGRAPHS:,} paragraphs, the most a slideshow "
                "may have. Is this the right file?"
            )
        credit_match = CREDIT_LINE.match(line)
        if credit_match is None and LOOKS_LIKE_A_CREDIT.match(line):
            raise ParseError(
                f"Line {number} looks like a credit but is not written as one "
                f"(“{shorten(line, 60)}”): write it as 'Photo Credit: …', or, if it is "
                "narrative, reword the line's opening."
            )
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
        if not any(char.isalnum() for char in credit_text):  # Empty, or "/ / /", "—".
            raise ParseError(f"Line {number}: the 'Photo Credit:' line names no one.")
        if len(credit_text) > CREDIT_MAX:
            raise ParseError(
                f"Line {number}: the credit is {len(credit_text)} characters; "
                f"the limit is {CREDIT_MAX}."
            )
        if len(slides) == MAX_SLIDES:
            raise ParseError(
                f"Line {number}: more than {MAX_SLIDES} slides, the most a slideshow may have. "
                "Split the story, or check this is the right file."
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


def _an_agency(part: str) -> bool:
    """A news agency, or a picture passed on by one ("AFP via Getty Images")."""
    return part.lower() in AGENCIES or bool(re.search(r"\svia\s", part))


def parse_credit(line: str) -> ParsedCredit:
    """Split a credit line into provenance; anything unrecognised is kept verbatim."""
    # As a credit keeps its parts (gallery.text.NameField): the line then finds the
    # credit already in the library, instead of adding a look-alike each import.
    line = " ".join(without_direction_controls(line).split())
    parts = [part.strip() for part in line.split("/")]
    # Not understood: kept as written, with no platform, account or photographer
    # guessed (structured data would name a photographer), and the likeliest kind.
    if any(HANDOUT.fullmatch(part) for part in parts):
        kind = "handout"
    elif any(_an_agency(part) for part in parts):
        kind = "agency"
    else:
        kind = "social"
    verbatim = ParsedCredit(line=line, kind=kind, line_override=line)
    if any(not part for part in parts) or len(parts) > 2:
        return verbatim
    if len(parts) == 1:
        # "Telegram @handle", "YouTube SomeChannel", or just "Telegram".
        platform, _, account = line.partition(" ")
        if platform.lower() in PLATFORMS:
            return ParsedCredit(line=line, kind="social", platform=platform, account=account)
        # "Reuters", "AFP via Getty Images"; not "Handout via Reuters", handed out by
        # someone the line does not name.
        if kind == "agency":
            return ParsedCredit(line=line, kind="agency", platform=line)
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
    if second.lower() in PLATFORMS:
        # "@V_Zelenskiy_official / Telegram": the account, then where it posted.
        return ParsedCredit(
            line=line, kind="social", platform=second, account=first, line_override=line
        )
    if first.lower() in PLATFORMS:
        # "Telegram / @V_Zelenskiy_official": where it was posted, then by whom.
        return ParsedCredit(
            line=line, kind="social", platform=first, account=second, line_override=line
        )
    platform, _, account = second.partition(" ")
    if platform.lower() in PLATFORMS and account:
        # "Social / X @ZelenskyyUa": a label, then the platform and the account.
        return ParsedCredit(
            line=line, kind="social", platform=platform, account=account, line_override=line
        )
    if "@" in line:
        # "Pool / @someone": a handle is an account, never a photographer's name.
        return verbatim
    if _an_agency(second) and not _an_agency(first) and kind != "handout":
        # "Genya Savilov / AFP via Getty Images", "Jane Doe / AP": the photographer first.
        return ParsedCredit(
            line=line, kind="agency", platform=second, creator=first, line_override=line
        )
    if kind == "handout" or second.lower() in NOT_A_PHOTOGRAPHER:
        # "Press Service / Handout via Reuters", "Getty Images / AFP": no photographer named.
        return verbatim
    # "Agency Name / Photographer Name".
    return ParsedCredit(line=line, kind="agency", platform=first, creator=second)
