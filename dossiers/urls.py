"""Dossier pages: the citizen's (/ho-so/), the desk and departments' (/mot-cua/), the public lookup (/tra-cuu/)."""

from django.urls import include, path

from dossiers.views import urls_citizen, urls_desk, urls_public

app_name = "dossiers"

urlpatterns = [
    path("ho-so/", include(urls_citizen)),
    path("mot-cua/", include(urls_desk)),
    path("tra-cuu/", include(urls_public)),
]
