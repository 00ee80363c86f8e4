"""URL patterns: public pages, mounted at /tra-cuu/ under the ``dossiers`` namespace (DESIGN §8).

``lookup`` serves the home page's form (``?code=``); ``lookup_code`` is what the receipt's QR code opens
(``/tra-cuu/<code>/?k=<secret>``).
"""

from django.urls import path

from dossiers.views import lookup

urlpatterns = [
    path("", lookup.lookup, name="lookup"),
    path("xac-thuc-chu-ky/", lookup.verify_upload, name="verify_signature"),
    path("<str:code>/", lookup.lookup_code, name="lookup_code"),
    path("<str:code>/xac-thuc-ket-qua/", lookup.verify_result, name="verify_result"),
]
