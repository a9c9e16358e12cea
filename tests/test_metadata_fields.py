"""Unit tests for each metadata rule and the message it gives."""

import pytest

from guide_metadata.fields import (
    FieldError,
    SortOrder,
    parse_description,
    parse_sidebartitle,
    parse_slug,
    parse_sortorder,
    parse_title,
    parse_toc,
    shorten,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0502", SortOrder(5, 2)),
        ("050", SortOrder(5, 0)),
        ("500010020", SortOrder(50, 10020)),
        ("0100", SortOrder(1, 0)),
        ("9999", SortOrder(99, 99)),
    ],
)
def test_sortorder_is_chapter_and_position(raw, expected):
    assert parse_sortorder(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("05a2", 'sortorder "05a2" must be digits only, like 0502'),
        ("-502", 'sortorder "-502" must be digits only, like 0502'),
        ("05 02", 'sortorder "05 02" must be digits only, like 0502'),
        ("٠٥٠٢", 'sortorder "٠٥٠٢" must be digits only, like 0502'),
        ("05", 'sortorder "05" must have at least 3 digits: 2 for the chapter, then the position'),
        (None, "sortorder is missing; it must be digits only, like 0502"),
    ],
)
def test_bad_sortorder_names_field_value_and_expectation(raw, message):
    with pytest.raises(FieldError) as caught:
        parse_sortorder(raw)
    assert str(caught.value) == message
    assert caught.value.field == "sortorder"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("True", True), ("true", True), ("TRUE", True), ("yes", True), ("Yes", True),
     ("False", False), ("false", False), ("no", False), ("NO", False), (None, False)],
)
def test_toc_is_a_real_bool(raw, expected):
    assert parse_toc(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", "1", "0", "on", ""])
def test_bad_toc_is_refused(raw):
    with pytest.raises(FieldError, match=r'^toc ".*" must be true, false, yes or no$'):
        parse_toc(raw)


@pytest.mark.parametrize("raw", ["servers", "web-servers", "wsgi2", "a1-b2-c3"])
def test_good_slugs(raw):
    assert parse_slug(raw) == raw


@pytest.mark.parametrize("raw", ["Servers", "web--servers", "-servers", "servers-", "../../x", "a/b", "a_b", "é"])
def test_bad_slugs(raw):
    with pytest.raises(FieldError) as caught:
        parse_slug(raw)
    assert str(caught.value).startswith(f'slug "{raw}" must be lowercase letters, digits and single hyphens')


def test_missing_slug_and_title():
    with pytest.raises(FieldError, match="^slug is missing; it must be lowercase"):
        parse_slug(None)
    with pytest.raises(FieldError, match="^title is missing; it must be the page's title as plain text$"):
        parse_title(None)


def test_title_is_kept_as_text_on_one_line():
    assert parse_title("<script>alert(1)</script>") == "<script>alert(1)</script>"
    assert parse_title("A  &  B") == "A & B"


def test_sidebartitle_defaults_to_title():
    assert parse_sidebartitle(None, "Web servers") == "Web servers"
    assert parse_sidebartitle("Servers", "Web servers") == "Servers"
    with pytest.raises(FieldError, match="^sidebartitle"):
        parse_sidebartitle("  ", "Web servers")


def test_description_prefers_meta():
    assert parse_description("Short text.", "<p>First paragraph.</p>") == "Short text."


def test_description_falls_back_to_first_paragraph_as_plain_text():
    html = '<h2>Intro</h2><p>Servers &amp; <a href="x.html">hosts</a> run <em>apps</em>.</p><p>Second.</p>'
    assert parse_description(None, html) == "Servers & hosts run apps."


def test_description_is_cut_at_160_characters_on_a_word_boundary():
    words = " ".join(["word"] * 60)  # 299 characters
    cut = parse_description(None, f"<p>{words}</p>")
    assert len(cut) <= 160
    assert cut.endswith("word…")
    assert cut[:-1].split(" ") == ["word"] * len(cut[:-1].split(" "))


def test_shorten_keeps_short_text_and_never_splits_a_word():
    assert shorten("short", 160) == "short"
    text = "a" * 150 + " " + "b" * 20
    assert shorten(text, 160) == "a" * 150 + "…"
    exact = "x" * 160
    assert shorten(exact, 160) == exact
