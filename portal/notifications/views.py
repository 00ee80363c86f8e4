"""The demo mailbox (hộp thư trình diễn): every message the portal stored, so a demo user can read their code.

Only with ``DEMO_MODE`` on; otherwise the page does not exist (404). Production never shows it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from portal.models import Message

PAGE_SIZE = 30


@never_cache
@vary_on_headers("HX-Request")
@require_http_methods(["GET"])
def demo_mailbox(request: HttpRequest) -> HttpResponse:
    if not settings.DEMO_MODE:
        raise Http404
    messages = Message.objects.order_by("-created_at", "-pk")
    recipient = (request.GET.get("to") or "").strip()
    channel = request.GET.get("channel") or ""
    if recipient:
        messages = messages.filter(recipient__icontains=recipient)
    if channel in Message.Channel.values:
        messages = messages.filter(channel=channel)
    page = Paginator(messages, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "to": recipient, "channel": channel, "channels": Message.Channel.choices}
    template = "notifications/demo_mailbox.html#messages" if request.htmx else "notifications/demo_mailbox.html"
    return render(request, template, context)
