"""What a reader's browser sees, as checks: a page loaded in Chromium in, problems out.

Each check returns a list of lines naming what is wrong (empty when the target is met), so the
same function is run on the real site and on a site broken on purpose.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

WEIGHT_LIMIT = 14 * 1024  # the first round trip of a new TCP connection (10 segments)
GZIP_LEVEL = 6  # zlib's default, what nginx and Apache are usually set to
LINE_LIMIT = 75  # characters in a line of body text
NARROW, PHONE, DESKTOP = 320, 375, 1280
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


# One request ------------------------------------------------------------------------------


def request_problems(seen: Visit) -> list[str]:
    """The page is the only request: CSS inline, no fonts, no scripts, no /favicon.ico."""
    problems = [f"extra request: {url}" for url in seen.requests if url != seen.url]
    scripts = seen.page.locator("script").count()
    if scripts:
        problems.append(f"{scripts} <script> element(s): the page must need no JavaScript")
    stylesheets = seen.page.locator('link[rel~="stylesheet"]').count()
    if stylesheets:
        problems.append(f"{stylesheets} external stylesheet(s)")
    # The CSP would block a web font's request, so ask the page which fonts it declares.
    fonts = seen.page.evaluate("document.fonts.size")
    if fonts:
        problems.append(f"{fonts} web font(s) declared: the theme uses system fonts")
    return problems


def compressed_weight(seen: Visit) -> dict[str, int]:
    """Bytes of every response as a server would send it: gzipped body plus headers."""
    sizes = {}
    for response in seen.responses:
        if urlsplit(response.url).scheme not in ("http", "https"):
            continue
        headers = response.headers_array()
        head = len(f"HTTP/1.1 {response.status} {response.status_text}\r\n\r\n")
        head += sum(len(f"{h['name']}: {h['value']}\r\n") for h in headers)
        body = gzip.compress(response.body(), compresslevel=GZIP_LEVEL, mtime=0)
        sizes[response.url] = head + len(body)
    return sizes


def weight_problems(seen: Visit, limit: int = WEIGHT_LIMIT) -> list[str]:
    sizes = compressed_weight(seen)
    total = sum(sizes.values())
    if total <= limit:
        return []
    parts = ", ".join(f"{url} {size} B" for url, size in sizes.items())
    return [f"{total} bytes compressed, over the {limit} byte limit ({parts})"]


def transferred_bytes(seen: Visit) -> dict[str, int]:
    """Bytes each response took on the wire, headers and body as the server encoded them."""
    sizes = {}
    for response in seen.responses:
        if urlsplit(response.url).scheme in ("http", "https"):
            size = response.request.sizes()
            sizes[response.url] = size["responseHeadersSize"] + size["responseBodySize"]
    return sizes


def transfer_problems(seen: Visit, limit: int = WEIGHT_LIMIT) -> list[str]:
    sizes = transferred_bytes(seen)
    total = sum(sizes.values())
    if total <= limit:
        return []
    parts = ", ".join(f"{url} {size} B" for url, size in sizes.items())
    return [f"{total} bytes sent, over the {limit} byte limit ({parts})"]


# Safe by default --------------------------------------------------------------------------


# The search page runs Pagefind: its script files and WebAssembly, from the site itself.
SEARCH_SCRIPT_SOURCES = ["'self'", "'wasm-unsafe-eval'"]


def csp_problems(seen: Visit, *, search: bool = False) -> list[str]:
    """The policy blocks nothing the page needs (the styles apply) and allows no more than
    it needs: no script at all, or on the search page only script files from the site itself
    (no inline script, no eval, no other host), and CSS only by hash (plus Pagefind's
    stylesheet file from the site on the search page)."""
    problems = [f"CSP violation: {line}" for line in seen.csp_violations]
    policy = seen.page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    if not policy:
        return problems + ["no Content-Security-Policy <meta>"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    script = directives.get("script-src", directives.get("default-src"))
    if not search and script != ["'none'"]:
        problems.append(f"scripts are not forbidden: script-src is {script}")
    if search and sorted(script or []) != sorted(SEARCH_SCRIPT_SOURCES):
        problems.append(f"script-src is {script}, expected exactly {SEARCH_SCRIPT_SOURCES}")
    style = directives.get("style-src", directives.get("default-src")) or []
    allowed = ["'self'"] if search else []
    if not style or any(not source.startswith("'sha256-") and source not in allowed for source in style):
        problems.append(f"style-src allows more than hashed inline CSS: {style}")
    # The theme's CSS zeroes the body's margin; the browser's own 8px means it was refused.
    margin = seen.page.evaluate("getComputedStyle(document.body).marginTop")
    if margin != "0px":
        problems.append(f"the inline CSS did not apply (body margin {margin})")
    return problems


def mixed_content_problems(seen: Visit) -> list[str]:
    """Every request stays on the page's own origin; nothing is loaded over plain http
    from elsewhere."""
    origin = urlsplit(seen.url)[:2]
    problems = [f"request to another origin: {url}" for url in seen.requests
                if urlsplit(url).scheme != "data" and urlsplit(url)[:2] != origin]
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
    closedSummary: e.tagName === 'SUMMARY' && !e.parentElement.open,
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
    a closed disclosure is opened with Enter on the way. Returns every stop."""
    page.evaluate(
        "document.querySelectorAll('a[href], summary').forEach((e, i) => e.dataset.kbd = i)"
    )
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED)
        if stop is None or (stops and stop["id"] == stops[0]["id"]):
            break
        stops.append(stop)
        if stop["closedSummary"]:
            page.keyboard.press("Enter")
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
        return [f"the first Tab stop is {first['tag']} \"{first['text']}\", not a link to #{main_id}"]
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
        f"focus not visible on {stop['tag']} \"{stop['text']}\" "
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
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    if widths[0] > widths[1]:
        return [f"scrolls sideways: {widths[0]}px of content in a {widths[1]}px window"]
    return []


