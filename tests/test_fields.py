"""Each metadata field, typed once: the value it gives, or the message that names it."""

import pytest
from pelican.plugins.guide.fields import (
    FieldError,
    SortOrder,
    parse_aliases,
    parse_description,
    parse_header,
    parse_sidebartitle,
    parse_slug,
    parse_sortorder,
    parse_title,
    parse_toc,
    shorten,
)

SECTIONS = {50: 3}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0502", SortOrder(5, 0, 2)),
        ("050", SortOrder(5, 0, 0)),
        ("0100", SortOrder(1, 0, 0)),
        ("9999999", SortOrder(99, 0, 99999)),
        ("500010020", SortOrder(50, 1, 20)),  # 2 digits of chapter, 3 of section, the position
        ("500021010", SortOrder(50, 2, 1010)),
    ],
)
def test_sortorder_is_chapter_section_and_position(raw, expected):
    assert parse_sortorder(raw, SECTIONS) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("05a2", 'sortorder "05a2" must be digits only, like 0502'),
        ("05 02", 'sortorder "05 02" must be digits only, like 0502'),
        ("٠٥٠٢", 'sortorder "\\u0660\\u0665\\u0660\\u0662" must be digits only, like 0502'),
        ("05", 'sortorder "05" must have at least 3 digits: 2 for the chapter, then the position'),
        (
            "50001",
            'sortorder "50001" is too short for chapter 50, which has sections: '
            "2 digits of chapter, 3 of section, then the position (GUIDE_SECTIONS)",
        ),
        (None, "sortorder is missing; it must be digits only, like 0502"),
    ],
)
def test_bad_sortorder_names_field_value_and_expectation(raw, message):
    with pytest.raises(FieldError) as caught:
        parse_sortorder(raw, SECTIONS)
    assert str(caught.value) == message
    assert caught.value.field == "sortorder"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("True", True),
        ("true", True),
        ("yes", True),
        ("On", True),
        ("1", True),
        ("False", False),
        ("no", False),
        ("OFF", False),
        ("0", False),
        (None, False),
    ],
)
def test_toc_is_a_real_bool(raw, expected):
    assert parse_toc(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "", "True!"])
def test_a_toc_that_is_no_boolean_word_is_refused(raw):
    with pytest.raises(FieldError, match=r"toc .* must be True or False"):
        parse_toc(raw)


@pytest.mark.parametrize("raw", ["servers", "web-servers", "wsgi2", "Oracle", "a_b", "v1.2"])
def test_good_slugs(raw):
    assert parse_slug(raw) == raw


@pytest.mark.parametrize("raw", ["../../x", "a/b", "-x", ".hidden", "a..b", "é", "a b", ""])
def test_slugs_that_would_leave_the_output_folder_or_are_no_file_name(raw):
    with pytest.raises(FieldError, match=r"slug .* must be letters, digits"):
        parse_slug(raw)


def test_title_and_sidebartitle():
    assert parse_title("  Servers \n and more ") == "Servers and more"
    assert parse_sidebartitle(None, "Servers") == "Servers"
    assert parse_sidebartitle("5. Deployment", "Deployment") == "5. Deployment"  # verbatim
    with pytest.raises(FieldError, match="title is missing"):
        parse_title(None)


def test_aliases_are_old_slugs_separated_by_commas():
    assert parse_aliases("old-name, older-name ,") == ("old-name", "older-name")
    assert parse_aliases(None) == ()
    with pytest.raises(FieldError, match="aliases"):
        parse_aliases("fine, ../escape")


def test_description_prefers_meta_then_the_first_paragraph_as_text():
    assert parse_description("Given.", "<b>First</b>") == "Given."
    assert parse_description(None, "Hello <b>world</b> &amp; more") == "Hello world & more"
    long = "word " * 60
    cut = parse_description(None, long)
    assert len(cut) <= 160 and cut.endswith("…") and not cut[:-1].endswith(" ")


def test_shorten_keeps_short_text_and_never_splits_a_word():
    assert shorten("short", 160) == "short"
    assert shorten("abc defghij", 8) == "abc…"


def test_header_lines_and_where_the_body_starts():
    header = parse_header("title: A\nslug: a\nmeta: one\n    two\n\nBody line\n")
    assert header.fields == {"title": "A", "slug": "a", "meta": "one two"}
    assert header.body == "Body line\n"
    assert header.body_line == 6 and header.problems == []


def test_a_repeated_key_and_a_control_character_are_problems_not_merged():
    header = parse_header("title: A\ntoc: true\ntoc: false\nsidebartitle: a\x1bb\n\nx")
    assert header.problems == [
        'toc is given twice, "true" and "false"; keep one',
        'sidebartitle "a\\u001bb" holds a control character; remove it',
    ]
    assert header.fields["toc"] == "true"
