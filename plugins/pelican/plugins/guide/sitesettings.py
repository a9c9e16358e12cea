"""Pelican's own settings that the guide depends on, and whether a site asked for the guide.

The guide needs a few of Pelican's settings set its way: its theme, pages at the site root,
no blog articles, its direct templates, every file of the content folder copied, and the
Markdown extensions its theme styles. `apply(settings)` gives each one the guide's value
when the site left it at Pelican's default, here and nowhere else; a site that set one
otherwise keeps its value, and the build says so in one line naming the setting: an error
where the guide cannot build that way, a warning where the site comes out different.

A Pelican site that leaves PLUGINS unset gets every installed namespace plugin, this one
too. `asked_for` tells whether the site asked for the guide (PLUGINS names it, a GUIDE_*
setting, or THEME is the guide's theme); when it did not, the plugin stays idle.
"""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pelican.settings import DEFAULT_CONFIG

from .errors import GuideSettingsError

_HERE = Path(__file__).parent
PLUGIN_NAMES = ("guide", "pelican.plugins.guide")
# The site's PLUGINS as written, kept by the guide's commands (Pelican replaces the setting
# with the loaded plugins' names before any signal); NAMED when it could not be seen.
PLUGINS_AS_WRITTEN = "guide_plugins_as_written"
NAMED = ("guide",)
NOTES = "guide_settings_notes"  # warnings about the site's own values, reported once counted

# What the theme styles: highlighted code (.highlight), the extra syntax (tables, fenced
# code, attribute lists), admonitions (!!! note), and heading anchors with the "On this
# page" list (toc).
MARKDOWN_EXTENSIONS = {
    "markdown.extensions.codehilite": {"css_class": "highlight", "guess_lang": False},
    "markdown.extensions.extra": {},
    "markdown.extensions.admonition": {},
    "markdown.extensions.toc": {"permalink": "#", "permalink_title": "Link to this section"},
}
# The options of those extensions that the theme relies on, and what goes wrong without them.
_NEEDED_OPTIONS = {
    ("markdown.extensions.codehilite", "css_class"): "the theme styles code blocks inside .highlight",
    ("markdown.extensions.toc", "permalink"): "headings get no anchor links",
}


def theme_path() -> str:
    """The guide's theme folder, for a site that sets THEME itself:
    `THEME = pelican.plugins.guide.theme_path()`.

    A wheel carries the theme inside the package. An editable install carries no copy:
    the theme is then the checkout's own `theme/`, so an edit shows on the next build."""
    packaged = _HERE / "theme"
    if (packaged / "templates").is_dir():
        return str(packaged)
    # plugins/pelican/plugins/guide/sitesettings.py in a checkout: theme/ is beside plugins/.
    checkout = Path(__file__).resolve().parents[4] / "theme"
    if (checkout / "templates").is_dir():
        return str(checkout)
    raise GuideSettingsError(f"the guide's theme is missing from {packaged}; reinstall pelican-guide")


@dataclass(frozen=True)
class PelicanSetting:
    """One Pelican setting the guide gives its own value (the manual's table of them is made
    from these: reference.py)."""

    value: Any  # a function for a value worked out when the build starts
    shown: str  # the value as the manual shows it
    otherwise: str  # what a site that sets it otherwise gets ("" when nothing is said)


_AT_THE_ROOT = PelicanSetting(
    "{slug}.html",
    "`{slug}.html`, at the site root",
    "a warning: links written from the root (`/servers.html`) miss the pages",
)
_NO_FEED = PelicanSetting(None, "`None`: no feeds of blog articles, which would be empty files", "")

