"""What a reader needs to find a page and keep their place, as checks: a page in Chromium
in, problems out (as browser_checks.py). The header that stays, labels that wrap between
words, the breadcrumb, chapter headings that lead somewhere, the drawer that keeps focus,
search results by page with their sections, its cost, its suggestions, the 404 page at
any path, the home page and images.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from browser_checks import DIALOG, search_results

SIDEBAR = 'nav[aria-label="Table of contents"]'
MENU = ".menu-button"

# Header -------------------------------------------------------------------------------

_HEADER = """() => {
  const header = document.querySelector('.site-header');
  const box = header.getBoundingClientRect();
  const shown = (selector) => {
    const e = header.querySelector(selector);
    if (!e) return null;
    const b = e.getBoundingClientRect(), s = getComputedStyle(e);
    return b.width > 0 && b.height > 0 && b.top >= 0 && b.bottom <= innerHeight && s.visibility !== 'hidden';
  };
  return {top: box.top, bottom: box.bottom, name: shown('.site-name'), menu: shown('.menu-button'),
          search: shown('.search-form input') || shown('.search-form button'),
          scheme: shown('.theme-toggle')};
}"""


def header_problems(page, width: int, script: bool = True) -> list[str]:
    """At the top, the middle and the end of the page, the header is at the top of the
    window with the site's name, search, the colour scheme (which needs script) and
    (below 1024px) the menu."""
    problems = []
    end = page.evaluate("document.documentElement.scrollHeight - innerHeight")
    if end < 200:
        return ["the page is too short to scroll"]
    for at in (0, end // 2, end):
        page.evaluate(f"window.scrollTo(0, {at})")
        found = page.evaluate(_HEADER)
        if abs(found["top"]) > 0.5:
            problems.append(f"scrolled to {at}px, the header is at {found['top']:.0f}px, out of the window")
        wanted = ["name", "search"] + (["scheme"] if script else []) + (["menu"] if width < 1024 else [])
        problems += [
            f"scrolled to {at}px, the header's {what} is not in view" for what in wanted if not found[what]
        ]
    page.evaluate("window.scrollTo(0, 0)")
    return problems


def back_to_top_problems(page) -> list[str]:
    """A long page ends with a link back to its top, which takes the reader there."""
    link = page.locator(".back-to-top a")
    if link.count() != 1:
        return [f"{link.count()} 'Back to top' links, expected one"]
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    link.click()
    page.wait_for_function("() => window.scrollY < 5", timeout=3000)
    return []


_SHIFTS = """() => new Promise((done) => {
  let total = 0;
  new PerformanceObserver((list) => { for (const e of list.getEntries()) total += e.value; })
    .observe({type: 'layout-shift', buffered: true});
  setTimeout(() => done(total), 300);
})"""


def layout_shift(page) -> float:
    """The page's cumulative layout shift so far (load, scrolling)."""
    return page.evaluate(_SHIFTS)


# Labels -------------------------------------------------------------------------------

_BREAKS = """(selector) => {
  // Each label's line breaks: where a line starts, the characters around the break.
  const found = [];
  for (const label of document.querySelectorAll(selector)) {
    const box = label.getBoundingClientRect();
    if (!box.width) continue;
    if (label.scrollWidth > label.clientWidth + 1) found.push([label.textContent, 'overflows its box']);
    const walker = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
    const chars = [];
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (let i = 0; i < node.length; i++) chars.push([node, i]);
    }
    const range = document.createRange();
    let lastTop = null;
    let text = chars.map(([n, i]) => n.data[i]).join('');
    chars.forEach(([node, i], k) => {
      range.setStart(node, i); range.setEnd(node, i + 1);
      const r = range.getClientRects()[0];
      if (!r || !r.width) return;
      if (lastTop !== null && r.top > lastTop + 2) {
        const before = text[k - 1], at = text[k];
        const ok = /\\s/.test(before) || /\\s/.test(at) || /[._\\-\\/]/.test(before)
                   || (/[a-z0-9]/.test(before) && /[A-Z]/.test(at));
        const where = `${text.slice(Math.max(0, k - 12), k)}|${text.slice(k, k + 8)}`;
        if (!ok) found.push([text, `breaks inside a word: ${where}`]);
      }
      lastTop = r.top;
    });
  }
  return found;
}"""


def label_break_problems(page, selector: str) -> list[str]:
    """Every label matched by `selector` wraps only between words, after a dot, an
    underscore or a hyphen, or between the words of camelCase; none overflows its box."""
    return [f'"{text.strip()[:60]}" {what}' for text, what in page.evaluate(_BREAKS, selector)]


