"""The plugin's exceptions. Each message is one line a person can act on; Pelican exits 1."""


class GuideError(Exception):
    """The build cannot produce a right site; the message says why."""


class GuideSettingsError(GuideError):
    """A setting holds a value the plugin cannot use; the message names it."""


class GuideBuildFailed(GuideError):
    """Problems were reported (one line each) and the build stops."""
