"""The slideshow parser on awkward inputs: nested quotes, invisible characters, encodings."""

import time

import pytest

from newsroom.importer import ParseError, parse_story, parse_story_bytes
from newsroom.quotations import extract_quotes

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


@pytest.mark.parametrize(
    "quote",
    [
        "“one two three four,” he said on X. ",
        "„one two three four“, he said on X. ",
        "«\u202fone two three four\u202f», he said on X. ",
        "»one two three four«, he said on X. ",
    ],
)
def test_thousands_of_quotes_in_one_paragraph_parse_quickly(quote):
    paragraph = quote * 4000
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


# Quote marks of other languages ----------------------------------------------------


def quote_texts(paragraph: str) -> list[str]:
    return [quote.text for quote in extract_quotes(paragraph)]


@pytest.mark.parametrize(
    "paragraph",
    [
        "„Wir geben die Stadt nicht auf“, sagte der Bürgermeister.",  # German
        "‚Wir geben die Stadt nicht auf‘, sagte der Bürgermeister.",  # German, single
        "»Wir geben die Stadt nicht auf«, sagte der Bürgermeister.",  # German books, Danish
        "›Wir geben die Stadt nicht auf‹, sagte der Bürgermeister.",
        "«Wir geben die Stadt nicht auf», sagte der Bürgermeister.",  # Swiss
        "‹Wir geben die Stadt nicht auf›, sagte der Bürgermeister.",
        "« Wir geben die Stadt nicht auf », a déclaré le maire.",  # French, plain spaces
        "«\u00a0Wir geben die Stadt nicht auf\u00a0», a déclaré le maire.",  # no-break spaces
        "«\u202fWir geben die Stadt nicht auf\u202f», a déclaré le maire.",  # narrow ones
        "‹\u202fWir geben die Stadt nicht auf\u202f›, a déclaré le maire.",
    ],
)
def test_german_french_and_swiss_quote_marks_are_read(paragraph):
    assert quote_texts(paragraph) == ["Wir geben die Stadt nicht auf"]


@pytest.mark.parametrize(
    ("paragraph", "text"),
    [
        (
            "„Sie nennen es ‚eine Spezialoperation‘, aber es ist Krieg“, sagte sie.",
            "Sie nennen es ‚eine Spezialoperation‘, aber es ist Krieg",
        ),
        (
            "„Sie nennen es „eine Spezialoperation“, aber es ist Krieg“, sagte sie.",
            "Sie nennen es „eine Spezialoperation“, aber es ist Krieg",
        ),
        (
            "»Sie nennen es ›eine Spezialoperation‹, aber es ist Krieg«, sagte sie.",
            "Sie nennen es ›eine Spezialoperation‹, aber es ist Krieg",
        ),
        (
            "« Ils parlent d’une « opération spéciale », mais c’est la guerre », dit-elle.",
            "Ils parlent d’une « opération spéciale », mais c’est la guerre",
        ),
        (
            "«\u202fIls parlent d’une “opération spéciale”, mais c’est la guerre\u202f», dit-elle.",
            "Ils parlent d’une “opération spéciale”, mais c’est la guerre",
        ),
        (
            "„It is not a “special operation” but a war on our people“, the minister said.",
            "It is not a “special operation” but a war on our people",
        ),
    ],
)
def test_quotes_inside_german_and_french_quotes_are_nested_not_an_end(paragraph, text):
    assert quote_texts(paragraph) == [text]


def test_german_closing_mark_ends_a_quote_so_the_next_one_is_read_too():
    paragraph = (
        "„Die Brücke ist seit heute wieder offen“, sagte der Bürgermeister. "
        "„Der Verkehr rollt noch nicht wie früher“, fügte er hinzu."
    )
    assert quote_texts(paragraph) == [
        "Die Brücke ist seit heute wieder offen",
        "Der Verkehr rollt noch nicht wie früher",
    ]


@pytest.mark.parametrize(
    "paragraph",
    [
        "„We will not give up the city“, Jane Doe said on X.",
        "«\u202fWe will not give up the city\u202f», Jane Doe said on X.",
        "Jane Doe said on X: »We will not give up the city«.",
    ],
)
def test_speaker_and_medium_are_read_around_german_and_french_quotes(paragraph):
    (quote,) = extract_quotes(paragraph)
    assert (quote.text, quote.speaker, quote.said_in) == (
        "We will not give up the city",
        "Jane Doe",
        "x",
    )


