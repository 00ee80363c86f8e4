"""URL patterns: partner pages."""

urlpatterns: list = []
