"""Routes of the statistics API, picked up by portal/api_urls.py."""

from django.urls import path

from reporting.api import stats

urlpatterns = [
    path("stats/", stats.StatsView.as_view(), name="api-stats"),
]
