"""Inline stylesheets and the Content-Security-Policy that allows exactly them."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup
from pygments.formatters import HtmlFormatter
from pygments.styles import get_style_by_name

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_SPACE_AROUND = re.compile(r"\s*([{};:,>])\s*")


@dataclass(frozen=True)
class Stylesheet:
    css: Markup  # our own CSS: safe to print inside <style>
    csp: str  # the Content-Security-Policy that allows this CSS and nothing else

    @classmethod
    def from_css(cls, css: str, script_hashes: tuple[str, ...] = ()) -> "Stylesheet":
        """`script_hashes` (sha256 in base64) allow exactly those inline scripts, and
        scripts and WebSockets from the site itself: only the devserver sets them."""
        rules = [
            "default-src 'none'",
            f"style-src 'sha256-{sha256_base64(css)}'",
            "img-src 'self' data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
        if script_hashes:
            allowed = " ".join(f"'sha256-{digest}'" for digest in script_hashes)
            rules += [f"script-src 'self' {allowed}", "connect-src 'self'"]
        return cls(css=Markup(css), csp="; ".join(rules))


def sha256_base64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def minify(css: str) -> str:
    """Comments and spacing out; enough for hand-written CSS without strings that hold them."""
    css = _COMMENT.sub("", css)
    css = _SPACE_AROUND.sub(r"\1", " ".join(css.split()))
    return css.replace(";}", "}")


def theme_css(folder: Path) -> str:
    """Every .css file of the theme, in file-name order (the names carry the order)."""
    return "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.css")))


def pygments_css(light_style: str, dark_style: str) -> str:
    """Highlighting for `.highlight` blocks; the dark style follows the reader's colour scheme."""
    light = HtmlFormatter(style=get_style_by_name(light_style)).get_style_defs(".highlight")
    dark = HtmlFormatter(style=get_style_by_name(dark_style)).get_style_defs(".highlight")
    return f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}"
