"""Signal handlers: configure each generator's Jinja2 environment and the stylesheets."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from urllib.parse import quote

from jinja2 import FileSystemBytecodeCache
from pelican import signals
from pygments.styles import get_style_by_name
from pygments.util import ClassNotFound

from guide_settings import GuideSettingsError, plugin_settings

from .sidebar import Sidebar
from .stylesheet import Stylesheet, minify, pygments_css, theme_css

logger = logging.getLogger(__name__)

DEFAULT_GUIDE_THEME = {
    # Pygments styles that keep WCAG AA contrast (from the accessible-pygments package).
    "pygments_light_style": "a11y-light",
    "pygments_dark_style": "a11y-dark",
    # Folders of the theme, relative to THEME.
    "css_folder": "css",
    "favicon": "favicon.svg",
    # Inline scripts the Content-Security-Policy allows, as sha256 digests in base64.
    # Empty: no script runs. `make devserver` sets its live-reload snippet's digest here;
    # `make html` and `make publish` never do.
    "dev_script_hashes": (),
}

# Markdown's codehilite wraps every highlighted block in this.
_CODE_BLOCK_MARKER = '<div class="highlight">'


GuideThemeSettingsError = GuideSettingsError  # the name this plugin exports


def theme_settings(settings) -> dict:
    merged = plugin_settings(settings, "GUIDE_THEME", DEFAULT_GUIDE_THEME)
    hashes = merged["dev_script_hashes"]
    if not isinstance(hashes, (list, tuple)) or not all(isinstance(h, str) and h for h in hashes):
        raise GuideThemeSettingsError(
            f"GUIDE_THEME['dev_script_hashes'] {hashes!r} must be a list of sha256 digests in base64"
        )
    merged["dev_script_hashes"] = tuple(hashes)
    for key in ("pygments_light_style", "pygments_dark_style"):
        try:
            get_style_by_name(merged[key])
        except ClassNotFound:
            raise GuideThemeSettingsError(
                f"GUIDE_THEME[{key!r}] {merged[key]!r} is not a Pygments style installed here"
            ) from None
    return merged


class _Styles:
    """The two stylesheets of a build, made once and shared by every page."""

    def __init__(self, settings):
        config = theme_settings(settings)
        theme = Path(settings["THEME"])
        css_folder = theme / config["css_folder"]
        base = theme_css(css_folder)
        if not base.strip():
            raise GuideThemeSettingsError(f"{css_folder}: no .css files found for the theme")
        code = pygments_css(config["pygments_light_style"], config["pygments_dark_style"])
        scripts = config["dev_script_hashes"]
        self.plain = Stylesheet.from_css(minify(base), scripts)
        self.with_code = Stylesheet.from_css(minify(base + "\n" + code), scripts)
        self.favicon = favicon_uri(theme / config["favicon"])


def favicon_uri(path: Path) -> str:
    """The SVG as a data: URI, so the browser never asks for /favicon.ico.

    Spaces and double quotes are escaped too: a URL may hold neither (the Nu checker says so).
    """
    svg = " ".join(path.read_text(encoding="utf-8").split())
    return "data:image/svg+xml," + quote(svg, safe="=:/'")


def canonical_base(settings) -> str:
    """The absolute address pages are shared under: GUIDE_PUBLIC_URL, else SITEURL."""
    base = settings.get("GUIDE_PUBLIC_URL") or settings.get("SITEURL") or ""
    if not base.startswith(("https://", "http://")):
        raise GuideThemeSettingsError(
            f"GUIDE_PUBLIC_URL {base!r} must be an absolute http(s) address, like "
            '"https://guide.example.org": canonical links and Open Graph URLs need one'
        )
    return base.rstrip("/") + "/"


_styles_by_build: dict[int, _Styles] = {}


def _styles(settings) -> _Styles:
    key = id(settings)
    if key not in _styles_by_build:
        _styles_by_build.clear()
        _styles_by_build[key] = _Styles(settings)
    return _styles_by_build[key]


def configure_generator(generator) -> None:
    """generator_init: autoescape everything; hand the stylesheets to the templates."""
    # Pelican leaves autoescaping off; the theme prints metadata, which is plain text.
    generator.env.autoescape = True
    # A build reads each template once: no stat of the file on each use (thousands per
    # build), and the compiled code kept beside Pelican's content cache (keyed by the
    # template's source, so an edited template is compiled again).
    generator.env.auto_reload = False
    if generator.settings.get("CACHE_CONTENT") and generator.settings.get("CACHE_PATH"):
        folder = os.path.join(generator.settings["CACHE_PATH"], "jinja")
        os.makedirs(folder, exist_ok=True)
        generator.env.bytecode_cache = FileSystemBytecodeCache(folder)
    styles = _styles(generator.settings)
    generator.context["GUIDE_STYLES"] = styles
    generator.context["GUIDE_CANONICAL_BASE"] = canonical_base(generator.settings)
    generator.env.globals["sidebar"] = Sidebar(generator.env)


def pick_stylesheets(generator) -> None:
    """page_generator_finalized: only pages with code blocks carry the Pygments CSS."""
    styles = _styles(generator.settings)
    for page in (*generator.pages, *generator.hidden_pages):
        page.stylesheet = styles.with_code if _CODE_BLOCK_MARKER in page._content else styles.plain


def register():
    signals.generator_init.connect(configure_generator)
    signals.page_generator_finalized.connect(pick_stylesheets)
