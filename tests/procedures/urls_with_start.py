"""The portal's URLs plus a stand-in for the submission start page (dossiers:start), which issue 4 builds."""

from django.http import HttpResponse
from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns

dossiers = (
    [path("ho-so/nop/<str:code>/", lambda request, code: HttpResponse(code), name="start")],
    "dossiers",
)
urlpatterns = [p for p in portal_urlpatterns if getattr(p, "app_name", None) != "dossiers"]
urlpatterns.append(path("", include(dossiers)))
