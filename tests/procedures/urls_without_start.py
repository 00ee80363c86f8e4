"""The portal's URLs without the dossier pages: the catalogue must not offer a button to a page that is not there."""

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [p for p in portal_urlpatterns if getattr(p, "app_name", None) != "dossiers"]
