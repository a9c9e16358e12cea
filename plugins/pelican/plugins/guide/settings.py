"""Every GUIDE_* setting, its default, and its check: the one place they are defined.

`guide_config(settings)` reads them once per build into a frozen `Config`; a wrong
value raises `GuideSettingsError` naming the setting, the value and what is expected.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pygments.util import ClassNotFound

from .errors import GuideSettingsError
from .markdown_ext import style_by_name


@dataclass(frozen=True)
class Setting:
    """One GUIDE_* setting: its default, its type as an author writes it, and what it does
    (the manual's settings reference is made from these: reference.py)."""

    group: str
    default: Any
    kind: str
    meaning: str


_IGNORED_BY_DEFAULT = (
    r"^https?://(localhost|127\.[\d.]+|0\.0\.0\.0|\[::1?\])(:\d+)?([/?#]|$)",
    r"^https?://(10|192\.168|172\.(1[6-9]|2\d|3[01]))\.[\d.]+(:\d+)?([/?#]|$)",
    r"^https?://([^/?#]+\.)?example\.(com|net|org)(:\d+)?([/?#]|$)",
)

# The one table of the guide's settings, in the order the reference lists them.
SETTINGS: dict[str, Setting] = {
    "GUIDE_CHAPTERS": Setting(
        "Navigation",
        {},
        "dict[int, str]",
        'Headings of chapters that have no `toc: true` page, by chapter number: `{50: "Code Examples"}`. '
        'A chapter with neither is headed "Chapter N", with a warning.',
    ),
    "GUIDE_SECTIONS": Setting(
        "Navigation",
        {},
        "dict[int, int]",
        "Chapters whose sortorders carry a section number, and its digits: `{50: 3}` reads "
        "`500010020` as chapter 50, section 1, position 20.",
    ),
    "GUIDE_MISSING_PAGES_BASE": Setting(
        "Navigation",
        None,
        "str | None",
        "Where links to pages this site lacks go: the complete guide's address (each link an info "
        "line with `-v`). None makes such a link an error.",
    ),
    "GUIDE_STRICT": Setting(
        "Build",
        False,
        "bool",
        "Every warning is an error, as `mkdocs build --strict`; `make html STRICT=1` and "
        "`guide-build --strict` set it.",
    ),
    "GUIDE_CACHE": Setting(
        "Build",
        True,
        "bool",
        "Keep what was read, rendered and checked in `CACHE_PATH`, so a rebuild redoes only what "
        "changed: the pages in Pelican's content cache (the guide sets `CACHE_CONTENT` to this), "
        "the rest in the guide's. `LOAD_CONTENT_CACHE = False` (`--ignore-cache`) starts afresh.",
    ),
    "GUIDE_WORKERS": Setting(
        "Build",
        None,
        "int | None",
        "Processes that read, render and check; None is one per core, 1 keeps the build in one process.",
    ),
    "GUIDE_METADATA_OVERRIDES": Setting(
        "Pages",
        False,
        "bool",
        "Allow `save_as`, `url` and `template` in a page's metadata; without it the guide places "
        "every page itself and refuses them.",
    ),
    "GUIDE_IMAGE_HOSTS": Setting(
        "Pages",
        (),
        "list[str]",
        "Hosts page images may come from, added to the Content-Security-Policy's `img-src`: "
        '`["images.example.org"]`, optionally with a scheme and a port.',
    ),
    "GUIDE_SOURCE_URL": Setting(
        "Pages",
        None,
        "str | None",
        'The address of the source folder, for each page\'s "Edit this page" link: '
        "`https://github.com/OWNER/REPO/blob/main/`. None: no edit links.",
    ),
    "GUIDE_PUBLIC_URL": Setting(
        "Publishing",
        "",
        "str",
        "The absolute address the site is published at, for canonical links, Open Graph URLs and "
        "the sitemap. Empty: `SITEURL` when it is absolute, else no canonical link.",
    ),
    "GUIDE_PUBLISH": Setting(
        "Publishing",
        False,
        "bool",
        "Write the publishing files: `sitemap.xml`, `robots.txt`, and the compressed copies "
        "(`publishconf.py` sets it).",
    ),
    "GUIDE_PRECOMPRESS": Setting(
        "Publishing",
        (".html", ".css", ".xml", ".svg", ".txt", ".js", ".json", ".md"),
        "list[str]",
        "When publishing, the file extensions that get a `.gz` and a `.br` copy beside each file, "
        "each kept only when smaller.",
    ),
    "GUIDE_LLMS_TXT": Setting(
        "Publishing",
        True,
        "bool",
        "Write `llms.txt` and a Markdown copy beside each listed page.",
    ),
    "GUIDE_SEARCH": Setting(
        "Search",
        True,
        "bool",
        "The Pagefind search index, `search.html` and the header's search field.",
    ),
    "GUIDE_SEARCH_SHARD_PAGES": Setting(
        "Search",
        100,
        "int | None",
        "Pages per shard of the search index: an edit indexes its shard again. None: one index, "
        "as `publishconf.py` builds it for readers.",
    ),
    "GUIDE_EDITIONS": Setting(
        "Editions",
        (),
        "list[str]",
        '`"epub"` (`GUIDE_EDITION_NAME.epub`) and `"print"` (`print.html`): the whole guide to read '
        "offline. `make epub` and `make publish` ask for them; `make html` and the devserver build neither.",
    ),
    "GUIDE_EDITION_NAME": Setting(
        "Editions",
        None,
        "str | None",
        "The EPUB's file name, without `.epub`. None: `SITENAME` as a slug.",
    ),
    "GUIDE_EDITION_IDENTIFIER": Setting(
        "Editions",
        None,
        "str | None",
        "The EPUB's `dc:identifier`, by which a reader's library knows a new copy of the book. None: "
        "a UUID made from the public address (or `SITENAME`), the same every build.",
    ),
    "GUIDE_PYGMENTS_STYLES": Setting(
        "Theme",
        ("a11y-light", "a11y-dark"),
        "tuple[str, str]",
        "The Pygments styles of highlighted code, light then dark (accessible-pygments' keep WCAG AA "
        "contrast).",
    ),
    "GUIDE_DEV_SCRIPT_HASHES": Setting(
        "Theme",
        (),
        "list[str]",
        "Inline scripts the Content-Security-Policy allows, as sha256 digests in base64; only the "
        "devserver sets one (its live-reload script).",
    ),
    "GUIDE_LINKCHECK_IGNORE": Setting(
        "Link checker",
        _IGNORED_BY_DEFAULT,
        "list[str]",
        "URLs `make linkcheck` never asks: regular expressions searched in each URL. The default skips "
        "this machine, private networks and the example domains (RFC 2606); setting it replaces them.",
    ),
    "GUIDE_LINKCHECK_ACCEPT": Setting(
        "Link checker",
        {},
        "dict[str, list[int]]",
        'Status codes that count as fine from some hosts: `{r"(www\\.)?linkedin\\.com": (999,)}`, each '
        "key a regular expression matching the whole host name.",
    ),
    "GUIDE_LINKCHECK_TIMEOUT": Setting(
        "Link checker",
        10,
        "float",
        "Seconds to connect, and for each wait for data.",
    ),
    "GUIDE_LINKCHECK_RETRIES": Setting(
        "Link checker",
        2,
        "int",
        "More tries after a timeout, a 5xx, a dropped connection or a 429.",
    ),
    "GUIDE_LINKCHECK_RETRY_WAIT": Setting(
        "Link checker",
        1,
        "float",
        "Seconds before the first retry, doubled for each next.",
    ),
    "GUIDE_LINKCHECK_MAX_RETRY_AFTER": Setting(
        "Link checker",
        120,
        "float",
        "The longest a 429's `Retry-After` is waited for, in seconds; a host asking for more is "
        "reported rate-limited and asked again on the next run.",
    ),
    "GUIDE_LINKCHECK_PER_HOST": Setting(
        "Link checker",
        2,
        "int",
        "Requests in flight to one host.",
    ),
    "GUIDE_LINKCHECK_PARALLEL": Setting(
        "Link checker",
        32,
        "int",
        "Requests in flight in all.",
    ),
    "GUIDE_LINKCHECK_CACHE_DAYS": Setting(
        "Link checker",
        7,
        "float",
        "A URL that answered OK this many days ago or less is not asked again; 0 asks every time.",
    ),
    "GUIDE_LINKCHECK_ANCHORS": Setting(
        "Link checker",
        True,
        "bool",
        "Check each `#fragment` against the ids (and `<a name>`) of the HTML page it points into.",
    ),
}
DEFAULTS = {name: entry.default for name, entry in SETTINGS.items()}

# Hosts reserved for examples (RFC 2606, RFC 6761): an address there is a placeholder.
_PLACEHOLDER_HOSTS = re.compile(r"(^|\.)(example\.(com|net|org)|invalid|localhost|test)$")
# What a CSP source may name for images: a host (a leading "*." for its subdomains),
# optionally with a scheme and a port. Nothing that could end the directive or add one.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_IMAGE_HOST = re.compile(rf"(?:https?://)?(?:\*\.)?{_LABEL}(?:\.{_LABEL})*(?::\d{{1,5}})?")
_SHA256_BASE64 = re.compile(r"[A-Za-z0-9+/]{43}=")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
EDITIONS = ("epub", "print")
# A file name that works on every system and in every URL: no folder, no leading dot.
_EDITION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class Config:
    chapters: Mapping[int, str]
    sections: Mapping[int, int]
    strict: bool
    missing_pages_base: str | None
    public_url: str  # absolute, ending in "/", or "" for none
    source_url: str | None
    image_hosts: tuple[str, ...]
    metadata_overrides: bool
    search: bool
    search_shard_pages: int | None
    llms_txt: bool
    publish: bool
    precompress: tuple[str, ...]
    cache: bool
    workers: int
    pygments_styles: tuple[str, str]
    dev_script_hashes: tuple[str, ...]
    siteurl: str = ""
    linkcheck: LinkcheckConfig | None = None
    editions: tuple[str, ...] = ()  # "epub", "print"
    edition_name: str = ""  # the EPUB's file name, without ".epub"
    edition_identifier: str = ""

    @property
    def placeholder_url(self) -> bool:
        """The public address is an example domain: nobody can read the site there."""
        host = urlsplit(self.public_url).hostname or ""
        return bool(_PLACEHOLDER_HOSTS.search(host))


def setting(settings, name: str):
    return settings.get(name, DEFAULTS[name])


def _fail(name: str, value, expected: str):
    raise GuideSettingsError(f"{name} {value!r} {expected}")


def _boolean(settings, name: str) -> bool:
    value = setting(settings, name)
    if not isinstance(value, bool):
        _fail(name, value, "must be True or False")
    return value


def _address(name: str, value, *, empty_ok: bool = True) -> str:
    """An absolute http(s) address without query, fragment, spaces or quotes."""
    if value in (None, "") and empty_ok:
        return ""
    if not isinstance(value, str):
        _fail(name, value, 'must be an absolute http(s) address, like "https://guide.example.org"')
    parts = urlsplit(value)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or parts.query
        or parts.fragment
        or "#" in value
        or "?" in value
        or any(char in value for char in " \t\n\"'<>\\")
    ):
        _fail(
            name,
            value,
            "must be an absolute http(s) address with no query, fragment, space or quote, "
            'like "https://guide.example.org/docs"',
        )
    return value.rstrip("/") + "/"


