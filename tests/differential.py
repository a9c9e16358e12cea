"""A random walk of author edits, each step built warm (the cache and the previous site kept)
and cold (nothing kept), the two compared byte for byte and line for line.

    python -m tests.differential --seed 7 --steps 200     (make fuzz SEED=7 STEPS=200)

The guide is guides.py's, every shape the real guide has, in a git repository, with the
theme copied beside it and the search index in small shards. A step is one to three edits
an author makes between two saves: several page bodies at once (links and Pelican's
placeholders in every attribute Pelican rewrites), fields, pages added, removed, moved and
renamed with aliases, images, the theme, the settings, a git commit, an edit undone before
the build, a page broken and mended. Builds run in this process, through `guide-build`'s
own function, as the devserver runs them; `devserver=True` builds the warm side with the
devserver's settings (DevSettings), the cold side with the same.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # python tests/differential.py
    sys.path.insert(0, str(Path(__file__).resolve().parent))

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from conftest import Guide, tree_bytes  # noqa: E402
from guides import SECTIONS, write_every_shape  # noqa: E402

# Pelican rewrites its placeholders in these attributes; the links step settles them all.
PLACEHOLDER_SNIPPETS = (
    '<video poster="{static}/img/logo.png" src="{static}/img/clip.mp4"></video>',
    '<blockquote cite="{filename}/pages/01/02.md"><p>Quoted.</p></blockquote>',
    '<p><a href="{filename}/pages/05/hosting.md#top">hosting</a></p>',
    '<p><img src="{static}/img/logo.png" alt="logo"></p>',
    '<form action="{filename}/pages/01/00.md">'
    '<button formaction="{filename}/pages/05/apache.md">Go</button></form>',
    '<p><a href="{filename}/pages/nowhere.md">gone</a></p>',
    '<audio src="{static}/img/missing.mp3"></audio>',
    '<p><a href="{attach}/img/logo.png">attached</a></p>',
)
MARKDOWN_SNIPPETS = (
    "See [the servers](/servers.html) and [apache](apache.html).",
    "A link to [a page this guide lacks](/operating-systems.html).",
    "![Logo](/img/logo.png) and ![a missing image](/img/none.png)",
    "[A file]({static}/img/logo.png) and [a page]({filename}/pages/01/01.md).",
    "## A heading\n\nText under it.\n\n## Another heading\n\nMore text.",
    "```python\nprint('hello')\n~~print('marked')\n```",
    "Plain words about deployment, servers and **Python**.",
)
TITLES = ("Servers", "Web servers", "Apache HTTP", "Hosting", "Why Python?", "Changes", "Notes")


@dataclass
class Built:
    status: int
    stdout: str
    stderr: str
    output: Path

    @property
    def lines(self) -> list[str]:
        """What the build said of the guide, in order: its warnings, errors and info lines
        (the output folder, which differs, as OUTPUT)."""
        return [
            line.replace(str(self.output), "OUTPUT")
            for line in self.stderr.splitlines()
            if line.startswith(("warning: ", "error: ", "info: "))
        ]


@contextlib.contextmanager
def _logging_kept():
    """guide-build sets up the logging of its process; the test process gets its own back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("pelican", "pelican.plugins.guide")}
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, saved in levels.items():
            logging.getLogger(name).setLevel(saved)


def build(content: Path, output: Path, conffile: Path, cache: Path, adjust=None) -> Built:
    """`guide-build`, in this process (`adjust`: the devserver's changes to the settings)."""
    from pelican.plugins.guide.build import build as guide_build

    said, printed = io.StringIO(), io.StringIO()
    argv = [str(content), "-o", str(output), "-s", str(conffile), "--cache-path", str(cache), "-v"]
    with _logging_kept(), contextlib.redirect_stderr(said), contextlib.redirect_stdout(printed):
        status = guide_build(argv, adjust)
    return Built(status, printed.getvalue(), said.getvalue(), output)


