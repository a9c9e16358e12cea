"""The Servers site and small guides, built into tmp_path; the written HTML read back."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess

import markdown
from bs4 import BeautifulSoup
from conftest import REPO, SEED_CONTENT, page_source, run_build
from guides import sidebar
from pelican.plugins.guide.theme import one_colour_scheme_stylesheet

SERVERS_DESCRIPTION = (
    "Servers are required to run web applications. Learn more about setting up servers on Full Stack Python."
)


def test_servers_page_is_the_seed_text_with_its_metadata(servers_site):
    soup = servers_site.soup("servers.html")
    assert soup.title.get_text() == "Servers - Full Stack Python"
    assert [h1.get_text() for h1 in soup.find_all("h1")] == ["Servers"]
    assert soup.find("meta", attrs={"name": "description"})["content"] == SERVERS_DESCRIPTION
    text = soup.main.get_text(" ")
    assert "Servers are the physical infrastructure to run all the layers of software" in text
    assert "Provision your first server." in text
    # The guide's sidebartitle for chapter 5 carries its number; the theme adds none.
    assert sidebar(soup) == [
        (0, "5. Deployment", "./table-of-contents.html#chapter-5", False),
        (1, "Servers", "./servers.html", True),
    ]
    assert soup.html["lang"] == "en"
    # The page is the user's text, verbatim: the seed file's digest.
    seed = (SEED_CONTENT / "pages" / "05-deployment" / "servers.markdown").read_bytes()
    assert (
        hashlib.sha256(seed).hexdigest() == "7d5c694fcffac7d939a71808d475d7b9231c8100b4d149a01ba4373a232a4d62"
    )


def test_servers_page_landmarks_skip_link_anchors_and_on_this_page(servers_site):
    soup = servers_site.soup("servers.html")
    body_children = soup.body.find_all(True, recursive=False)
    assert body_children[0].name == "a" and body_children[0]["href"] == "#content"
    assert soup.find(id="content").name == "main"
    assert soup.header is not None and soup.footer is not None
    heading = soup.find("h2", id="why-are-servers-necessary")
    assert heading.find("a", href="#why-are-servers-necessary") is not None
    assert soup.find("link", rel="canonical")["href"] == "https://servers-guide.example.org/servers.html"
    on_page = soup.select('nav[aria-label="On this page"] a')
    assert [link["href"] for link in on_page] == [
        "#why-are-servers-necessary",
        "#bare-metal-servers",
        "#virtualized-servers",
        "#virtualized-servers-resources",
        "#infrastructure-as-a-service",
        "#infrastructure-as-a-service-resources",
        "#servers-learning-checklist",
    ]
    assert soup.select_one("details.on-this-page").get("open") is None  # closed on a phone


def test_the_servers_site_writes_its_pages_search_llms_txt_and_markdown(servers_site):
    written = sorted(path.name for path in servers_site.output.iterdir())
    assert written == [
        ".guide-site",
        "404.html",
        "index.html",
        "index.md",  # the home page's Markdown (content/pages/index.markdown)
        "llms.txt",
        "pagefind",
        "search.html",
        "servers.html",
        "servers.md",
        "table-of-contents.html",
        "theme",
    ]
    # The body as written, under the title and description; the rest of the header stays private.
    body = (
        (SEED_CONTENT / "pages" / "05-deployment" / "servers.markdown")
        .read_text()
        .split("\n\n", 1)[1]
        .lstrip("\n")
    )
    assert (
        servers_site.output / "servers.md"
    ).read_text() == f"# Servers\n\n> {SERVERS_DESCRIPTION}\n\n{body}"
    assert "2 pages, " in servers_site.summary and "0 warnings, 0 errors" in servers_site.summary
    assert "1 link to the complete guide" in servers_site.summary


def test_a_link_to_a_page_this_site_lacks_goes_to_the_complete_guide_counted_in_one_line(
    servers_site, tmp_path
):
    link = servers_site.soup("servers.html").find("a", string="operating systems")
    assert link["href"] == "https://www.fullstackpython.com/operating-systems.html"
    assert servers_site.warning_lines == []
    assert servers_site.stderr.splitlines() == ["info: 1 link goes to the complete guide; -v lists them"]
    listed = run_build(SEED_CONTENT, tmp_path / "output", options=("-v",))
    assert listed.stderr.splitlines() == [  # by file
        "info: content/pages/05-deployment/servers.markdown: "
        "/operating-systems.html is not a page of this site; "
        "linking to https://www.fullstackpython.com/operating-systems.html",
        "info: pelicanconf.py: GUIDE_CHAPTERS names chapters this site has no page in "
        "(1, 2, 3, 4, 6, 7, 10, 50, 99); they are the complete guide's",
    ]


def test_with_no_complete_guide_such_a_link_is_an_error_naming_the_closest_page(guide):
    guide.page("a.md", "See [web servers](/web-server.html).\n", title="A", slug="a", sortorder="0101")
    guide.page("b.md", title="Web servers", slug="web-servers", sortorder="0102")
    result = guide.build(settings={"GUIDE_MISSING_PAGES_BASE": "null"})
    assert result.returncode == 1
    assert (
        "link /web-server.html reaches no page of this site (the closest page here is web-servers.html)"
        in result.stderr
    )


def test_last_updated_and_edit_link(guide, tmp_path):
    guide.page("a.md", title="A", slug="a", sortorder="0101")
    guide.page("b.md", title="B", slug="b", sortorder="0102")
    git = ["git", "-C", str(guide.root), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "content/pages/a.md"], check=True)
    subprocess.run(
        [*git, "commit", "-q", "-m", "a", "--date", "2024-05-01T12:00:00Z"],
        check=True,
        env={"GIT_COMMITTER_DATE": "2024-05-01T12:00:00Z", "PATH": "/usr/bin:/bin"},
    )
    result = guide.build(settings={"GUIDE_SOURCE_URL": '"https://github.com/owner/repo/blob/main/"'})
    assert result.returncode == 0, result.stderr
    time = result.soup("a.html").select_one(".page-meta time")
    assert time["datetime"] == "2024-05-01T12:00:00+00:00" and time.get_text() == "1 May 2024"
    assert (
        result.soup("a.html").select_one("a.edit-link")["href"]
        == "https://github.com/owner/repo/blob/main/content/pages/a.md"
    )
    assert result.soup("b.html").select_one(".page-meta time") is None  # never committed


def test_the_edit_link_percent_encodes_each_segment_of_the_files_path(guide):
    """14: a `#`, `?`, `&` or space in a file name is part of the name: the edit link
    encodes each path segment, so none cuts the address short."""
    guide.page("a b#c?d&e.md", title="A", slug="a", sortorder="0101")
    result = guide.build(settings={"GUIDE_SOURCE_URL": '"https://github.com/owner/repo/blob/main/"'})
    assert result.returncode == 0, result.stderr
    assert result.soup("a.html").select_one("a.edit-link")["href"] == (
        # from the content folder: no git here
        "https://github.com/owner/repo/blob/main/pages/a%20b%23c%3Fd%26e.md"
    )


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
    # The theme's two scripts (its colour-scheme init and guide.js), no other (the breadcrumb's
    # JSON-LD is data).
    scripts = [
        script.get("src") or "inline"
        for script in soup.find_all("script")
        if script.get("type") != "application/ld+json"
    ]
    assert scripts == ["inline", "./theme/guide.js"] and "alert" not in soup.find("script").get_text()
    assert soup.find("i") is None
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert soup.title.get_text() == f"{TRICKY} - Full Stack Python"
    assert soup.h1.get_text() == TRICKY
    assert soup.find("meta", attrs={"name": "description"})["content"] == TRICKY
    assert soup.find("meta", property="og:title")["content"] == TRICKY
    assert sidebar(soup)[1][1] == TRICKY
    assert result.soup("b.html").find("a", rel="prev").get_text(" ", strip=True).endswith(TRICKY)
    assert "Landing &amp; more" in result.html("table-of-contents.html")
    # llms.txt is Markdown: the title reads back as the same text, with no tag and no link.
    listed = markdown.markdown(result.html("llms.txt"))
    assert "<script>" not in result.html("llms.txt") and "<script>" not in listed
    assert next(link.get_text() for link in BeautifulSoup(listed, "lxml").find_all("a")) == TRICKY


def test_pygments_css_only_on_pages_with_code(guide):
    guide.page(
        "code.md", body="Code:\n\n```python\nprint('hi')\n```\n", title="Code", slug="code", sortorder="0101"
    )
    guide.page("prose.md", title="Prose", slug="prose", sortorder="0102")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    code_style = result.soup("code.html").style.get_text()
    prose_style = result.soup("prose.html").style.get_text()
    assert result.soup("code.html").select(".highlight .nb")  # `print` is a builtin
    assert ".highlight" in code_style and ".highlight" not in prose_style
    # One rule per token, its colour following the page's scheme (the system's or the reader's).
    assert ".highlight .nb{color:light-dark(#" in code_style and "prefers-color-scheme" not in code_style


def test_pygments_styles_that_do_not_pair_up_keep_their_dark_rules_for_the_dark_scheme():
    light = ".highlight .k { color: #111111 }\n.highlight .s { color: #222222; font-weight: bold }\n"
    dark = (
        ".highlight .k { color: #eeeeee }\n.highlight .s { color: #dddddd }\n"
        ".highlight .x { color: #cccccc }\n"
    )
    css = one_colour_scheme_stylesheet(light, dark)
    assert css.startswith(
        ".highlight .k{color:light-dark(#111111,#eeeeee)}.highlight .s{color:#222222;font-weight:bold}"
    )
    for selector, body in ((".highlight .s", "color:#dddddd"), (".highlight .x", "color:#cccccc")):
        assert f":root[data-theme=dark] {selector}{{{body}}}" in css
        assert (
            f":root:not([data-theme=light]) {selector}{{{body}}}"
            in css.split("@media (prefers-color-scheme:dark)")[1]
        )


def test_csp_hashes_match_the_inline_css_and_script(servers_site):
    """The policy allows the page's own CSS and its one inline script by their sha256, and
    scripts from the site itself (guide.js, Pagefind's files and WebAssembly): nothing inline
    that is not hashed, nothing from another host."""
    soup = servers_site.soup("servers.html")
    html = servers_site.html("servers.html")
    css = html.split("<style>", 1)[1].split("</style>", 1)[0]
    script = html.split("<script>", 1)[1].split("</script>", 1)[0]
    digests = [base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() for text in (css, script)]
    policy = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["style-src"] == [f"'sha256-{digests[0]}'"]
    assert directives["script-src"] == ["'self'", "'wasm-unsafe-eval'", f"'sha256-{digests[1]}'"]
    assert directives["default-src"] == ["'none'"] and directives["worker-src"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]  # Pagefind's index; robots.txt for audits


def test_llms_txt_lists_each_chapter_and_its_pages(guide):
    guide.page(
        "a.md",
        title="Intro",
        slug="intro",
        sortorder="0100",
        toc="yes",
        sidebartitle="1. Intro",
        meta="Start here.",
    )
    guide.page("b.md", title="Servers", slug="servers", sortorder="0502", meta="Servers run code.")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    assert result.html("llms.txt") == (
        "# Full Stack Python\n\n> A guide to building, deploying and operating Python web applications.\n\n"
        "## 1. Intro\n\n- [Intro](https://servers-guide.example.org/intro.md): Start here.\n\n"
        "## 5. Deployment\n\n- [Servers](https://servers-guide.example.org/servers.md): Servers run code.\n"
    )
    link = result.soup("servers.html").find("link", rel="alternate", type="text/markdown")
    assert link["href"] == "./servers.md"


def test_make_html_builds_any_guide_folder_whatever_its_name(tmp_path):
    """Folders with spaces and letters beyond ASCII, as authors name them."""
    content = tmp_path / "Mes guides" / "café crème"
    (content / "pages").mkdir(parents=True)
    (content / "pages" / "x.md").write_text(page_source(title="X", slug="x", sortorder="0301"))
    output = tmp_path / "site publié" / "out put"
    done = subprocess.run(
        [
            "make",
            "--no-print-directory",
            "html",
            f"INPUTDIR={content}",
            f"OUTPUTDIR={output}",
            f"PELICANOPTS=--cache-path {tmp_path / 'cache'}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "<h1>X</h1>" in (output / "x.html").read_text()


def test_make_clean_removes_only_what_the_build_made(tmp_path):
    """With another CONFFILE, whose CACHE_PATH points elsewhere, the build keeps its caches in
    CACHEDIR all the same, and `make clean` removes them there; a file the build did not make
    stays, in the sites and in the cache folder alike, and is named."""
    output, dev, cache = tmp_path / "out", tmp_path / "dev", tmp_path / "cache"
    conffile = tmp_path / "otherconf.py"
    conffile.write_text(f"from pelicanconf import *  # noqa\nCACHE_PATH = {str(tmp_path / 'elsewhere')!r}\n")
    make = ["make", "--no-print-directory", f"OUTPUTDIR={output}", f"DEVOUTPUTDIR={dev}", f"CACHEDIR={cache}"]
    built = subprocess.run(
        [*make, "html", f"CONFFILE={conffile}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert built.returncode == 0, built.stderr
    assert list(cache.glob("guide-*")) and not (tmp_path / "elsewhere").exists()
    dev.mkdir()
    (dev / "mine.txt").write_text("not the build's")
    cleaned = subprocess.run([*make, "clean"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert cleaned.returncode == 0, cleaned.stderr
    assert not output.exists() and not cache.exists()
    assert (dev / "mine.txt").exists() and f"not removing {dev}" in cleaned.stdout

    cache.mkdir()
    (cache / "notes.txt").write_text("mine")
    (cache / "guide-timings.json").write_text("{}")
    cleaned = subprocess.run([*make, "clean"], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert sorted(path.name for path in cache.iterdir()) == ["notes.txt"]
    assert f"not removing {cache}: it holds files the build did not make" in cleaned.stdout


def test_make_help_lists_every_target_and_variable():
    done = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    for word in (
        "html",
        "publish",
        "github",
        "devserver",
        "regenerate",
        "serve",
        "clean",
        "test",
        "bench",
        "INPUTDIR",
        "OUTPUTDIR",
        "SITEURL",
        "STRICT",
        "DEBUG",
        "PORT",
        "BIND",
        "PELICANOPTS",
        "PAGES",
    ):
        assert word in done.stdout, word


def test_a_page_titled_like_the_site_keeps_the_site_name_in_its_title(guide):
    guide.page("a.md", title="Full Stack Python", slug="a", sortorder="0101")
    result = guide.build()
    assert result.returncode == 0, result.stderr
    assert result.soup("a.html").title.get_text() == "Full Stack Python - Full Stack Python"


def test_a_settings_file_saved_again_within_the_second_is_read_afresh(guide):
    """Python keeps a compiled settings file in __pycache__ and trusts it while the source
    has the same size and modification second: two saves within a second, as an editor or a
    script makes them, must still give the second file's settings."""
    guide.page("a.md", title="A", slug="a", sortorder="0100", toc="True")
    conffile = guide.settings(SITENAME="Guide AAA")
    writes_bytecode = {"PYTHONDONTWRITEBYTECODE": ""}  # as Python runs by default
    first = guide.build(conffile=conffile, env=writes_bytecode)
    assert first.returncode == 0, first.stderr
    stamp = conffile.stat().st_mtime_ns
    guide.settings(SITENAME="Guide BBB")  # the same size
    os.utime(conffile, ns=(stamp, stamp))  # and the same modification time
    second = guide.build(conffile=conffile, env=writes_bytecode)
    assert second.returncode == 0, second.stderr
    assert "Guide BBB" in second.html("a.html")
    assert "Guide AAA" not in second.html("a.html")
    assert not (conffile.parent / "__pycache__").exists()  # nothing written beside the settings


def test_every_build_the_makefiles_run_keeps_its_caches_in_cachedir():
    """Whatever CONFFILE's CACHE_PATH says, the Makefile's cache folder is the one each build
    uses (make clean removes that one): each line that builds passes --cache-path."""
    starter = REPO / "plugins" / "pelican" / "plugins" / "guide" / "new-guide" / "Makefile"
    for makefile in (REPO / "Makefile", starter):
        text = makefile.read_text(encoding="utf-8").replace("\\\n", " ")
        builds = [
            line
            for line in text.splitlines()
            if line.startswith("\t") and re.search(r"guide-(build|devserver|linkcheck)\b.* -o ", line)
        ]
        assert builds, makefile
        for line in builds:
            assert "--cache-path" in line, f"{makefile.name}: {line.strip()}"
