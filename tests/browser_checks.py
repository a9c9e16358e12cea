"""What a reader's browser sees, as checks: a page loaded in Chromium in, problems out.

Each check returns a list of lines naming what is wrong (empty when the target is met), so the
same function is run on the real site and on a site broken on purpose.
"""

from __future__ import annotations

import contextlib
import gzip
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

WEIGHT_LIMIT = 14 * 1024  # the first round trip of a new TCP connection (10 segments)
SCRIPT_LIMIT = 5 * 1024  # the theme's one script, compressed, counted apart from the page
SCRIPT = "theme/guide.js"  # where the theme's script is, from the site's root
GZIP_LEVEL = 6  # zlib's default, what nginx and Apache are usually set to
LINE_LIMIT = 75  # characters in a line of body text
NARROW, PHONE, DESKTOP = 320, 375, 1280
SIDEBAR_BESIDE = 1024  # from here the sidebar is beside the text; below, a drawer
WIDE = 1280  # from here "On this page" sits beside the text
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Runs before the page's own code, outside its CSP: records what the policy blocks.
_RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""


@dataclass
class Visit:
    """One page load: the page, and every request and response the browser made for it."""

    url: str
    page: object  # playwright Page
    requests: list[str] = field(default_factory=list)
    responses: list = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    @property
    def csp_violations(self) -> list[str]:
        reported = self.page.evaluate("window.__cspViolations || []")
        logged = [line for line in self.console if "Content Security Policy" in line]
        return reported + logged


def visit(context, url: str, *, settle: bool = False) -> Visit:
    """Open `url` in a new tab. `settle` waits until the network is idle (favicon requests
    come after the load event)."""
    page = context.new_page()
    page.add_init_script(_RECORD_CSP)
    seen = Visit(url, page)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("response", lambda response: seen.responses.append(response))
    page.on("console", lambda message: seen.console.append(f"{message.type}: {message.text}"))
    page.goto(url, wait_until="networkidle" if settle else "load")
    return seen


# One request, and the script -------------------------------------------------------------


def is_script(url: str) -> bool:
    return urlsplit(url).path.endswith("/" + SCRIPT)


def request_problems(seen: Visit) -> list[str]:
    """The page, then its one script from the same site, and nothing else: CSS inline, no
    fonts, no /favicon.ico, no search index until the reader searches."""
    problems = [f"extra request: {url}" for url in seen.requests if url != seen.url and not is_script(url)]
    if sum(map(is_script, seen.requests)) != 1:
        problems.append(f"{sum(map(is_script, seen.requests))} requests for {SCRIPT}, expected one")
    # A <script type="application/ld+json"> is data (the breadcrumb's), not script.
    scripts = seen.page.evaluate(
        "[...document.scripts].filter(s => s.type !== 'application/ld+json')"
        ".map(s => s.getAttribute('src') ?? 'inline')"
    )
    if len(scripts) != 2 or "inline" not in scripts or not any(src.endswith(SCRIPT) for src in scripts):
        problems.append(
            f"{len(scripts)} <script> element(s) {scripts}: the theme's inline init and {SCRIPT} only"
        )
    # The 404 page is served at any address: it loads its script from the site's root.
    not_found = seen.page.evaluate("document.title.startsWith('Page not found')")
    external = [
        src
        for src in scripts
        if src != "inline" and (urlsplit(src).scheme or (src.startswith("/") and not not_found))
    ]
    problems += [f"the script {src} is not loaded by a relative URL" for src in external]
    deferred = seen.page.evaluate(
        f"[...document.scripts].filter(s => s.src.endsWith('/{SCRIPT}') && !s.defer).length"
    )
    if deferred:
        problems.append(f"{SCRIPT} is not deferred")
    stylesheets = seen.page.locator('link[rel~="stylesheet"]').count()
    if stylesheets:
        problems.append(f"{stylesheets} external stylesheet(s)")
    # The CSP would block a web font's request, so ask the page which fonts it declares.
    fonts = seen.page.evaluate("document.fonts.size")
    if fonts:
        problems.append(f"{fonts} web font(s) declared: the theme uses system fonts")
    return problems


def compressed_weight(seen: Visit, *, headers: bool = True) -> dict[str, int]:
    """Bytes of every response as a server would send it: gzipped body plus its headers
    (or the body alone)."""
    sizes = {}
    for response in seen.responses:
        if urlsplit(response.url).scheme not in ("http", "https"):
            continue
        head = len(f"HTTP/1.1 {response.status} {response.status_text}\r\n\r\n")
        head += sum(len(f"{h['name']}: {h['value']}\r\n") for h in response.headers_array())
        body = gzip.compress(response.body(), compresslevel=GZIP_LEVEL, mtime=0)
        sizes[response.url] = (head if headers else 0) + len(body)
    return sizes


def _limits(sizes: dict[str, int], what: str, limit: int, script_sizes: dict[str, int]) -> list[str]:
    """The page within `limit` (its headers counted: the first round trip), the script's
    compressed body within SCRIPT_LIMIT, each on its own."""
    problems = []
    for url, size in sizes.items():
        size, allowed = (script_sizes[url], SCRIPT_LIMIT) if is_script(url) else (size, limit)
        if size > allowed:
            problems.append(f"{url}: {size} bytes {what}, over the {allowed} byte limit")
    return problems