class Walk:
    """One guide and the edits made to it; `step()` makes one author's save."""

    def __init__(self, root: Path, seed: int, devserver: bool = False, editions: bool = False):
        self.random = random.Random(seed)
        self.editions = ["epub", "print"] if editions else []
        self.root = root
        self.guide = Guide(root / "guide")
        write_every_shape(self.guide)
        self.guide.file("img/clip.mp4", b"\x00\x00\x00\x18ftypmp42")
        shutil.copytree(REPO / "theme", self.guide.root / "theme")
        self.sitename = "A Guide"
        self.chapter_titles = {5: "5. Deployment", 7: "Meta", 50: "Code Examples"}
        self.write_settings()
        self.git("init", "-q")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "the guide")
        self.adjust = None
        if devserver:
            from pelican.plugins.guide.devserver import DevSettings

            self.adjust = DevSettings(serving=True)
        self.counter = 0
        self.broken: dict[Path, str] = {}  # pages broken by the last step, mended by the next
        self.log: list[str] = []

    # The guide's files -----------------------------------------------------------------

    def write_settings(self) -> None:
        self.conffile = self.guide.settings(
            GUIDE_SECTIONS=SECTIONS,
            THEME=str(self.guide.root / "theme"),
            SITENAME=self.sitename,
            GUIDE_CHAPTERS=self.chapter_titles,
            GUIDE_MISSING_PAGES_BASE="https://guide.example.org",
            GUIDE_SEARCH_SHARD_PAGES=6,
            GUIDE_SOURCE_URL="https://example.org/edit/content/",
            GUIDE_EDITIONS=self.editions,
        )

    def git(self, *args: str) -> None:
        command = ["git", "-C", str(self.guide.root), "-c", "user.name=T", "-c", "user.email=t@example.org"]
        subprocess.run([*command, *args], check=True, capture_output=True)

    def pages(self) -> list[Path]:
        return sorted((self.guide.content / "pages").rglob("*.md"))

    def page_of(self, path: Path) -> tuple[list[str], str]:
        head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
        return head.splitlines(), body

    def write_page(self, path: Path, head: list[str], body: str) -> None:
        path.write_text("\n".join(head) + "\n\n" + body, encoding="utf-8")

    def field(self, head: list[str], name: str) -> str | None:
        return next((line.split(": ", 1)[1] for line in head if line.startswith(f"{name}: ")), None)

    def set_field(self, head: list[str], name: str, value: str | None) -> list[str]:
        kept = [line for line in head if not line.startswith(f"{name}: ")]
        return kept + ([f"{name}: {value}"] if value is not None else [])

    def slugs(self) -> set[str]:
        return {self.field(self.page_of(path)[0], "slug") for path in self.pages()}

    # The edits -------------------------------------------------------------------------

    def edit_bodies(self) -> str:
        chosen = self.random.sample(self.pages(), k=min(len(self.pages()), self.random.randint(1, 3)))
        for path in chosen:
            head, body = self.page_of(path)
            snippets = self.random.sample(
                PLACEHOLDER_SNIPPETS + MARKDOWN_SNIPPETS, k=self.random.randint(1, 3)
            )
            body = (
                (body if self.random.random() < 0.7 else "New words.\n") + "\n" + "\n\n".join(snippets) + "\n"
            )
            self.write_page(path, head, body)
        return "bodies of " + ", ".join(path.name for path in chosen)

    def edit_field(self) -> str:
        path = self.random.choice(self.pages())
        head, body = self.page_of(path)
        name = self.random.choice(["title", "sidebartitle", "sortorder", "toc", "meta", "aliases", "status"])
        order = self.field(head, "sortorder") or "0100"
        if name == "title":
            head = self.set_field(head, "title", self.random.choice(TITLES))
        elif name == "sidebartitle":
            head = self.set_field(head, "sidebartitle", self.random.choice([None, *TITLES]))
        elif name == "sortorder":
            width = len(order)
            head = self.set_field(
                head, "sortorder", order[:-1] + str(self.random.randint(0, 9)) if width else order
            )
        elif name == "toc":
            head = self.set_field(head, "toc", self.random.choice([None, "true", "false"]))
        elif name == "meta":
            head = self.set_field(head, "meta", self.random.choice([None, "A page about servers.", "Notes."]))
        elif name == "aliases":
            head = self.set_field(head, "aliases", self.random.choice([None, "old-name", "older, oldest"]))
        else:
            head = self.set_field(head, "status", self.random.choice([None, "hidden"]))
        self.write_page(path, head, body)
        return f"{name} of {path.name}"

    def add_page(self) -> str:
        self.counter += 1
        chapter = self.random.choice(["01", "05", "60", "08"])
        slug = f"new-{self.counter}"
        if slug in self.slugs():
            return "nothing"
        self.guide.page(
            f"{chapter}/{slug}.md",
            self.random.choice(MARKDOWN_SNIPPETS) + "\n",
            title=f"New page {self.counter}",
            slug=slug,
            sortorder=f"{chapter}{self.random.randint(10, 99)}",
        )
        return f"a new page {slug}"

    def remove_page(self) -> str:
        path = self.random.choice(self.pages())
        path.unlink()
        return f"{path.name} removed"

    def move_page(self) -> str:
        path = self.random.choice([path for path in self.pages() if path not in self.broken] or [None])
        if path is None:
            return "nothing"
        folder = self.guide.content / "pages" / self.random.choice(["01", "05", "moved", "ex"])
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / path.name
        if target.exists():
            return "nothing"
        path.rename(target)
        return f"{path.name} moved to {folder.name}/"

    def rename_slug(self) -> str:
        path = self.random.choice(self.pages())
        head, body = self.page_of(path)
        old = self.field(head, "slug")
        self.counter += 1
        new = f"{old}-{self.counter}"
        aliases = self.field(head, "aliases")
        head = self.set_field(head, "slug", new)
        head = self.set_field(head, "aliases", f"{aliases}, {old}" if aliases else old)
        self.write_page(path, head, body)
        return f"{old} renamed {new}, with an alias"

    def edit_image(self) -> str:
        choice = self.random.choice(["change", "add", "remove"])
        if choice == "change":
            self.guide.file("img/logo.png", b"\x89PNG\r\n\x1a\n" + bytes([self.random.randint(0, 255)]) * 8)
        elif choice == "add":
            self.guide.file(f"img/extra-{self.random.randint(1, 3)}.png", b"\x89PNG\r\n\x1a\nextra")
        else:
            extras = sorted((self.guide.content / "img").glob("extra-*.png"))
            if not extras:
                return "nothing"
            extras[0].unlink()
        return f"an image: {choice}"

    def edit_theme(self) -> str:
        template = self.guide.root / "theme" / "templates" / "base.html"
        text = template.read_text(encoding="utf-8")
        if "<!-- edited -->" in text:
            text = text.replace("<!-- edited -->", "")
        else:
            text = text.replace("</footer>", "<!-- edited --></footer>", 1)
        template.write_text(text, encoding="utf-8")
        return "the theme"

    def edit_settings(self) -> str:
        if self.random.random() < 0.5:
            self.sitename = self.random.choice(["A Guide", "The Guide", "Guide & Co"])
        else:
            self.chapter_titles = {
                **self.chapter_titles,
                5: self.random.choice(["5. Deployment", "Shipping"]),
            }
        self.write_settings()
        return "the settings"

    def commit(self) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", f"step {self.counter}")
        return "a git commit"

    def undone(self) -> str:
        path = self.random.choice(self.pages())
        before = path.read_bytes()
        path.write_text("title: Half\n\nsaved midway", encoding="utf-8")
        path.write_bytes(before)  # undone before the build: the same text, a new time
        return f"an edit of {path.name} undone"

    def break_page(self) -> str:
        path = self.random.choice(self.pages())
        head, body = self.page_of(path)
        self.broken.setdefault(path, path.read_text(encoding="utf-8"))
        self.write_page(path, self.set_field(head, "sortorder", "05x2"), body)
        return f"{path.name} broken"

    EDITS = (
        (edit_bodies, 6),
        (edit_field, 5),
        (add_page, 2),
        (remove_page, 1),
        (move_page, 1),
        (rename_slug, 2),
        (edit_image, 1),
        (edit_theme, 1),
        (edit_settings, 1),
        (commit, 1),
        (undone, 1),
        (break_page, 1),
    )

    def step(self) -> str:
        if self.broken:
            for path, text in self.broken.items():
                if path.exists():
                    path.write_text(text, encoding="utf-8")
            self.broken = {}
            done = ["the broken pages mended"]
        elif self.random.random() < 0.4:  # the most common save: page bodies only
            done = [self.edit_bodies()]
        else:
            edits, weights = zip(*self.EDITS, strict=True)
            done = [edit(self) for edit in self.random.choices(edits, weights, k=self.random.randint(1, 3))]
        self.log.append("; ".join(done))
        return self.log[-1]

    # The builds ------------------------------------------------------------------------

    def warm(self) -> Built:
        built = build(self.guide.content, self.guide.output, self.conffile, self.root / "cache", self.adjust)
        pending = self.adjust.pending() if self.adjust is not None else None
        if pending:  # what the devserver does after the reload: the stale search shards indexed
            from pelican.plugins.guide.devserver import refresh_index

            with contextlib.redirect_stdout(io.StringIO()):
                refresh_index(str(self.guide.output), pending)
        return built

    def cold(self) -> Built:
        for name in ("cold", "cold-cache"):
            shutil.rmtree(self.root / name, ignore_errors=True)
        adjust = None
        if self.adjust is not None:
            from pelican.plugins.guide.devserver import DevSettings

            adjust = DevSettings(serving=True)
        return build(self.guide.content, self.root / "cold", self.conffile, self.root / "cold-cache", adjust)


