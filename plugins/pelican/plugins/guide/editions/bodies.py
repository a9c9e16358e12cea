"""A page's settled body, made fit for an edition: parsed once with lxml, its links and
images resolved against the site, its ids and links rewritten for where the edition puts
the page, and what a book or a printed page cannot hold taken out.

The site's body is HTML5 as Markdown wrote it, with the author's raw HTML in it; an
edition needs more: the book's XHTML (every id an XML name, no attribute a browser
forgives but XML refuses, no script or frame), print.html's one id space for every page.
What is taken out is what the site already warned about (a script, a frame) or what only
a browser shows (a permalink "#"); a link to a file the site lacks, which the site
reported, is left as its text.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote, urlsplit

from lxml import etree

from ..links import site_path

# An XML name without a colon (an NCName), in ASCII: what an id must be in XHTML.
_XML_ID = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*")
_NOT_IN_ID = re.compile(r"[^A-Za-z0-9._-]")
# A name XML accepts for an element or an attribute, without a namespace prefix.
_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*")
# Presentational attributes HTML5 made obsolete; a browser forgives them, EPUBCheck does not.
_OBSOLETE = frozenset(
    {"align", "valign", "border", "frameborder", "bgcolor", "cellpadding", "cellspacing", "scrolling"}
)
_DIMENSION = re.compile(r"\d+")
_REMOVED = frozenset({"script", "noscript", "style", "template"})
_FRAMES = frozenset({"iframe", "object", "embed", "video", "audio"})
_FOREIGN = frozenset({"svg", "math"})
_ELSEWHERE = ("http:", "https:", "mailto:", "ftp:", "tel:")
_UNSAFE = ("javascript:", "vbscript:", "data:")
# What a browser drops from an address before it reads it (the URL standard).
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
CODE_BLOCK = "highlight"  # the class of the <div> around each block of highlighted code


class Target(NamedTuple):
    """Where a link or image of a page leads."""

    kind: str  # "fragment", "elsewhere", "page" (of the edition), "file", "missing", "unsafe"
    path: str = ""  # the site path, for "page", "file" and "missing"
    fragment: str = ""
    href: str = ""  # an absolute address, for "elsewhere"


@dataclass(frozen=True)
class Site:
    """What a body's links may reach: the pages the edition holds (site paths), every file
    the build writes, and where the site is published ("" when nowhere)."""

    pages: frozenset[str]
    files: frozenset[str]
    public_url: str

    def target(self, href: str, page_url: str) -> Target:
        value = href.strip(_C0_AND_SPACE)
        if value.startswith("#"):
            return Target("fragment", fragment=value[1:])
        lowered = _TAB_OR_NEWLINE.sub("", value).lower()  # as a browser reads a scheme
        if lowered.startswith(_UNSAFE):
            return Target("unsafe")
        if value.startswith("//"):
            return Target("elsewhere", href="https:" + value)
        parts = urlsplit(value)
        if parts.scheme or lowered.startswith(_ELSEWHERE):
            return Target("elsewhere", href=value)
        path = site_path(parts.path, page_url) if parts.path else page_url
        kind = "page" if path in self.pages else "file" if path in self.files else "missing"
        return Target(kind, path, parts.fragment)

    def published(self, target: Target) -> str | None:
        """The published address of a site file, or None when the site is published nowhere."""
        if not self.public_url:
            return None
        return self.public_url + quote(target.path) + (f"#{target.fragment}" if target.fragment else "")


@dataclass
class Converted:
    """A body made fit for an edition, and what the caller reports or embeds."""

    html: str
    images: list[str]  # site paths of the images it shows, for the book to embed
    missing: list[str]  # site paths of images it lacks (shown as their alt text)
    left_out: list[tuple[str, str]]  # (site path, reason) of images it leaves out
    converted: list[str]  # what was not valid XHTML and was changed, one phrase each


_PARSER = etree.HTMLParser(huge_tree=True)  # the build's own pages: read whole, as the check reads them


def parse(body: str):
    """The body as lxml reads HTML (the way a browser forgives): its <body> element, which
    holds it whole, stray closing tags and all."""
    root = etree.fromstring(body, _PARSER) if body and body.strip() else None
    holder = root.find("body") if root is not None else None
    return holder if holder is not None else etree.Element("body")


def serialise(holder) -> str:
    """The children of the holding element, as HTML (the book's XHTML is made from it by
    EbookLib's own lxml serialisation)."""
    html = etree.tostring(holder, encoding="unicode", method="html")
    return html[html.index(">") + 1 : html.rindex("<")]


def remove(element) -> None:
    """Take an element out of the tree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def unwrap(element) -> None:
    """Keep an element's text and children, without the element (a link that leads nowhere)."""
    parent = element.getparent()
    at = parent.index(element)
    previous = element.getprevious()
    text = element.text or ""
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    children = list(element)
    if children:
        children[-1].tail = (children[-1].tail or "") + (element.tail or "")
    elif previous is not None:
        previous.tail += element.tail or ""
    else:
        parent.text += element.tail or ""
    parent[at : at + 1] = children


def book_id(value: str) -> str:
    """An id as an XML name: unchanged when it is one, else with every other character
    spelt out (`2-why` becomes `id-2-why`), the same for the id and every link to it."""
    if _XML_ID.fullmatch(value):
        return value
    return "id-" + _NOT_IN_ID.sub(lambda match: f"_{ord(match[0]):x}_", value)


def _replace_with_text(element, text: str) -> None:
    """An element replaced by a <span> holding `text` (a missing image by its alt text)."""
    span = etree.Element("span")
    span.set("class", "missing-image")
    span.text = text
    span.tail = element.tail
    element.getparent().replace(element, span)


def _replace_frame(element, site: Site, page_url: str) -> None:
    """An embedded frame or player becomes a link to what it shows, when that is elsewhere
    (the site's CSP blocks frames: the site has warned about it)."""
    source = element.get("src") or element.get("data") or ""
    target = site.target(source, page_url) if source else Target("missing")
    if target.kind != "elsewhere":
        remove(element)
        return
    link = etree.Element("a")
    link.set("href", target.href)
    link.text = element.get("title") or target.href
    link.tail = element.tail
    element.getparent().replace(element, link)


def convert(
    body: str,
    page_url: str,
    site: Site,
    *,
    page_link: Callable[[Target], str],
    file_link: Callable[[Target], str | None],
    image_source: Callable[[str], tuple[str | None, str]],
    own_id: Callable[[str], str],
    xhtml: bool,
) -> Converted:
    """One page's body for an edition. The edition says where things go:
    `page_link(target)` the href of a page it holds (a fragment of this page's included),
    `file_link(target)` the href of another file of the site (None: its text only),
    `image_source(path)` the src of an image of the site and, when None, why it is left out,
    `own_id(id)` an id of this page where the edition puts it. `xhtml`: the book's rules."""
    holder = parse(body)
    result = Converted("", [], [], [], [])
    waiting = list(reversed(holder))
    while waiting:  # in document order, never into what was taken out
        element = waiting.pop()
        if not isinstance(element.tag, str):  # a comment or a processing instruction
            remove(element)
            continue
        tag = element.tag
        if tag in _REMOVED or (tag == "a" and element.get("class") == "headerlink"):
            remove(element)
            continue
        if tag in _FRAMES:
            _replace_frame(element, site, page_url)
            continue
        if xhtml and tag in _FOREIGN:  # read as HTML, it lost the namespace XHTML needs
            result.converted.append(f"an inline <{tag}> drawn in the page")
            remove(element)
            continue
        if element.get("class") != CODE_BLOCK:  # highlighted code: spans of classes, nothing else
            waiting.extend(reversed(element))
        if xhtml and not _XML_NAME.fullmatch(tag):
            result.converted.append(f"<{tag}> is no XHTML element")
            unwrap(element)
            continue
        _clean_attributes(element, xhtml, result)
        if element.get("id") is not None:
            element.set("id", own_id(element.get("id")))
        if tag == "a":
            _convert_link(element, page_url, site, page_link, file_link, own_id)
        elif tag == "img":
            _convert_image(element, page_url, site, image_source, result)
    result.html = serialise(holder)
    return result


def _clean_attributes(element, xhtml: bool, result: Converted) -> None:
    for name in list(element.attrib):
        lowered = name.lower()
        if lowered.startswith(("on", "xmlns:")) or lowered == "xmlns":
            del element.attrib[name]
        elif xhtml and not _XML_NAME.fullmatch(name):
            result.converted.append(f"the attribute {name!r} is no XML name")
            del element.attrib[name]
        elif xhtml and (
            lowered in _OBSOLETE
            or (lowered in ("width", "height") and not _DIMENSION.fullmatch(element.get(name).strip()))
        ):
            del element.attrib[name]
    name = element.get("name")
    if element.tag == "a" and name is not None:  # the old way to mark a place: an id now
        del element.attrib["name"]
        if element.get("id") is None and name.strip():
            element.set("id", name.strip())


def _convert_link(element, page_url, site: Site, page_link, file_link, own_id) -> None:
    href = element.get("href")
    if href is None:
        return
    target = site.target(href, page_url)
    if target.kind == "fragment":
        element.set("href", "#" + own_id(target.fragment) if target.fragment else "#")
    elif target.kind == "elsewhere":
        element.set("href", target.href)
    elif target.kind == "page":
        element.set("href", page_link(target))
    elif target.kind == "file":
        new = file_link(target)
        if new is None:
            unwrap(element)
        else:
            element.set("href", new)
    else:  # missing (the site has reported it) or a script: the words stay, the link goes
        unwrap(element)


def _convert_image(element, page_url, site: Site, image_source, result: Converted) -> None:
    source = element.get("src")
    if source is None:
        remove(element)
        return
    if element.get("alt") is None:
        element.set("alt", "")
    target = site.target(source, page_url)
    if target.kind == "elsewhere":  # a book holds its images; print.html may show it
        new, reason = image_source(target.href)
        if new is None:
            link = etree.Element("a")
            link.set("href", target.href)
            link.text = element.get("alt") or target.href
            link.tail = element.tail
            element.getparent().replace(element, link)
        return
    if target.kind == "unsafe" and source.strip().lower().startswith("data:image/"):
        return
    if target.kind not in ("file", "page"):
        result.missing.append(target.path or source)
        _replace_with_text(element, element.get("alt") or "")
        return
    new, reason = image_source(target.path)
    if new is None:
        result.left_out.append((target.path, reason))
        _replace_with_text(element, element.get("alt") or "")
        return
    element.set("src", new)
    result.images.append(target.path)


def relative(path: str, start_file: str) -> str:
    """A path inside the book or the site as an href from the file `start_file`."""
    return quote(posixpath.relpath(path, posixpath.dirname(start_file) or "."))
