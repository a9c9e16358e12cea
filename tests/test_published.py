"""What a page can make the site publish, tried as a careless or hostile author would: its
metadata is text everywhere (llms.txt included), private notes stay private, a hidden page
is listed nowhere, a page's ids never take the theme's, its language is its <html lang>.
One published build of a guide with every such page; then the refusals, one line each."""

from __future__ import annotations

import json
import shutil

import markdown
import pytest
from bs4 import BeautifulSoup
from conftest import PUBLISHCONF, REPO, Guide, tree_bytes
from test_bad_input import assert_failed_cleanly

SITEURL = "https://guide.fullstack.test"
EVIL_TITLE = "Evil](javascript:alert(1)) [x"
EVIL_META = '<script>alert(1)</script> [click](javascript:alert(2)) <img src=x onerror="alert(3)"> & more'
COMMENTED = """Text for readers.<!-- internal note: ask Sam -->

<!-- reviewer: the second
paragraph needs a source -->

Second paragraph.

```html
<!-- a comment the example shows -->
<p>Hi</p>
```

Write `<!-- like this -->` to hide a note.

    <!-- an indented example -->
"""
LINKS = """[edit](javascript:alert(1)) [old](vbscript:msgbox) [doc](data:text/html,<b>x</b>)
<a href=" JaVa&#x09;Script:alert(4)">hidden scheme</a> ![ok](data:image/png;base64,iVBORw0KGgo=)
"""
IDS = """## Content

The skip link's target is the theme's.

## Sidebar

<div id="search-q">The search field's id.</div>

## Content
"""


