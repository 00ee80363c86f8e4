"""The recording stand-in: the default for SMS and Zalo (DESIGN §7), and the demo's outbox."""

from .plugin import RecordPlugin, recorded_deliveries

__all__ = ["RecordPlugin", "recorded_deliveries"]
