"""What a page's body may hold, checked on the HTML Markdown made, when the page is read.

The site's Content-Security-Policy runs no script and loads nothing from elsewhere, so
raw HTML in a page can only fail quietly. Here it fails loudly instead, naming the file:
- `<meta>` and `<base>` are errors: a `<meta http-equiv="refresh">` sends readers away,
  and no CSP can stop it.
- `<script>`, `<iframe>`, `<object>`, `<embed>` and `on...=` handlers are warnings: the
  CSP blocks them and the reader sees a hole.
- `style="..."` attributes, which the CSP would block, become theme classes where the
  declarations are the guide's usual ones (spacing, rounded or bordered images), and are
  removed with a warning otherwise.
- A `javascript:`, `vbscript:` or `data:` link is a warning: the CSP blocks the first
  two, browsers refuse to open the third.
- An image from another host is a warning unless GUIDE_IMAGE_HOSTS allows that host.
- A second `<h1>` is a warning: the theme prints the title as the page's one `<h1>`.
- Ids are made unique in the page: one the theme uses (`content`, the skip link's
  target) or one given twice gets a suffix, as the toc extension does (`content_1`).
"""

from __future__ import annotations

import re
from html import unescape
from typing import NamedTuple
from urllib.parse import urlsplit

from markdown.extensions.toc import unique

