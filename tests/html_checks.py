"""Checks on the written HTML itself: the Nu HTML checker, the head's metadata, Pygments CSS.

Like browser_checks, each returns the problems it finds, one line each.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from bs4 import BeautifulSoup

# Policies that never send the page's path to another origin, nor anything over plain http.
SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def vnu_errors(command: list[str], files: list[Path]) -> dict[str, list[str]]:
    """Every error the Nu HTML checker reports, by file name; one JVM for all the files."""
    done = subprocess.run(
        [*command, "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=240,
    )
    report = json.loads(done.stderr or '{"messages": []}')  # vnu writes its report to stderr
    errors: dict[str, list[str]] = {}
    for message in report["messages"]:
        name = Path(message.get("url", "?")).name
        where = f"line {message.get('lastLine', '?')}"
        errors.setdefault(name, []).append(f"{name}:{where}: {message['message']}")
    if done.returncode not in (0, 1) or (done.returncode == 1 and not errors):
        raise RuntimeError(f"vnu failed with status {done.returncode}: {done.stderr[-2000:]}")
    return errors


def _meta(soup: BeautifulSoup, **attrs) -> str | None:
    tag = soup.find("meta", attrs=attrs)
    return tag.get("content") if tag is not None else None


def head_problems(html: str, page_path: str, public_base: str) -> list[str]:
    """Sharing and safety metadata: description, canonical URL, Open Graph, referrer policy,
    the CSP <meta>, and a favicon given inline."""
    soup = BeautifulSoup(html, "lxml")
    problems = []
    url = public_base.rstrip("/") + "/" + page_path
    canonical = soup.find("link", rel="canonical")
    if canonical is None or canonical.get("href") != url:
        problems.append(f"canonical link is {canonical and canonical.get('href')!r}, expected {url!r}")
    description = _meta(soup, name="description")
    if not description:
        problems.append("no meta description")
    expected = {
        "og:title": soup.h1.get_text(" ", strip=True) if soup.h1 else None,
        "og:description": description,
        "og:url": url,
    }
    for prop, value in expected.items():
        found = _meta(soup, property=prop)
        if not found or found != value:
            problems.append(f"{prop} is {found!r}, expected {value!r}")
    if _meta(soup, property="og:type") not in ("website", "article"):
        problems.append(f"og:type is {_meta(soup, property='og:type')!r}")
    referrer = _meta(soup, name="referrer")
    if referrer not in SAFE_REFERRER_POLICIES:
        problems.append(f"referrer policy is {referrer!r}, expected one of {sorted(SAFE_REFERRER_POLICIES)}")
    if _meta(soup, **{"http-equiv": "Content-Security-Policy"}) is None:
        problems.append("no Content-Security-Policy <meta>")
    icon = soup.find("link", rel="icon")
    if icon is None or not icon.get("href", "").startswith("data:image/svg+xml,"):
        problems.append("no inline SVG favicon: the browser will ask for /favicon.ico")
    return problems


def pygments_problems(html: str) -> list[str]:
    """Pygments' `.highlight` CSS is on the page exactly when the page has a code block."""
    soup = BeautifulSoup(html, "lxml")
    css = " ".join(style.get_text() for style in soup.find_all("style"))
    has_code = soup.select_one("main .highlight") is not None
    has_rules = ".highlight" in css
    if has_rules and not has_code:
        return ["Pygments CSS on a page without a code block"]
    if has_code and not has_rules:
        return ["a code block without the Pygments CSS"]
    return []
