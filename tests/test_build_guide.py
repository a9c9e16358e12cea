"""Build small guides into tmp_path and read the written HTML."""

from __future__ import annotations

import re

import pytest

SERVERS_DESCRIPTION = (
    "Servers are required to run web applications. "
    "Learn more about setting up servers on Full Stack Python."
)


def sidebar(soup):
    """(label, href, current, depth) for every entry of the sidebar, as a reader meets them."""
    nav = soup.select_one('nav[aria-label="Table of contents"]')
    entries = []

    def walk(ordered_list, depth):
        for item in ordered_list.find_all("li", recursive=False):
            node = item.find(["a", "span"], recursive=False)
            entries.append(
                (
                    " ".join(node.get_text(" ", strip=True).split()),
                    node.get("href"),
                    node.get("aria-current") == "page",
                    depth,
                )
            )
            for nested in item.find_all("ol", recursive=False):
                walk(nested, depth + 1)

    walk(nav.find("ol"), 0)
    return entries


def test_servers_page_is_the_seed_text_with_its_metadata(servers_site):
    soup = servers_site.soup("servers.html")
    assert soup.title.get_text() == "Servers - Full Stack Python"
    assert [h1.get_text() for h1 in soup.find_all("h1")] == ["Servers"]
    assert soup.find("meta", attrs={"name": "description"})["content"] == SERVERS_DESCRIPTION
    text = soup.main.get_text(" ")
    assert "Servers are the physical infrastructure to run all the layers of software" in text
    assert "Provision your first server." in text
    assert sidebar(soup) == [
        ("5. Deployment", None, False, 0),
        ("Servers", "./servers.html", True, 1),
    ]
    assert soup.html["lang"] == "en"


def test_servers_page_landmarks_skip_link_and_heading_anchors(servers_site):
    soup = servers_site.soup("servers.html")
    body_children = [child for child in soup.body.find_all(True, recursive=False)]
    assert body_children[0].name == "a" and body_children[0]["href"] == "#content"
    assert soup.find(id="content").name == "main"
    assert soup.header is not None and soup.footer is not None
    heading = soup.find("h2", id="why-are-servers-necessary")
    assert heading.find("a", href="#why-are-servers-necessary") is not None
    assert soup.find("link", rel="canonical")["href"] == "https://servers-guide.example.org/servers.html"


def test_output_names(servers_site):
    written = sorted(path.name for path in servers_site.output.iterdir())
    assert written == ["404.html", "index.html", "servers.html", "table-of-contents.html"]


@pytest.fixture
def guide_of_chapters(guide):
    """Chapters with and without landing pages, 4- and 9-digit sortorders, names out of order."""
    guide.page("zz-intro.md", title="Introduction to the guide", slug="introduction",
               sortorder="0100", toc="True", sidebartitle="Introduction")
    guide.page("aa-later.md", title="Learning path", slug="learning-path", sortorder="0110")
    guide.page("mm-first.md", title="Why Python", slug="why-python", sortorder="0101", toc="no")
    guide.page("deploy-b.md", title="Web servers", slug="web-servers", sortorder="0503")
    guide.page("deploy-a.md", title="Servers", slug="servers", sortorder="0502", toc="FALSE")
    guide.page("big-2.md", title="Far page two", slug="far-two", sortorder="500010020")
    guide.page("big-1.md", title="Far page one", slug="far-one", sortorder="500000003")
    guide.page("ops-landing.md", title="DevOps overview", slug="devops", sortorder="0600",
               toc="yes", sidebartitle="DevOps", category="devops")
    guide.page("ops-page.md", title="Monitoring", slug="monitoring", sortorder="0601")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    return result


def test_sidebar_of_a_page_in_a_chapter_with_a_landing_page(guide_of_chapters):
    assert sidebar(guide_of_chapters.soup("why-python.html")) == [
        ("1. Introduction", "./introduction.html", False, 0),
        ("Why Python", "./why-python.html", True, 1),
        ("Learning path", "./learning-path.html", False, 1),
        ("5. Deployment", None, False, 0),
        ("6. DevOps", "./devops.html", False, 0),
        ("50. Chapter 50", None, False, 0),
    ]


def test_landing_page_is_current_as_its_chapter_entry(guide_of_chapters):
    assert sidebar(guide_of_chapters.soup("devops.html")) == [
        ("1. Introduction", "./introduction.html", False, 0),
        ("5. Deployment", None, False, 0),
        ("6. DevOps", "./devops.html", True, 0),
        ("Monitoring", "./monitoring.html", False, 1),
        ("50. Chapter 50", None, False, 0),
    ]


def test_nine_digit_sortorders_order_by_position_as_a_number(guide_of_chapters):
    entries = sidebar(guide_of_chapters.soup("far-two.html"))
    assert entries[-3:] == [
        ("50. Chapter 50", None, False, 0),
        ("Far page one", "./far-one.html", False, 1),
        ("Far page two", "./far-two.html", True, 1),
    ]


def test_exactly_one_link_is_current_on_every_page(guide_of_chapters):
    for page in guide_of_chapters.output.glob("*.html"):
        soup = guide_of_chapters.soup(page.name)
        current = soup.find_all(attrs={"aria-current": True})
        if page.name in {"index.html", "table-of-contents.html", "404.html"}:
            assert current == []
        else:
            assert [link["href"] for link in current] == [f"./{page.name}"]