# Breadcrumb and chapter headings ------------------------------------------------------


def breadcrumb_problems(page, expected: list[str]) -> list[str]:
    """The breadcrumb shows `expected` (chapter, section, page), the page marked current, and
    the page carries the same as BreadcrumbList data."""
    nav = page.locator('nav[aria-label="Breadcrumb"]')
    if nav.count() != 1 or not nav.is_visible():
        return ["no breadcrumb in view"]
    labels = nav.locator("li").all_inner_texts()
    problems = []
    if [label.strip() for label in labels] != expected:
        problems.append(f"the breadcrumb reads {labels}, expected {expected}")
    if nav.locator("li:last-child [aria-current='page']").count() != 1:
        problems.append("the breadcrumb's last item is not marked as the current page")
    data = page.evaluate(
        "[...document.querySelectorAll('script[type=\"application/ld+json\"]')].map((s) => s.textContent)"
    )
    lists = [item for item in map(json.loads, data) if item.get("@type") == "BreadcrumbList"]
    if len(lists) != 1:
        return [*problems, f"{len(lists)} BreadcrumbList blocks, expected one"]
    names = [item["name"] for item in lists[0]["itemListElement"]]
    if names != expected:
        problems.append(f"the BreadcrumbList names {names}, expected {expected}")
    return problems


def chapter_heading_problems(page, base: str) -> list[str]:
    """Every chapter heading of the sidebar (a chapter shown without its pages) is a link;
    following it (on the site served at `base`) lands on the contents page at that
    chapter's heading."""
    headings = page.evaluate(
        f"[...document.querySelectorAll('{SIDEBAR} .nav-heading')]"
        ".map((e) => [e.tagName, e.textContent.trim(), e.href])"
    )
    if not headings:
        return ["no chapter heading in the sidebar"]
    problems = [f'"{label}" is a {tag.lower()}, not a link' for tag, label, _ in headings if tag != "A"]
    for _, label, href in headings:
        other = page.context.new_page()
        parts = urlsplit(href)  # a site published for another address is served at `base`
        try:
            other.goto(f"{base}{parts.path.lstrip('/')}#{parts.fragment}")
            target = other.evaluate("document.querySelector(':target')?.textContent.trim() ?? null")
            if urlsplit(href).path.split("/")[-1] != "table-of-contents.html" or target != label:
                problems.append(f'"{label}" leads to {href}, whose target is {target!r}')
        finally:
            other.close()
    return problems


# The drawer ---------------------------------------------------------------------------


def drawer_trap_problems(page) -> list[str]:
    """On a phone the open drawer keeps focus: Tab past its last stop comes back to its
    first, Shift+Tab from its first goes to its last; Escape closes it and focus returns to
    the menu button."""
    page.locator(MENU).focus()
    page.keyboard.press("Enter")
    inside = f"!!document.activeElement.closest('{SIDEBAR}')"
    if not page.locator(SIDEBAR).is_visible():
        return ["the menu button does not open the drawer"]
    if not page.evaluate(inside):
        return ["focus does not go into the drawer when it opens"]
    stops = page.evaluate(f"document.querySelectorAll('{SIDEBAR} a, {SIDEBAR} summary').length")
    problems = []
    for _ in range(min(stops + 3, 80)):
        page.keyboard.press("Tab")
        if not page.evaluate(inside):
            problems.append("Tab takes focus out of the open drawer")
            break
    page.keyboard.press("Shift+Tab")
    if not page.evaluate(inside):
        problems.append("Shift+Tab takes focus out of the open drawer")
    page.keyboard.press("Escape")
    if page.locator(SIDEBAR).is_visible():
        problems.append("Escape does not close the drawer")
    if not page.evaluate(f"document.activeElement.matches('{MENU}')"):
        problems.append("focus does not return to the menu button")
    return problems


# Search -------------------------------------------------------------------------------

_STRUCTURE = """(scope) => [...document.querySelectorAll(scope + ' .search-results > li:not(.suggest)')]
.map((li) => ({
  page: li.querySelector(':scope > a')?.getAttribute('href') ?? null,
  parts: [...li.querySelectorAll(':scope > ol > li > a')].map((a) => a.getAttribute('href')),
}))"""