_SIDEBAR = 'nav[aria-label="Table of contents"]'


def sidebar_problems(page, width: int) -> list[str]:
    """Narrow: the sidebar is a closed native <details> that opens without JavaScript.
    Wide: it is shown beside the text."""
    nav = page.locator(_SIDEBAR)
    details = page.locator(f"details:has({_SIDEBAR})")
    if details.count() != 1:
        return ["the sidebar is not inside a <details> element"]
    if width < 960:
        if nav.is_visible():
            return [f"at {width}px the sidebar is open before the reader asks"]
        details.locator("summary").click()
        if not nav.is_visible():
            return [f"at {width}px opening the disclosure does not show the sidebar"]
        return []
    if not nav.is_visible():
        return [f"at {width}px the sidebar is hidden"]
    side = nav.bounding_box()
    main = page.locator("main").bounding_box()
    if not (side["x"] + side["width"] <= main["x"] and side["y"] < main["y"] + main["height"]):
        return [f"at {width}px the sidebar is not beside the text ({side} vs {main})"]
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
        return [f'at {width}px "On this page" does not stay in view: at {scrolled}px down it is at y={box["y"]}']
    return []


def open_disclosures(page) -> None:
    """Open every closed <details> (the sidebar and "On this page" on phones)."""
    for summary in page.locator("details:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()


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
            problems.append(f"table {number} reaches {table['right']:.0f}px, past the {table['width']}px window")
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
    "technical-diagram": ("backgroundColor", lambda value: value == "rgb(255, 255, 255)", "a white background"),
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
        problems += [f"class {name} gives {prop} {value}, not {wanted}" for value in values if not test(value)]
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

# Pagefind's UI says "Searching for ..." until it knows, then "N results for ..." or "No
# results for ..."; each result's title link comes when its fragment has loaded.
_SEARCH_DONE = """() => {
  const message = document.querySelector('.pagefind-ui__message');
  if (!message || !message.textContent.trim() || /^Searching/.test(message.textContent.trim())) return false;
  const first = document.querySelector('.pagefind-ui__result');
  return !first || !!first.querySelector('.pagefind-ui__result-link');
}"""
_RESULTS = """() => [...document.querySelectorAll('.pagefind-ui__result')].map((result) => ({
  title: result.querySelector('.pagefind-ui__result-title')?.textContent.trim() ?? '',
  href: result.querySelector('.pagefind-ui__result-link')?.href ?? '',
  excerpt: result.querySelector('.pagefind-ui__result-excerpt')?.textContent.trim() ?? '',
  marked: [...result.querySelectorAll('.pagefind-ui__result-excerpt mark')].map((m) => m.textContent.toLowerCase()),
}))"""


def search_results(page, timeout: float = 15_000) -> list[dict] | None:
    """The results the search page lists, in order, once the search has finished: each one's
    title, link, excerpt and the words the excerpt marks. None when no search finished."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(_SEARCH_DONE, timeout=timeout)
    except PlaywrightTimeout:
        return None
    return page.evaluate(_RESULTS)


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
        problems.append(f'the first result for "{query}" is {first["href"]} ("{first["title"]}"), expected {path}')
    if not first["title"]:
        problems.append("the first result has no title")
    if not first["excerpt"]:
        problems.append("the first result has no excerpt")
    elif not set(first["marked"]) & set(query.lower().split()):
        problems.append(f'the excerpt of the first result marks no word of "{query}": {first["excerpt"][:120]!r}')
    return problems