PELICAN_SETTINGS: dict[str, PelicanSetting] = {
    "THEME": PelicanSetting(
        theme_path,
        "the guide's theme, `pelican.plugins.guide.theme_path()`",
        "fine if it is a copy of it; an error if it has no `templates/page.html` or `css/`",
    ),
    "PAGE_URL": _AT_THE_ROOT,
    "PAGE_SAVE_AS": _AT_THE_ROOT,
    "ARTICLE_PATHS": PelicanSetting(
        [], "`[]`: no blog articles", "an error: the theme has no template for articles"
    ),
    # index.html is the home page: the page with slug `index`, else the theme's own.
    "DIRECT_TEMPLATES": PelicanSetting(
        ["table-of-contents", "404"],
        "`table-of-contents`, `404` (the guide writes `index.html` itself: the page with slug "
        "`index`, or the theme's home page)",
        "an error for one the theme lacks, one of these left out (the theme links to them), or `index`",
    ),
    "STATIC_PATHS": PelicanSetting(
        [""], '`[""]`: every file of the content folder that is not a page is copied', "a warning"
    ),
    # The theme's script is written by the guide (theme.script_file), compacted.
    "THEME_STATIC_PATHS": PelicanSetting(
        [], "`[]`: the guide writes the theme's script itself, compacted", ""
    ),
    "MARKDOWN": PelicanSetting(
        lambda: {"extension_configs": copy.deepcopy(MARKDOWN_EXTENSIONS), "output_format": "html5"},
        "`codehilite` (`css_class: highlight`), `extra`, `admonition`, `toc` (permalinks), HTML5",
        "the missing extensions are added; a warning for `css_class` or `permalink` set otherwise",
    ),
    # Pelican also warns of feeds made without an absolute SITEURL.
    "FEED_ALL_ATOM": _NO_FEED,
    "CATEGORY_FEED_ATOM": _NO_FEED,
    "AUTHOR_FEED_ATOM": _NO_FEED,
    "AUTHOR_FEED_RSS": _NO_FEED,
    "TRANSLATION_FEED_ATOM": _NO_FEED,
}


def guide_values() -> dict:
    """The guide's value of each Pelican setting it depends on."""
    return {
        name: entry.value() if callable(entry.value) else copy.deepcopy(entry.value)
        for name, entry in PELICAN_SETTINGS.items()
    }


def _names_guide(plugin) -> bool:
    if isinstance(plugin, str):
        return plugin in PLUGIN_NAMES
    return getattr(plugin, "__name__", None) == "pelican.plugins.guide"  # the module itself


def _same_folder(first: str, second: str) -> bool:
    return os.path.realpath(first) == os.path.realpath(second)


def asked_for(settings) -> bool:
    """Did the site ask for the guide? PLUGINS names it, a GUIDE_* setting is set, or THEME is
    the guide's theme. A site that did none of these (PLUGINS unset, so Pelican loaded every
    namespace plugin) gets its build as it was without the guide."""
    plugins = plugins_as_written(settings)
    if plugins is not None and any(_names_guide(plugin) for plugin in plugins):
        return True
    if any(key.startswith("GUIDE_") for key in settings):
        return True
    try:
        return _same_folder(settings.get("THEME", ""), theme_path())
    except GuideSettingsError:  # the guide's theme is missing: not this site's concern
        return False


def namespace_plugins() -> list[str]:
    """The plugins Pelican loads by itself when PLUGINS is unset: every package in the
    `pelican.plugins` namespace."""
    import pkgutil

    import pelican.plugins

    return [
        name
        for _, name, package in pkgutil.iter_modules(pelican.plugins.__path__, "pelican.plugins.")
        if package
    ]


def plugins_as_written(settings):
    """The site's PLUGINS before Pelican replaced it with the names of the plugins it loaded.
    The guide's commands read the settings themselves (build.load_settings). Under plain
    `pelican`, a list that is not every namespace plugin was the site's; every namespace
    plugin is what Pelican loads when PLUGINS is unset, or what a site that lists them all
    wrote: Pelican's command line says which (its settings file, which it keeps loaded as a
    module, and its -e settings). NAMED when nothing tells."""
    if PLUGINS_AS_WRITTEN in settings:
        return settings[PLUGINS_AS_WRITTEN]
    loaded = settings.get("PLUGINS") or []
    if sorted(loaded) != sorted(namespace_plugins()):
        return loaded
    return _pelican_command_plugins()


def _pelican_command_plugins():
    import contextlib
    import io
    import sys

    from pelican import DEFAULT_CONFIG_NAME, get_config, parse_arguments

    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            args = parse_arguments(sys.argv[1:])
    except SystemExit:  # not Pelican's command line: Pelican run from Python
        return NAMED
    extra = get_config(args)
    if "PLUGINS" in extra:
        return extra["PLUGINS"]
    path = args.settings or (DEFAULT_CONFIG_NAME if os.path.isfile(DEFAULT_CONFIG_NAME) else None)
    if path is None:
        return None  # no settings file at all: PLUGINS unset
    module = sys.modules.get(os.path.splitext(os.path.basename(path))[0])
    if module is None or not _same_folder(getattr(module, "__file__", "") or "", path):
        return NAMED
    return getattr(module, "PLUGINS", None)