def chapter_titles(settings) -> dict[int, str]:
    value = setting(settings, "GUIDE_CHAPTERS")
    if not isinstance(value, Mapping):
        _fail("GUIDE_CHAPTERS", value, 'must be a dict of chapter numbers to titles, like {5: "Deployment"}')
    titles = {}
    for number, title in value.items():
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 99:
            _fail("GUIDE_CHAPTERS", number, 'is not a chapter number from 0 to 99, like {5: "Deployment"}')
        if not isinstance(title, str) or not title.strip():
            _fail(f"GUIDE_CHAPTERS[{number}]", title, "must be a non-empty chapter title")
        titles[number] = " ".join(title.split())
    return titles


def section_digits(settings) -> dict[int, int]:
    value = setting(settings, "GUIDE_SECTIONS")
    if not isinstance(value, Mapping):
        _fail("GUIDE_SECTIONS", value, "must be a dict of chapter numbers to section digits, like {50: 3}")
    for number, digits in value.items():
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= 99:
            _fail("GUIDE_SECTIONS", number, "is not a chapter number from 0 to 99, like {50: 3}")
        if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 6:
            _fail(f"GUIDE_SECTIONS[{number}]", digits, "must be a number of digits from 1 to 6")
    return dict(value)


def _strings(settings, name: str, check=bool, expected: str = "non-empty strings") -> tuple[str, ...]:
    """A list of strings, each of which passes `check`; the first that does not is named."""
    value = setting(settings, name)
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        _fail(name, value, f"must be a list of {expected}")
    for item in value:
        if not isinstance(item, str) or not check(item):
            raise GuideSettingsError(f"{name} holds {item!r}; it must hold only {expected}")
    return tuple(value)


