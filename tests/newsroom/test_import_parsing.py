"""The slideshow parser on awkward inputs: nested quotes, invisible characters, encodings."""

import time

import pytest

from newsroom.importer import ParseError, extract_quotes, parse_story, parse_story_bytes

BASIC = (
    "Headline\n"
    "Standfirst.\n"
    "Slide one.\n"
    "Photo Credit: Telegram @one\n"
    "Slide two.\n"
    "Photo Credit: Screenshot / YouTube SomeChannel\n"
    "Closing.\n"
)


def make_story(*lines: str) -> str:
    return "\n".join(["Headline", "Standfirst.", *lines]) + "\n"


# Quotes (D2) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "text"),
    [
        (
            '"The so-called "referendum" in the occupied region was a sham,” Zelensky wrote on X.',
            'The so-called "referendum" in the occupied region was a sham',
        ),
        (
            '“We call it a "special operation" but it is a war against our people,” '
            "the minister said.",
            'We call it a "special operation" but it is a war against our people',
        ),
        (
            "“They sent “volunteers” across the border last night,” the minister said.",
            "They sent “volunteers” across the border last night",
        ),
    ],
)
def test_quote_marks_inside_a_quote_are_nested_not_an_end(paragraph, text):
    assert [quote.text for quote in extract_quotes(paragraph)] == [text]


def test_straight_marks_facing_their_way_pair_with_curly_ones():
    quotes = extract_quotes('"A is fine by all of us," he said, "and B is fine for them” too.')
    assert [quote.text for quote in quotes] == ["A is fine by all of us", "and B is fine for them"]


def test_a_quote_whose_marks_cannot_be_paired_is_left_out_rather_than_cut_up():
    # The straight marks face neither way: which quotation they end or begin cannot be told.
    paragraph = '“We will never accept the word"peace"as the Kremlin uses it,” he said.'
    assert extract_quotes(paragraph) == []


def test_a_colon_before_a_straight_mark_opens_the_quote():
    (quote,) = extract_quotes('Zelensky wrote:"The world needs to know the truth."')
    assert (quote.text, quote.speaker) == ("The world needs to know the truth.", "Zelensky")


def test_the_speaker_and_medium_survive_a_nested_quote():
    (quote,) = extract_quotes(
        '"The so-called "referendum" in the occupied region was a sham,” Zelensky wrote on X.'
    )
    assert (quote.speaker, quote.said_in) == ("Zelensky", "x")


# Speed (D3) --------------------------------------------------------------------


def test_thousands_of_quotes_in_one_paragraph_parse_quickly():
    paragraph = "“one two three four,” he said on X. " * 4000
    started = time.perf_counter()
    story = parse_story(make_story(paragraph, "Photo Credit: AP / X"))
    elapsed = time.perf_counter() - started
    assert len(story.quotes()) == 4000
    assert all(quote.said_in == "x" for quote in story.quotes())
    # Generous: the quadratic version took minutes for this; the linear one well under 1 s.
    assert elapsed < 10


# Invisible characters (D7) -------------------------------------------------------


@pytest.mark.parametrize("noise", ["\u200b", "\ufeff", "\u2060", "\u200b\ufeff "])
def test_invisible_characters_before_a_credit_line_keep_it_a_credit_line(noise):
    story = parse_story(
        BASIC.replace("Photo Credit: Screenshot", f"{noise}Photo Credit: Screenshot")
    )
    assert len(story.slides) == 2
    assert [p.text for p in story.closing] == ["Closing."]


def test_a_line_of_only_invisible_characters_is_a_blank_line():
    story = parse_story(BASIC.replace("Headline\n", "Headline\n\u200b\n\u00a0\ufeff\n"))
    assert story.standfirst == "Standfirst."
    assert [p.text for p in story.slides[0].paragraphs] == ["Slide one."]


def test_invisible_noise_is_kept_out_of_what_is_stored():
    story = parse_story(
        BASIC.replace("Slide one.", "Slide\u200b one.\u200b").replace(
            "Telegram @one", "\u200b Telegram @one"
        )
    )
    assert story.slides[0].narrative == "Slide one."
    assert story.slides[0].credit.line == "Telegram @one"
    assert story.slides[0].credit.account == "@one"


def test_joiners_inside_words_are_kept():
    # U+200C shapes Persian words; removing it would change the spelling.
    story = parse_story(BASIC.replace("Slide one.", "\u200cمی\u200cخواهم"))
    assert story.slides[0].narrative == "می\u200cخواهم"


# Encodings and line numbers (D9, D10) ------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_files_with_a_byte_order_mark_are_read(encoding):
    data = BASIC.replace("Slide one.", "Слайд один.").encode(encoding)
    if encoding != "utf-16":
        data = "\ufeff".encode(encoding) + data
    story = parse_story_bytes(data)
    assert story.headline == "Headline"
    assert story.slides[0].narrative == "Слайд один."
    assert len(story.slides) == 2


def test_utf16_without_a_story_still_names_the_problem():
    with pytest.raises(ParseError, match="Line 1: there is only a headline"):
        parse_story_bytes("Only a headline\n".encode("utf-16"))


def test_decode_errors_count_lines_in_old_mac_files():
    with pytest.raises(ParseError, match=r"byte offset 21 \(line 3\) is 0xe9"):
        parse_story_bytes(b"Headline\rStandfirst.\r\xe9t\xe9\r")


def test_a_handout_credit_is_understood_even_though_its_line_is_kept():
    story = parse_story(make_story("Text.", "Photo Credit: Press Office / Handout"))
    credit = story.slides[0].credit
    assert (credit.kind, credit.platform, credit.parts_known) == ("handout", "Press Office", True)


# Credit parts that would not fit their columns (D5) ------------------------------------------


@pytest.mark.parametrize(
    ("credit", "message"),
    [
        (
            "A" * 150 + " / Jane Roe",
            "Line 4: the credit's platform or organisation 'AAAA",
        ),
        ("Telegram " + "b" * 250, "Line 4: the credit's account 'bbbb"),
        ("AP / " + "C" * 210, "Line 4: the credit's photographer 'CCCC"),
    ],
)
def test_credit_parts_longer_than_their_fields_name_the_line(credit, message):
    with pytest.raises(ParseError) as raised:
        parse_story(make_story("Text.", f"Photo Credit: {credit}"))
    assert message in str(raised.value)
    assert "the limit is" in str(raised.value)
