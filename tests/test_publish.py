"""make publish: sitemap, robots.txt, 404, compressed copies, links; atomic and reproducible."""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
from datetime import datetime, timezone

import brotli
import pytest
from lxml import etree

from conftest import PUBLISHCONF, PUBLISHED_SITEURL, REPO, SEED_CONTENT, run_make, tree_bytes
from guide_publish import GuidePublishError
from guide_publish.plugin import publish_settings
from guide_publish.precompress import compress_file

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# W3C Datetime (https://www.w3.org/TR/NOTE-datetime), the forms a sitemap's <lastmod> may take.
W3C_DATETIME = re.compile(
    r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?"
)
COMPRESSIBLE = (".html", ".css", ".xml", ".svg", ".txt")


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
        assert "loc" in children
        entries.append(children)
    assert 0 < len(entries) <= 50_000 and len(xml) <= 50 * 1024 * 1024
    return entries


def test_sitemap_lists_every_page_under_the_absolute_siteurl(published_site):
    entries = sitemap_entries((published_site.output / "sitemap.xml").read_bytes())
    locations = [entry["loc"] for entry in entries]
    assert locations == [
        f"{PUBLISHED_SITEURL}/index.html",
        f"{PUBLISHED_SITEURL}/servers.html",
        f"{PUBLISHED_SITEURL}/table-of-contents.html",
    ]
    for entry in entries:
        assert len(entry["loc"]) < 2048
        assert W3C_DATETIME.fullmatch(entry["lastmod"]), entry["lastmod"]


def test_sitemap_lastmod_is_the_commit_date_not_the_build_time(published_site):
    if "SOURCE_DATE_EPOCH" in os.environ:
        pytest.skip("SOURCE_DATE_EPOCH is set here, and wins over the commit date")
    committed = subprocess.run(
        ["git", "-C", str(REPO), "log", "-1", "--format=%ct"], capture_output=True, text=True
    ).stdout.strip()
    if not committed:
        pytest.skip("the project is not in a git repository here")
    expected = datetime.fromtimestamp(int(committed), tz=timezone.utc).isoformat()
    entries = sitemap_entries((published_site.output / "sitemap.xml").read_bytes())
    assert {entry["lastmod"] for entry in entries} == {expected}


def test_source_date_epoch_sets_lastmod_and_addresses_are_escaped(guide):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    result = guide.build(
        conffile=PUBLISHCONF,
        env={"SOURCE_DATE_EPOCH": "1700000000", "SITEURL": "https://example.org/a&b"},
    )
    assert result.returncode == 0, result.stderr
    xml = (guide.output / "sitemap.xml").read_bytes()
    assert b"<loc>https://example.org/a&amp;b/a.html</loc>" in xml
    entries = sitemap_entries(xml)
    assert entries[0]["loc"] == "https://example.org/a&b/a.html"
    assert {entry["lastmod"] for entry in entries} == {"2023-11-14T22:13:20+00:00"}


