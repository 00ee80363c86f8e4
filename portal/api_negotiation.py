"""Content negotiation for the public JSON-only endpoints (lookup, open statistics).

They answer JSON whatever the client accepts — as the open-data endpoints of comparable portals do — so the
request's Accept header needs no parsing: DRF's default negotiation and the browsable-API renderer are measurable
on the portal's hottest public reads (benchmarks/bench_public.py).
"""

from __future__ import annotations

from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer


class JSONOnly(BaseContentNegotiation):
    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class JSONOnlyMixin:
    """For APIView subclasses: JSON out, no Accept parsing."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONOnly
