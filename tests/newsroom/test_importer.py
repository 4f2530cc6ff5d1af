"""The plain-text slideshow parser: pure, so no database."""

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.importer import (
    CREDIT_LINE,
    MAX_BYTES,
    ParseError,
    clean_line,
    decode_text,
    parse_credit,
    parse_story,
    parse_story_bytes,
)
from newsroom.models import split_paragraphs
from newsroom.quotations import extract_quotes

FIXTURE = Path(__file__).parent / "fixtures" / "kursk-slideshow.txt"


def test_reference_story_parses_into_nine_slides_two_credits_five_quotes():
    story = parse_story_bytes(FIXTURE.read_bytes())
    assert story.headline == (
        "See the images of the North Korean soldiers Ukraine captured in Kursk"
    )
    assert story.standfirst.startswith("Ukraine says it has taken two North Korean soldiers")
    assert len(story.slides) == 9
    assert [len(slide.paragraphs) for slide in story.slides] == [2, 1, 2, 1, 1, 1, 1, 2, 1]
    assert len(story.closing) == 3
    assert Counter(slide.credit.line for slide in story.slides) == {
        "Telegram @V_Zelenskiy_official": 6,
        "Screenshot / YouTube SecurityServiceUkraine": 3,
    }
    quotes = story.quotes()
    assert len(quotes) == 5
    assert Counter(q.speaker for q in quotes) == {
        "SBU": 2,
        "Volodymyr Zelensky": 1,
        "Zelensky": 1,
        "": 1,
    }
    assert [q.said_in for q in quotes] == ["x", "report", "report", "x", ""]
    # The mismatched pair ("…”) and the bracketed insertions survive intact.
    assert quotes[2].text.startswith("The prisoners do not speak Ukrainian")
    assert "[North Korea's] involvement in the war against [Ukraine]" in quotes[3].text
    # A one-word scare quote ("training") is not a quotation.
    assert story.slides[5].quotes == []


def test_narrative_is_kept_whole_quote_marks_and_all():
    story = parse_story_bytes(FIXTURE.read_bytes())
    assert story.slides[0].paragraphs[1].text.startswith("“Our soldiers have captured")
    assert story.slides[0].narrative.count("\n") == 1


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "Screenshot / YouTube SecurityServiceUkraine",
            {"kind": "screenshot", "platform": "YouTube", "account": "SecurityServiceUkraine"},
        ),
        (
            "Telegram @V_Zelenskiy_official",
            {"kind": "social", "platform": "Telegram", "account": "@V_Zelenskiy_official"},
        ),
        (
            "Associated Press / Efrem Lukatsky",
            {"kind": "agency", "platform": "Associated Press", "creator": "Efrem Lukatsky"},
        ),
        ("Handout / Ministry of Defence", {"kind": "handout", "platform": "Ministry of Defence"}),
        ("X @ZelenskyyUa", {"kind": "social", "platform": "X", "account": "@ZelenskyyUa"}),
    ],
)
def test_credit_lines_become_provenance(line, expected):
    credit = parse_credit(line)
    assert credit.recognised
    for name, value in expected.items():
        assert getattr(credit, name) == value


@pytest.mark.parametrize(
    "line",
    ["Courtesy of the family", "AP / Pool / Reuters", "/ nobody"],
)
def test_unrecognised_credit_lines_are_kept_verbatim(line):
    credit = parse_credit(line)
    assert not credit.recognised
    assert credit.line_override == line


@pytest.mark.parametrize(
    ("line", "kind", "parts"),
    [
        ("Reuters", "agency", {"platform": "Reuters"}),
        ("Handout", "handout", {}),
        ("Courtesy of the SBU", "handout", {}),
        ("Getty Images / AFP / John Smith", "agency", {}),
        ("Getty Images / AFP", "agency", {}),
        ("Reuters / Pool", "agency", {}),
        ("Ukraine Presidential Press Service / Handout via Reuters", "handout", {}),
        ("Handout via Reuters", "handout", {}),
        (
            "@V_Zelenskiy_official / Telegram",
            "social",
            {"platform": "Telegram", "account": "@V_Zelenskiy_official"},
        ),
        (
            "Telegram / @V_Zelenskiy_official",
            "social",
            {"platform": "Telegram", "account": "@V_Zelenskiy_official"},
        ),
        (
            "Facebook / General Staff of the Armed Forces of Ukraine",
            "social",
            {"platform": "Facebook", "account": "General Staff of the Armed Forces of Ukraine"},
        ),
        ("AFP via Getty Images", "agency", {"platform": "AFP via Getty Images"}),
        (
            "Genya Savilov / AFP via Getty Images",
            "agency",
            {"platform": "AFP via Getty Images", "creator": "Genya Savilov"},
        ),
        ("Jane Doe / AP", "agency", {"platform": "AP", "creator": "Jane Doe"}),
        ("Social / X @ZelenskyyUa", "social", {"platform": "X", "account": "@ZelenskyyUa"}),
        ("Pool / @someone_posting", "social", {}),
    ],
)
def test_a_credit_never_names_a_platform_agency_or_handout_as_the_photographer(line, kind, parts):
    # Structured data publishes the photographer as a Person.
    credit = parse_credit(line)
    assert credit.kind == kind
    for name in ("platform", "account", "creator"):
        assert getattr(credit, name) == parts.get(name, ""), name


@pytest.mark.parametrize(
    ("paragraph", "text", "speaker"),
    [
        (
            "“We will not give up the city,” Jane Doe said.",
            "We will not give up the city",
            "Jane Doe",
        ),
        (
            '"We will not give up the city," wrote Jane Doe.',
            "We will not give up the city",
            "Jane Doe",
        ),
        # Mismatched both ways: straight then curly, curly then straight.
        ('"The bridge is open again today,” the mayor said.', "The bridge is open again today", ""),
        (
            '“The bridge is open again today," the city’s report noted.',
            "The bridge is open again today",
            "",
        ),
        (
            "“The talks [with Moscow] will resume next week,” according to Ukrainska Pravda.",
            "The talks [with Moscow] will resume next week",
            "Ukrainska Pravda",
        ),
        (
            "According to the Associated Press, “hundreds of soldiers were fighting there.”",
            "hundreds of soldiers were fighting there.",
            "Associated Press",
        ),
        (
            "Zelensky wrote on X: “The world needs to know the truth.”",
            "The world needs to know the truth.",
            "Zelensky",
        ),
        ("“It was a long night for all of us,” he said.", "It was a long night for all of us", ""),
        (
            "“It was a long night for all of us.” Nobody knows who wrote it.",
            "It was a long night for all of us.",
            "",
        ),
    ],
)
def test_quotes_and_their_speakers(paragraph, text, speaker):
    (quote,) = extract_quotes(paragraph)
    assert quote.text == text
    assert quote.speaker == speaker


def test_report_attribution_names_the_owner_and_the_medium():
    (quote,) = extract_quotes("“The men carried no documents at all,” the SBU's report noted.")
    assert (quote.speaker, quote.said_in) == ("SBU", "report")


def test_unclosed_and_short_quotes_are_not_quotations():
    assert extract_quotes("He called it “a special operation,” and left.") == []
    assert extract_quotes("“This quotation never closes and goes on and on") == []


def _story(*lines: str) -> str:
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"  \n\n \n", "The file is empty."),
        (b"Only a headline\n", "Line 1: there is only a headline"),
        (b"Headline\n\nStandfirst.\nPhoto Credit: AP / Jane Doe\n", "Line 4: a 'Photo Credit:'"),
        (
            b"Headline\nStandfirst.\nText.\nPhoto Credit: AP / Jane Doe\nPhoto Credit: AP / Jo\n",
            "Line 5: a 'Photo Credit:' line with no narrative paragraph before it "
            "(the previous slide ended on line 4)",
        ),
        (b"Photo Credit: AP\nHeadline\n", "Line 1: the file starts with a 'Photo Credit:'"),
        (
            b"Headline\nStandfirst.\nText.\nPhoto Credit:   \n",
            "Line 4: the 'Photo Credit:' line names no one",
        ),
        (b"Headline\nStandfirst.\nText without a credit.\n", "No 'Photo Credit:' line"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This is a PNG image"),
        (b"Headline\n\x00\x01\x02binary", "binary data, not text: byte offset 9 (line 2)"),
        (b"Headline\nStandfirst \xe9t\xe9\n", "not UTF-8 text: byte offset 20 (line 2) is 0xe9"),
        (b"Headline\nStand\x07first\n", "Line 2 contains the control character U+0007"),
        (
            b"Headline\nStandfirst.\nText.\nPhoto Credit: / / /\n",
            "Line 4: the 'Photo Credit:' line names no one.",
        ),
        (
            "Headline\nStandfirst.\n".encode("utf-16-le"),
            "This looks like UTF-16 text without the mark that says so",
        ),
        (
            "Headline\nStandfirst.\n".encode("utf-16-be"),
            "This looks like UTF-16 text without the mark that says so",
        ),
        (b"Headline\nStand\x00first.\n", "This is binary data, not text: byte offset 14"),
        (b"x" * 250 + b"\nStandfirst.\nText.\nPhoto Credit: AP\n", "Line 1: the headline is 250"),
    ],
)
def test_bad_input_names_what_is_wrong(data, message):
    with pytest.raises(ParseError) as raised:
        parse_story_bytes(data)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    "line",
    [
        "Photo Credit - Telegram @V_Zelenskiy_official",
        "Photo credit; Telegram @V_Zelenskiy_official",
        "Photo Credit\uff1a Telegram @V_Zelenskiy_official",  # A full-width colon.
        "Photocredit: Telegram @V_Zelenskiy_official",
    ],
)
def test_a_credit_line_typed_in_haste_still_ends_its_slide(line):
    text = FIXTURE.read_text().replace("Photo Credit: Telegram @V_Zelenskiy_official", line, 1)
    story = parse_story(text)
    assert len(story.slides) == 9
    assert story.slides[0].credit.account == "@V_Zelenskiy_official"


@pytest.mark.parametrize(
    "line",
    [
        "Credit: Telegram @V_Zelenskiy_official",
        "Photo: Telegram @V_Zelenskiy_official",
        "Photo by Telegram @V_Zelenskiy_official",
        "Picture Credit: Telegram @V_Zelenskiy_official",
        "Photograph: Telegram @V_Zelenskiy_official",
        "Photo Credit Telegram @V_Zelenskiy_official",
    ],
)
def test_a_line_meant_as_a_credit_but_written_otherwise_is_refused_by_its_number(line):
    # Read as narrative, it joined two slides into one without a word.
    text = FIXTURE.read_text().replace("Photo Credit: Telegram @V_Zelenskiy_official", line, 1)
    number = text.splitlines().index(line) + 1
    with pytest.raises(ParseError) as raised:
        parse_story(text)
    assert str(raised.value).startswith(f"Line {number} looks like a credit but is not written")
    assert ".”." not in str(raised.value)
    assert "write it as 'Photo Credit: …'" in str(raised.value)


@pytest.mark.parametrize(
    "paragraph",
    [
        # A line wrapped by the partner's editor before "photo by".
        "photo by the 80th brigade shows.",
        "Photo credits were disputed by the Russian Ministry of Defence.",
        "Photo by photo, the archive shows how the men were moved.",
        "Photo: a soldier's ID card, issued in another man's name.",
        "Photo credit - the brigade asked that its name be withheld",
    ],
)
def test_narrative_that_opens_like_a_credit_stays_narrative(paragraph):
    marker = "Photo Credit: Telegram @V_Zelenskiy_official"
    text = FIXTURE.read_text().replace(marker, f"{paragraph}\n{marker}", 1)
    story = parse_story(text)
    assert len(story.slides) == 9
    assert paragraph in story.slides[0].narrative


def test_five_megabyte_file_is_refused_before_decoding():
    data = (b"A paragraph of plausible text.\n" * 200_000)[: 5 * 1024 * 1024]
    assert len(data) > MAX_BYTES
    with pytest.raises(ParseError, match=r"The file is 5\.2 MB; a slideshow text is at most 1 MB"):
        decode_text(data)


