"""guide_read: convert the Markdown pages on every core, before Pelican reads them.

Pelican reads pages one after another in one process. When the generator starts,
this plugin finds the pages that Pelican's content cache cannot answer, converts
them with Pelican's own Markdown reader in forked processes, and hands each result
to Pelican when it asks for that file, in Pelican's order. Log lines a conversion
printed are printed then too, so the output and the messages are the same as a
one-process build's, byte for byte.
"""

from .plugin import register

__all__ = ["register"]
