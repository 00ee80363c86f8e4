"""The /api/v1/ root. Each app contributes its routes through its own api/urls.py module."""

from importlib import import_module

from django.urls import include, path

urlpatterns = []
for app in ("dossiers", "reporting", "procedures", "feedback"):  # the busiest first (portal/urls.py)
    try:
        import_module(f"{app}.api.urls")
    except ModuleNotFoundError:
        continue
    urlpatterns.append(path("", include(f"{app}.api.urls")))
