"""Routes of the dossiers' API, picked up by portal/api_urls.py. Each concern keeps its routes in its own module."""

from dossiers.api import lookup, partner

urlpatterns = [
    *lookup.urlpatterns,
    *partner.urlpatterns,
]