def write_hostile_guide(guide: Guide) -> None:
    page = guide.page
    page("a.md", title="Start", slug="start", sortorder="0100", toc="yes")
    page("evil.md", title=EVIL_TITLE, slug="evil", sortorder="0101", meta=EVIL_META)
    page(
        "private.md",
        "Public text.\n",
        title="Private",
        slug="private",
        sortorder="0102",
        **{"reviewer-email": "sam@internal.example", "meta": "What readers see."},
    )
    page("commented.md", COMMENTED, title="Commented", slug="commented", sortorder="0103")
    page("links.md", LINKS, title="Links", slug="links", sortorder="0104")
    page("ids.md", IDS, title="Ids", slug="ids", sortorder="0105")
    page("fr.md", "Du texte.\n", title="Serveurs", slug="serveurs", sortorder="0106", lang="fr")
    page("renamed.md", title="Renamed", slug="renamed", sortorder="0107", aliases="Old-Name")
    page(
        "hidden.md",
        "Unlisted words: zanzibarian.\n",
        title="Hidden",
        slug="hidden",
        sortorder="0108",
        status="hidden",
        aliases="hidden-old",
    )
    page(
        "draft.md",
        "Unfinished words: quixotrope.\n",
        title="Draft",
        slug="draft",
        sortorder="0109",
        status="draft",
        aliases="draft-old",
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    guide = Guide(tmp_path_factory.mktemp("hostile"))
    write_hostile_guide(guide)
    result = guide.build(conffile=PUBLISHCONF, env={"SITEURL": SITEURL})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result


def text_files(output) -> dict[str, str]:
    return {
        name: data.decode("utf-8", "replace")
        for name, data in tree_bytes(output).items()
        if not name.endswith((".gz", ".br")) and not name.startswith("pagefind/")
    }


# 1. llms.txt -----------------------------------------------------------------------------


def test_llms_txt_takes_titles_and_descriptions_as_text_never_as_links_or_tags(site):
    text = site.html("llms.txt")
    rendered = BeautifulSoup(markdown.markdown(text), "lxml")
    links = rendered.find_all("a")
    assert all(
        link["href"].startswith(f"{SITEURL}/")
        and (link["href"].endswith(".md") or link["href"] == f"{SITEURL}/print.html")  # the print edition
        for link in links
    ), links
    assert rendered.find("script") is None and rendered.find("img") is None
    assert "javascript:" not in " ".join(link["href"] for link in links)
    evil = next(link for link in links if link["href"] == f"{SITEURL}/evil.md")
    assert evil.get_text() == EVIL_TITLE
    assert EVIL_META in evil.parent.get_text()  # the description, as text
    # The page's Markdown copy starts with the same title and description, as text too.
    copy = BeautifulSoup(markdown.markdown(site.html("evil.md")), "lxml")
    assert copy.h1.get_text() == EVIL_TITLE and copy.find("a") is None and copy.find("script") is None


# 2. The Markdown copy --------------------------------------------------------------------


def test_the_markdown_copy_is_the_body_under_its_title_and_description_and_nothing_private(site):
    assert site.html("private.md") == "# Private\n\n> What readers see.\n\nPublic text.\n"
    for name, text in text_files(site.output).items():
        assert "sam@internal.example" not in text and "reviewer-email" not in text, name
    assert any("metadata key 'reviewer-email' is unknown" in line for line in site.warning_lines)


# 3. HTML comments ------------------------------------------------------------------------


def test_html_comments_are_left_out_of_the_page_and_its_copy_but_code_keeps_them(site):
    page, copy = site.html("commented.html"), site.html("commented.md")
    for published in (page, copy):
        assert "internal note" not in published and "reviewer: the second" not in published
        assert "Second paragraph." in published
    assert "<!--" not in page.split('<div class="page-body">', 1)[1]
    code = site.soup("commented.html").select(".page-body pre, .page-body code")
    shown = " ".join(block.get_text() for block in code)
    for kept in (
        "<!-- a comment the example shows -->",
        "<!-- like this -->",
        "<!-- an indented example -->",
    ):
        assert kept in shown and kept in copy


# 4, 26. A hidden page --------------------------------------------------------------------


def test_a_hidden_page_is_written_and_reached_by_its_address_but_listed_nowhere(site):
    output = site.output
    assert site.soup("hidden.html").h1.get_text() == "Hidden"
    assert not (output / "hidden.md").exists()
    assert "hidden.md" not in site.html("llms.txt") and "[Hidden]" not in site.html("llms.txt")
    assert f"{SITEURL}/hidden.html" not in site.html("sitemap.xml")
    assert site.soup("hidden.html").find(attrs={"data-pagefind-body": True}) is None
    assert site.soup("start.html").find(attrs={"data-pagefind-body": True}) is not None
    assert site.soup("hidden.html").find("link", rel="alternate", type="text/markdown") is None
    assert "Hidden" not in [
        a.get_text() for a in site.soup("start.html").select('nav[aria-label="Table of contents"] a')
    ]
    shards = [
        json.loads(entry.read_text())["languages"] for entry in output.glob("pagefind/*/pagefind-entry.json")
    ]
    listed = len(list(output.glob("*.md")))  # one copy per listed page
    assert all(list(indexed) == ["en"] for indexed in shards)  # the French page too, in the one language
    assert sum(indexed["en"]["page_count"] for indexed in shards) == listed
    # Its old address still leads to it.
    refresh = site.soup("hidden-old.html").find("meta", attrs={"http-equiv": "refresh"})["content"]
    assert refresh.endswith("/hidden.html")


def test_a_draft_is_in_no_output(site):
    for name, text in text_files(site.output).items():
        assert "quixotrope" not in text and "draft" not in name, name
    # Nor in the search index: it counts the listed pages only (the hidden page's test).
    assert "Draft" not in site.html("llms.txt") and "draft" not in site.html("sitemap.xml")


def test_the_editions_hold_titles_as_text_no_script_and_no_hidden_or_draft_page(site):
    import zipfile

    with zipfile.ZipFile(site.output / "full-stack-python.epub") as book:
        files = {name: book.read(name).decode("utf-8", "replace") for name in book.namelist()}
    assert "EPUB/site/hidden.xhtml" not in files and "EPUB/site/draft.xhtml" not in files
    for name, text in [*files.items(), ("print.html", site.html("print.html"))]:
        assert "quixotrope" not in text and "zanzibarian" not in text, name
        if name.endswith((".xhtml", ".html")):
            soup = BeautifulSoup(text, "xml" if name.endswith(".xhtml") else "lxml").find("body")
            assert soup.find("script") is None, name  # the pages' text (the theme's head has its own)
            assert not soup.find_all(lambda tag: any(key.startswith("on") for key in tag.attrs)), name
            hrefs = ["".join(a["href"].split()).lower() for a in soup.find_all("a", href=True)]
            assert not [href for href in hrefs if href.startswith(("javascript:", "vbscript:", "data:"))], (
                name
            )
    evil = BeautifulSoup(files["EPUB/site/evil.xhtml"], "xml")
    assert evil.find("h1").get_text() == evil.find("title").get_text() == EVIL_TITLE
    assert BeautifulSoup(files["EPUB/site/serveurs.xhtml"], "xml").find("html")["lang"] == "fr"
    assert site.soup("print.html").select_one("article#serveurs")["lang"] == "fr"


# 5. Links that run script ----------------------------------------------------------------


def test_a_link_that_runs_script_or_opens_data_is_a_warning_naming_the_page(site):
    warned = [line for line in site.warning_lines if "links.md:" in line]
    for scheme in ("javascript:", "vbscript:", "data:"):
        assert any(f"is a {scheme} address" in line for line in warned), (scheme, site.stderr)
    assert len(warned) == 3  # the image's data: address is an image, as the CSP allows


# 6. Ids ----------------------------------------------------------------------------------


def test_a_pages_ids_never_take_the_themes(site):
    soup = site.soup("ids.html")
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids)), ids
    assert soup.find(id="content").name == "main"  # the skip link's target
    # Suffixed as the toc extension suffixes a heading's second use: "content" and "sidebar"
    # are the theme's (<main id="content">, the sidebar's drawer).
    headings = soup.select(".page-body h2")
    assert [h2["id"] for h2 in headings] == ["content_1", "sidebar_1", "content_2"]
    assert [h2.find("a", class_="headerlink")["href"] for h2 in headings] == [
        "#content_1",
        "#sidebar_1",
        "#content_2",
    ]
    assert [a["href"] for a in soup.select('nav[aria-label="On this page"] a')] == [
        "#content_1",
        "#sidebar_1",
        "#content_2",
    ]
    assert soup.find("div", string="The search field's id.")["id"] == "search-q_1"


