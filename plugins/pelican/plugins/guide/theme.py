"""What the theme needs from Python: autoescaping, the inline stylesheets and script with
the Content-Security-Policy that allows exactly them, and navigation lines rendered once.

The theme's CSS (`theme/css/*.css`, in file-name order) is inlined into every page, so a
page is one request besides the theme's one script; pages with code blocks also get the
Pygments CSS of a light and a dark style, as one stylesheet that follows the page's colour
scheme. `theme/init.js` is inlined into every page's head: it applies the reader's colour
scheme before the first paint. The CSP allows that CSS and that inline script by their
sha256, and scripts from the site itself (the theme's script, Pagefind's).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import marshal
import os
import pickle
import re
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from types import CodeType
from urllib.parse import quote, urlsplit

from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket, bc_magic
from markupsafe import Markup
from pygments.formatters import HtmlFormatter

from .errors import GuideSettingsError
from .markdown_ext import style_by_name

CODE_BLOCK = '<div class="highlight">'  # what codehilite wraps each block in
ENTRY_TEMPLATE = "partials/nav-entry.html"
INIT_SCRIPT = "init.js"  # in the theme folder: inlined into every page's head
SCRIPT_SOURCE = "js/guide.js"  # in the theme folder: the theme's one script...
SCRIPT = "theme/guide.js"  # ...served here, without its comments and indentation
EDITION_CSS = "editions/print.css"  # in the theme folder: inlined into print.html after the rest
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}")
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


def _declarations(body: str) -> list[list[str]]:
    return [part.split(":", 1) for part in body.split(";") if part]


def _pair_up(ours: list[list[str]], theirs: list[list[str]]) -> bool:
    """The same properties in the same order, and every value that differs a colour."""
    return len(ours) == len(theirs) and all(
        mine[0] == other[0]
        and (mine[1] == other[1] or bool(_HEX_COLOUR.fullmatch(mine[1]) and _HEX_COLOUR.fullmatch(other[1])))
        for mine, other in zip(ours, theirs, strict=False)
    )


def one_colour_scheme_stylesheet(light: str, dark: str) -> str:
    """Two Pygments stylesheets as one: where a rule of each gives the same properties, a
    colour that differs becomes `light-dark(light, dark)`, which follows the page's
    `color-scheme` (the system's, or the reader's choice). A rule that does not pair up
    this way (a style with rules the other lacks) keeps its dark version for the dark
    scheme, chosen by the system or by the reader."""
    light_rules, dark_rules = (dict(_RULE.findall(minify(css))) for css in (light, dark))
    merged, dark_only = [], []
    for selector, body in light_rules.items():
        ours, theirs = _declarations(body), _declarations(dark_rules.pop(selector, ""))
        if _pair_up(ours, theirs):
            values = (
                f"{name}:{value if value == other else f'light-dark({value},{other})'}"
                for (name, value), (_, other) in zip(ours, theirs, strict=False)
            )
            merged.append(f"{selector}{{{';'.join(values)}}}")
        else:
            merged.append(f"{selector}{{{body}}}")
            if theirs:
                dark_only.append((selector, ";".join(":".join(part) for part in theirs)))
    dark_only += list(dark_rules.items())
    if dark_only:
        chosen = "".join(f":root[data-theme=dark] {selector}{{{body}}}" for selector, body in dark_only)
        system = "".join(
            f":root:not([data-theme=light]) {selector}{{{body}}}" for selector, body in dark_only
        )
        merged.append(f"{chosen}@media (prefers-color-scheme:dark){{{system}}}")
    return "".join(merged)


@dataclass(frozen=True)
class Stylesheet:
    css: Markup  # the theme's own CSS: safe to print inside <style>
    csp: str  # the Content-Security-Policy that allows this CSS and the theme's scripts


def content_security_policy(css: str, image_hosts=(), script_hashes=()) -> str:
    """The policy of a page whose CSS is `css`: scripts from the site itself (the theme's
    script, Pagefind's, and its WebAssembly and worker) and the inline scripts whose
    sha256 digests are `script_hashes` (the theme's colour-scheme init, the devserver's
    live-reload snippet); nothing from another host."""
    images = " ".join(
        ["'self'", "data:", *(host if "://" in host else f"https://{host}" for host in image_hosts)]
    )
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *(f"'sha256-{digest}'" for digest in script_hashes)])
    return "; ".join(
        [
            "default-src 'none'",
            f"style-src 'sha256-{sha256_base64(css)}'",
            f"img-src {images}",
            f"script-src {scripts}",
            "worker-src 'self'",
            "connect-src 'self'",  # Pagefind's index files, and robots.txt for Lighthouse
            "base-uri 'none'",
            "form-action 'self'",
        ]
    )


def compact_script(text: str) -> str:
    """A script as served: its lines without their indentation, without blank lines and
    `//` comment lines (the theme's scripts keep no other comments, and no line inside a
    string), so a reader loads about a fifth less."""
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("//"))


def inline_script(path: Path) -> str:
    """A script to inline: compact_script of the file."""
    return compact_script(path.read_text(encoding="utf-8"))


def script_file(theme: str) -> tuple[str, str, object]:
    """The theme's script as the site serves it: its name, what it is made from, and how
    to make it (writer.write_data)."""
    source = Path(theme) / SCRIPT_SOURCE
    text = source.read_text(encoding="utf-8") if source.exists() else ""
    served = compact_script(text).encode("utf-8") + b"\n"
    return SCRIPT, hashlib.sha256(served).hexdigest(), lambda: served


class Stylesheets:
    """What the theme inlines into every page, made once per build: the stylesheet (plain,
    or with code), the colour-scheme init script, the favicon."""

    def __init__(self, theme: str, config):
        folder = Path(theme) / "css"
        base = "\n".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.css")))
        if not base.strip():
            raise GuideSettingsError(
                f"THEME {theme!r} has no css/*.css files; point THEME at the guide's theme"
            )
        light, dark = (
            HtmlFormatter(style=style_by_name(name)).get_style_defs(".highlight")
            for name in config.pygments_styles
        )
        code = one_colour_scheme_stylesheet(light, dark)
        init = Path(theme) / INIT_SCRIPT
        script = inline_script(init) if init.exists() else ""
        self.init_script = Markup(script)  # the theme's own code: safe inside <script>
        hashes = (*([sha256_base64(script)] if script else []), *config.dev_script_hashes)

        def sheet(css: str) -> Stylesheet:
            css = minify(css)
            return Stylesheet(Markup(css), content_security_policy(css, config.image_hosts, hashes))

        self.plain = sheet(base)
        self.with_code = sheet(base + "\n" + code)
        # print.html's own rules (the editions), in that page alone.
        edition = Path(theme) / EDITION_CSS
        extra = edition.read_text(encoding="utf-8") if edition.is_file() else ""
        self.edition = sheet(base + "\n" + code + "\n" + extra)
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
        self._lines: dict[tuple, tuple[object, Markup]] = {}

    def entry(self, entry, current: bool, siteurl: str) -> Markup:
        # By identity, and the entry kept with its line: an entry made for one page and then
        # let go would otherwise leave its id to a new one, which would get its line.
        key = (id(entry), current, siteurl)
        kept = self._lines.get(key)
        if kept is None or kept[0] is not entry:
            kept = (
                entry,
                Markup(self._template.render(entry=entry, current=current, SITEURL=siteurl).strip()),
            )
            self._lines[key] = kept
        return kept[1]


def theme_files(folder: str) -> tuple:
    """Each file under `folder` as it stands (path, size, time, inode): what the theme's
    digests are worked out from again only when it changes (a devserver's builds)."""
    found = []
    for directory, _, names in os.walk(folder):
        for name in names:
            info = os.stat(os.path.join(directory, name))
            found.append((os.path.join(directory, name), info.st_size, info.st_mtime_ns, info.st_ino))
    return tuple(sorted(found))


# Where a label may wrap: after a dot or an underscore, and between the words of a
# camelCase identifier ("HttpResponse|Permanent|Redirect"), never inside a word.
_BREAK_AFTER = re.compile(r"(?<=[._])(?=\w)|(?<=[a-z0-9])(?=[A-Z][a-z])")


def breakable(text) -> Markup:
    """Text with `<wbr>` where a long identifier may wrap; the theme's CSS never breaks a
    word elsewhere (overflow-wrap: normal on labels)."""
    parts = _BREAK_AFTER.split(str(text))
    return Markup("<wbr>").join(Markup.escape(part) for part in parts)


def site_path(siteurl: str) -> str:
    """The path of the site's root from the server's root ("" or "/docs"): the 404 page,
    served at any path, loads and links everything by it."""
    return urlsplit(siteurl).path.rstrip("/") if siteurl else ""


def breadcrumb_json(crumbs, title: str, url: str, public_url: str) -> Markup:
    """schema.org BreadcrumbList, as JSON-LD: each of `crumbs` (navigation entries: a label,
    and an address from the site's root), then the page itself. Addresses are absolute when
    the site's public address is known. `<` is escaped, so no text can end the <script>
    element that holds it."""

    items = [*((entry.label, entry.href) for entry in crumbs), (title, url)]
    data = {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": (public_url or "") + path}
            for number, (name, path) in enumerate(items, start=1)
        ],
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def theme_ids(theme: str) -> frozenset[str]:
    """Every id the theme's templates write as it is (`<main id="content">`, the search
    field's): a page's body must not use them."""
    return _theme_ids(theme, theme_files(os.path.join(theme, "templates")))


@functools.lru_cache(maxsize=4)
def _theme_ids(theme: str, _files: tuple) -> frozenset[str]:
    found = set()
    for path in sorted(Path(theme, "templates").rglob("*")):
        if path.is_file():
            found.update(
                match[2].strip()
                for match in _LITERAL_ID.finditer(path.read_text(encoding="utf-8", errors="replace"))
            )
    return frozenset(found)


# The devserver's compiled templates, by template and source checksum (caches.Cache.resident).
_compiled: dict[tuple[str, str], CodeType] = {}


class TemplateCache(FileSystemBytecodeCache):
    """Jinja's compiled templates beside the other caches, and in memory for the devserver.
    Damaged files (cut short, garbage, a folder in their place) are one warning and the
    templates compiled again; files that cannot be written, one warning."""

    def __init__(self, folder: str, caches):
        super().__init__(folder)
        self.caches = caches

    def load_bytecode(self, bucket: Bucket) -> None:
        held = _compiled.get((bucket.key, bucket.checksum)) if self.caches.resident else None
        if held is not None:  # the devserver: compiled by a build before, kept in memory
            bucket.code = held
            return
        self._load_bytecode(bucket)
        if self.caches.resident and bucket.code is not None:
            _compiled[(bucket.key, bucket.checksum)] = bucket.code
        return

    def _load_bytecode(self, bucket: Bucket) -> None:
        path = self._get_cache_filename(bucket)
        try:
            with open(path, "rb") as stored:
                raw = stored.read()
        except FileNotFoundError:
            return None
        except OSError as problem:
            return self._damaged(
                path, "a folder is in its place" if os.path.isdir(path) else problem.strerror
            )
        if not raw.startswith(bc_magic):
            # Another Jinja's or Python's file is compiled again quietly; anything else is damage.
            return None if raw.startswith(bc_magic[:2]) else self._damaged(path, "it is damaged")
        stored = BytesIO(raw[len(bc_magic) :])
        try:
            if pickle.load(stored) != bucket.checksum:
                return None  # the template was edited
            code = marshal.load(stored)
            if not isinstance(code, CodeType):
                raise TypeError("not compiled code")
        except Exception:  # noqa: BLE001 - cut short or garbage: compile it again
            return self._damaged(path, "it is damaged")
        bucket.code = code
        return None

    def _damaged(self, path: str, reason: str) -> None:
        # One warning for the folder: its files are damaged together, as a whole cache is.
        self.caches.warn(
            self.directory,
            f"the compiled templates cannot be read ({os.path.basename(path)}: {reason}); "
            "compiling them again",
        )

    def dump_bytecode(self, bucket: Bucket) -> None:
        if self.caches.resident:
            _compiled[(bucket.key, bucket.checksum)] = bucket.code
        try:
            super().dump_bytecode(bucket)
        except OSError as problem:
            self.caches.warn(
                self.directory,
                f"the compiled templates cannot be written ({problem.strerror}); "
                "the next build compiles them again",
            )


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
            caches.warn(
                folder,
                "the compiled templates' folder cannot be used (a file is in its place); "
                "compiling every template",
            )
    env.globals["nav"] = NavLines(env)
    env.filters["breakable"] = breakable
    env.globals["breadcrumb_json"] = breadcrumb_json


def theme_digest(theme: str) -> str:
    """Every file of the theme: an edited template or stylesheet renders every page again."""
    return _theme_digest(theme, theme_files(theme))


@functools.lru_cache(maxsize=4)
def _theme_digest(theme: str, _files: tuple) -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(theme).rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(theme).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
