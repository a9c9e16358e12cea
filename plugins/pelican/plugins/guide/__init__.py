"""pelican.plugins.guide: a documentation guide whose sidebar is proven right.

Every build is one Pelican run through one pipeline (plugin.py lists its steps): pages
read (reading.py; the unchanged ones from Pelican's content cache, pagecache.py), ordered
(pages.py, navigation.py), planned (plan.py), settled (links.py, gitdates.py), rendered
(writer.py), checked (check/) and indexed (search.py); what the next build starts from is
kept (lastbuild.py). `guide-build` (build.py) stages and swaps the site.

Handlers are module-level functions (Pelican's signals hold weak references). A site that
never asked for the guide (sitesettings.py) gets none of this: the plugin stays idle.

`theme_path()` is the guide's theme folder, for a site that sets THEME itself.
"""

from .sitesettings import theme_path

__all__ = ["register", "theme_path"]


def register():
    # Imported here: Pelican imports every installed namespace plugin, for every site, even
    # one that never registers this one.
    from pelican import signals

    from . import plugin, report

    report.one_line_errors()
    signals.initialized.connect(plugin.check_settings)
    signals.get_generators.connect(plugin.start)
    signals.readers_init.connect(plugin.use_guide_reader)
    signals.generator_init.connect(plugin.configure_generator)
    signals.page_generator_init.connect(plugin.read_pages)
    signals.content_object_init.connect(plugin.on_page_made)
    signals.page_generator_finalized.connect(plugin.order_pages)
    signals.static_generator_finalized.connect(plugin.keep_static_files)
    signals.all_generators_finalized.connect(plugin.plan_and_settle)
    signals.get_writer.connect(plugin.guide_writer)
    signals.finalized.connect(plugin.finish)
