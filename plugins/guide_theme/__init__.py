"""guide_theme: what the theme needs from Python.

- Jinja2 autoescaping, on for every template: metadata is always text.
- The theme's CSS, read once per build from `theme/css/` in file-name order, with
  Pygments CSS generated from a light and a dark style, inlined into each page.
  A page with no code block gets no Pygments CSS.
- The Content-Security-Policy for each stylesheet, with the hash of its inline CSS.
"""

from .plugin import GuideThemeSettingsError, register
from .stylesheet import Stylesheet

__all__ = ["GuideThemeSettingsError", "Stylesheet", "register"]
