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


# Safe by default --------------------------------------------------------------------------


def csp_problems(seen: Visit) -> list[str]:
    """The policy forbids scripts and blocks nothing the page needs: the styles apply."""
    problems = [f"CSP violation: {line}" for line in seen.csp_violations]
    policy = seen.page.get_attribute('meta[http-equiv="Content-Security-Policy"]', "content")
    if not policy:
        return problems + ["no Content-Security-Policy <meta>"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    script = directives.get("script-src", directives.get("default-src"))
    if script != ["'none'"]:
        problems.append(f"scripts are not forbidden: script-src is {script}")
    style = directives.get("style-src", directives.get("default-src")) or []
    if not style or any(not source.startswith("'sha256-") for source in style):
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
