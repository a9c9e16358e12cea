"""A synthetic guide of N pages made from the Servers text, for the benchmark.

About ten chapters; some have a landing page (`toc: true`), some only a heading;
two use 9-digit sortorders; file names are shuffled so they never sort in guide order.
"""

from __future__ import annotations

import random
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVERS = REPO / "content" / "pages" / "05-deployment" / "servers.markdown"

CHAPTERS = 10
LANDING_CHAPTERS = frozenset({1, 2, 4, 5, 7, 9})  # the others get a GUIDE_CHAPTERS heading
NINE_DIGIT_CHAPTERS = frozenset({7, 10})  # sortorders like 070000123


def servers_body() -> str:
    """The Servers text without its metadata block (everything after the first blank line)."""
    text = SERVERS.read_text(encoding="utf-8")
    return text.split("\n\n", 1)[1]


def chapter_sizes(pages: int, chapters: int = CHAPTERS) -> list[int]:
    """Uneven chapter sizes that add up to `pages`, so sidebar size can be compared with them."""
    weights = [1 + (number * 7) % 5 for number in range(1, chapters + 1)]  # 3,5,2,4,1,...
    sizes = [max(1, pages * weight // sum(weights)) for weight in weights]
    sizes[-1] += pages - sum(sizes)
    return sizes


def sortorder(chapter: int, position: int) -> str:
    if chapter in NINE_DIGIT_CHAPTERS:
        return f"{chapter:02d}{position:07d}"
    return f"{chapter:02d}{position:02d}" if position < 100 else f"{chapter:02d}{position}"


def write_guide(content: Path, pages: int, seed: int = 4) -> dict[int, int]:
    """Write `pages` pages under content/pages/; returns {chapter: page count}."""
    body = servers_body()
    rng = random.Random(seed)
    sizes = chapter_sizes(pages, min(CHAPTERS, pages))
    counts = {}
    number = 0
    for chapter, size in enumerate(sizes, start=1):
        folder = content / "pages" / f"ch{chapter:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        counts[chapter] = size
        positions = list(range(1, size + 1))
        rng.shuffle(positions)  # file names carry no order
        for index, position in enumerate(positions):
            number += 1
            landing = chapter in LANDING_CHAPTERS and position == 1
            slug = f"c{chapter}-page-{position}"
            lines = [
                f"title: Servers {chapter}.{position}",
                f"slug: {slug}",
                f"sortorder: {sortorder(chapter, position)}",
                f"toc: {'True' if landing else 'False'}",
                f"sidebartitle: Servers {chapter}.{position}",
            ]
            if number % 3:
                lines.append(f"meta: Servers page {position} of chapter {chapter}.")
            name = f"{rng.randrange(16**6):06x}-{index:04d}.markdown"
            (folder / name).write_text("\n".join(lines) + "\n\n" + body, encoding="utf-8")
    return counts


def page_files(content: Path) -> list[Path]:
    return sorted((content / "pages").rglob("*.markdown"))