# 7. lang ---------------------------------------------------------------------------------


def test_a_page_in_another_language_keeps_its_address_and_says_its_language(site):
    assert site.soup("serveurs.html").html["lang"] == "fr"
    assert site.soup("start.html").html["lang"] == "en"
    assert not (site.output / "pages").exists()


# 27. Aliases with capitals ---------------------------------------------------------------


def test_an_alias_with_capitals_is_a_warning(site):
    assert any('renamed.md: aliases "Old-Name" has capital letters' in line for line in site.warning_lines), (
        site.stderr
    )
    assert (site.output / "Old-Name.html").exists()


# The refusals: one line naming the file and the field, the output as it was --------------


@pytest.fixture(scope="module")
def previous_site(tmp_path_factory):
    guide = Guide(tmp_path_factory.mktemp("previous"))
    guide.page("a.md", title="Start", slug="start", sortorder="0100", toc="yes")
    assert guide.build().returncode == 0
    return guide.output


# What reading refuses (each file its own line, all in one build), then what planning the
# files refuses: two files that differ only in case.
REFUSED_WHEN_READ = {
    "lang.md": (
        b'title: L\nslug: l\nsortorder: 0101\nlang: fr"><script>\n\nText.\n',
        'lang "fr\\"><script>" must be a language tag, like fr or pt-BR',
    ),
    "nul.md": (
        b"title: N\nslug: n\nsortorder: 0102\n\nFirst line.\n\nA NUL \x00 here.\n",
        "line 7, column 7 holds a control character, U+0000; remove it",
    ),
    "escape.md": (
        b"title: E\nslug: e\nsortorder: 0103\n\nAn escape \x1b[31m.\n",
        "line 5, column 11 holds a control character, U+001B",
    ),
    "own.md": (
        b"title: O\nslug: o\nsortorder: 0104\naliases: old-o, o\n\nText.\n",
        'aliases "old-o, o" holds o, the page\'s own slug: '
        "an alias is an old slug that redirects here; remove it",
    ),
    "twice.md": (
        b"title: W\nslug: w\nsortorder: 0105\naliases: old-w, old-w\n\nText.\n",
        'aliases "old-w, old-w" lists old-w twice; keep one',
    ),
    # Pelican would hide it as a translation of a.md, or move it to pages/start-fr.html.
    "start-fr.md": (
        b"title: Commencer\nslug: start\nsortorder: 0106\nlang: fr\n\nTexte.\n",
        "has the slug start of content/pages/a.md, in another language (lang fr); "
        "the guide writes each page at its own slug",
    ),
}
REFUSED_WHEN_PLANNED = {
    "t.md": (
        b"title: T\nslug: t\nsortorder: 0101\naliases: T\n\nText.\n",
        "would be written to T.html, which differs only in case from t.html, "
        "which it also writes; on a case-insensitive",
    ),
    "u.md": (
        b"title: U\nslug: u\nsortorder: 0102\naliases: Start\n\nText.\n",
        "would be written to Start.html, which differs only in case from start.html, "
        "which content/pages/a.md writes",
    ),
}


