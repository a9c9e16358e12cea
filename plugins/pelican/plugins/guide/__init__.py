"""pelican.plugins.guide: a documentation guide whose sidebar is proven right.

Pelican reads the guide's Markdown pages with their metadata (title, slug, sortorder,
toc, sidebartitle, meta, aliases), typed once (fields.py, reading.py); orders them into
chapters and sections (navigation.py); renders them through the theme, only what
changed, on every core (writer.py); reads the written HTML back and proves each page's
sidebar, titles and links against what the metadata says, with its own code (check/);
indexes it for search (search.py); and, when publishing, writes the sitemap and the
compressed copies (publish.py). `guide-build` (build.py) stages and swaps the site.

Handlers are module-level functions (Pelican's signals hold weak references). A site that
never asked for the guide (sitesettings.py) gets none of this: the plugin stays idle.

`theme_path()` is the guide's theme folder, for a site that sets THEME itself.
"""

import sys

from .sitesettings import remember_plugins_setting, theme_path

__all__ = ["register", "theme_path"]


def register():
    # Imported here: Pelican imports every installed namespace plugin, for every site, even
    # one that never registers this one.
    from pelican import signals

    from . import plugin, report

    remember_plugins_setting(sys._getframe(1))  # Pelican's init_plugins, the caller
    report.one_line_errors()
    signals.initialized.connect(plugin.check_settings)
    signals.get_generators.connect(plugin.start_run)
    signals.readers_init.connect(plugin.use_guide_reader)
    signals.generator_init.connect(plugin.configure_generator)
    signals.page_generator_init.connect(plugin.read_pages)
    signals.content_object_init.connect(plugin.require_guide_reader)
    signals.page_generator_finalized.connect(plugin.order_pages)
    signals.static_generator_finalized.connect(plugin.check_static_files)
    signals.all_generators_finalized.connect(plugin.settle_links)
    signals.get_writer.connect(plugin.guide_writer)
    signals.finalized.connect(plugin.finish)