def test_windows_line_endings_and_a_byte_order_mark_are_fine():
    data = "\ufeffHeadline\r\nStandfirst.\r\nText.\r\nPhoto Credit: Telegram @a\r\n".encode()
    story = parse_story_bytes(data)
    assert (story.headline, story.slides[0].credit.account) == ("Headline", "@a")


# Property: whatever the text, the parser either says what is wrong or keeps every paragraph.

line_text = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "Photo Credit: Telegram @handle",
            "photo credit: Screenshot / YouTube Channel",
            "Photo Credit:",
            "“A quoted stretch of four words,” Jane Doe said.",
            '"Mismatched quotes are fine here” the report noted',
            "according to Someone, “an [inserted] word in a quote",
            "„Ein Zitat aus vier Wörtern“, sagte Jane Doe.",
            "«\u202fUne citation de cinq mots\u202f», a-t-elle dit.",
            "Paragraph one.\u2029Paragraph two.\x0cPhoto Credit: AP\u2028Closing.",
            "",
            "   ",
        ]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(line_text, max_size=25))
def test_parser_never_crashes_and_never_drops_a_paragraph(lines):
    text = "\n".join(lines)
    try:
        story = parse_story(text)
    except ParseError:
        return
    # Invisible noise (zero-width spaces, stray BOMs) is dropped; everything else is kept.
    lines = [clean_line(line) for line in text.splitlines()]
    expected = [line for line in lines if line and not CREDIT_LINE.match(line)]
    found = [story.headline, story.standfirst]
    for slide in story.slides:
        found += [p.text for p in slide.paragraphs]
        # What the slide stores reads back as the same paragraphs.
        assert split_paragraphs(slide.narrative) == [p.text for p in slide.paragraphs]
        for quote in slide.quotes:
            assert any(quote.text in p.text for p in slide.paragraphs)
    found += [p.text for p in story.closing]
    assert found == expected


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_a_story_or_a_reason(data):
    try:
        parse_story_bytes(data)
    except ParseError as error:
        assert str(error)


@pytest.mark.parametrize(
    ("paragraph", "speaker", "role", "said_on"),
    [
        (
            "“The world needs to know the truth,” said President Volodymyr Zelensky.",
            "Volodymyr Zelensky",
            "President",
            None,
        ),
        (
            "“We are ready for an exchange at any time,” Defence Minister Jane Doe wrote "
            "on X on 12 January 2025.",
            "Jane Doe",
            "Defence Minister",
            dt.date(2025, 1, 12),
        ),
        (
            "“The men were questioned for hours,” Jane Doe said on January 11, 2025.",
            "Jane Doe",
            "",
            dt.date(2025, 1, 11),
        ),
        (
            "On 12 January 2025, Jane Doe wrote: “The men were questioned for hours.”",
            "Jane Doe",
            "",
            dt.date(2025, 1, 12),
        ),
        # Another clause's date is some other day; one to come is no day it was said.
        (
            "“The men were questioned for hours,” said Mayor Ivan Fedorov, whose city was "
            "shelled on 12 January 2025.",
            "Ivan Fedorov",
            "Mayor",
            None,
        ),
        (
            "“The men were questioned for hours,” Jane Doe said on 1 January 2999.",
            "Jane Doe",
            "",
            None,
        ),
        # No year: left for an editor rather than guessed.
        ("“The men were questioned for hours,” Jane Doe said on 11 January.", "Jane Doe", "", None),
        # A title alone names no one: an editor names them.
        ("“The men were questioned for hours,” General said.", "", "General", None),
        ("“The men were questioned for hours,” the General Staff said.", "General Staff", "", None),
        ("“The men were questioned for hours,” said General Motors.", "General Motors", "", None),
        (
            "“The men were questioned for hours,” said Lieutenant General Kyrylo Budanov.",
            "Kyrylo Budanov",
            "Lieutenant General",
            None,
        ),
        (
            "“The men were questioned for hours,” said Secretary General Antonio Guterres.",
            "Antonio Guterres",
            "Secretary General",
            None,
        ),
        (
            "“The men were questioned for hours,” said Prime Minister Shmyhal.",
            "Shmyhal",
            "Prime Minister",
            None,
        ),
    ],
)
def test_a_title_before_the_name_is_the_role_and_a_full_date_is_when(
    paragraph, speaker, role, said_on
):
    (quote,) = extract_quotes(paragraph)
    assert (quote.speaker, quote.speaker_role, quote.said_on) == (speaker, role, said_on)


