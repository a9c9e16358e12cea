"""What the theme needs from Python: autoescaping, the inline stylesheets with the
Content-Security-Policy that allows exactly them, and navigation lines rendered once.

The theme's CSS (`theme/css/*.css`, in file-name order) is inlined into every page, so a
page is one request; pages with code blocks also get the Pygments CSS for a light and a
dark style. Each stylesheet's CSP allows that CSS by its sha256 and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
import marshal
import os
import pickle
import re
from io import BytesIO
from types import CodeType
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket, bc_magic
from markupsafe import Markup
from pygments.formatters import HtmlFormatter
from pygments.styles import get_style_by_name

from .errors import GuideSettingsError

CODE_BLOCK = '<div class="highlight">'  # what codehilite wraps each block in
ENTRY_TEMPLATE = "partials/nav-entry.html"
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# Not around ":": in a selector, ".a :focus" (a descendant) is not ".a:focus".
_SPACE_AROUND = re.compile(r"\s*([{};,>])\s*")
_SPACE_AFTER_COLON = re.compile(r":\s+")
# An id the theme writes as it is: id="content", not id="{{ x }}".
_LITERAL_ID = re.compile(r"""\bid\s*=\s*(["'])([^"'{}<>]+)\1""")


def sha256_base64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def minify(css: str) -> str:
    """Comments and spacing out: enough for hand-written CSS with no strings holding them."""
    css = _COMMENT.sub("", css)
    css = _SPACE_AROUND.sub(r"\1", " ".join(css.split()))
    return _SPACE_AFTER_COLON.sub(":", css).replace(";}", "}")


@dataclass(frozen=True)
class Stylesheet:
    css: Markup  # the theme's own CSS: safe to print inside <style>
    csp: str  # the Content-Security-Policy that allows this CSS and nothing else


def content_security_policy(css: str, image_hosts=(), script_hashes=(), *, search: bool = False) -> str:
    images = " ".join(["'self'", "data:", *(host if "://" in host else f"https://{host}" for host in image_hosts)])
    rules = [
        "default-src 'none'",
        f"style-src 'sha256-{sha256_base64(css)}'" + (" 'self'" if search else ""),
        f"img-src {images}",
        # No script runs, so fetches are only the browser's own (Lighthouse reads robots.txt).
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
    if search:  # search.html runs Pagefind: its script, its WebAssembly and its worker
        rules += ["script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'"]
    elif script_hashes:  # the devserver's live-reload snippet
        rules += ["script-src 'self' " + " ".join(f"'sha256-{digest}'" for digest in script_hashes)]
    return "; ".join(rules)


class Stylesheets:
    """The stylesheets of a build, made once: plain, with code, and the search page's."""

    def __init__(self, theme: str, config):
        folder = Path(theme) / "css"
        base = "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.css")))
        if not base.strip():
            raise GuideSettingsError(f"THEME {theme!r} has no css/*.css files; point THEME at the guide's theme")
        light, dark = (HtmlFormatter(style=get_style_by_name(name)).get_style_defs(".highlight") for name in config.pygments_styles)
        code = f"{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}"

        def sheet(css: str, search: bool = False) -> Stylesheet:
            css = minify(css)
            policy = content_security_policy(css, config.image_hosts, config.dev_script_hashes, search=search)
            return Stylesheet(Markup(css), policy)

        self.plain = sheet(base)
        self.with_code = sheet(base + "\n" + code)
        self.search = sheet(base, search=True)
        icon = Path(theme) / "favicon.svg"
        svg = " ".join(icon.read_text(encoding="utf-8").split()) if icon.exists() else ""
        # A data: URI, so the browser never asks for /favicon.ico; no spaces or quotes in it.
        self.favicon = "data:image/svg+xml," + quote(svg, safe="=:/'") if svg else ""

    def for_page(self, html: str) -> Stylesheet:
        return self.with_code if CODE_BLOCK in html else self.plain


class NavLines:
    """Template global `nav`: each navigation line rendered once per build by its partial
    (as a link, or as the current page's), then reused by every page that shows it."""

    def __init__(self, env):
        self._template = env.get_template(ENTRY_TEMPLATE)
        self._lines: dict[tuple, Markup] = {}

    def entry(self, entry, current: bool, siteurl: str) -> Markup:
        key = (id(entry), current, siteurl)
        line = self._lines.get(key)
        if line is None:
            line = Markup(self._template.render(entry=entry, current=current, SITEURL=siteurl).strip())
            self._lines[key] = line
        return line


def theme_ids(theme: str) -> frozenset[str]:
    """Every id the theme's templates write as it is (`<main id="content">`, the search
    field's): a page's body must not use them."""
    found = set()
    for path in sorted(Path(theme, "templates").rglob("*")):
        if path.is_file():
            found.update(match[2].strip() for match in _LITERAL_ID.finditer(path.read_text(encoding="utf-8", errors="replace")))
    return frozenset(found)


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's compiled templates beside the other caches. Damaged files (cut short,
    garbage, a folder in their place) are one warning and the templates compiled again;
    files that cannot be written, one warning."""

    def __init__(self, folder: str, caches):
        super().__init__(folder)
        self.caches = caches

    def load_bytecode(self, bucket: Bucket) -> None:
        path = self._get_cache_filename(bucket)
        try:
            with open(path, "rb") as stored:
                raw = stored.read()
        except FileNotFoundError:
            return
        except OSError as problem:
            return self._damaged(path, "a folder is in its place" if os.path.isdir(path) else problem.strerror)
        if not raw.startswith(bc_magic):
            # Another Jinja's or Python's file is compiled again quietly; anything else is damage.
            return None if raw.startswith(bc_magic[:2]) else self._damaged(path, "it is damaged")
        stored = BytesIO(raw[len(bc_magic) :])
        try:
            if pickle.load(stored) != bucket.checksum:
                return  # the template was edited
            code = marshal.load(stored)
            if not isinstance(code, CodeType):
                raise TypeError("not compiled code")
        except Exception:  # noqa: BLE001 - cut short or garbage: compile it again
            return self._damaged(path, "it is damaged")
        bucket.code = code

    def _damaged(self, path: str, reason: str) -> None:
        # One warning for the folder: its files are damaged together, as a whole cache is.
        self.caches.warn(self.directory, f"the compiled templates cannot be read ({os.path.basename(path)}: {reason}); "
                         "compiling them again")  # fmt: skip

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError as problem:
            self.caches.warn(self.directory, f"the compiled templates cannot be written ({problem.strerror}); "
                             "the next build compiles them again")  # fmt: skip


def configure_environment(env, settings, cache: bool, caches=None) -> None:
    """Autoescape every template (metadata is text); read each template once per build,
    its compiled code kept beside the cache."""
    env.autoescape = True
    env.auto_reload = False
    if cache and settings.get("CACHE_PATH"):
        folder = os.path.join(settings["CACHE_PATH"], "jinja")
        try:
            os.makedirs(folder, exist_ok=True)
            if not os.path.isdir(folder):
                raise NotADirectoryError(folder)
            env.bytecode_cache = TemplateCache(folder, caches)
        except OSError:
            caches.warn(folder, "the compiled templates' folder cannot be used (a file is in its place); compiling every template")
    env.globals["nav"] = NavLines(env)


def theme_digest(theme: str) -> str:
    """Every file of the theme: an edited template or stylesheet renders every page again."""
    digest = hashlib.sha256()
    for path in sorted(Path(theme).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(theme).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
