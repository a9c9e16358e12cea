"""Bad input stops the build with one line per problem naming the source file, the field,
the value and what was expected; no traceback; the output folder as it was."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import CONFFILE, REPO, run_build, tree_bytes
from guides import tiny_png


def assert_failed_cleanly(result, *expected_lines, output_existed=False):
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for line in expected_lines:
        assert any(line in error for error in result.error_lines), result.stderr
    for line in result.stderr.splitlines():  # one line per problem, with its level
        assert line.startswith(("error: ", "warning: ", "info: ")), line
    if not output_existed:
        assert not result.output.exists()
    assert not list(result.output.parent.glob(f".{result.output.name}.staging*"))


def good_page(guide, name="good.md", **overrides):
    return guide.page(name, **{"title": "Good", "slug": "good", "sortorder": "0101", **overrides})


@pytest.mark.parametrize(
    ("metadata", "message"),
    [
        ({"sortorder": "05a2"}, 'sortorder "05a2" must be digits only, like 0502'),
        ({"sortorder": "05"}, 'sortorder "05" must have at least 3 digits'),
        ({"sortorder": None}, "lacks sortorder; a page starts with lines like"),
        ({"slug": None}, "lacks slug;"),
        ({"title": None, "slug": None}, "lacks title, slug;"),
        ({"slug": "../../x"}, 'slug "../../x" must be letters, digits, hyphens'),
        ({"toc": "maybe"}, 'toc "maybe" must be True or False'),
        ({"slug": "table-of-contents"}, "would be written to table-of-contents.html, which "),
        (
            {"save_as": "404.html", "url": "404.html"},
            'save_as "404.html" is not allowed: the guide places every page itself',
        ),
        ({"template": "page"}, 'template "page" is not allowed'),
    ],
)
def test_each_metadata_rule_stops_the_build_before_anything_is_written(guide, metadata, message):
    fields = {"title": "Bad", "slug": "bad", "sortorder": "0102", **metadata}
    path = guide.page("bad.md", **{key: value for key, value in fields.items() if value is not None})
    good_page(guide)
    result = guide.build()
    assert_failed_cleanly(result, message)
    assert any(
        line.startswith((f"error: {path}", "error: content")) or str(path) in line
        for line in result.error_lines
    )
    assert "nothing was written" in result.stderr


def test_overrides_are_allowed_by_a_setting(guide):
    good_page(guide)
    guide.page(
        "moved.md",
        title="Moved",
        slug="moved",
        sortorder="0102",
        save_as="elsewhere.html",
        url="elsewhere.html",
    )
    result = guide.build(settings={"GUIDE_METADATA_OVERRIDES": "true"})
    assert result.returncode == 0, result.stderr
    assert (guide.output / "elsewhere.html").exists()


def test_two_pages_with_one_slug_name_both_files(guide):
    first = good_page(guide, "a.md")
    second = good_page(guide, "b.md", sortorder="0102")
    result = guide.build()
    assert_failed_cleanly(result)
    # One line: the page read second names itself first, and the other as the one that writes
    # the file too (pages are read in path order).
    assert [line for line in result.error_lines if "would be written to good.html" in line] == [
        f"error: {second}: would be written to good.html, which {first} writes too; rename one"
    ]


def test_a_pelican_blogs_articles_stop_the_build_one_error_each_and_no_source_is_published(guide):
    """A Pelican blog that adds PLUGINS = ["guide"]: its articles (Markdown beside pages/, in
    a folder of their own, reStructuredText) and a page whose extension has capitals."""
    good_page(guide)
    guide.file("first-post.md", "Title: First post\nDate: 2024-01-02\n\nA draft's text.\n")
    guide.file("posts/second.markdown", "Title: Second\nDate: 2024-01-03\n\nMore.\n")
    guide.file("posts/third.rst", "Third\n#####\n\n:date: 2024-01-04\n\nText.\n")
    guide.file("pages/upper.MD", "title: U\nslug: u\nsortorder: 0103\n\nx\n")
    guide.file("files/data.csv", "a,b\n")  # any other file is copied as it is
    result = guide.build()
    assert_failed_cleanly(result)
    outside = (
        "is a page source outside PAGE_PATHS (pages/), which Pelican would read as a blog article; the "
        "guide builds pages only and never copies a source into the site: move it under pages/ with a "
        "sortorder, or leave it out of the build (IGNORE_FILES)"
    )
    assert sorted(result.error_lines) == sorted(
        [
            f"error: {guide.content / 'first-post.md'}: {outside}",
            f"error: {guide.content / 'posts' / 'second.markdown'}: {outside}",
            f"error: {guide.content / 'posts' / 'third.rst'}: {outside}",
            f"error: {guide.content / 'pages' / 'upper.MD'}: is a page source whose extension has capitals "
            "(.MD), which Pelican does not read; rename it to .md: it is not copied into the site",
            f"error: 4 errors; nothing was written; {guide.output} was left as it was",
        ]
    )
    assert not guide.output.exists()


def test_without_its_articles_the_blog_builds_and_copies_its_other_files(guide):
    good_page(guide)
    guide.file("files/data.csv", "a,b\n")
    guide.file("drafts/first-post.md", "Title: First post\n\nA draft's text.\n")
    result = guide.build(settings={"IGNORE_FILES": '["drafts"]'})
    assert result.returncode == 0, result.stderr
    assert (guide.output / "files" / "data.csv").read_text() == "a,b\n"
    assert not (guide.output / "drafts").exists()
    written = [path.read_bytes() for path in guide.output.rglob("*") if path.is_file()]
    assert not any(b"A draft's text" in data for data in written)


def test_an_alias_that_takes_a_pages_name_names_both_files(guide):
    good_page(guide, "a.md")
    guide.page("b.md", title="B", slug="b", sortorder="0102", aliases="good")
    result = guide.build()
    assert_failed_cleanly(result, "would be written to good.html")
    assert "a.md" in result.stderr and "b.md" in result.stderr


def test_a_page_that_leaves_the_content_folder_never_reaches_the_file_system(guide, tmp_path):
    guide.page(
        "deep/evil.md", "[x]({static}/../../secret.txt)\n", title="Evil", slug="evil", sortorder="0101"
    )
    (tmp_path / "secret.txt").write_text("secret")
    around = {path: sorted(path.iterdir()) for path in (tmp_path, tmp_path.parent)}
    result = guide.build()
    assert_failed_cleanly(result, "link {static}/../../secret.txt leaves the content folder")
    for folder, names in around.items():
        new = [path.name for path in folder.iterdir() if path not in names]
        assert all(name.startswith((".cache-", ".output.lock")) for name in new), new


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "has no metadata; a page starts with lines like `title: Servers`"),
        (b"Just text, no metadata.\n", "has no metadata"),
        (
            b"title: A\nslug: a\nsortorder: 0101\n\nHi \xff there\n",
            "is not valid UTF-8: byte 0xff at offset 37 (line 5, column 4); save the file as UTF-8",
        ),
        (
            b"title: A\nslug: a\nsortorder: 0101\ndate: tomorrowish\n\nHi\n",
            'date "tomorrowish" is not a date; write it like 2024-05-01',
        ),
        (
            b"title: A\x07B\nslug: a\nsortorder: 0101\n\nHi\n",
            'title "A\\u0007B" holds a control character; remove it',
        ),
        (
            b"title: A\nslug: a\nsortorder: 0101\ntitle: B\n\nHi\n",
            'title is given twice, "A" and "B"; keep one',
        ),
        (
            b'title: A\nslug: a\nsortorder: 0101\n\n<meta http-equiv="refresh" content="0; url=https://elsewhere.example">\n',
            "<meta> in the page body sends readers to another address; remove it",
        ),
        (
            b'title: A\nslug: a\nsortorder: 0101\n\n<base href="https://elsewhere.example/">\n',
            "<base> in the page body changes the page's head",
        ),
    ],
)
def test_a_file_that_cannot_be_a_page_says_why_and_where(guide, raw, message):
    path = guide.file("pages/zz.md", raw)
    good_page(guide)
    result = guide.build()
    assert_failed_cleanly(result, f"{path}: {message}")


def test_a_broken_link_and_a_link_out_of_the_content_folder(guide, tmp_path):
    good_page(guide)
    broken = guide.content / "pages" / "broken.md"
    broken.symlink_to(tmp_path / "nowhere.md")
    outside = tmp_path / "outside.md"
    outside.write_text("title: O\nslug: o\nsortorder: 0102\n\nx\n")
    (guide.content / "pages" / "linked.md").symlink_to(outside)
    result = guide.build()
    assert_failed_cleanly(
        result,
        f"{broken}: is a broken link to {tmp_path / 'nowhere.md'}",
        f"linked.md: is a link to {outside}, outside the content folder",
    )


def test_an_image_linked_to_a_file_outside_the_content_folder_is_never_copied(guide):
    good_page(guide, body="![logo](/img/logo.png)\n")
    (guide.content / "img").mkdir()
    (guide.content / "img" / "logo.png").symlink_to("/proc/self/environ")
    result = guide.build()
    assert_failed_cleanly(result, "img/logo.png: is a link to /proc/")


def test_warnings_for_blemishes_and_strict_mode_makes_them_errors(guide):
    good_page(
        guide,
        body='<iframe src="x"></iframe> <p onclick="x()">hi</p> <span style="color: red">x</span>\n\n![remote](https://images.example.org/x.png)\n',
        sidebartitel="Good page",
    )
    result = guide.build()
    assert result.returncode == 0, result.stderr
    warnings = "\n".join(result.warning_lines)
    for expected in [
        "metadata key 'sidebartitel' is unknown; did you mean sidebartitle?",
        "<iframe> is blocked by the site's Content-Security-Policy; readers see a gap",
        "<p onclick=...> never runs: the site runs no script",
        'style="color: red" removed',
        "image https://images.example.org/x.png is on another host",
    ]:
        assert expected in warnings, result.stderr
    assert f"{len(result.warning_lines)} warnings, 0 errors" in result.summary
    before = tree_bytes(guide.output)

    strict = guide.build(options=("--strict",))
    assert strict.returncode == 1
    assert len(strict.warning_lines) == len(result.warning_lines)  # every warning still printed
    assert (
        f"strict mode: {len(result.warning_lines)} warnings count as errors; nothing was written"
        in strict.stderr
    )
    assert tree_bytes(guide.output) == before


def test_an_allowed_image_host_is_added_to_the_content_security_policy(guide):
    good_page(
        guide,
        body="![remote](https://images.example.org/x.png) ![cdn](https://a.cdn.example.net:8443/y.png)\n",
    )
    hosts = ["images.example.org", "https://*.cdn.example.net:8443"]
    result = guide.build(settings={"GUIDE_IMAGE_HOSTS": json.dumps(hosts)})
    assert result.returncode == 0 and not result.warning_lines, result.stderr
    csp = result.soup("good.html").find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "img-src 'self' data: https://images.example.org https://*.cdn.example.net:8443; " in csp


def test_inline_styles_the_theme_knows_become_classes_without_a_warning(guide):
    good_page(
        guide,
        body='<a href="https://x.example" style="border: none;">'
        '<img src="/img/l.png" class="shot" style="margin: 8px 0 8px 0" alt="L"></a>\n',
    )
    guide.file("img/l.png", tiny_png(8, 8))
    result = guide.build()
    assert result.returncode == 0 and not result.warning_lines, result.stderr
    body = result.soup("good.html").select_one(".page-body")
    assert body.a["class"] == ["borderless"] and body.img["class"] == ["shot", "spaced"]
    assert "style=" not in str(body)


def test_failed_build_leaves_the_previous_output_as_it_was(guide):
    page = good_page(guide)
    assert guide.build().returncode == 0
    before = tree_bytes(guide.output)
    page.write_text(page.read_text().replace("sortorder: 0101", "sortorder: 01x1"))
    result = guide.build()
    assert_failed_cleanly(result, 'sortorder "01x1" must be digits only', output_existed=True)
    assert tree_bytes(guide.output) == before


def test_an_empty_content_folder_is_an_error_and_the_site_stays(guide):
    good_page(guide)
    assert guide.build().returncode == 0
    before = tree_bytes(guide.output)
    shutil.rmtree(guide.content / "pages")
    result = guide.build()
    assert_failed_cleanly(
        result, "has no pages: put Markdown files (.md, .markdown) under", output_existed=True
    )
    assert tree_bytes(guide.output) == before


def test_a_content_folder_that_does_not_exist(guide, tmp_path):
    result = run_build(tmp_path / "missing", guide.output)
    assert_failed_cleanly(result, f"the content folder {tmp_path / 'missing'} does not exist")


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        (
            "GUIDE_CHAPTERS",
            json.dumps({"5": "Deployment"}),
            "GUIDE_CHAPTERS '5' is not a chapter number from 0 to 99",
        ),
        (
            "GUIDE_SECTIONS",
            json.dumps([50]),
            "GUIDE_SECTIONS [50] must be a dict of chapter numbers to section digits",
        ),
        ("GUIDE_STRICT", '"yes"', "GUIDE_STRICT 'yes' must be True or False"),
        ("GUIDE_WORKERS", "0", "GUIDE_WORKERS 0 must be a whole number from 1"),
        (
            "GUIDE_SEARCH_SHARD_PAGES",
            "0",
            "GUIDE_SEARCH_SHARD_PAGES 0 must be a whole number from 1, or None for one index",
        ),
        (
            "GUIDE_MISSING_PAGES_BASE",
            '"www.example.org"',
            "GUIDE_MISSING_PAGES_BASE 'www.example.org' must be an absolute http(s) address",
        ),
        (
            "GUIDE_PYGMENTS_STYLES",
            '["a11y-light", "nope"]',
            "GUIDE_PYGMENTS_STYLES 'nope' is not a Pygments style installed here",
        ),
        ("GUIDE_SIDEBAR", "1", "GUIDE_SIDEBAR is not a setting of the guide plugin"),
        (
            "GUIDE_EDITIONS",
            '"epub"',
            'GUIDE_EDITIONS \'epub\' must be a list of editions from "epub" and "print"',
        ),
        (
            "SITEURL",
            '"https://x.org/guide#frag"',
            "SITEURL 'https://x.org/guide#frag' must be an absolute http(s) address with no query, fragment",
        ),
        (
            "SITEURL",
            '"/guide with space"',
            "SITEURL '/guide with space' must be empty or an absolute http(s) address",
        ),
        # Every link of every page starts with SITEURL; the CSP's img-src lists the hosts.
        (
            "SITEURL",
            '"javascript:alert(1)"',
            "SITEURL 'javascript:alert(1)' must be empty or an absolute http(s) address",
        ),
        (
            "GUIDE_IMAGE_HOSTS",
            json.dumps(["img.example;script-src\t'unsafe-inline'"]),
            "GUIDE_IMAGE_HOSTS holds \"img.example;script-src\\t'unsafe-inline'\"; "
            "it must hold only host names like",
        ),
    ],
)
def test_a_wrong_setting_is_one_line_naming_the_settings_file(guide, setting, value, message):
    good_page(guide)
    result = guide.build(settings={setting: value})
    assert_failed_cleanly(result, f"{CONFFILE}: {message}")


@pytest.mark.parametrize(
    ("settings", "refused"),
    [
        ({"SITEURL": "data:text/html,<script>alert(1)</script>"}, "SITEURL"),
        ({"SITEURL": "JavaScript:alert(1)//"}, "SITEURL"),
        ({"SITEURL": "//elsewhere.example"}, "SITEURL"),
        ({"SITEURL": "ftp://files.example.org"}, "SITEURL"),
        ({"GUIDE_IMAGE_HOSTS": ["img.example.org; script-src *"]}, "GUIDE_IMAGE_HOSTS"),
        ({"GUIDE_IMAGE_HOSTS": ["img.example.org'"]}, "GUIDE_IMAGE_HOSTS"),
        ({"GUIDE_IMAGE_HOSTS": ["img.example.org https://evil.example"]}, "GUIDE_IMAGE_HOSTS"),
        ({"GUIDE_IMAGE_HOSTS": ["img\x07.example.org"]}, "GUIDE_IMAGE_HOSTS"),
        ({"GUIDE_IMAGE_HOSTS": ["https://img.example.org/path"]}, "GUIDE_IMAGE_HOSTS"),
        ({"GUIDE_IMAGE_HOSTS": ["images.example.org", ""]}, "GUIDE_IMAGE_HOSTS"),
        ({"GUIDE_DEV_SCRIPT_HASHES": ["abc'; script-src *"]}, "GUIDE_DEV_SCRIPT_HASHES"),
        ({"DEFAULT_LANG": 'en"><script>'}, "DEFAULT_LANG"),
        ({"SITEURL": "https://guide.example.org/docs"}, None),
        ({"SITEURL": ""}, None),
        (
            {
                "GUIDE_IMAGE_HOSTS": [
                    "images.example.org",
                    "https://cdn.example.org:8443",
                    "*.img.example.net",
                    "http://localhost:8080",
                ]
            },
            None,
        ),
        ({"DEFAULT_LANG": "pt-BR"}, None),
        # The editions: their names, and the EPUB's file name, which is a path in the site.
        ({"GUIDE_EDITIONS": ["pdf"]}, "GUIDE_EDITIONS"),
        ({"GUIDE_EDITION_NAME": "../book"}, "GUIDE_EDITION_NAME"),
        ({"GUIDE_EDITION_NAME": "book.epub"}, "GUIDE_EDITION_NAME"),
        ({"GUIDE_EDITION_IDENTIFIER": "two words"}, "GUIDE_EDITION_IDENTIFIER"),
        ({"GUIDE_EDITIONS": ["print", "epub"], "GUIDE_EDITION_NAME": "my-guide_2"}, None),
    ],
)
def test_settings_that_reach_every_pages_links_or_policy_are_checked(settings, refused):
    from pelican.plugins.guide.errors import GuideSettingsError
    from pelican.plugins.guide.settings import guide_config

    if refused is None:
        guide_config(settings)
        return
    with pytest.raises(GuideSettingsError) as raised:
        guide_config(settings)
    message = str(raised.value)
    assert message.startswith(refused) and "\n" not in message and "must" in message


def test_bad_json_given_to_e_is_one_line(guide):
    good_page(guide)
    result = guide.build(options=("-e", "SITEURL={bad"))
    assert_failed_cleanly(result, "Invalid JSON value: {bad")


def test_settings_file_with_a_syntax_error(guide, tmp_path):
    good_page(guide)
    conf = tmp_path / "brokenconf.py"
    conf.write_text(CONFFILE.read_text() + "\nPLUGINS = [\n")
    result = guide.build(conffile=conf)
    assert_failed_cleanly(result)
    assert any(line.startswith(f"error: {conf}:") for line in result.error_lines), result.stderr


def test_a_missing_settings_file_is_one_line_naming_it(guide, tmp_path):
    good_page(guide)
    missing = tmp_path / "nowhere" / "pelicanconf.py"
    result = guide.build(conffile=missing)
    assert_failed_cleanly(result)
    assert result.error_lines == [
        f"error: {missing}: no such settings file (-s): expected a Pelican settings file"
    ], result.stderr


@pytest.mark.parametrize("imported", [False, True], ids=["in-the-file", "in-a-file-it-imports"])
def test_an_exception_in_the_settings_file_names_the_file_and_the_line(guide, tmp_path, imported):
    good_page(guide)
    conf = tmp_path / "brokenconf.py"
    conf.write_text(CONFFILE.read_text() + '\nraise RuntimeError("boom")\n')
    raised_at = f"{conf}:{len(CONFFILE.read_text().splitlines()) + 2}"
    if imported:  # as publishconf.py imports pelicanconf.py
        top = tmp_path / "topconf.py"
        top.write_text(
            f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\nfrom brokenconf import *  # noqa\n"
        )
        conf = top
    result = guide.build(conffile=conf)
    assert_failed_cleanly(result)
    assert result.error_lines == [f"error: {raised_at}: RuntimeError: boom"], result.stderr


def test_a_chapter_title_for_a_chapter_with_no_page_is_a_warning_naming_the_settings_file(guide):
    good_page(guide)  # chapter 1
    conffile = guide.settings(GUIDE_CHAPTERS={1: "Basics", 9: "Nowhere"}, GUIDE_MISSING_PAGES_BASE=None)
    result = guide.build(conffile=conffile)
    assert result.returncode == 0, result.stderr
    assert result.warning_lines == [
        f"warning: {conffile}: GUIDE_CHAPTERS names chapter 9 ('Nowhere'), which has no page; "
        "a page's sortorder starting with 09 puts it there"
    ]
    # A site that carries part of a complete guide names that guide's chapters: one line with -v.
    part = guide.build(conffile=guide.settings(GUIDE_CHAPTERS={1: "Basics", 9: "Nowhere"}), options=("-v",))
    assert part.returncode == 0 and not part.warning_lines, part.stderr
    assert (
        f"info: {guide.root / 'guideconf.py'}: GUIDE_CHAPTERS names chapters this site has no page in (9); "
        "they are the complete guide's" in part.stderr
    )


def test_debug_shows_the_traceback(guide, tmp_path):
    good_page(guide)
    conf = tmp_path / "brokenconf.py"
    conf.write_text(CONFFILE.read_text() + "\nPLUGINS = [\n")
    result = guide.build(conffile=conf, options=("-D",))
    assert result.returncode != 0
    assert "Traceback" in result.stderr


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("{% endblock content %}", "{% endblock %", "page.html:25: template syntax error"),
        (
            "{{ page.title|breakable }}</h1>",
            "{{ page.title.nope.deeper }}</h1>",
            "page.html:13: template error: UndefinedError",
        ),
    ],
)
def test_a_broken_template_names_the_file_and_line(guide, tmp_path, old, new, line):
    good_page(guide)
    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    template = theme / "templates" / "page.html"
    assert old in template.read_text()
    template.write_text(template.read_text().replace(old, new, 1))
    result = guide.build(settings={"THEME": json.dumps(str(theme))})
    assert_failed_cleanly(result)
    assert any(line in error for error in result.error_lines), result.stderr


def test_an_address_of_another_site_written_without_its_scheme_is_named_so(guide):
    good_page(
        guide, body='[clone](git@github.com:owner/repo.git) <a href="&quot;https://example.org/x">x</a>\n'
    )
    result = guide.build()
    assert result.returncode == 0
    hints = [line for line in result.warning_lines if "looks like an address of another site" in line]
    assert len(hints) == 2, result.stderr