def _whole(settings, name: str, least: int) -> int:
    value = setting(settings, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        _fail(name, value, f"must be a whole number from {least}")
    return value


def _shard_pages(settings) -> int | None:
    value = setting(settings, "GUIDE_SEARCH_SHARD_PAGES")
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        _fail("GUIDE_SEARCH_SHARD_PAGES", value, "must be a whole number from 1, or None for one index")
    return value


def _siteurl(settings) -> str:
    """SITEURL starts every link of a page: empty (links relative to the page) or an
    absolute http(s) address, never a scheme that runs code (`javascript:`, `data:`)."""
    siteurl = settings.get("SITEURL") or ""
    if not isinstance(siteurl, str):
        _fail(
            "SITEURL",
            siteurl,
            'must be empty or an absolute http(s) address, like "https://guide.example.org"',
        )
    if _boolean(settings, "GUIDE_PUBLISH") and not siteurl.startswith(("http://", "https://")):
        _fail(
            "SITEURL",
            siteurl,
            "must be an absolute http(s) address when publishing (GUIDE_PUBLISH), "
            'like "https://guide.example.org": the sitemap and canonical links need one',
        )
    if siteurl and not siteurl.lower().startswith(("http://", "https://")):
        _fail(
            "SITEURL",
            siteurl,
            'must be empty or an absolute http(s) address, like "https://guide.example.org"',
        )
    if siteurl:
        _address("SITEURL", siteurl)
    return siteurl


def _language(settings) -> str:
    value = settings.get("DEFAULT_LANG", "en")
    if not isinstance(value, str) or not _LANGUAGE_TAG.fullmatch(value):
        _fail(
            "DEFAULT_LANG",
            value,
            'must be a language tag, like "en" or "pt-BR": it is every page\'s <html lang>',
        )
    return value


def _workers(settings) -> int:
    value = setting(settings, "GUIDE_WORKERS")
    if value is None:
        import os

        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        _fail("GUIDE_WORKERS", value, "must be a whole number from 1, or None for one per core")
    return value


def _styles(settings) -> tuple[str, str]:
    value = setting(settings, "GUIDE_PYGMENTS_STYLES")
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        _fail("GUIDE_PYGMENTS_STYLES", value, "must be two Pygments style names, light then dark")
    for name in value:
        try:
            style_by_name(name)
        except (ClassNotFound, TypeError):
            _fail("GUIDE_PYGMENTS_STYLES", name, "is not a Pygments style installed here")
    return tuple(value)


def guide_config(settings) -> Config:
    """Every GUIDE_* setting, checked; raises GuideSettingsError on the first wrong one."""
    unknown = sorted(key for key in settings if key.startswith("GUIDE_") and key not in DEFAULTS)
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], DEFAULTS, n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise GuideSettingsError(f"{unknown[0]} is not a setting of the guide plugin{hint}")
    siteurl = _siteurl(settings)
    _language(settings)
    base = setting(settings, "GUIDE_MISSING_PAGES_BASE")
    public = _address("GUIDE_PUBLIC_URL", setting(settings, "GUIDE_PUBLIC_URL"))
    if not public and siteurl.startswith(("http://", "https://")):
        public = siteurl.rstrip("/") + "/"
    source = setting(settings, "GUIDE_SOURCE_URL")
    return Config(
        chapters=chapter_titles(settings),
        sections=section_digits(settings),
        strict=_boolean(settings, "GUIDE_STRICT"),
        missing_pages_base=_address("GUIDE_MISSING_PAGES_BASE", base) or None,
        public_url=public,
        source_url=_address("GUIDE_SOURCE_URL", source) or None,
        image_hosts=_strings(
            settings,
            "GUIDE_IMAGE_HOSTS",
            _IMAGE_HOST.fullmatch,
            'host names like "images.example.org", optionally with a scheme and a port, like '
            '"https://images.example.org:8443"',
        ),
        metadata_overrides=_boolean(settings, "GUIDE_METADATA_OVERRIDES"),
        search=_boolean(settings, "GUIDE_SEARCH"),
        search_shard_pages=_shard_pages(settings),
        llms_txt=_boolean(settings, "GUIDE_LLMS_TXT"),
        publish=_boolean(settings, "GUIDE_PUBLISH"),
        precompress=_strings(
            settings,
            "GUIDE_PRECOMPRESS",
            lambda ext: len(ext) > 1 and ext.startswith(".") and ext not in (".gz", ".br"),
            'file extensions like ".html"',
        ),
        cache=_boolean(settings, "GUIDE_CACHE"),
        workers=_workers(settings),
        pygments_styles=_styles(settings),
        dev_script_hashes=_strings(
            settings, "GUIDE_DEV_SCRIPT_HASHES", _SHA256_BASE64.fullmatch, "sha256 digests in base64"
        ),
        siteurl=siteurl.rstrip("/"),
        linkcheck=linkcheck_config(settings),
        editions=_editions(settings),
        edition_name=_edition_name(settings),
        edition_identifier=_edition_identifier(settings, public),
    )


