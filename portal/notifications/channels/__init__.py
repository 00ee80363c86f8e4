"""Delivery channels of the notification kernel (STYLE pattern 6): a typed contract, a registry, the plugins."""
