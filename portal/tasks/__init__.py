"""Celery tasks of the kernel, one module per concern (autodiscovery imports this package)."""

from .backup import *  # noqa: F403
from .health import *  # noqa: F403
from .notifications import *  # noqa: F403