def weight_problems(seen: Visit, limit: int = WEIGHT_LIMIT) -> list[str]:
    return _limits(compressed_weight(seen), "compressed", limit, compressed_weight(seen, headers=False))


def transferred_bytes(seen: Visit, *, headers: bool = True) -> dict[str, int]:
    """Bytes each response took on the wire, headers (or not) and body as the server encoded them."""
    sizes = {}
    for response in seen.responses:
        if urlsplit(response.url).scheme in ("http", "https"):
            size = response.request.sizes()
            sizes[response.url] = (size["responseHeadersSize"] if headers else 0) + size["responseBodySize"]
    return sizes


def transfer_problems(seen: Visit, limit: int = WEIGHT_LIMIT) -> list[str]:
    return _limits(transferred_bytes(seen), "sent", limit, transferred_bytes(seen, headers=False))


# Safe by default --------------------------------------------------------------------------


def csp_problems(seen: Visit) -> list[str]:
    """The policy blocks nothing the page needs (the styles apply, the script starts) and
    allows no more than it needs: scripts from the site itself (the theme's, Pagefind's
    files and WebAssembly) and the one inline script by its hash, no 'unsafe-inline', no
    other host; CSS only by hash."""
    problems = [f"CSP violation: {line}" for line in seen.csp_violations]
    policy = seen.page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    if not policy:
        return [*problems, "no Content-Security-Policy <meta>"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    script = directives.get("script-src", directives.get("default-src")) or []
    hashes = [source for source in script if source.startswith("'sha256-")]
    if sorted(set(script) - set(hashes)) != sorted(["'self'", "'wasm-unsafe-eval'"]) or len(hashes) != 1:
        problems.append(
            f"script-src is {script}, expected 'self', 'wasm-unsafe-eval' and the inline script's hash"
        )
    style = directives.get("style-src", directives.get("default-src")) or []
    if not style or any(not source.startswith("'sha256-") for source in style):
        problems.append(f"style-src allows more than hashed inline CSS: {style}")
    # The theme's CSS zeroes the body's margin; the browser's own 8px means it was refused.
    margin = seen.page.evaluate("getComputedStyle(document.body).marginTop")
    if margin != "0px":
        problems.append(f"the inline CSS did not apply (body margin {margin})")
    if not seen.page.evaluate("document.documentElement.classList.contains('js')"):
        problems.append("the inline script did not run")
    label = seen.page.evaluate(
        "document.querySelector('.theme-toggle')?.getAttribute('aria-label') ?? 'none'"
    )
    if label != "none" and not label.startswith("Colour scheme: "):
        problems.append(f"{SCRIPT} did not run (the toggle still reads {label!r})")
    return problems


def mixed_content_problems(seen: Visit) -> list[str]:
    """Every request stays on the page's own origin; nothing is loaded over plain http
    from elsewhere."""
    origin = urlsplit(seen.url)[:2]
    problems = [
        f"request to another origin: {url}"
        for url in seen.requests
        if urlsplit(url).scheme != "data" and urlsplit(url)[:2] != origin
    ]
    insecure = seen.page.evaluate(
        """[...document.querySelectorAll('[src], [srcset], link[href]:not([rel~="canonical"])')]
           .map(e => e.getAttribute('src') || e.getAttribute('srcset') || e.getAttribute('href'))
           .filter(u => u.startsWith('http:'))"""
    )
    problems += [f"subresource over plain http: {url}" for url in insecure]
    return problems


# Accessibility ----------------------------------------------------------------------------


def axe_problems(page) -> list[str]:
    """axe-core's WCAG 2.2 A and AA rules."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + ", ".join(" ".join(map(str, node["target"])) for node in v["nodes"][:5])
        for v in results.response["violations"]
    ]


_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const style = getComputedStyle(e);
  const box = e.getBoundingClientRect();
  return {
    id: e.dataset.kbd ?? null,
    tag: e.tagName.toLowerCase(),
    text: e.textContent.trim().slice(0, 40),
    href: e.getAttribute('href'),
    closed: (e.tagName === 'SUMMARY' && !e.parentElement.open)
            || (e.matches('[popovertarget]')
                && !document.getElementById(e.getAttribute('popovertarget')).matches(':popover-open')),
    opens: e.getAttribute('popovertarget'),
    inMain: !!e.closest('main'),
    focusVisible: e.matches(':focus-visible'),
    outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
    outlineColor: style.outlineColor,
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight
           && style.visibility !== 'hidden' && parseFloat(style.opacity) > 0,
  };
}"""


def tab_through(page, limit: int = 400) -> list[dict]:
    """Press Tab from the top of the page until focus leaves it, as a keyboard user would;
    a closed disclosure (or the closed drawer's menu button) is opened with Enter on the
    way, and the drawer closed with Escape once Tab has been round it. Returns every stop."""
    page.evaluate("document.querySelectorAll('a[href], summary').forEach((e, i) => e.dataset.kbd = i)")
    stops = []
    seen = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED)
        if stop is None or (stops and stop["id"] == stops[0]["id"]):
            break
        # The open drawer keeps focus: once Tab has come round it, Escape closes it (focus
        # goes back to the menu button) and the reader tabs on through the page.
        key = (stop["id"], stop["tag"], stop["text"])
        if key in seen and page.evaluate("!!document.querySelector('#sidebar:popover-open')"):
            page.keyboard.press("Escape")
            continue
        seen.add(key)
        stops.append(stop)
        if stop["closed"]:
            page.keyboard.press("Enter")
            if stop["opens"] == "sidebar":
                # The script moves focus into the drawer on its toggle event, a task of its
                # own: wait for it, or a later Tab races it.
                page.wait_for_function("!!document.activeElement?.closest('#sidebar')")
    return stops