def result_structure_problems(page, scope: str = DIALOG) -> list[str]:
    """One result per page, linked to the page's top, its matching sections below it as
    links of their own (to the same page)."""
    results = page.evaluate(_STRUCTURE, scope)
    if not results:
        return ["no results"]
    problems = []
    pages = [result["page"] for result in results]
    if len(set(pages)) != len(pages):
        problems.append(f"a page is listed more than once: {pages}")
    for result in results:
        if not result["page"] or "#" in result["page"]:
            problems.append(f"a result links to {result['page']}, not to a page's top")
        problems += [
            f"a section {part} under {result['page']} is not a part of that page"
            for part in result["parts"]
            if "#" not in part or part.split("#")[0] != (result["page"] or "").split("#")[0]
        ]
    if not any(result["parts"] for result in results):
        problems.append("no result lists its matching sections")
    return problems


def reach_every_result_problems(page, scope: str = DIALOG) -> list[str]:
    """The "more results" control lists every result the status counts, each page once."""
    status = page.evaluate(f"document.querySelector('{scope} .search-status').textContent.trim()")
    count = int(status.split()[0]) if status[:1].isdigit() else 0
    more = page.locator(f"{scope} .search-more")
    for _ in range(count):
        if not more.is_visible():
            break
        shown = page.locator(f"{scope} .search-results > li").count()
        more.click()
        page.wait_for_function(
            f"(shown) => document.querySelectorAll('{scope} .search-results > li').length > shown",
            arg=shown,
            timeout=15000,
        )
    listed = page.evaluate(
        f"new Set([...document.querySelectorAll('{scope} .search-results > li > a')].map((a) => a.href)).size"
    )
    if listed != count:
        return [f'"{status}", but the list reaches {listed} results']
    return []


def dialog_query(page, query: str) -> list[dict] | None:
    """Open the dialog with Ctrl+K, type `query` as a reader does, and wait for its results."""
    if not page.evaluate(f"!!document.querySelector('{DIALOG}')?.open"):
        page.locator("a.site-name").focus()
        page.keyboard.press("Control+k")
    page.locator(f"{DIALOG} input").fill("")
    page.keyboard.type(query, delay=40)
    return search_results(page, DIALOG)


def suggestion_problems(page, query: str, title: str) -> list[str]:
    """A query with few or no results offers the closest titles, `title` among them."""
    dialog_query(page, query)
    offered = page.evaluate(
        f"[...document.querySelectorAll('{DIALOG} .suggest a')].map((a) => a.textContent)"
    )
    if title not in offered:
        return [f'"{query}" offers {offered}, not "{title}"']
    return []


def close_button_problems(page) -> list[str]:
    """On a phone the search dialog has a visible close button that closes it."""
    page.locator(".search-form button").click()
    close = page.locator(f"{DIALOG} .search-close")
    if not close.is_visible():
        return ["the search dialog has no close button in view"]
    close.click()
    if page.evaluate(f"document.querySelector('{DIALOG}').open"):
        return ["the close button does not close the search dialog"]
    return []


def shortcut_hint_problems(page) -> list[str]:
    """The header's search field shows its keys, / and Ctrl K."""
    keys = page.locator(".search-form .search-keys")
    if not keys.is_visible():
        return ["the header's search field shows no keys"]
    text = keys.inner_text()
    return [] if "/" in text and "Ctrl" in text else [f"the header's search field shows {text!r}"]


class Counted:
    """The requests a page makes from now on, and their bytes as sent (compressed)."""

    def __init__(self, page):
        self.requests: list[str] = []
        self.responses: list = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("response", lambda response: self.responses.append(response))

    def bytes(self) -> int:
        total = 0
        for response in self.responses:
            try:
                sizes = response.request.sizes()
            except Exception:  # noqa: BLE001 - a response still arriving has no size yet
                continue
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        return total


def first_search_cost(page, query: str) -> tuple[int, int, list[str]]:
    """Requests, bytes and the addresses a first search costs, from its first key to its
    results shown, typed as a reader types."""
    counted = Counted(page)
    assert dialog_query(page, query) is not None, f'no search for "{query}" finished'
    page.wait_for_load_state("networkidle")
    return len(counted.requests), counted.bytes(), counted.requests


def search_cost_problems(page, query: str, requests: int = 12, sent: int | None = None) -> list[str]:
    """A first search asks for at most `requests` files (Pagefind's own, and the excerpts
    of the results on screen), and sends at most `sent` bytes when given."""
    count, size, urls = first_search_cost(page, query)
    problems = []
    if count > requests:
        problems.append(f"{count} requests from the first key to the results, over {requests}: {urls}")
    if sent is not None and size > sent:
        problems.append(f"{size} bytes from the first key to the results, over {sent}")
    return problems


