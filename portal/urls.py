from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from portal import views

admin.site.site_header = settings.PORTAL_NAME
admin.site.site_title = settings.PORTAL_NAME
admin.site.index_title = gettext_lazy("Quản trị hệ thống")

# Django tries these patterns in order, and the API (the public lookup above all) is the hottest traffic: it comes
# first, before the prefix-less includes that every other path walks through in full.
urlpatterns = [
    path("api/v1/", include("portal.api_urls")),
    path("", views.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("tai-khoan/", include("portal.accounts.urls")),
    path("hop-thu-demo/", include("portal.notifications.urls")),
    path("thu-tuc/", include("procedures.urls")),
    path("", include("dossiers.urls")),
    path("", include("feedback.urls")),
    path("thong-ke/", include("reporting.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-docs"),
    path("quan-tri/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
]

handler403 = "portal.views.error_403"
handler404 = "portal.views.error_404"
handler500 = "portal.views.error_500"