def skip_link_problems(page) -> list[str]:
    """The first Tab stop is a visible link to <main>, and following it moves focus there."""
    page.keyboard.press("Tab")
    first = page.evaluate(_FOCUSED)
    if first is None:
        return ["Tab reaches nothing"]
    main_id = page.evaluate("document.querySelector('main')?.id")
    problems = []
    if first["href"] != f"#{main_id}":
        return [f'the first Tab stop is {first["tag"]} "{first["text"]}", not a link to #{main_id}']
    if not first["shown"]:
        problems.append("the skip link stays hidden when focused")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    after = page.evaluate(_FOCUSED)
    if after is None or not after["inMain"]:
        problems.append("after the skip link, the next Tab stop is not inside <main>")
    return problems


def focus_problems(stops: list[dict]) -> list[str]:
    """Every Tab stop shows a focus outline at least 2px wide."""
    return [
        f'focus not visible on {stop["tag"]} "{stop["text"]}" '
        f"(outline {stop['outline']}px, :focus-visible {stop['focusVisible']})"
        for stop in stops
        if not (stop["focusVisible"] and stop["outline"] >= 2 and not _transparent(stop["outlineColor"]))
    ]


def _transparent(colour: str) -> bool:
    return colour == "transparent" or (colour.startswith("rgba(") and colour.endswith(", 0)"))


def keyboard_reach_problems(page, stops: list[dict]) -> list[str]:
    """Every link on the page is a Tab stop."""
    links = page.evaluate(
        "[...document.querySelectorAll('a[href]')].map(e => [e.dataset.kbd, e.textContent.trim()])"
    )
    reached = {stop["id"] for stop in stops}
    return [f'link "{text}" is never reached by Tab' for kbd, text in links if kbd not in reached]


# Layout -----------------------------------------------------------------------------------


def horizontal_scroll_problems(page) -> list[str]:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if widths[0] > widths[1]:
        return [f"scrolls sideways: {widths[0]}px of content in a {widths[1]}px window"]
    return []


_SIDEBAR = 'nav[aria-label="Table of contents"]'
_MENU = ".menu-button"


def sidebar_problems(page, width: int) -> list[str]:
    """Below SIDEBAR_BESIDE: the sidebar is closed, never inline above the article; the
    header's menu button opens it over the page (no script needed) and Escape closes it.
    From SIDEBAR_BESIDE: it is shown beside the text, and the menu button is gone."""
    nav = page.locator(_SIDEBAR)
    if nav.count() != 1:
        return [f"{nav.count()} sidebars, expected one"]
    main = page.locator("main").bounding_box()
    if width < SIDEBAR_BESIDE:
        if nav.is_visible():
            box = nav.bounding_box()
            where = "inline above the article" if box["y"] < main["y"] else "open"
            return [f"at {width}px the sidebar is {where} before the reader asks"]
        page.locator(_MENU).click()
        if not nav.is_visible():
            return [f"at {width}px the menu button does not show the sidebar"]
        box = nav.bounding_box()
        if (
            page.evaluate(f"getComputedStyle(document.querySelector('{_SIDEBAR}')).position") != "fixed"
            or box["y"] > 1
        ):
            return [f"at {width}px the opened sidebar is not a drawer over the page ({box})"]
        page.keyboard.press("Escape")
        if nav.is_visible():
            return [f"at {width}px Escape does not close the sidebar"]
        return []
    if not nav.is_visible():
        return [f"at {width}px the sidebar is hidden"]
    if page.locator(_MENU).is_visible():
        return [f"at {width}px the menu button shows, with the sidebar beside the text"]
    side = nav.bounding_box()
    if not (side["x"] + side["width"] <= main["x"] and side["y"] < main["y"] + main["height"]):
        return [f"at {width}px the sidebar is not beside the text ({side} vs {main})"]
    return []


_CURRENT_IN_VIEW = """() => {
  const sidebar = document.querySelector('nav[aria-label="Table of contents"]');
  const current = sidebar.querySelector('[aria-current="page"]');
  if (!current) return null;
  const box = sidebar.getBoundingClientRect(), entry = current.getBoundingClientRect();
  const visible = {top: Math.max(box.top, 0), bottom: Math.min(box.bottom, innerHeight)};
  return {entry: entry.top, bottom: entry.bottom, top: visible.top, end: visible.bottom,
          scrolled: sidebar.scrollTop, windowScrolled: scrollY};
}"""