def _editions(settings) -> tuple[str, ...]:
    value = setting(settings, "GUIDE_EDITIONS")
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not set(value) <= set(EDITIONS):
        _fail("GUIDE_EDITIONS", value, 'must be a list of editions from "epub" and "print", like ["epub"]')
    return tuple(name for name in EDITIONS if name in value)


def _edition_name(settings) -> str:
    value = setting(settings, "GUIDE_EDITION_NAME")
    if value is None:
        from pelican.settings import DEFAULT_CONFIG
        from pelican.utils import slugify

        substitutions = settings.get("SLUG_REGEX_SUBSTITUTIONS", DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])
        value = slugify(str(settings.get("SITENAME") or ""), regex_subs=substitutions)
        return value if _EDITION_NAME.fullmatch(value or "") else "guide"
    if not isinstance(value, str) or not _EDITION_NAME.fullmatch(value) or value.lower().endswith(".epub"):
        _fail(
            "GUIDE_EDITION_NAME",
            value,
            'must be a file name without ".epub" (letters, digits, ".", "_", "-"), like "full-stack-python"',
        )
    return value


def _edition_identifier(settings, public_url: str) -> str:
    value = setting(settings, "GUIDE_EDITION_IDENTIFIER")
    if value is None:
        import uuid

        seed = public_url or f"guide:{settings.get('SITENAME', '')}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"
    if not isinstance(value, str) or not value.strip() or any(char.isspace() for char in value):
        _fail(
            "GUIDE_EDITION_IDENTIFIER",
            value,
            'must be an identifier without spaces, like "urn:isbn:9780000000000" or "urn:uuid:..."',
        )
    return value