def _extension_name(extension) -> str:
    name = extension if isinstance(extension, str) else f"{type(extension).__module__}"
    name = name.split(":")[0]
    return name if "." in name else f"markdown.extensions.{name}"


def _markdown(site: dict) -> tuple[dict, list[str]]:
    """The site's MARKDOWN with the extensions the guide needs added where it left them out,
    and a line for each option the theme relies on that the site set otherwise."""
    merged = copy.deepcopy(site)
    merged.setdefault("output_format", "html5")
    configs = merged.setdefault("extension_configs", {})
    listed = {_extension_name(extension) for extension in merged.get("extensions", [])}
    lines = []
    for name, options in MARKDOWN_EXTENSIONS.items():
        present = next((key for key in configs if _extension_name(key) == name), None)
        if present is None and name not in listed:
            configs[name] = copy.deepcopy(options)
            continue
        given = configs.get(present, {}) if present else {}
        for (extension, option), consequence in _NEEDED_OPTIONS.items():
            if extension == name and option in given and given[option] != options[option]:
                lines.append(
                    f'MARKDOWN["extension_configs"]["{present}"]["{option}"] is {given[option]!r}, '
                    f"not the guide's {options[option]!r}: {consequence}"
                )
    return merged, lines


def _theme_problem(theme: str) -> str | None:
    missing = [
        part for part in ("templates/page.html", "css") if not os.path.exists(os.path.join(theme, part))
    ]
    if not missing:
        return None
    return (
        f"THEME {theme!r} is not the guide's theme (it has no {' or '.join(missing)}): leave THEME unset "
        "for the guide's, or set THEME = pelican.plugins.guide.theme_path()"
    )


def apply(settings) -> list[str]:
    """Give each setting the guide depends on its value where the site left Pelican's; return
    one warning line for each the site set otherwise. Raises GuideSettingsError for a value
    the guide cannot build with. Running it twice changes nothing more."""
    ours = guide_values()
    warnings: list[str] = []
    for name, value in ours.items():
        if name not in settings or settings[name] == DEFAULT_CONFIG.get(name):
            settings[name] = value
    problem = _theme_problem(settings["THEME"])
    if problem:
        raise GuideSettingsError(problem)
    if settings["ARTICLE_PATHS"]:
        raise GuideSettingsError(
            f"ARTICLE_PATHS {settings['ARTICLE_PATHS']!r} must be [] or unset: the guide has pages only "
            f"(under PAGE_PATHS, {settings.get('PAGE_PATHS')!r}), "
            "and its theme has no template for blog articles"
        )
    templates = os.path.join(settings["THEME"], "templates")
    if "index" in settings["DIRECT_TEMPLATES"]:
        raise GuideSettingsError(
            f"DIRECT_TEMPLATES {settings['DIRECT_TEMPLATES']!r} names 'index', but the guide writes "
            "index.html itself: the page with slug index, or the theme's home page; remove 'index' "
            f"(the guide's are {ours['DIRECT_TEMPLATES']!r})"
        )
    for name in settings["DIRECT_TEMPLATES"]:
        if not os.path.isfile(os.path.join(templates, f"{name}.html")):
            raise GuideSettingsError(
                f"DIRECT_TEMPLATES names {name!r}, which the theme has no template for "
                f"({templates}/{name}.html); "
                f"the guide's are {ours['DIRECT_TEMPLATES']!r}"
            )
    left_out = [name for name in ours["DIRECT_TEMPLATES"] if name not in settings["DIRECT_TEMPLATES"]]
    if left_out:
        raise GuideSettingsError(
            f"DIRECT_TEMPLATES {settings['DIRECT_TEMPLATES']!r} leaves out {', '.join(left_out)}, which the "
            f"theme's pages link to; the guide's are {ours['DIRECT_TEMPLATES']!r}"
        )
    for name in ("PAGE_URL", "PAGE_SAVE_AS"):
        if settings[name] != ours[name]:
            warnings.append(
                f"{name} {settings[name]!r} is not the guide's {ours[name]!r}: links written from the site "
                "root, like /servers.html, will not reach these pages"
            )
    if settings["STATIC_PATHS"] != ours["STATIC_PATHS"]:
        warnings.append(
            f"STATIC_PATHS {settings['STATIC_PATHS']!r} copies only those folders of the content folder; "
            "the guide's [''] copies every file that is not a page"
        )
    settings["MARKDOWN"], lines = _markdown(settings["MARKDOWN"])
    return warnings + lines