def current_entry_problems(page) -> list[str]:
    """The current page's entry is inside the visible part of the sidebar's own box after
    load, and the page itself has not moved."""
    found = page.evaluate(_CURRENT_IN_VIEW)
    if found is None:
        return ["the sidebar marks no current page"]
    problems = []
    if not (found["entry"] >= found["top"] and found["bottom"] <= found["end"]):
        problems.append(
            f"the current entry is at {found['entry']:.0f}px, outside the sidebar's visible box "
            f"({found['top']:.0f} to {found['end']:.0f}px; the sidebar scrolled {found['scrolled']}px)"
        )
    if found["windowScrolled"]:
        problems.append(f"the page moved: scrolled {found['windowScrolled']}px on load")
    return problems


_GROUPS = """() => [...document.querySelectorAll('nav[aria-label="Table of contents"] details')]
  .map((group) => ({
  label: group.parentElement.firstElementChild.textContent.trim(),
  open: group.open,
  holdsCurrent: !!group.parentElement.querySelector('[aria-current="page"]'),
}))"""


def fold_problems(page) -> list[str]:
    """Every group of the sidebar that holds the current page is open, every other closed,
    as the reader's browser shows them."""
    groups = page.evaluate(_GROUPS)
    if not any(group["holdsCurrent"] for group in groups):
        return ["no group of the sidebar holds the current page"]
    return [
        f'sidebar group "{group["label"]}" is {"open" if group["open"] else "closed"}'
        for group in groups
        if group["open"] != group["holdsCurrent"]
    ]


def filter_problems(page, word: str, keeps: str) -> list[str]:
    """A group of more than 50 entries has a filter field: typing `word` hides the entries
    without it and keeps the entry labelled `keeps`."""
    field = page.locator(f"{_SIDEBAR} details[open] > input.filter")
    if field.count() == 0:
        return ["no filter field on the long group"]
    entries = page.locator(f"{_SIDEBAR} details[open]:has(> input.filter) > ol > li")
    before = sum(entries.nth(index).is_visible() for index in range(entries.count()))
    field.first.fill(word)
    shown = page.evaluate(f"""[...document.querySelectorAll(
          '{_SIDEBAR} details[open]:has(> input.filter) > ol > li')]
        .filter((li) => li.getBoundingClientRect().height > 0).map((li) => li.textContent.trim())""")
    problems = []
    if not shown or len(shown) >= before:
        problems.append(f'filtering for "{word}" leaves {len(shown)} of {before} entries')
    if keeps not in shown:
        problems.append(f'filtering for "{word}" hides "{keeps}"')
    problems += [
        f'filtering for "{word}" keeps "{label}"' for label in shown if word.lower() not in label.lower()
    ][:3]
    return problems


def drawer_keyboard_problems(page) -> list[str]:
    """On a phone, by keyboard alone: Tab reaches the menu button, Enter opens the drawer
    and focus goes into it, Escape closes it and focus comes back to the button."""
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches('{_MENU}')"):
            break
    else:
        return ["Tab does not reach the menu button"]
    page.keyboard.press("Enter")
    if not page.locator(_SIDEBAR).is_visible():
        return ["Enter on the menu button does not open the drawer"]
    problems = []
    if not page.evaluate(f"!!document.activeElement.closest('{_SIDEBAR}')"):
        page.keyboard.press("Tab")
        if not page.evaluate(f"!!document.activeElement.closest('{_SIDEBAR}')"):
            problems.append("focus does not go into the open drawer")
    page.keyboard.press("Escape")
    if page.locator(_SIDEBAR).is_visible():
        problems.append("Escape does not close the drawer")
    if not page.evaluate(f"document.activeElement.matches('{_MENU}')"):
        problems.append("focus does not return to the menu button when the drawer closes")
    return problems


def heading_top(page) -> float:
    return page.locator("h1").first.bounding_box()["y"]


def heading_problems(page, limit: float = 200) -> list[str]:
    """The page's <h1> starts within the top `limit` px (390x844: the first screen)."""
    top = heading_top(page)
    return [] if top <= limit else [f"the <h1> starts {top:.0f}px down, below {limit:.0f}px"]


def header_row_problems(page) -> list[str]:
    """The header's controls (name, menu, search, toggle) sit on one row."""
    boxes = page.evaluate("""[...document.querySelector('.site-header').children]
        .map((e) => e.getBoundingClientRect()).filter((b) => b.height > 0).map((b) => [b.top, b.bottom])""")
    if max(top for top, _ in boxes) >= min(bottom for _, bottom in boxes):
        return [f"the header is more than one row: its items span {boxes}"]
    return []


_ON_THIS_PAGE = 'nav[aria-label="On this page"]'
# Scroll to the middle of the page's text; returns how far the window scrolled.
_SCROLL_INTO_TEXT = """() => {
  const body = document.querySelector('.page-body').getBoundingClientRect();
  window.scrollTo(0, window.scrollY + body.top + body.height / 2 - innerHeight / 2);
  return window.scrollY;
}"""