def test_previous_and_next_follow_the_reading_order(guide_of_chapters):
    order = ["introduction", "why-python", "learning-path", "servers", "web-servers",
             "devops", "monitoring", "far-one", "far-two"]
    for before, page, after in zip([None, *order], order, [*order[1:], None]):
        soup = guide_of_chapters.soup(f"{page}.html")
        prev_link = soup.find("a", rel="prev")
        next_link = soup.find("a", rel="next")
        assert (prev_link["href"] if prev_link else None) == (before and f"./{before}.html")
        assert (next_link["href"] if next_link else None) == (after and f"./{after}.html")


def test_table_of_contents_lists_every_page_in_reading_order(guide_of_chapters):
    soup = guide_of_chapters.soup("table-of-contents.html")
    hrefs = [link["href"] for link in soup.main.find_all("a")]
    assert hrefs == ["./introduction.html", "./why-python.html", "./learning-path.html",
                     "./servers.html", "./web-servers.html", "./devops.html",
                     "./monitoring.html", "./far-one.html", "./far-two.html"]
    chapter_labels = [" ".join(li.find(string=True, recursive=True).split())
                      for li in soup.select("main ol.guide-contents > li")]
    assert chapter_labels == ["1. Introduction", "5. Deployment", "6. DevOps", "50. Chapter 50"]
    sidebar_heading = soup.select_one('nav[aria-label="Table of contents"] a')
    assert sidebar_heading["href"] == "./table-of-contents.html"


def test_description_falls_back_to_the_first_paragraph(guide):
    body = "## Heading\n\n" + "A long first paragraph about servers and hosting. " * 5 + "\n\nSecond.\n"
    guide.page("a.md", body=body, title="A", slug="a", sortorder="0101")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    description = result.soup("a.html").find("meta", attrs={"name": "description"})["content"]
    assert description.startswith("A long first paragraph about servers and hosting.")
    assert len(description) <= 160 and description.endswith("…")


TRICKY = 'Servers & "hosts" <script>alert(1)</script>'


def test_metadata_is_escaped_everywhere(guide):
    guide.page("a.md", title=TRICKY, slug="a", sortorder="0101", sidebartitle=TRICKY, meta=TRICKY)
    guide.page("b.md", title="B <i>", slug="b", sortorder="0102")
    guide.page("c.md", title="Landing & more", slug="c", sortorder="0200", toc="yes")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    html = result.html("a.html")
    soup = result.soup("a.html")
    assert soup.find("script") is None
    assert soup.find("i") is None
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert soup.title.get_text() == f"{TRICKY} - Full Stack Python"
    assert soup.h1.get_text() == TRICKY
    assert soup.find("meta", attrs={"name": "description"})["content"] == TRICKY
    assert soup.find("meta", property="og:title")["content"] == TRICKY
    assert sidebar(soup)[1][0] == TRICKY
    assert result.soup("b.html").find("a", rel="prev").get_text(" ", strip=True).endswith(TRICKY)
    assert "Landing &amp; more" in result.html("table-of-contents.html")
    assert result.soup("table-of-contents.html").find("script") is None


def test_pygments_css_only_on_pages_with_code(guide):
    guide.page("code.md", body="Code:\n\n    :::python\n    print('hi')\n",
               title="Code", slug="code", sortorder="0101")
    guide.page("prose.md", title="Prose", slug="prose", sortorder="0102")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    code_style = result.soup("code.html").style.get_text()
    prose_style = result.soup("prose.html").style.get_text()
    assert result.soup("code.html").select(".highlight .nb")  # highlighted: `print` is a builtin
    assert ".highlight" in code_style and ".highlight" not in prose_style
    assert "prefers-color-scheme:dark" in code_style


def test_csp_hash_matches_the_inline_css(servers_site):
    import base64
    import hashlib

    soup = servers_site.soup("servers.html")
    css = servers_site.html("servers.html").split("<style>", 1)[1].split("</style>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert f"style-src 'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_make_html_builds_any_guide_folder(tmp_path):
    import subprocess

    from conftest import REPO, page_source

    content = tmp_path / "elsewhere"
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "x.md").write_text(page_source(title="X", slug="x", sortorder="0301"))
    output = tmp_path / "out"
    done = subprocess.run(
        ["make", "--no-print-directory", "html", f"INPUTDIR={content}", f"OUTPUTDIR={output}"],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert re.search(r"<h1>X</h1>", (output / "x.html").read_text())
    assert (output / "table-of-contents.html").is_file()


def test_make_clean_removes_the_output_and_the_cache(tmp_path):
    import subprocess

    from conftest import REPO, SEED_CONTENT

    output, cache = tmp_path / "out", tmp_path / "cache"
    make = ["make", "--no-print-directory", f"OUTPUTDIR={output}", f"CACHEDIR={cache}"]
    built = subprocess.run([*make, "html", f"INPUTDIR={SEED_CONTENT}", f"PELICANOPTS=--cache-path {cache}/pelican"],
                           cwd=REPO, capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr
    assert (output / "servers.html").is_file() and any(cache.rglob("*"))
    cleaned = subprocess.run([*make, "clean"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert cleaned.returncode == 0, cleaned.stderr
    assert not output.exists() and not cache.exists()


def test_a_page_titled_like_the_site_keeps_the_site_name_in_its_title(guide):
    guide.page("a.md", title="Full Stack Python", slug="a", sortorder="0101")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    assert result.soup("a.html").title.get_text() == "Full Stack Python - Full Stack Python"
