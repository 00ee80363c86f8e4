"""URL patterns: desk pages."""

urlpatterns: list = []
