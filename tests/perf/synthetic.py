"""A synthetic guide of N pages shaped like the real one, for the benchmark and the tests.

A quarter of the pages are in chapters of real size (10 to 60 pages), each with its
`toc: true` page whose sidebartitle carries the chapter's number; chapter 7 is five
`toc: true` pages, as the guide's meta chapter. The rest is chapter 50, in sections of
real size (325, 41, 160, 12 pages, again and again), with 9-digit sortorders and a
highlighted code example on each page, as the guide's code examples. Every body is the
Servers text; file names are shuffled so they never sort in guide order.
"""

from __future__ import annotations

import random
from itertools import cycle
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVERS = REPO / "content" / "pages" / "05-deployment" / "servers.markdown"

CHAPTER_SIZES = (11, 21, 26, 59, 39, 10)  # the real guide's chapters 1 to 6
SECTION_SIZES = (325, 41, 160, 12)  # Django, Flask, SQLAlchemy, the small ones
EXAMPLE = """
## Example

```python
import os
~~from flask import Flask, jsonify
app = Flask(__name__)

@app.route("/")
~~def index():
    return jsonify(status="ok", pid=os.getpid())
```
"""


# Words a page of the guide may dwell on: each page gets a paragraph of its own drawn
# from them (the first more often), so a search ranks pages as on a real guide.
TOPICS = [
    "gunicorn",
    "uwsgi",
    "nginx",
    "apache",
    "caddy",
    "haproxy",
    "varnish",
    "redis",
    "memcached",
    "postgresql",
    "mysql",
    "sqlite",
    "celery",
    "rabbitmq",
    "kafka",
    "docker",
    "kubernetes",
    "ansible",
    "terraform",
    "systemd",
    "supervisor",
    "cron",
    "logging",
    "monitoring",
    "prometheus",
    "grafana",
    "sentry",
    "tls",
    "certificates",
    "letsencrypt",
    "dns",
    "cdn",
    "cloudflare",
    "s3",
    "heroku",
    "pythonanywhere",
    "digitalocean",
    "linode",
    "aws",
    "azure",
    "gcp",
    "lambda",
    "serverless",
    "wsgi",
    "asgi",
    "uvicorn",
    "django",
    "flask",
    "fastapi",
    "pyramid",
    "bottle",
    "tornado",
    "twisted",
    "asyncio",
    "threads",
    "processes",
    "workers",
    "configuration",
    "deployment",
    "scaling",
    "caching",
    "sessions",
    "cookies",
    "authentication",
    "authorization",
    "security",
    "firewall",
    "ssh",
    "keys",
    "backups",
    "replication",
    "sharding",
    "migrations",
    "templates",
    "static",
    "media",
]


# The first pages of the chapters (after each chapter's toc page) are each about one
# topic, titled by it as the real guide's are ("Gunicorn", "PostgreSQL"); chapter 50's
# pages are code examples whose titles name a section's library and a topic
# ("flask.redis Example 1.3"), as the real guide's "flask.app Flask Example Code": so a
# search for a topic has a page titled by it to find first among pages that mention it.
TOPIC_TITLES = {topic: topic.capitalize() for topic in TOPICS} | {
    "uwsgi": "uWSGI",
    "haproxy": "HAProxy",
    "postgresql": "PostgreSQL",
    "mysql": "MySQL",
    "sqlite": "SQLite",
    "rabbitmq": "RabbitMQ",
    "dns": "DNS",
    "cdn": "CDN",
    "tls": "TLS",
    "aws": "AWS",
    "gcp": "GCP",
    "wsgi": "WSGI",
    "asgi": "ASGI",
    "ssh": "SSH",
    "s3": "S3",
    "fastapi": "FastAPI",
    "digitalocean": "DigitalOcean",
    "pythonanywhere": "PythonAnywhere",
    "letsencrypt": "Let's Encrypt",
}
LIBRARIES = ("django", "flask", "sqlalchemy", "pandas")  # chapter 50's sections, in turn


def topic_pages(pages: int) -> dict[str, str]:
    """{topic: the slug of the page titled by it} in a guide of `pages` pages."""
    slots = [
        f"c{chapter}-page-{position}"
        for chapter, _, position, toc in plan(pages)
        if chapter not in (7, 50) and not toc
    ]
    return dict(zip(TOPICS, slots, strict=False))


def topic_paragraph(rng: random.Random) -> str:
    words = rng.choices(TOPICS, weights=[1 / rank for rank in range(1, len(TOPICS) + 1)], k=12)
    return "On this page: " + ", ".join(words) + ".\n"


def servers_body() -> str:
    """The Servers text without its metadata block (everything after the first blank line)."""
    return SERVERS.read_text(encoding="utf-8").split("\n\n", 1)[1]


def plan(pages: int) -> list[tuple[int, int, int, bool]]:
    """(chapter, section, position, toc) of every page."""
    shape = []
    normal = max(pages // 4, 1)
    chapter = 0
    sizes = cycle(CHAPTER_SIZES)
    while len(shape) < normal:
        chapter += 1 if chapter != 6 else 2  # chapter 7 is the meta chapter
        size = min(next(sizes), normal - len(shape))
        shape += [(chapter, 0, position, position == 0) for position in range(size)]
    shape += [(7, 0, position, True) for position in range(min(5, pages - len(shape)))]
    section = 0
    sections = cycle(SECTION_SIZES)
    while len(shape) < pages:
        section += 1
        size = min(next(sections), pages - len(shape))
        shape += [(50, section, position, False) for position in range(size)]
    return shape


def write_guide(content: Path, pages: int, seed: int = 4) -> dict[tuple[int, int], int]:
    """Write `pages` pages under content/pages/; returns {(chapter, section): page count}."""
    body = servers_body()
    rng = random.Random(seed)
    counts: dict[tuple[int, int], int] = {}
    topics = {slug: topic for topic, slug in topic_pages(pages).items()}
    for index, (chapter, section, position, toc) in enumerate(plan(pages)):
        counts[(chapter, section)] = counts.get((chapter, section), 0) + 1
        about = ""
        if chapter == 50:
            slug, order = f"s{section}-example-{position}", f"50{section:03d}{position:04d}"
            label = f"Example {section}.{position}"
            library = LIBRARIES[(section - 1) % len(LIBRARIES)]
            title = f"{library}.{rng.choice(TOPICS)} {label}"
        else:
            slug, order = f"c{chapter}-page-{position}", f"{chapter:02d}{position:02d}"
            title = TOPIC_TITLES[topics[slug]] if slug in topics else f"Servers {chapter}.{position}"
            label = title
            if slug in topics:
                about = f"{title} is the topic of this page: what {title} does, and how to run {title}.\n\n"
        label = f"{chapter}. Chapter {chapter}" if toc and chapter != 7 else label
        lines = [
            f"title: {title}",
            f"slug: {slug}",
            f"sortorder: {order}",
            f"toc: {toc}",
            f"sidebartitle: {label}",
        ]
        if index % 3:
            lines.append(f"meta: {title}, a page of the synthetic guide.")
        folder = content / "pages" / f"ch{chapter:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = about + topic_paragraph(rng) + "\n" + body + (EXAMPLE if chapter == 50 else "")
        name = f"{rng.randrange(16**6):06x}-{index:05d}.markdown"
        (folder / name).write_text("\n".join(lines) + "\n\n" + text, encoding="utf-8")
    return counts


def page_files(content: Path) -> list[Path]:
    return sorted((content / "pages").rglob("*.markdown"))