def on_this_page_problems(page, width: int) -> list[str]:
    """Below WIDE: "On this page" is a closed native <details> above the text that opens
    without JavaScript. From WIDE: it is shown beside the text, and stays in view while the
    reader scrolls through the text."""
    nav = page.locator(_ON_THIS_PAGE)
    details = page.locator(f"details:has({_ON_THIS_PAGE})")
    if details.count() != 1:
        return ['"On this page" is not inside a <details> element']
    text = page.locator(".page-body").bounding_box()
    if width < WIDE:
        if nav.is_visible():
            return [f'at {width}px "On this page" is open before the reader asks']
        box = details.bounding_box()
        if box["y"] + box["height"] > text["y"]:
            return [f'at {width}px "On this page" is not above the text ({box} vs {text})']
        details.locator("summary").click()
        if not nav.is_visible():
            return [f'at {width}px opening the disclosure does not show "On this page"']
        return []
    if not nav.is_visible():
        return [f'at {width}px "On this page" is hidden']
    box = nav.bounding_box()
    if not (box["x"] >= text["x"] + text["width"] and box["y"] < text["y"] + text["height"]):
        return [f'at {width}px "On this page" is not beside the text ({box} vs {text})']
    scrolled = page.evaluate(_SCROLL_INTO_TEXT)
    box = nav.bounding_box()
    height = page.viewport_size["height"]
    if scrolled < box["height"] or box["y"] < 0 or box["y"] >= height:
        return [
            f'at {width}px "On this page" does not stay in view: at {scrolled}px down it is at y={box["y"]}'
        ]
    return []