@pytest.mark.parametrize(
    "paragraph",
    [
        # Never closed.
        "« Nous ne céderons jamais cette ville, a déclaré le maire.",
        "„Wir geben diese Stadt niemals auf, sagte der Bürgermeister.",
        # Closed with a mark of another kind: which quotation it ends cannot be told.
        "« Nous ne céderons jamais cette ville ”, a déclaré le maire.",
        "„Wir geben diese Stadt niemals auf«, sagte der Bürgermeister.",
        # A French closing mark carried over from the paragraph before, then an opening one:
        # the words between them are no quotation.
        "la fin. » Il a ensuite ajouté que « tout cela",
    ],
)
def test_guillemets_and_german_marks_that_cannot_be_paired_stay_unquoted(paragraph):
    assert extract_quotes(paragraph) == []


def test_a_french_closing_mark_left_from_the_paragraph_before_does_not_hide_the_next_quote():
    paragraph = "la fin. » Il a ensuite ajouté : « la ville ne tombera pas », a-t-il dit."
    assert quote_texts(paragraph) == ["la ville ne tombera pas"]


@pytest.mark.parametrize(
    ("paragraph", "speaker"),
    [
        (
            "“We will never surrender to anyone at all,” said Oleksandr ‘Sasha’ Kovalenko.",
            "Oleksandr ‘Sasha’ Kovalenko",
        ),
        (
            "Commander Petro ‘Grey’ Ivanov wrote: “Nobody here will give up the town.”",
            "Petro ‘Grey’ Ivanov",  # "Commander" is his role.
        ),
    ],
)
def test_a_call_sign_in_single_quotes_stays_part_of_the_speakers_name(paragraph, speaker):
    (quote,) = extract_quotes(paragraph)
    assert quote.speaker == speaker


def test_english_single_quotes_are_still_not_read():
    # ‘ closes a German ‚ only; in English it opens, and ’ is also the apostrophe.
    assert extract_quotes("He called it ‘a special military operation’ and left.") == []


# Paragraph breaks from word processors ------------------------------------------------


@pytest.mark.parametrize(
    "separator",
    [
        "\u2029",  # paragraph separator
        "\x0c",  # form feed: a page break
        "\u2028",  # line separator
        "\x0b",  # vertical tab: Word's manual line break
    ],
)
def test_word_processor_breaks_separate_paragraphs_and_close_slides(separator):
    text = make_story(
        f"Slide one.{separator}A second paragraph.{separator}Photo Credit: AP / Jo",
        "Closing.",
    )
    story = parse_story_bytes(text.encode())
    assert [p.text for p in story.slides[0].paragraphs] == ["Slide one.", "A second paragraph."]
    assert story.slides[0].credit.line == "AP / Jo"
    assert [p.text for p in story.closing] == ["Closing."]


@pytest.mark.parametrize("separator", ["\u2029", "\x0c", "\u2028", "\x0b"])
def test_line_numbers_count_the_lines_a_text_editor_shows(separator):
    # A text editor numbers lines by CR and LF only; a page or paragraph break inside a line
    # starts a new paragraph but not a new line, or "Line 4" would send editors to the wrong one.
    text = f"Headline\nStandfirst.\nText.{separator}Photo Credit: AP\nPhoto Credit: AP\n"
    with pytest.raises(ParseError) as raised:
        parse_story_bytes(text.encode())
    assert str(raised.value) == (
        "Line 4: a 'Photo Credit:' line with no narrative paragraph before it "
        "(the previous slide ended on line 3)."
    )


def test_decoding_and_parsing_name_the_same_line():
    # Both messages point at line 2 of the file; a form feed on line 1 does not shift them.
    with pytest.raises(ParseError, match=r"\(line 2\) is 0xe9"):
        parse_story_bytes(b"Headline\x0cStandfirst.\n\xe9t\xe9\n")
    with pytest.raises(ParseError, match=r"^Line 2 contains the control character U\+0007"):
        parse_story_bytes(b"Headline\x0cStandfirst.\n\x07\n")
