"""Each plugin's settings dict: merged over its defaults, a wrong value named in one line."""

import json

import pytest

from conftest import CONFFILE
from guide_settings import GuideSettingsError, plugin_settings, workers_setting

DEFAULTS = {"workers": None, "timing_file": None}


def test_merged_over_the_defaults_without_changing_them():
    user = {"workers": 2}
    assert plugin_settings({"GUIDE_X": user}, "GUIDE_X", DEFAULTS) == {"workers": 2, "timing_file": None}
    assert DEFAULTS == {"workers": None, "timing_file": None} and user == {"workers": 2}
    assert plugin_settings({}, "GUIDE_X", DEFAULTS) == DEFAULTS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([1], "GUIDE_X [1] must be a dict, like {'workers': ...}"),
        ({"worker": 1}, "GUIDE_X key 'worker' is unknown; expected one of timing_file, workers"),
    ],
)
def test_wrong_settings_dict(value, message):
    with pytest.raises(GuideSettingsError, match=f"^{__import__('re').escape(message)}$"):
        plugin_settings({"GUIDE_X": value}, "GUIDE_X", DEFAULTS)


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "2"])
def test_wrong_worker_count(value):
    with pytest.raises(GuideSettingsError, match=r"^GUIDE_X\['workers'\] .* must be a whole number from 1, or None$"):
        workers_setting("GUIDE_X", value)


@pytest.mark.parametrize(
    ("setting", "value", "line"),
    [
        ("GUIDE_CHECK", {"x": 1}, "GUIDE_CHECK key 'x' is unknown; expected one of skip_verified, timing_file, workers"),
        ("GUIDE_READ", {"workers": 0}, "GUIDE_READ['workers'] 0 must be a whole number from 1, or None"),
        ("GUIDE_THEME", {"pygments_light_style": "nope"}, "GUIDE_THEME['pygments_light_style'] 'nope' is not a Pygments style installed here"),
    ],
)
def test_a_wrong_setting_stops_the_build_naming_the_file(guide, setting, value, line):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    result = guide.build(settings={setting: json.dumps(value)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert f"error: {CONFFILE}: {line}" in result.stderr.splitlines(), result.stderr
    assert not guide.output.exists()
