"""The build step pyproject.toml cannot say: the theme goes into the package.

The theme is a folder of its own at the top of the repository, `theme/`, beside the
plugin's code in `plugins/`. A wheel carries it inside the package, as
`pelican/plugins/guide/theme/`, where `pelican.plugins.guide.theme_path()` finds it; the
sdist carries `theme/` as it is. Editable installs copy nothing: there `theme_path()`
answers the checkout's own `theme/`, so an edited template shows on the next build.
(A package-dir mapping would do the copying too, but it makes setuptools' default
editable install a finder instead of a folder, and Pelican finds short plugin names only
in folders: see pyproject.toml.)
"""

import os

from setuptools import setup
from setuptools.command.build_py import build_py

THEME = "theme"
INSTALLED_AS = os.path.join("pelican", "plugins", "guide", "theme")


def theme_files() -> list[str]:
    """Every file of theme/, without editor leftovers (dotfiles, `name~`)."""
    found = []
    for folder, folders, names in os.walk(THEME):
        folders[:] = sorted(name for name in folders if not name.startswith((".", "__pycache__")))
        kept = [name for name in sorted(names) if not name.startswith(".") and not name.endswith("~")]
        found += [os.path.join(folder, name) for name in kept]
    return found


class BuildWithTheme(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return
        for source in theme_files():
            target = os.path.join(self.build_lib, INSTALLED_AS, os.path.relpath(source, THEME))
            self.mkpath(os.path.dirname(target))
            self.copy_file(source, target)

    def get_source_files(self):
        """What the sdist carries: the package's files, and theme/."""
        return [*super().get_source_files(), *theme_files()]


setup(cmdclass={"build_py": BuildWithTheme})