def test_tabs_inside_a_line_are_read_as_spaces():
    story = parse_story_bytes(b"Head\tline\nStand\tfirst.\nOne\ttwo.\nPhoto Credit: AP\n")
    assert (story.headline, story.standfirst) == ("Head line", "Stand first.")
    assert story.slides[0].narrative == "One two."


@pytest.mark.parametrize(
    ("attribution", "speaker", "role"),
    [
        (
            "the Kremlin spokesman Dmitry Peskov told reporters",
            "Dmitry Peskov",
            "Kremlin spokesman",
        ),
        ("Kremlin spokesman Dmitry Peskov said", "Dmitry Peskov", "Kremlin spokesman"),
        (
            "said Ukraine's President Volodymyr Zelensky",
            "Volodymyr Zelensky",
            "Ukraine's President",
        ),
        (
            "General Staff spokesman Dmytro Lykhoviy said",
            "Dmytro Lykhoviy",
            "General Staff spokesman",
        ),
        ("said former President Petro Poroshenko", "Petro Poroshenko", "former President"),
        ("said Ursula von der Leyen", "Ursula von der Leyen", ""),
        ("said John Major", "John Major", ""),
        # The full stop of an abbreviation ends no name: wire copy is full of them.
        ("said Dr. Jane Smith", "Dr. Jane Smith", ""),
        ("Mr. Smith said", "Mr. Smith", ""),
        ("said John F. Kennedy", "John F. Kennedy", ""),
        ("said Gen. Oleksandr Syrskyi", "Oleksandr Syrskyi", "Gen."),
        ("said Lt. Col. Ivan Petrenko", "Ivan Petrenko", "Lt. Col."),
        (
            "said U.S. Secretary of State Antony Blinken",
            "U.S. Secretary of State Antony Blinken",
            "",
        ),
        # A country's initials name no one: left for an editor.
        ("a U.S. official said", "", ""),
        ("said a senior U.S. military official", "", ""),
        # A title no name follows is no one's name: the role, for an editor to name.
        ("said President", "", "President"),
        ("said the President", "", "President"),
        ("the Kremlin spokesman said", "", "Kremlin spokesman"),
        ("said Ukraine's President", "", "Ukraine's President"),
        ("the Defence Minister wrote", "", "Defence Minister"),
        ("said the former President", "", "former President"),
        # An institution is a speaker, though its name opens like a title.
        ("said General Staff", "General Staff", ""),
        ("General Motors said", "General Motors", ""),
        # A name set off by commas after the title is the speaker's.
        ("said the President, Volodymyr Zelensky", "Volodymyr Zelensky", "President"),
        ("said the Kremlin spokesman, Dmitry Peskov", "Dmitry Peskov", "Kremlin spokesman"),
        ("said the President, who was in Kyiv", "", "President"),
        # The office of a title holder speaks, not the President.
        ("the President's office said", "President's office", ""),
        ("said the Mayor's chief of staff", "Mayor's chief of staff", ""),
        # A country's or a body's initials, or a second word of the title, before it.
        ("said US Ambassador", "", "US Ambassador"),
        ("said NATO Secretary General", "", "NATO Secretary General"),
        ("the Attorney General said", "", "Attorney General"),
    ],
)
def test_a_title_of_several_words_is_the_role_and_never_part_of_the_name(
    attribution, speaker, role
):
    (quote,) = extract_quotes(f"“We will answer this in a way they will feel,” {attribution}.")
    assert (quote.speaker, quote.speaker_role) == (speaker, role)


def test_a_date_opening_the_sentence_is_not_part_of_the_speakers_name():
    (quote,) = extract_quotes(
        "On 12 January 2025 President Volodymyr Zelensky said: “The world needs to know.”"
    )
    assert (quote.speaker, quote.speaker_role) == ("Volodymyr Zelensky", "President")
    assert quote.said_on == dt.date(2025, 1, 12)