# A start tag and its attributes; Markdown escapes every `<` inside code, so these are real tags.
_START_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_STYLE_ATTRIBUTE = re.compile(r"""\s+style\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+)""", re.IGNORECASE)
_CLASS_ATTRIBUTE = re.compile(r"""(\sclass\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE)
# Inline declarations the theme has a class for (theme/css/40-components.css).
STYLE_CLASSES = {
    "border:none": "borderless",
    "border:0": "borderless",
    "border-radius": "rounded",
    "border": "outlined",
    "margin": "spaced",
    "margin-top": "spaced",
    "margin-bottom": "spaced",
    "padding": "spaced",
    "padding-top": "spaced",
    "padding-bottom": "spaced",
    # A Markdown table's column alignment (`| ---: |`), which the tables extension writes as
    # style="text-align: ...".
    "text-align:left": "align-left",
    "text-align:center": "align-center",
    "text-align:right": "align-right",
}
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.DOTALL | re.IGNORECASE)
_FIRST_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p>", re.DOTALL | re.IGNORECASE)
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]*>")

_ID_ATTRIBUTE = re.compile(r"""(\sid\s*=\s*)(["'])(.*?)\2""", re.IGNORECASE | re.DOTALL)
_ANY_ID = re.compile(r"\sid\s*=", re.IGNORECASE)
_ANCHOR_HREF = re.compile(r"""(\shref\s*=\s*)(["'])#(.*?)\2""", re.IGNORECASE | re.DOTALL)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
# Attributes a browser follows as an address, and the schemes that run code or leave the
# site as a document: `data:` stays allowed where it is an image (img-src allows it).
_ADDRESS_ATTRIBUTES = ("href", "xlink:href", "action", "formaction", "src")
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")
_BLANKS = re.compile(r"[\t\n\r]")

BLOCKED_ELEMENTS = ("script", "iframe", "object", "embed")
FORBIDDEN_ELEMENTS = ("meta", "base")


class Note(NamedTuple):
    level: str  # "error" or "warning"
    message: str


class Body(NamedTuple):
    html: str
    notes: tuple[Note, ...]
    first_paragraph: str  # HTML of the first <p>, for a description


def text_of(html: str) -> str:
    return " ".join(unescape(_TAG.sub("", _PERMALINK.sub("", html))).split())


# Code blocks and tables may scroll sideways on a phone: each is a tab stop, so a keyboard
# can scroll it too (WCAG 2.1.1; axe's scrollable-region-focusable).
CODE_START = '<div class="highlight"><pre tabindex="0">'
_PLAIN_CODE_START = '<div class="highlight"><pre>'
_TABLE = re.compile(r"<table(?=[\s>])(?![^>]*\stabindex=)")


def outside_code(html: str, change, code=lambda block: block) -> str:
    """`change` applied to the HTML between highlighted code blocks, whose thousands of
    <span>s can hold no tag of the author's (Pygments escapes every `<` of the code);
    `code` to each block (from its opening tags to its `</pre>`)."""
    parts = []
    position = 0
    for start, end in code_blocks(html):
        parts += [change(html[position:start]), code(html[start:end])]
        position = end
    parts.append(change(html[position:]))
    return "".join(parts)


def code_blocks(html: str):
    """(start, end) of each highlighted code block, from its opening tags to its `</pre>`."""
    position = 0
    while (start := html.find(CODE_START, position)) >= 0 and (end := html.find("</pre>", start)) >= 0:
        yield start, end
        position = end


def outside_code_spans(html: str):
    """(start, end) of each stretch of `html` between its highlighted code blocks."""
    position = 0
    for start, end in code_blocks(html):
        yield position, start
        position = end
    yield position, len(html)


def inspect(html: str, image_hosts: tuple[str, ...] = ()) -> Body:
    html = html.replace(_PLAIN_CODE_START, CODE_START)
    notes: list[Note] = []
    seen: set[str] = set()
    tags: list = []
    outside_code(html, lambda part: tags.extend(_START_TAG.finditer(part)) or part)
    for match in tags:
        tag = match[1].lower()
        attributes = {name.lower(): value for name, value in _ATTRIBUTE.findall(match[2])}
        if tag in FORBIDDEN_ELEMENTS and tag not in seen:
            seen.add(tag)
            what = (
                "sends readers to another address"
                if "http-equiv" in attributes
                else "changes the page's head"
            )
            notes.append(Note("error", f"<{tag}> in the page body {what}; remove it"))
        elif tag in BLOCKED_ELEMENTS and tag not in seen:
            seen.add(tag)
            notes.append(
                Note(
                    "warning", f"<{tag}> is blocked by the site's Content-Security-Policy; readers see a gap"
                )
            )
        handlers = sorted(name for name in attributes if name.startswith("on"))
        if handlers and "on" not in seen:
            seen.add("on")
            notes.append(Note("warning", f"<{tag} {handlers[0]}=...> never runs: the site runs no script"))
        for name in _ADDRESS_ATTRIBUTES:
            scheme = _unsafe_scheme(attributes.get(name), name)
            if scheme and scheme not in seen:
                seen.add(scheme)
                value = " ".join(unescape(attributes[name].strip("\"'")).split())
                notes.append(
                    Note(
                        "warning",
                        f'<{tag} {name}="{value[:60]}"> is a {scheme} address, which the '
                        "site's Content-Security-Policy or the browser blocks; link to a page or a file",
                    )
                )
        if tag == "img":
            source = unescape(attributes.get("src", "").strip("\"'"))
            host = urlsplit(source).hostname if source.startswith(("http://", "https://", "//")) else None
            if host and not _allowed(host, image_hosts):
                notes.append(
                    Note(
                        "warning",
                        f"image {source} is on another host, which the site's Content-Security-Policy "
                        f"blocks; copy it into the content folder or add {host!r} to GUIDE_IMAGE_HOSTS",
                    )
                )
    unknown: list[str] = []
    html = outside_code(
        html,
        lambda part: _TABLE.sub(
            '<table tabindex="0"', _START_TAG.sub(lambda tag: _style_to_classes(tag[0], unknown), part)
        ),
    )
    if unknown:
        notes.append(
            Note(
                "warning",
                f'style="{unknown[0]}" removed: the site\'s Content-Security-Policy blocks inline '
                "styles; use a class of the theme"
                + (f" ({len(unknown) - 1} more in this page)" if len(unknown) > 1 else ""),
            )
        )
    for heading in _H1.findall(html):
        notes.append(
            Note(
                "warning",
                f'has a second <h1> "{text_of(heading)}" in its body; '
                "the title is the page's <h1>, use ## for sections",
            )
        )
    first = _FIRST_PARAGRAPH.search(html)
    return Body(html, tuple(notes), first[1] if first else "")


def _allowed(host: str, image_hosts) -> bool:
    """Whether an image's host is one GUIDE_IMAGE_HOSTS names (`*.example.org`: its subdomains)."""
    for allowed in image_hosts:
        name = urlsplit(allowed if "://" in allowed else f"//{allowed}").hostname or ""
        if host == name or (name.startswith("*.") and host.endswith(name[1:])):
            return True
    return False


def _unsafe_scheme(value: str | None, attribute: str) -> str | None:
    """`javascript:` and the like, as a browser reads the address: entities decoded, tabs
    and line ends dropped, leading spaces and control characters ignored, any case."""
    if not value:
        return None
    address = _BLANKS.sub("", unescape(value.strip("\"'"))).lstrip("".join(map(chr, range(33)))).lower()
    for scheme in _SCRIPT_SCHEMES:
        if address.startswith(scheme):
            return scheme
    if address.startswith("data:") and attribute != "src":
        return "data:"
    return None


def unique_ids(html: str, headings: tuple, reserved) -> tuple[str, tuple]:
    """Each id of the body once in the page: an id in `reserved` (the theme's) or already
    used gets a suffix (`content_1`), and a renamed heading's own "#" link and its line in
    "On this page" follow it. Ids inside code blocks are text, and are left alone."""
    used = set(reserved)
    renamed: dict[str, str] = {}
    pending: list = []  # the renamed heading whose permalink comes next

    def rename(match) -> str:
        tag, name = match[0], match[1].lower()
        if name in _HEADINGS:
            pending.clear()
        found = _ID_ATTRIBUTE.search(tag)
        if found is None:
            if name == "a" and pending and (link := _ANCHOR_HREF.search(tag)) and link[3] == pending[0]:
                tag = tag[: link.start(3)] + pending[1] + tag[link.end(3) :]
                pending.clear()
            return tag
        value = found[3]
        if value not in used:
            used.add(value)
            return tag
        new = unique(value, used)
        if name in _HEADINGS:
            renamed.setdefault(value, new)
            pending[:] = [value, new]
        return tag[: found.start(3)] + new + tag[found.end(3) :]

    if not _ANY_ID.search(html):
        return html, headings
    html = outside_code(html, lambda part: _START_TAG.sub(rename, part))
    if renamed:
        headings = tuple((level, renamed.get(anchor, anchor), text) for level, anchor, text in headings)
    return html, headings


def _style_to_classes(tag: str, unknown: list[str]) -> str:
    """A start tag without its style attribute; the declarations the theme has classes for
    become those classes, the others are noted in `unknown`."""
    style = _STYLE_ATTRIBUTE.search(tag)
    if style is None:
        return tag
    classes = []
    value = unescape(style[1].strip("\"'"))
    for declaration in filter(None, (part.strip() for part in value.split(";"))):
        name, _, setting = (part.strip().lower() for part in declaration.partition(":"))
        found = STYLE_CLASSES.get(f"{name}:{setting}") or (
            STYLE_CLASSES.get(name) if setting not in ("none", "0") else None
        )
        if found is None:
            unknown.append(value)
            return tag[: style.start()] + tag[style.end() :]
        if found not in classes:
            classes.append(found)
    tag = tag[: style.start()] + tag[style.end() :]
    existing = _CLASS_ATTRIBUTE.search(tag)
    if existing:
        return tag[: existing.start(3)] + " ".join([existing[3], *classes]) + tag[existing.end(3) :]
    end = len(tag) - (2 if tag.endswith("/>") else 1)
    return tag[:end].rstrip() + f' class="{" ".join(classes)}"' + tag[end:]
