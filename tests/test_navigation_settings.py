"""GUIDE_CHAPTERS is checked once, with a message naming the setting, the value and the rule."""

import pytest

from guide_navigation.plugin import GuideSettingsError, chapter_titles


def test_good_setting_is_normalised():
    assert chapter_titles({"GUIDE_CHAPTERS": {5: "  Deployment "}}) == {5: "Deployment"}
    assert chapter_titles({}) == {}


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["Deployment"], "GUIDE_CHAPTERS ['Deployment'] must be a dict of chapter numbers to titles"),
        ({"5": "Deployment"}, "GUIDE_CHAPTERS key '5' must be a chapter number from 0 to 99"),
        ({100: "Deployment"}, "GUIDE_CHAPTERS key 100 must be a chapter number from 0 to 99"),
        ({True: "Deployment"}, "GUIDE_CHAPTERS key True must be a chapter number from 0 to 99"),
        ({5: ""}, "GUIDE_CHAPTERS[5] '' must be a non-empty chapter title"),
        ({5: None}, "GUIDE_CHAPTERS[5] None must be a non-empty chapter title"),
    ],
)
def test_bad_setting(value, message):
    with pytest.raises(GuideSettingsError) as caught:
        chapter_titles({"GUIDE_CHAPTERS": value})
    assert str(caught.value).startswith(message)