@pytest.mark.parametrize("refused", [REFUSED_WHEN_READ, REFUSED_WHEN_PLANNED], ids=["read", "planned"])
def test_a_page_the_guide_cannot_publish_right_is_one_line_naming_the_file(tmp_path, previous_site, refused):
    guide = Guide(tmp_path)
    guide.page("a.md", title="Start", slug="start", sortorder="0100", toc="yes")
    for name, (raw, _) in refused.items():
        guide.file(f"pages/{name}", raw)
    shutil.copytree(previous_site, guide.output)
    before = tree_bytes(guide.output)
    result = guide.build(cwd=tmp_path)
    assert_failed_cleanly(
        result, *(f"content/pages/{name}: {line}" for name, (_, line) in refused.items()), output_existed=True
    )
    assert len(result.error_lines) == len(refused) + 1  # and the summary line
    assert tree_bytes(guide.output) == before


# 6. The check: a theme that prints an id twice fails the build ---------------------------


def test_a_theme_that_prints_an_id_twice_fails_the_check_and_a_new_theme_id_is_kept_free(tmp_path):
    guide = Guide(tmp_path)
    guide.page(
        "a.md", "## Search dialog\n\nText.\n", title="Start", slug="start", sortorder="0100", toc="yes"
    )
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    base = theme / "templates" / "base.html"
    # An id another template adds (a dialog): a heading that slugifies to it is renamed.
    base.write_text(
        base.read_text().replace("</footer>", '</footer>\n<dialog id="search-dialog"></dialog>', 1)
    )
    good = guide.build(settings={"THEME": json.dumps(str(theme))})
    assert good.returncode == 0, good.stderr
    assert good.soup("start.html").find("h2")["id"] == "search-dialog_1"
    # A template that prints an id twice: the check names the page and the id.
    base.write_text(
        base.read_text().replace('<dialog id="search-dialog"></dialog>', '<p id="content"></p>', 1)
    )
    broken = guide.build(settings={"THEME": json.dumps(str(theme))})
    assert broken.returncode == 1
    assert any(
        'start.html): id "content" is used more than once in the page' in line for line in broken.error_lines
    ), broken.stderr
