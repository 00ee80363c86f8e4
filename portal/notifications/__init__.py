"""The notification kernel (thông báo): ``notify()`` stores a message per channel and Celery sends it.

See ``outbox.py`` (queueing), ``sending.py`` (claim, send, retry, sweeper), ``rendering.py`` (templates) and
``channels/`` (the plugins: e-mail, the recording stand-in, eSMS).
"""

from .outbox import deliverable_address, notify

__all__ = ["deliverable_address", "notify"]