def test_bad_source_date_epoch_is_one_line(guide):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    result = guide.build(conffile=PUBLISHCONF, env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 1
    assert "error: SOURCE_DATE_EPOCH 'yesterday' must be whole seconds since 1970" in result.stderr
    assert "Traceback" not in result.stderr


def test_publishing_needs_an_absolute_siteurl(guide):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    result = guide.build(conffile=PUBLISHCONF, env={"SITEURL": "/relative"})
    assert result.returncode == 1
    assert result.error_lines[0] == (
        f"error: {PUBLISHCONF}: SITEURL '/relative' must be an absolute http(s) address when "
        'publishing, like "https://guide.example.org": the sitemap lists absolute addresses'
    )
    assert "Traceback" not in result.stderr


def test_robots_txt_points_to_the_sitemap(published_site):
    robots = (published_site.output / "robots.txt").read_text(encoding="utf-8")
    assert f"Sitemap: {PUBLISHED_SITEURL}/sitemap.xml" in robots.splitlines()
    assert robots.startswith("User-agent: *\nDisallow:\n")


def test_404_page_is_published(published_site):
    soup = published_site.soup("404.html")
    assert soup.h1.get_text() == "Page not found"
    link = soup.find("a", string="table of contents")
    assert link["href"] == f"{PUBLISHED_SITEURL}/table-of-contents.html"


def test_every_text_file_has_smaller_gzip_and_brotli_copies(published_site):
    output = published_site.output
    sources = [p for p in output.rglob("*") if p.suffix in COMPRESSIBLE]
    assert {p.name for p in sources} >= {"servers.html", "404.html", "sitemap.xml", "robots.txt"}
    for source in sources:
        data = source.read_bytes()
        for suffix, decompress in ((".gz", gzip.decompress), (".br", brotli.decompress)):
            copy = source.with_name(source.name + suffix)
            if copy.exists():
                assert decompress(copy.read_bytes()) == data, copy.name
                assert copy.stat().st_size < len(data), copy.name
            else:  # left out only where compressing would not have saved a byte
                assert suffix == ".gz" and len(gzip.compress(data, 9, mtime=0)) >= len(data)
    for name in ("servers.html", "sitemap.xml", "404.html"):
        for suffix in (".gz", ".br"):
            assert (output / (name + suffix)).exists()
    header = (output / "servers.html.gz").read_bytes()[:10]
    assert header[3] & 0x08 == 0, "no file name in the gzip header"
    assert header[4:8] == b"\0\0\0\0", "no modification time in the gzip header"


def test_copies_not_smaller_than_the_source_are_left_out(tmp_path):
    tiny = tmp_path / "tiny.txt"
    tiny.write_bytes(b"ok\n")
    stale = tmp_path / "tiny.txt.gz"
    stale.write_bytes(b"an older copy")
    assert compress_file(tiny) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tiny.txt"]


def test_published_links_are_absolute_and_canonical(published_site):
    soup = published_site.soup("servers.html")
    canonical = soup.find("link", rel="canonical")["href"]
    assert canonical == f"{PUBLISHED_SITEURL}/servers.html"
    assert soup.find("meta", property="og:url")["content"] == canonical
    sidebar = soup.select_one('nav[aria-label="Table of contents"] a[aria-current="page"]')
    assert sidebar["href"] == f"{PUBLISHED_SITEURL}/servers.html"


def test_a_canonical_link_elsewhere_fails_the_publish(guide):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    result = guide.build(
        conffile=PUBLISHCONF, settings={"GUIDE_PUBLIC_URL": '"https://elsewhere.example"'}
    )
    assert result.returncode == 1
    assert (
        "error: a.html: canonical link is https://elsewhere.example/a.html, "
        "expected this page under https://servers-guide.example.org/"
    ) in result.error_lines
    assert not guide.output.exists()


def test_link_to_a_missing_page_fails_the_publish_when_not_sent_elsewhere(guide):
    guide.page("a.md", "See [the OS page](/operating-systems.html).\n", title="A", slug="a",
               sortorder="0101")
    result = guide.build(conffile=PUBLISHCONF, settings={"GUIDE_MISSING_PAGES_BASE": "null"})
    assert result.returncode == 1
    assert (
        f"error: {guide.content / 'pages' / 'a.md'}: link to /operating-systems.html "
        "reaches no page of this site"
    ) in result.error_lines
    assert not guide.output.exists()


def test_links_to_missing_pages_go_to_the_complete_guide_with_one_warning_each(guide):
    guide.page(
        "a.md",
        "See [the OS page](/operating-systems.html) and [WSGI](/wsgi-servers.html#top).\n",
        title="A", slug="a", sortorder="0101",
    )
    result = guide.build(conffile=PUBLISHCONF)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: {guide.content / 'pages' / 'a.md'}: /operating-systems.html is not a page of "
        "this site; linking to https://www.fullstackpython.com/operating-systems.html instead",
        f"warning: {guide.content / 'pages' / 'a.md'}: /wsgi-servers.html#top is not a page of "
        "this site; linking to https://www.fullstackpython.com/wsgi-servers.html#top instead",
    ]
    hrefs = [a["href"] for a in result.soup("a.html").select("main a")]
    assert "https://www.fullstackpython.com/operating-systems.html" in hrefs
    assert "https://www.fullstackpython.com/wsgi-servers.html#top" in hrefs


@pytest.fixture
def content_copy(tmp_path):
    """The real content folder, copied so a test may break it."""
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
    assert "servers.html.br" in before and "sitemap.xml" in before


BREAKAGES = [
    # Found while reading the pages: nothing is written at all.
    ("sortorder: 0502", "sortorder: 05x2", 'sortorder "05x2" must be digits only'),
    # Found by the check of the written site, once the staging folder is full.
    (
        "](/operating-systems.html)",
        "]({filename}/pages/operating-systems.md)",
        'link "operating systems" points to {filename}/pages/operating-systems.md, but',
    ),
]


def test_a_failing_publish_leaves_the_output_byte_for_byte(tmp_path, content_copy):
    output = tmp_path / "output"
    first = run_make("publish", INPUTDIR=str(content_copy), OUTPUTDIR=str(output))
    assert first.returncode == 0, first.stderr
    before = tree_bytes(output)
    page = content_copy / "pages" / "05-deployment" / "servers.markdown"
    good = page.read_text(encoding="utf-8")

    for old, new, message in BREAKAGES:
        assert old in good
        page.write_text(good.replace(old, new, 1), encoding="utf-8")
        failed = run_make("publish", INPUTDIR=str(content_copy), OUTPUTDIR=str(output))
        assert failed.returncode != 0
        assert message in failed.stderr
        assert "the output folder was left as it was" in failed.stderr
        assert "Traceback" not in failed.stderr
        assert tree_bytes(output) == before
        assert not (tmp_path / ".output.staging").exists()


@pytest.mark.parametrize(
    "value, message",
    [
        ([".html"], "GUIDE_PUBLISH ['.html'] must be a dict"),
        ({"sitemap": True}, "GUIDE_PUBLISH key 'sitemap' is unknown; expected one of precompress,"),
        ({"precompress": ".html"}, "GUIDE_PUBLISH['precompress'] '.html' must be a list of file"),
        ({"precompress": ["html"]}, "GUIDE_PUBLISH['precompress'] ['html'] must be a list of file"),
        ({"precompress": [".gz"]}, "GUIDE_PUBLISH['precompress'] ['.gz'] must be a list of file"),
    ],
)
def test_wrong_publish_settings_are_named(value, message):
    with pytest.raises(GuidePublishError) as raised:
        publish_settings({"GUIDE_PUBLISH": value, "SITEURL": "https://example.org"})
    assert str(raised.value).startswith(message)


def test_publish_settings_merge_over_the_defaults():
    settings = {"GUIDE_PUBLISH": {"precompress": [".html"]}, "SITEURL": "https://x.org"}
    merged = publish_settings(settings)
    assert merged == {"precompress": [".html"], "sitemap_exclude": ("404.html",)}
