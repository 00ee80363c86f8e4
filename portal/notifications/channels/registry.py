"""Channel plugins by identifier, and which plugin delivers each message channel.

Plugins register with ``@register("id")`` on the default registry. Which plugin serves e-mail, SMS and Zalo is a
setting (``NOTIFICATION_BACKENDS``, e.g. ``{"email": "email", "sms": "esms", "zalo": "record"}``); the recording
stand-in is the default for SMS and Zalo, as DESIGN §7 says. Tests may build a fresh :class:`Registry`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from importlib import import_module

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .base import ChannelPlugin

DEFAULT_BACKENDS = {"email": "email", "sms": "record", "zalo": "record"}
BUILTIN_PLUGINS = (
    "portal.notifications.channels.contrib.email",
    "portal.notifications.channels.contrib.record",
    "portal.notifications.channels.contrib.esms",
)


class Registry:
    def __init__(self) -> None:
        self._plugins: dict[str, type[ChannelPlugin]] = {}
        self._instances: dict[str, ChannelPlugin] = {}

    def __call__(self, identifier: str) -> Callable[[type[ChannelPlugin]], type[ChannelPlugin]]:
        def decorator(plugin_class: type[ChannelPlugin]) -> type[ChannelPlugin]:
            if identifier in self._plugins and self._plugins[identifier] is not plugin_class:
                raise ValueError(f"A channel plugin is already registered as {identifier!r}.")
            plugin_class.identifier = identifier
            self._plugins[identifier] = plugin_class
            return plugin_class

        return decorator

    def __iter__(self) -> Iterator[type[ChannelPlugin]]:
        return iter(self._plugins.values())

    def __contains__(self, identifier: str) -> bool:
        return identifier in self._plugins

    def get(self, identifier: str, *, allow_demo: bool = True) -> ChannelPlugin:
        try:
            plugin_class = self._plugins[identifier]
        except KeyError:
            raise ImproperlyConfigured(f"No channel plugin is registered as {identifier!r}.") from None
        if plugin_class.is_demo and not allow_demo:
            raise ImproperlyConfigured(f"The channel plugin {identifier!r} is a stand-in and is switched off here.")
        if identifier not in self._instances:
            self._instances[identifier] = plugin_class()
        return self._instances[identifier]

    def plugin_for(self, channel: str) -> ChannelPlugin:
        """The plugin that delivers messages of ``channel`` ("email", "sms", "zalo") under the current settings."""
        backends = {**DEFAULT_BACKENDS, **getattr(settings, "NOTIFICATION_BACKENDS", {})}
        identifier = backends.get(channel)
        if not identifier:
            raise ImproperlyConfigured(f"No plugin delivers the {channel!r} channel.")
        plugin = self.get(identifier, allow_demo=getattr(settings, "NOTIFICATION_ALLOW_DEMO_PLUGINS", True))
        if channel not in plugin.channels:
            raise ImproperlyConfigured(f"The plugin {identifier!r} cannot deliver the {channel!r} channel.")
        return plugin

    def forget_instances(self) -> None:
        """Drop cached plugin objects (after a settings change in tests)."""
        self._instances.clear()


register = Registry()
_loaded = False


def load_builtin_plugins() -> None:
    global _loaded
    if not _loaded:
        for module in BUILTIN_PLUGINS:
            import_module(module)
        _loaded = True


def plugin_for(channel: str) -> ChannelPlugin:
    load_builtin_plugins()
    return register.plugin_for(channel)