def compare(walk: Walk, warm: Built, cold: Built) -> list[str]:
    """What differs between the warm and the cold build of the same sources; none is right."""
    differences = []
    if warm.status != cold.status:
        differences.append(f"exit status {warm.status} warm, {cold.status} cold")
    if warm.lines != cold.lines:
        differences.append(
            "report:\n  warm: " + "\n        ".join(warm.lines) + "\n  cold: " + "\n        ".join(cold.lines)
        )
    if warm.status == cold.status == 0:
        mine, theirs = tree_bytes(walk.guide.output), tree_bytes(walk.root / "cold")
        for name in sorted(set(mine) | set(theirs)):
            if mine.get(name) != theirs.get(name):
                what = "only warm" if name not in theirs else "only cold" if name not in mine else "differs"
                differences.append(f"{name}: {what}")
    return differences


def walk(
    root: Path, seed: int, steps: int, devserver: bool = False, say=print, editions: bool = False
) -> Walk:
    """`steps` steps from `seed` (`editions`: the EPUB and print.html made too); stops at the
    first difference (AssertionError naming the steps)."""
    guide = Walk(root, seed, devserver, editions)
    first = guide.warm()
    assert first.status == 0, first.stderr
    for number in range(1, steps + 1):
        done = guide.step()
        warm, cold = guide.warm(), guide.cold()
        differences = compare(guide, warm, cold)
        say(f"step {number}: {done}: {'same' if not differences else 'DIFFERENT'}")
        if differences:
            steps_taken = "\n".join(f"  {index}. {what}" for index, what in enumerate(guide.log, 1))
            raise AssertionError(
                f"seed {seed}, step {number}: the warm build differs from a cold one\n"
                f"steps:\n{steps_taken}\n" + "\n".join(differences[:20])
            )
    return guide


def main(argv: list[str] | None = None) -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--devserver", action="store_true", help="the devserver's settings on both sides")
    parser.add_argument("--editions", action="store_true", help="the EPUB and print.html made too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="guide-fuzz-") as root:
        walk(Path(root), args.seed, args.steps, args.devserver, editions=args.editions)
    print(f"seed {args.seed}: {args.steps} steps, every warm build the same as a cold one")


if __name__ == "__main__":
    main()