@dataclass(frozen=True)
class LinkcheckConfig:
    """`make linkcheck`'s settings, checked with the others so a wrong one stops any build."""

    ignore: tuple[re.Pattern, ...]
    accept: tuple[tuple[re.Pattern, frozenset[int]], ...]  # (whole-host pattern, status codes)
    timeout: float
    retries: int
    retry_wait: float
    max_retry_after: float
    per_host: int
    parallel: int
    cache_days: float
    anchors: bool

    def accepted(self, host: str, status: int) -> bool:
        return any(status in codes and pattern.fullmatch(host) for pattern, codes in self.accept)


def _pattern(name: str, text) -> re.Pattern:
    if not isinstance(text, str) or not text:
        _fail(name, text, 'must be a regular expression as a string, like r"^https://example\\.com/"')
    try:
        return re.compile(text)
    except re.error as error:
        _fail(name, text, f"is not a regular expression: {error}")


def _number(settings, name: str, lowest: float, kind: type = float, expected: str = "") -> float:
    value = setting(settings, name)
    allowed = (int,) if kind is int else (int, float)
    if isinstance(value, bool) or not isinstance(value, allowed) or value < lowest or value != value:
        what = "a whole number" if kind is int else "a number"
        _fail(name, value, f"must be {what} from {lowest}{expected}")
    return value


