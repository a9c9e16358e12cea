"""make publish: sitemap, robots.txt, compressed copies, absolute links; atomic and reproducible."""

from __future__ import annotations

import gzip
import re
import shutil

import brotli
import pytest
from conftest import PUBLISHCONF, PUBLISHED_SITEURL, SEED_CONTENT, run_make, tree_bytes
from lxml import etree
from pelican.plugins.guide.publish import _compress

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime), the forms a sitemap's <lastmod> may take.
W3C_DATETIME = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?")
COMPRESSIBLE = (".html", ".css", ".xml", ".svg", ".txt", ".md", ".js")


def sitemap_entries(xml: bytes) -> list[dict[str, str]]:
    """The <url> entries, after checking the file against the sitemaps protocol's rules."""
    root = etree.fromstring(xml)
    assert root.tag == f"{{{SITEMAP_NS}}}urlset"
    entries = []
    for url in root:
        assert url.tag == f"{{{SITEMAP_NS}}}url"
        children = {etree.QName(child).localname: child.text for child in url}
        assert set(children) <= {"loc", "lastmod", "changefreq", "priority"}
        assert len(url) == len(children), "each child at most once"
        entries.append(children)
    assert 0 < len(entries) <= 50_000 and len(xml) <= 50 * 1024 * 1024
    return entries


def test_sitemap_lists_the_pages_under_the_absolute_siteurl(published_site):
    entries = sitemap_entries((published_site.output / "sitemap.xml").read_bytes())
    assert [entry["loc"] for entry in entries] == [
        f"{PUBLISHED_SITEURL}/full-stack-python.epub",  # the EPUB edition (publishconf.py)
        f"{PUBLISHED_SITEURL}/index.html",
        f"{PUBLISHED_SITEURL}/servers.html",
        f"{PUBLISHED_SITEURL}/table-of-contents.html",
    ]  # not 404.html, search.html or redirect pages
    for entry in entries:
        assert W3C_DATETIME.fullmatch(entry["lastmod"]), entry["lastmod"]


