"""guide_metadata: type the guide's page metadata once, when a page is read.

Templates and other plugins see `page.sortorder` as a `SortOrder` pair, `page.toc`
as a bool, `page.sidebartitle` and `page.description` as text. A page that breaks a
rule stops the build before any file is written, with one line per problem.
"""

from .fields import FieldError, SortOrder
from .plugin import GuideMetadataError, register

__all__ = ["FieldError", "GuideMetadataError", "SortOrder", "register"]