def linkcheck_config(settings) -> LinkcheckConfig:
    ignore = setting(settings, "GUIDE_LINKCHECK_IGNORE")
    if isinstance(ignore, str) or not isinstance(ignore, (list, tuple)):
        _fail(
            "GUIDE_LINKCHECK_IGNORE",
            ignore,
            'must be a list of regular expressions, like [r"^https://example\\.com/"]',
        )
    accept = setting(settings, "GUIDE_LINKCHECK_ACCEPT")
    if not isinstance(accept, Mapping):
        _fail(
            "GUIDE_LINKCHECK_ACCEPT",
            accept,
            'must be a dict of host patterns to status codes, like {r"(www\\.)?example\\.com": (403,)}',
        )
    accepted = []
    for host, codes in accept.items():
        pattern = _pattern("GUIDE_LINKCHECK_ACCEPT", host)
        if isinstance(codes, int) and not isinstance(codes, bool):
            codes = (codes,)
        if (
            isinstance(codes, str)
            or not isinstance(codes, (list, tuple, set, frozenset))
            or not codes
            or not all(
                isinstance(code, int) and not isinstance(code, bool) and 100 <= code <= 999 for code in codes
            )
        ):
            _fail(
                f"GUIDE_LINKCHECK_ACCEPT[{host!r}]",
                codes,
                "must be a list of HTTP status codes, like (403, 429)",
            )
        accepted.append((pattern, frozenset(codes)))
    return LinkcheckConfig(
        ignore=tuple(_pattern("GUIDE_LINKCHECK_IGNORE", text) for text in ignore),
        accept=tuple(accepted),
        timeout=_number(settings, "GUIDE_LINKCHECK_TIMEOUT", 0.01, expected=" (seconds)"),
        retries=_number(settings, "GUIDE_LINKCHECK_RETRIES", 0, int),
        retry_wait=_number(settings, "GUIDE_LINKCHECK_RETRY_WAIT", 0, expected=" (seconds)"),
        max_retry_after=_number(settings, "GUIDE_LINKCHECK_MAX_RETRY_AFTER", 0, expected=" (seconds)"),
        per_host=_number(settings, "GUIDE_LINKCHECK_PER_HOST", 1, int),
        parallel=_number(settings, "GUIDE_LINKCHECK_PARALLEL", 1, int),
        cache_days=_number(settings, "GUIDE_LINKCHECK_CACHE_DAYS", 0, expected=" (days; 0 asks every time)"),
        anchors=_boolean(settings, "GUIDE_LINKCHECK_ANCHORS"),
    )