def test_each_pages_lastmod_is_the_last_commit_that_touched_its_source(guide):
    import subprocess

    guide.page("a.md", title="A", slug="a", sortorder="0101")
    guide.page("b.md", title="B", slug="b", sortorder="0102")
    git = ["git", "-C", str(guide.root), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    for name, moment in (("a", "2024-05-01T12:00:00Z"), ("b", "2025-01-02T03:04:05Z")):
        subprocess.run([*git, "add", f"content/pages/{name}.md"], check=True)
        subprocess.run(
            [*git, "commit", "-q", "-m", name],
            check=True,
            env={"GIT_COMMITTER_DATE": moment, "PATH": "/usr/bin:/bin"},
        )
    result = guide.build(conffile=PUBLISHCONF, env={"SITEURL": "https://example.org/a&b"})
    assert result.returncode == 0, result.stderr
    xml = (guide.output / "sitemap.xml").read_bytes()
    assert b"<loc>https://example.org/a&amp;b/a.html</loc>" in xml
    dates = {entry["loc"].rsplit("/", 1)[1]: entry["lastmod"] for entry in sitemap_entries(xml)}
    assert dates == {
        "full-stack-python.epub": "2025-01-02T03:04:05+00:00",
        "a.html": "2024-05-01T12:00:00+00:00",
        "b.html": "2025-01-02T03:04:05+00:00",
        "index.html": "2025-01-02T03:04:05+00:00",
        "table-of-contents.html": "2025-01-02T03:04:05+00:00",
    }
    clamped = guide.build(
        conffile=PUBLISHCONF, env={"SITEURL": "https://example.org", "SOURCE_DATE_EPOCH": "1700000000"}
    )
    assert "2023-11-14T22:13:20+00:00" in (guide.output / "sitemap.xml").read_text()  # no later than it
    assert clamped.returncode == 0


def test_bad_source_date_epoch_is_one_line(guide):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    result = guide.build(conffile=PUBLISHCONF, env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 1
    assert "SOURCE_DATE_EPOCH 'yesterday' must be whole seconds since 1970" in result.stderr
    assert "Traceback" not in result.stderr


def test_publishing_needs_an_absolute_siteurl(guide):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    result = guide.build(conffile=PUBLISHCONF, env={"SITEURL": "/relative"})
    assert result.returncode == 1
    assert (
        f"error: {PUBLISHCONF}: SITEURL '/relative' must be an absolute http(s) address when publishing"
        in result.stderr
    )
    assert "Traceback" not in result.stderr


def test_publishing_with_the_placeholder_address_warns_and_strict_fails(guide):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    result = guide.build(conffile=PUBLISHCONF)  # no SITEURL in the environment
    assert result.returncode == 0, result.stderr
    assert result.warning_lines == [
        "warning: publishconf.py: the site's address https://servers-guide.example.org/ is a placeholder: "
        "set SITEURL to where the site is served"
    ]
    assert "1 warning" in result.summary
    strict = guide.build(conffile=PUBLISHCONF, options=("--strict",))
    assert strict.returncode == 1 and "strict mode: 1 warning count as errors" in strict.stderr
    # The line names the settings file the build was given, whatever its name.
    release = guide.root / "release.py"
    release.write_text(
        PUBLISHCONF.read_text(encoding="utf-8").replace(
            "os.path.dirname(os.path.abspath(__file__))", repr(str(PUBLISHCONF.parent))
        ),
        encoding="utf-8",
    )
    renamed = guide.build(conffile=release)
    assert [line.split(": ")[1] for line in renamed.warning_lines] == [str(release)]


def test_robots_txt_points_to_the_sitemap(published_site):
    robots = (published_site.output / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {PUBLISHED_SITEURL}/sitemap.xml" in robots.splitlines()
    assert robots.startswith("User-agent: *\nDisallow:\n")


def test_404_page_is_published(published_site):
    soup = published_site.soup("404.html")
    assert soup.h1.get_text() == "Page not found"
    # Served at any address, it links from the server's root: SITEURL's path.
    assert soup.find("a", string="table of contents")["href"] == "/servers/table-of-contents.html"


def test_every_text_file_has_smaller_gzip_and_brotli_copies(published_site):
    output = published_site.output
    sources = [p for p in output.rglob("*") if p.suffix in COMPRESSIBLE]
    assert {p.name for p in sources} >= {
        "servers.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "servers.md",
        "llms.txt",
    }
    for source in sources:
        data = source.read_bytes()
        for suffix, decompress in ((".gz", gzip.decompress), (".br", brotli.decompress)):
            copy = source.with_name(source.name + suffix)
            if copy.exists():
                assert decompress(copy.read_bytes()) == data, copy.name
                assert copy.stat().st_size < len(data), copy.name
            else:  # left out only where compressing would not have saved a byte
                assert suffix == ".gz" and len(gzip.compress(data, 9, mtime=0)) >= len(data)
    header = (output / "servers.html.gz").read_bytes()[:10]
    assert header[3] & 0x08 == 0, "no file name in the gzip header"
    assert header[4:8] == b"\0\0\0\0", "no modification time in the gzip header"


def test_copies_not_smaller_than_the_source_are_left_out(tmp_path):
    tiny = tmp_path / "tiny.txt"
    tiny.write_bytes(b"ok\n")
    assert _compress(tiny) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.txt"]


def test_published_links_are_absolute_and_canonical(published_site):
    soup = published_site.soup("servers.html")
    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == f"{PUBLISHED_SITEURL}/servers.html"
    assert soup.find("meta", property="og:url")["content"] == canonical
    current = soup.select_one('nav[aria-label="Table of contents"] a[aria-current="page"]')
    assert current["href"] == f"{PUBLISHED_SITEURL}/servers.html"


def test_links_written_from_the_root_work_under_a_sub_path(guide):
    guide.page(
        "a.md", "See [B](/b.html) and ![logo](/img/logo.png).\n", title="A", slug="a", sortorder="0101"
    )
    guide.page("b.md", title="B", slug="b", sortorder="0102")
    guide.file("img/logo.png", b"png")
    result = guide.build(conffile=PUBLISHCONF, env={"SITEURL": "https://user.github.io/repo"})
    assert result.returncode == 0, result.stderr
    body = result.soup("a.html").select_one(".page-body")
    assert body.a["href"] == "b.html" and body.img["src"] == "img/logo.png"  # relative: under /repo/
    assert (
        result.soup("a.html").select_one('nav[aria-label="Table of contents"] a')["href"]
        == "https://user.github.io/repo/table-of-contents.html"
    )


@pytest.fixture
def content_copy(tmp_path):
    copy = tmp_path / "content"
    shutil.copytree(SEED_CONTENT, copy)
    return copy


def test_make_publish_twice_gives_identical_files(tmp_path, content_copy):
    output = tmp_path / "output"
    first = run_make("publish", INPUTDIR=str(content_copy), OUTPUTDIR=str(output))
    assert first.returncode == 0, first.stderr
    before = tree_bytes(output)
    second = run_make("publish", INPUTDIR=str(content_copy), OUTPUTDIR=str(output))
    assert second.returncode == 0, second.stderr
    assert tree_bytes(output) == before
    assert (
        "servers.html.br" in before
        and "sitemap.xml" in before
        and any(name.startswith("pagefind/") for name in before)
    )
    assert "full-stack-python.epub" in before and "print.html" in before  # the editions, same bytes too


BREAKAGES = [
    # Found while reading the pages: nothing is written at all.
    ("sortorder: 0502", "sortorder: 05x2", 'sortorder "05x2" must be digits only', "nothing was written"),
    # Found when the links are settled, before anything is written.
    (
        "](/operating-systems.html)",
        "]({filename}/pages/operating-systems.md)",
        "points to pages/operating-systems.md, which is not in the content folder",
        None,
    ),
]


def test_a_failing_publish_leaves_the_output_byte_for_byte(tmp_path, content_copy):
    output = tmp_path / "output"
    first = run_make("publish", INPUTDIR=str(content_copy), OUTPUTDIR=str(output))
    assert first.returncode == 0, first.stderr
    before = tree_bytes(output)
    page = content_copy / "pages" / "05-deployment" / "servers.markdown"
    good = page.read_text(encoding="utf-8")
    for old, new, message, _consequence in BREAKAGES:
        assert old in good
        page.write_text(good.replace(old, new, 1), encoding="utf-8")
        failed = run_make("publish", INPUTDIR=str(content_copy), OUTPUTDIR=str(output), STRICT="1")
        assert failed.returncode != 0
        assert message in failed.stderr, failed.stderr
        assert f"{output} was left as it was" in failed.stderr
        assert "Traceback" not in failed.stderr
        assert tree_bytes(output) == before
        assert not list(tmp_path.glob(".output.staging*"))
