"""Settings of the guide's plugins: one dict per plugin (GUIDE_THEME, GUIDE_CHECK...),
merged over the plugin's defaults, with a message naming the setting when it is wrong.
Not a plugin: the plugins import it.
"""

from __future__ import annotations


class GuideSettingsError(Exception):
    """A setting has a value the plugins cannot use; the message names the setting."""

    exitcode = 1
    setting_problem = True  # guide_build prefixes the message with the settings file


def plugin_settings(settings, name: str, defaults: dict) -> dict:
    """settings[name] merged over `defaults`; only keys of `defaults` are allowed."""
    user = settings.get(name, {})
    if not isinstance(user, dict):
        raise GuideSettingsError(f"{name} {user!r} must be a dict, like {{{next(iter(defaults))!r}: ...}}")
    unknown = sorted(set(user) - set(defaults))
    if unknown:
        raise GuideSettingsError(
            f"{name} key {unknown[0]!r} is unknown; expected one of " + ", ".join(sorted(defaults))
        )
    return {**defaults, **user}


def workers_setting(name: str, value) -> int | None:
    """A count of processes: a whole number from 1, or None for one per core."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise GuideSettingsError(f"{name}['workers'] {value!r} must be a whole number from 1, or None")
    return value