def typing_fetch_problems(page, query: str) -> list[str]:
    """After a first search, typing another query fetches nothing until the reader stops:
    no request between keys, whatever the words."""
    dialog_query(page, "server")
    page.wait_for_load_state("networkidle")
    counted = Counted(page)
    page.locator(f"{DIALOG} input").fill("")
    for key in query:
        page.keyboard.type(key)
        page.wait_for_timeout(60)
        if counted.requests:
            return [f"typing {query!r} fetched {counted.requests} before the reader stopped"]
    return []


# Without script -----------------------------------------------------------------------


def no_script_search_problems(page) -> list[str]:
    """With script off: the search box keeps what the reader typed (Enter goes nowhere),
    and says search needs script."""
    field = page.locator("#search-q, #search-page-q").first
    before = page.url
    note = page.locator("#search-note, .search-status .no-script").first
    problems = []
    if field.is_visible():
        field.fill("bare metal")
        field.press("Enter")
        page.wait_for_timeout(300)
        if page.url != before or field.input_value() != "bare metal":
            problems.append(f"Enter took the reader to {page.url} and the query was lost")
    else:
        page.locator(".search-form button").click()
    if not note.is_visible() or "needs JavaScript" not in note.inner_text():
        problems.append("nothing says that search needs JavaScript")
    return problems


# The 404 page -------------------------------------------------------------------------


def not_found_problems(seen) -> list[str]:
    """At any missing address the 404 page has its styles and its script, and its search
    finds pages."""
    page = seen.page
    problems = []
    if page.evaluate("getComputedStyle(document.body).marginTop") != "0px":
        problems.append("the 404 page's styles did not apply")
    label = page.evaluate("document.querySelector('.theme-toggle')?.getAttribute('aria-label')")
    if not (label or "").startswith("Colour scheme: "):
        problems.append("the 404 page's script did not run")
    failed = [
        response.url for response in seen.responses if response.status >= 400 and response.url != seen.url
    ]
    problems += [f"the 404 page asked for {url}, which is missing" for url in failed]
    if not problems:
        found = dialog_query(page, "server")
        if not found:
            problems.append("search from the 404 page found nothing")
    links = page.evaluate("[...document.querySelectorAll('main a, #sidebar a')].map((a) => a.href)")
    bad = [href for href in links if "/a/b/" in href]
    problems += [f"the 404 page links to {href}, under the missing address" for href in bad[:3]]
    return problems


# Home page and images -----------------------------------------------------------------


def home_problems(page, chapters: int, start: str) -> list[str]:
    """The home page introduces the guide: a "Start reading" link to its first page and its
    chapters, each with a line; far fewer links than the contents page's."""
    problems = []
    lines = page.evaluate(
        "[...document.querySelectorAll('.home-chapters li')].map((li) => "
        "[li.querySelector('a')?.textContent, li.querySelector('span')?.textContent.trim()])"
    )
    if len(lines) != chapters or not all(text for _, text in lines):
        problems.append(f"the home page lists {len(lines)} chapters (each with a line?), expected {chapters}")
    begin = page.locator(".home-start a")
    if begin.count() != 1 or urlsplit(begin.get_attribute("href")).path.split("/")[-1] != start:
        problems.append(f"no 'Start reading' link to {start}")
    links = page.locator("main a").count()
    if links > 60:
        problems.append(f"the home page's text has {links} links: the full list belongs to the contents page")
    return problems


_IMAGES = """() => [...document.querySelectorAll('.page-body img')].map((img) => ({
  src: img.getAttribute('src'), width: img.getAttribute('width'), height: img.getAttribute('height'),
  lazy: img.loading === 'lazy', top: img.getBoundingClientRect().top + scrollY,
}))"""


def image_size_problems(page) -> list[str]:
    """Every image of the text carries its width and height; those below the first screen
    load lazily, those on it do not."""
    images = page.evaluate(_IMAGES)
    if not images:
        return ["no image to check"]
    screen = page.viewport_size["height"]
    problems = [
        f"image {i['src']} has no width and height" for i in images if not (i["width"] and i["height"])
    ]
    problems += [
        f"image {i['src']} is {i['top']:.0f}px down, below the first screen, and loads at once"
        for i in images
        if i["top"] > 2 * screen and not i["lazy"]
    ]
    problems += [
        f"image {i['src']} is on the first screen, and loads lazily"
        for i in images
        if i["top"] < screen / 2 and i["lazy"]
    ]
    return problems
