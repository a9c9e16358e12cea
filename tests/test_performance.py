"""The benchmark's parts, on a tiny guide: the synthetic guide's shape, timed builds of both
sides, the report's arithmetic, and the devserver's save-to-reload measure."""

from __future__ import annotations

from collections import Counter

import pytest
from perf import bench
from perf.devserver_latency import measure
from perf.synthetic import plan


def test_the_synthetic_guide_has_the_real_guides_shapes():
    shape = plan(1000)
    assert len(shape) == 1000
    chapters = Counter(chapter for chapter, _, _, _ in shape)
    assert chapters[50] == 745 and chapters[7] == 5  # a quarter in chapters, 5 meta pages, the rest
    tocs = Counter(chapter for chapter, _, _, toc in shape if toc)
    assert tocs[7] == 5 and all(count == 1 for chapter, count in tocs.items() if chapter != 7)
    sections = Counter(section for chapter, section, _, _ in shape if chapter == 50)
    assert sections[1] == 325 and sections[2] == 41 and sections[3] == 160


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    root = tmp_path_factory.mktemp("bench")
    return bench.Bench(root, 40)


def test_both_sides_build_and_a_warm_build_renders_only_the_edited_page(tiny):
    sides = {}
    for side in ("project", "plain"):
        cold = tiny.cold(side)
        warm = tiny.warm(side)
        assert cold.seconds > 0 and cold.cpu_seconds > 0 and cold.peak_mib > 10
        sides[side] = {"cold": [cold], "warm": [warm]}
    assert sides["project"]["cold"][0].timings["rendered"] > 40
    warm = sides["project"]["warm"][0].timings
    assert warm["rendered"] == 2 and warm["checked"] == 1  # the page and its Markdown copy
    assert warm["pages read"] == 1 and warm["search_shards_indexed"] == 1 and warm["search_seconds"] > 0

    text = bench.report(tiny, sides, 40, 1, None, None)
    cold, plain = sides["project"]["cold"][0].seconds, sides["plain"]["cold"][0].seconds
    assert f"| cold, search included (s) | {cold:.2f} | {plain:.2f} | {cold / plain:.2f}x |" in text
    assert (
        "| warm, one body edited, search index current (s) |" in text
        and "Warm builds: the last read 1 page(s) again, 2 files rendered" in text
    )
    assert "Search index: " in text and "Sidebar: median " in text
    assert "Hugo: not installed" in text or "Hugo, cold build" in text


def test_the_devserver_measure_times_a_save_to_the_reload(tmp_path):
    result = measure(12, saves=1, root=tmp_path)
    assert 0 < result["save_to_reload_s"] <= result["save_to_served_s"]  # the figure is make bench's
    assert result["first_build_s"] > 0


def test_the_link_check_row_on_a_tiny_scale():
    """60 URLs on 12 loopback hosts, 4 in flight: never faster than the limits allow."""
    from perf.linkcheck_bench import addresses, measure, row

    places = addresses(1600)
    assert len(set(places)) == 1600 and all(
        place.startswith("127.0.") and int(place.rsplit(".", 1)[1]) < 255 for place in places
    )
    result = measure(urls=60, hosts=12, delay=0.05, parallel=4)
    assert result["ok"] == 60 and result["requests"] == 60
    assert result["ideal"] == pytest.approx(0.75)
    assert result["ratio"] >= 0.95  # never faster than the limits allow; how much slower is load's
    text = row(result)
    assert text.startswith("Link check: 60 URLs on 12 hosts, each answered after 50 ms: ")
    assert f"{result['ratio']:.2f}x; target ≤ 1.5x: " in text


def test_make_bench_writes_its_figures_between_the_manuals_markers(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text(f"title: x\n\nBefore.\n\n{bench.BEGIN}\n\nold figures\n\n{bench.END}\n\nAfter.\n")
    bench.write_into_docs(page, ["| a | b |", "Devserver: 0.30 s"], "make bench PAGES=40 ROUNDS=1")
    text = page.read_text()
    assert "old figures" not in text
    assert text.startswith("title: x\n\nBefore.\n\n") and text.endswith("\n\nAfter.\n")
    assert "`make bench PAGES=40 ROUNDS=1`" in text and "| a | b |\n\nDevserver: 0.30 s\n\n" in text
    manual = bench.REPO / "docs" / "content" / "pages" / "06-running" / "performance.md"
    assert manual.read_text().count(bench.BEGIN) == 1


def test_make_bench_refuses_a_page_without_its_markers(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text("title: x\n\nno markers\n")
    with pytest.raises(SystemExit, match=r"performance\.md: expected one"):
        bench.write_into_docs(page, ["x"], "make bench")
    assert page.read_text() == "title: x\n\nno markers\n"
