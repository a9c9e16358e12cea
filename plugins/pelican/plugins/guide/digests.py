"""Digests of what a build's output is made from: the plugin's code, the settings."""

from __future__ import annotations

import functools
import hashlib
import json
from functools import cache
from importlib.metadata import version
from pathlib import Path

# Settings that never reach the written bytes: where things go, caches, how many processes.
NOT_IN_OUTPUT = frozenset(
    {
        "OUTPUT_PATH",
        "CACHE_PATH",
        "CACHE_CONTENT",
        "LOAD_CONTENT_CACHE",
        "CHECK_MODIFIED_METHOD",
        "STATIC_CHECK_IF_MODIFIED",
        "CONTENT_CACHING_LAYER",
        "GZIP_CACHE",
        "GUIDE_WORKERS",
        "GUIDE_STRICT",
        "GUIDE_CACHE",
        # The editions shape only their own files, and the contents pages through their
        # downloads, which those pages' keys hold (writer.py).
        "GUIDE_EDITIONS",
        "GUIDE_EDITION_NAME",
        "GUIDE_EDITION_IDENTIFIER",
        "DEBUG",
        "WRITE_SELECTED",
        "PORT",
        "BIND",
    }
)


def _plain(value):
    if isinstance(value, (set, frozenset)):
        return sorted(map(repr, value))
    if isinstance(value, Path):
        return str(value)
    return getattr(value, "__qualname__", None) or type(value).__qualname__


def stable(value) -> str:
    """A repr that is the same in every process: functions and classes by name, not address."""
    return json.dumps(value, sort_keys=True, default=_plain)


def digest(*parts) -> str:
    return hashlib.blake2b(stable(parts).encode("utf-8"), digest_size=16).hexdigest()


@functools.lru_cache(maxsize=1 << 15)
def key_digest(*parts) -> str:
    """digest() of hashable parts, remembered: a file's key is worked out on every build from
    what it is made from, and the devserver's builds find most of them already worked out."""
    return digest(*parts)


@cache
def code_digest() -> str:
    """This plugin's code and the libraries that shape the output: a new version of any of
    them reads, renders and checks everything again."""
    hasher = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        if path.parent.name != "linkcheck":  # make linkcheck's code shapes no page
            hasher.update(path.read_bytes())
    for name in ("pelican", "markdown", "pygments", "jinja2", "lxml", "ebooklib"):
        hasher.update(version(name).encode())
    return hasher.hexdigest()


def _plugin_name(plugin) -> str:
    """A PLUGINS entry as Pelican names it once loaded ("guide" is "pelican.plugins.guide"),
    so the settings digest is the same before and after Pelican starts."""
    if not isinstance(plugin, str):
        return getattr(plugin, "__name__", None) or type(plugin).__qualname__
    if "." not in plugin:
        from importlib.util import find_spec

        if find_spec(f"pelican.plugins.{plugin}") is not None:
            return f"pelican.plugins.{plugin}"
    return plugin


def settings_digest(settings) -> str:
    chosen = {
        key: value
        for key, value in settings.items()
        if key.isupper()
        and key not in NOT_IN_OUTPUT
        and not key.startswith("GUIDE_LINKCHECK_")  # make linkcheck's own
    }
    if isinstance(chosen.get("PLUGINS"), (list, tuple)):
        chosen["PLUGINS"] = [_plugin_name(plugin) for plugin in chosen["PLUGINS"]]
    return digest(chosen)
