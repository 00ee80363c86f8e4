"""The channel contract and registry (STYLE pattern 6), and the recording stand-in."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.notifications.channels.base import ChannelPlugin, Delivery, Receipt
from portal.notifications.channels.contrib.record import RecordPlugin, recorded_deliveries
from portal.notifications.channels.registry import Registry, plugin_for


def delivery(key: str = "motcua.1.20260302090000000000", channel: str = "sms") -> Delivery:
    return Delivery(message_id=1, key=key, channel=channel, to="0912345678", subject="S", body="B", event="e")


class Echo(ChannelPlugin):
    channels = frozenset({"sms"})

    def send(self, delivery: Delivery) -> Receipt:
        return Receipt(provider_id=delivery.key)


def test_registry_refuses_two_plugins_under_one_identifier():
    registry = Registry()
    registry("echo")(Echo)

    class Other(Echo):
        pass

    with pytest.raises(ValueError, match="already registered"):
        registry("echo")(Other)


def test_registry_hides_demo_plugins_when_asked():
    registry = Registry()

    @registry("demo")
    class Demo(Echo):
        is_demo = True

    assert isinstance(registry.get("demo"), Demo)
    with pytest.raises(ImproperlyConfigured):
        registry.get("demo", allow_demo=False)


def test_a_plugin_is_only_used_for_channels_it_can_deliver(settings):
    settings.NOTIFICATION_BACKENDS = {"email": "esms"}
    with pytest.raises(ImproperlyConfigured, match="cannot deliver"):
        plugin_for("email")


def test_unknown_plugin_is_a_configuration_error(settings):
    settings.NOTIFICATION_BACKENDS = {"sms": "nope"}
    with pytest.raises(ImproperlyConfigured):
        plugin_for("sms")


def test_the_defaults_are_email_through_django_and_the_recorder_for_sms_and_zalo():
    assert plugin_for("email").identifier == "email"
    assert plugin_for("sms").identifier == "record"
    assert plugin_for("zalo").identifier == "record"


def test_the_recorder_keeps_one_delivery_per_key(_record_dir):
    plugin = RecordPlugin()
    first = plugin.send(delivery())
    again = plugin.send(delivery())
    assert (first.duplicate, again.duplicate) == (False, True)
    assert first.provider_id == again.provider_id
    assert len(recorded_deliveries()) == 1
    plugin.send(delivery(key="motcua.2.20260302090000000000", channel="zalo"))
    assert [d["channel"] for d in recorded_deliveries()] == ["sms", "zalo"]
    assert not list(_record_dir.rglob("*.tmp"))
