"""Catalogue routes under /api/v1/ (picked up by portal/api_urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sectors", views.SectorViewSet, basename="api-sector")
router.register("procedures", views.ProcedureViewSet, basename="api-procedure")
router.register("agencies", views.AgencyViewSet, basename="api-agency")

urlpatterns = [
    *router.urls,
    path("divisions/provinces/", views.ProvinceListView.as_view(), name="api-provinces"),
    path("divisions/provinces/<str:code>/communes/", views.CommuneListView.as_view(), name="api-communes"),
]