def open_disclosures(page) -> None:
    """Open every closed <details> ("On this page" on phones, closed groups), then the
    sidebar's drawer where the menu button shows."""
    for summary in page.locator("details:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()
    if page.locator(_MENU).is_visible():
        page.locator(_MENU).click()


_LONGEST_LINE = """() => {
  // Characters per rendered line of body text: a line ends where the next character
  // starts left of the one before it.
  let longest = 0, example = '';
  const range = document.createRange();
  for (const block of document.querySelectorAll('main article p')) {
    let line = '', lastLeft = -Infinity;
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width === 0) continue;  // whitespace the layout collapsed
        if (box.left < lastLeft) {
          if (line.trim().length > longest) { longest = line.trim().length; example = line; }
          line = '';
        }
        line += node.data[i]; lastLeft = box.left;
      }
    }
    if (line.trim().length > longest) { longest = line.trim().length; example = line; }
  }
  return [longest, example.trim()];
}"""


def longest_line(page) -> tuple[int, str]:
    longest, example = page.evaluate(_LONGEST_LINE)
    return longest, example


def line_length_problems(page, limit: int = LINE_LIMIT) -> list[str]:
    longest, example = longest_line(page)
    if longest > limit:
        return [f"a line of body text holds {longest} characters (limit {limit}): {example!r}"]
    return []


# What page bodies hold ---------------------------------------------------------------------

_TABLES = """() => [...document.querySelectorAll('.page-body table')].map((table) => ({
  scrollWidth: table.scrollWidth, clientWidth: table.clientWidth,
  right: table.getBoundingClientRect().right, width: document.documentElement.clientWidth,
  scrolls: ['auto', 'scroll'].includes(getComputedStyle(table).overflowX),
}))"""


def table_scroll_problems(page) -> list[str]:
    """Every table fits the window; one wider than its box scrolls inside it (a reader can
    scroll it, where overflow: hidden would cut it off)."""
    tables = page.evaluate(_TABLES)
    if not tables:
        return ["no table to check"]
    problems = []
    for number, table in enumerate(tables, start=1):
        if table["right"] > table["width"] + 0.5:
            problems.append(
                f"table {number} reaches {table['right']:.0f}px, past the {table['width']}px window"
            )
        elif table["scrollWidth"] > table["clientWidth"] and not table["scrolls"]:
            width, box = table["scrollWidth"], table["clientWidth"]
            problems.append(f"table {number} is cut off: {width}px in {box}px, and does not scroll")
    return problems


def tables_scroll_inside(page) -> bool:
    """Some table is wider than its box and scrolls inside it (what table_scroll_problems allows)."""
    return any(t["scrollWidth"] > t["clientWidth"] and t["scrolls"] for t in page.evaluate(_TABLES))


_IMAGES = """() => {
  const column = document.querySelector('.page-body').getBoundingClientRect();
  return [...document.querySelectorAll('.page-body img')].map((img) => {
    const box = img.getBoundingClientRect();
    return {src: img.getAttribute('src'), left: box.left - column.left, right: box.right - column.right,
            complete: img.complete && img.naturalWidth > 0};
  });
}"""


def image_problems(page) -> list[str]:
    """Every image of the text has loaded and stays within the text's column."""
    images = page.evaluate(_IMAGES)
    if not images:
        return ["no image to check"]
    problems = [f"image {image['src']} did not load" for image in images if not image["complete"]]
    problems += [
        f"image {image['src']} is wider than the column (by {max(-image['left'], image['right']):.0f}px)"
        for image in images
        if image["left"] < -0.5 or image["right"] > 0.5
    ]
    return problems


# What each class must do, as the computed style shows it: (property, test, wanted).
CLASS_EFFECTS = {
    "rounded": ("borderTopLeftRadius", lambda value: float(value.rstrip("px") or 0) > 0, "a radius"),
    "rnd": ("borderTopLeftRadius", lambda value: float(value.rstrip("px") or 0) > 0, "a radius"),
    "outlined": ("borderTopWidth", lambda value: float(value.rstrip("px") or 0) >= 1, "a border"),
    "outl": ("borderTopWidth", lambda value: float(value.rstrip("px") or 0) >= 1, "a border"),
    "borderless": ("borderTopWidth", lambda value: value == "0px", "no border"),
    "spaced": ("marginTop", lambda value: float(value.rstrip("px") or 0) > 0, "a margin"),
    "shot": ("display", lambda value: value == "block", "display block"),
    "align-right": ("textAlign", lambda value: value == "right", "text-align right"),
    "align-center": ("textAlign", lambda value: value == "center", "text-align center"),
    "technical-diagram": (
        "backgroundColor",
        lambda value: value == "rgb(255, 255, 255)",
        "a white background",
    ),
}


def class_problems(page) -> list[str]:
    """Each of the guide's classes (its own and those the build turns style="..." into)
    has its effect on every element that carries it."""
    problems = []
    for name, (prop, test, wanted) in CLASS_EFFECTS.items():
        values = page.evaluate(
            f"[...document.querySelectorAll('.page-body .{name}')].map(e => getComputedStyle(e).{prop})"
        )
        if not values:
            problems.append(f"no element with class {name} to check")
        problems += [
            f"class {name} gives {prop} {value}, not {wanted}" for value in values if not test(value)
        ]
    return problems


_BOXES = """() => [...document.querySelectorAll('.page-body .admonition, .page-body .well')].map((box) => {
  const style = getComputedStyle(box);
  return {classes: box.className, title: box.querySelector('.admonition-title')?.textContent.trim() ?? null,
          edge: parseFloat(style.borderLeftWidth), edgeColour: style.borderLeftColor,
          background: style.backgroundColor, page: getComputedStyle(document.body).backgroundColor};
})"""


def box_problems(page) -> list[str]:
    """Admonitions and wells stand out from the text: a background of their own and an edge;
    an admonition names its kind in words (its title), not by colour alone."""
    boxes = page.evaluate(_BOXES)
    if not boxes:
        return ["no admonition or well to check"]
    problems = []
    for box in boxes:
        if box["background"] in (box["page"], "rgba(0, 0, 0, 0)"):
            problems.append(f'"{box["classes"]}" has no background of its own')
        if box["edge"] < 1 or _transparent(box["edgeColour"]):
            problems.append(f'"{box["classes"]}" has no visible edge')
        if "admonition" in box["classes"].split() and not box["title"]:
            problems.append(f'"{box["classes"]}" does not name its kind')
    return problems


# Colour schemes and print -----------------------------------------------------------------

_COLOURS = """() => {
  const luminance = (css) => {
    const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map((c) => {
      c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const body = getComputedStyle(document.body);
  return {background: luminance(body.backgroundColor), text: luminance(body.color)};
}"""


def dark_mode_problems(page) -> list[str]:
    """prefers-color-scheme: light text on a dark page when the reader asks for dark."""
    page.emulate_media(color_scheme="light")
    light = page.evaluate(_COLOURS)
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate(_COLOURS)
    page.emulate_media(color_scheme="light")
    problems = []
    if not light["background"] > light["text"]:
        problems.append("light scheme: the text is not darker than the background")
    if not dark["background"] < dark["text"] or dark["background"] > 0.1:
        problems.append("dark scheme: the page is not dark with light text")
    return problems


def print_problems(page) -> list[str]:
    """Printed: no navigation; each external link followed by its address."""
    page.emulate_media(media="print")
    try:
        problems = [
            f"{selector} is printed"
            for selector in (_SIDEBAR, ".skip-link", ".pager", "header", "footer")
            if page.locator(selector).count() and page.locator(selector).first.is_visible()
        ]
        links = page.evaluate(
            """[...document.querySelectorAll('main a[href^="http"]')].map(
                 a => [a.getAttribute('href'), getComputedStyle(a, '::after').content])"""
        )
        if not links:
            problems.append("no external link to check")
        for href, after in links:
            if href not in after:
                problems.append(f"the printed link to {href} does not show its address ({after})")
        return problems
    finally:
        page.emulate_media(media="screen")


# Search -----------------------------------------------------------------------------------

# The search dialog, or search.html: a status line that says "Searching…" until it knows,
# then "N results for ..." (or "No results..."), and a list of result links.
_SEARCH_DONE = """(scope) => {
  const box = document.querySelector(scope);
  const status = box && box.querySelector('.search-status');
  return !!status && !status.querySelector('.no-script') && !!status.textContent.trim()
         && !/^Searching/.test(status.textContent.trim());
}"""
_RESULTS = """(scope) => [...document.querySelectorAll(scope + ' .search-results > li > a')].map((link) => ({
  title: link.querySelector('strong')?.textContent.trim() ?? '',
  sections: [...link.parentElement.querySelectorAll(':scope > ol > li > a > strong')]
    .map((s) => s.textContent.trim()),
  href: link.href,
  excerpt: link.querySelector('span:last-child')?.textContent.trim() ?? '',
  marked: [...link.querySelectorAll('mark')].map((m) => m.textContent.toLowerCase()),
}))"""
SEARCH_PAGE_BOX = "article.search-page"
DIALOG = "dialog.search-dialog"


def search_status(page, scope: str = SEARCH_PAGE_BOX) -> str:
    return page.evaluate(f"document.querySelector('{scope} .search-status')?.textContent.trim() ?? ''")


def search_results(page, scope: str = SEARCH_PAGE_BOX, timeout: float = 15_000) -> list[dict] | None:
    """The results listed (on the search page, or in the dialog: `scope`), in order, once the
    search has finished: each one's title, the headings of its matching sections, link,
    excerpt and the words the excerpt marks. None when no search finished."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_SEARCH_DONE, arg=scope, timeout=timeout)
    except PlaywrightTimeout:
        return None
    return page.evaluate(_RESULTS, scope)


def first_result_problems(results: list[dict] | None, query: str, path: str) -> list[str]:
    """The page at `path` is the first result, shown with its title and an excerpt that marks
    a word of the query."""
    if results is None:
        return [f'no search for "{query}" finished']
    if not results:
        return [f'no results for "{query}"']
    first = results[0]
    problems = []
    if urlsplit(first["href"]).path != path:
        problems.append(
            f'the first result for "{query}" is {first["href"]} ("{first["title"]}"), expected {path}'
        )
    if not first["title"]:
        problems.append("the first result has no title")
    if not first["excerpt"]:
        problems.append("the first result has no excerpt")
    elif not set(first["marked"]) & set(query.lower().split()):
        problems.append(
            f'the excerpt of the first result marks no word of "{query}": {first["excerpt"][:120]!r}'
        )
    return problems


def dialog_search(seen: Visit, query: str, key: str = "/") -> tuple[list[dict] | None, list[str]]:
    """From a link of the page: `key` opens the search dialog, `query` typed into it gives
    results; then Down reaches the first result and Escape closes the dialog. Returns the
    results and the problems found on the way (focus, keys, what was asked for when)."""
    page = seen.page
    problems = []
    if any("/pagefind/" in url for url in seen.requests):
        problems.append("Pagefind's files were loaded before the reader searched")
    page.locator("a.site-name").focus()
    page.keyboard.press(key)
    if not page.evaluate(f"!!document.querySelector('{DIALOG}')?.open"):
        return None, [*problems, f"{key} does not open the search dialog"]
    if not page.evaluate(f"document.activeElement === document.querySelector('{DIALOG} input')"):
        problems.append("the dialog's search field does not have focus")
    page.keyboard.type(query)
    results = search_results(page, DIALOG)
    if results:
        page.keyboard.press("ArrowDown")
        if page.evaluate(f"document.activeElement !== document.querySelector('{DIALOG} .search-results a')"):
            problems.append("Down does not move to the first result")
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Escape")
    if page.evaluate(f"document.querySelector('{DIALOG}').open"):
        problems.append("Escape does not close the dialog")
    if not page.evaluate("document.activeElement.matches('a.site-name')"):
        problems.append("focus does not return to where it was when the dialog closes")
    return results, problems


# Code, colour scheme, "On this page", contents ---------------------------------------------


def copied_code(page, block: int = 0) -> str:
    """What the copy button of code block `block` puts on the clipboard (the context must be
    allowed to read and write it)."""
    button = page.locator(".copy").nth(block)
    button.click()
    button.filter(has_text="Copied").wait_for(timeout=5000)
    return page.evaluate("navigator.clipboard.readText()")


def copy_problems(page, expected: str, block: int = 0) -> list[str]:
    """Code block `block` has a copy button, labelled, that copies the code as a reader types
    it (`expected`), and says "Copied" on the button and to screen readers."""
    button = page.locator(".copy").nth(block)
    if button.count() == 0:
        return [f"no copy button on code block {block + 1}"]
    problems = []
    if button.get_attribute("aria-label") != "Copy code":
        problems.append(f"the copy button's label is {button.get_attribute('aria-label')!r}")
    text = copied_code(page, block)
    if text.strip() != expected.strip():
        problems.append(f"the clipboard holds {text!r}, expected {expected!r}")
    said = page.evaluate("[...document.querySelectorAll('[role=status]')].map((e) => e.textContent)")
    if "Copied" not in said:
        problems.append(f'"Copied" is not announced (live regions hold {said})')
    return problems


# Runs at document creation: the page's colour scheme at its first frame, before any script
# of the page but the inline one in its head could have run.
_FIRST_FRAME = """
requestAnimationFrame(() => {
  window.__firstFrame = {theme: document.documentElement.dataset.theme ?? null,
                         background: document.body ? getComputedStyle(document.body).backgroundColor : null};
});
"""


def scheme_problems(context, url: str, other_url: str) -> list[str]:
    """The toggle cycles system, light, dark; the choice holds on the next page from its first
    frame (no flash of the other scheme): the theme's script is held back there, so only the
    inline script in the head can have applied it."""
    page = context.new_page()
    page.goto(url)
    toggle = page.locator(".theme-toggle")
    labels = []
    for _ in range(2):
        toggle.click()
        labels.append(toggle.get_attribute("aria-label"))
    problems = []
    if labels != ["Colour scheme: light", "Colour scheme: dark"]:
        problems.append(f"the toggle reads {labels}, expected light then dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    held = []  # the next page's request for the script, answered only after the checks
    page.add_init_script(_FIRST_FRAME)
    page.route("**/" + SCRIPT, lambda route: held.append(route))
    page.goto(other_url, wait_until="commit")
    page.wait_for_function("window.__firstFrame !== undefined && document.querySelector('footer') !== null")
    first = page.evaluate("window.__firstFrame")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    if first["theme"] != "dark":
        problems.append(f"the next page's first frame has data-theme {first['theme']!r}, not the chosen dark")
    if background != dark:
        problems.append(
            f"before the script ran the next page's background was {background}, not the chosen {dark}"
        )
    if not held:
        return [*problems, f"{SCRIPT} was never asked for"]
    held[0].continue_()
    page.wait_for_load_state("load")
    if page.locator(".theme-toggle").get_attribute("aria-label") != "Colour scheme: dark":
        problems.append("the toggle on the next page does not show the choice")
    page.close()
    return problems


def on_this_page_follow_problems(page) -> list[str]:
    """Scrolled to each heading in turn, "On this page" marks that heading's link, only it."""
    anchors = page.evaluate(
        """[...document.querySelectorAll('.on-this-page a')].map((a) => a.hash.slice(1))"""
    )
    if len(anchors) < 2:
        return ['no "On this page" list to follow']
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    marks = """[...document.querySelectorAll('.on-this-page a[aria-current="true"]')]
      .map((a) => a.hash.slice(1))"""
    problems = []
    for anchor in (anchors[1], anchors[-1], anchors[0]):
        page.evaluate(
            "(id) => window.scrollTo(0, "
            "document.getElementById(id).getBoundingClientRect().top + scrollY - 10)",
            anchor,
        )
        with contextlib.suppress(PlaywrightTimeout):  # the marks follow on the next frame
            page.wait_for_function(
                f"(id) => JSON.stringify({marks}) === JSON.stringify([id])", arg=anchor, timeout=2000
            )
        marked = page.evaluate(marks)
        if marked != [anchor]:
            problems.append(f'scrolled to #{anchor}, "On this page" marks {marked}')
    return problems


def heading_link_problems(page) -> list[str]:
    """A heading's `#` link is hidden until the reader hovers the heading or focuses the link."""
    link = page.locator(".page-body h2 > .headerlink").first
    if link.count() == 0:
        return ["no heading link to check"]
    opacity = lambda: float(link.evaluate("(e) => getComputedStyle(e).opacity"))  # noqa: E731
    problems = []
    if opacity() != 0:
        problems.append(f"a heading's # link shows without hover or focus (opacity {opacity()})")
    link.locator("xpath=..").hover()
    if opacity() != 1:
        problems.append(f"a heading's # link stays hidden on hover (opacity {opacity()})")
    page.mouse.move(0, 0)
    link.focus()
    if not link.evaluate("(e) => e.matches(':focus-visible')") or opacity() != 1:
        problems.append(f"a heading's # link stays hidden on keyboard focus (opacity {opacity()})")
    return problems


_MARKERS = """() => [...document.querySelectorAll('main .contents li, main .contents summary')]
  .filter((e) => {
  const style = getComputedStyle(e), marker = getComputedStyle(e, '::marker');
  return style.display === 'list-item' && style.listStyleType !== 'none' && marker.content !== 'none';
}).map((e) => e.textContent.trim().split('\\n')[0])"""


def contents_marker_problems(page) -> list[str]:
    """No number or bullet is drawn before a label of the contents (the label is the line)."""
    count = page.locator("main .contents li").count()
    if not count:
        return ["no contents list"]
    marked = page.evaluate(_MARKERS)
    return (
        [f"{len(marked)} of {count} contents lines draw a marker before the label, such as {marked[:3]}"]
        if marked
        else []
    )


def contents_column_problems(page) -> list[str]:
    """A list of pages flows into more than one column (from 1280px)."""
    columns = page.evaluate("""Math.max(...[...document.querySelectorAll('main .contents ol')]
        .map((list) => new Set([...list.children]
          .map((li) => Math.round(li.getBoundingClientRect().left))).size))""")
    return [] if columns > 1 else [f"the contents lists are one column ({columns})"]
