"""URL patterns: citizen pages."""

urlpatterns: list = []
