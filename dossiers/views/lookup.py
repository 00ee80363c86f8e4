"""Public lookup pages (/tra-cuu/): by code, by the receipt's QR URL, and signature verification of results.

Every look-up counts against a per-client rate limit (django-ratelimit on the shared cache) so that codes cannot be
enumerated; past the limit the visitor gets a clear message and HTTP 429. An unknown code and a wrong QR secret get
the very same answer (HTTP 404, same page, same words).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from dossiers.selectors import lookup as lookup_selectors

LOOKUP_GROUP = "dossiers.lookup"
VERIFY_GROUP = "dossiers.verify"
MAX_VERIFY_UPLOAD_MB = 20


def lookup_rate() -> str:
    """Look-ups allowed per client address (setting LOOKUP_RATE_LIMIT, e.g. "30/m")."""
    return getattr(settings, "LOOKUP_RATE_LIMIT", "30/m")


def verify_rate() -> str:
    return getattr(settings, "VERIFY_RATE_LIMIT", "10/m")


def client_address(group: str, request: HttpRequest) -> str:
    """The client's address: the one our own reverse proxies appended to X-Forwarded-For (TRUSTED_PROXY_HOPS),
    never an entry the client could have written itself; without proxies, the connection's address."""
    hops = int(getattr(settings, "TRUSTED_PROXY_HOPS", 0))
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.META.get("REMOTE_ADDR", "")


def limited(request: HttpRequest, *, group: str = LOOKUP_GROUP, rate: str | None = None) -> bool:
    """Count this request against the client's allowance; True once it is used up (HTML and API share it).

    django-ratelimit decides the key and the window. Its counting takes three round trips to Redis (add, then
    exists and incr); on Redis the same counter is kept here with one INCR (plus EXPIRE once per window), because
    the rate limit was most of the cost of a lookup (benchmarks/bench_public.py). Other caches use django-ratelimit
    itself.
    """
    rate = rate or lookup_rate()
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        return False
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if isinstance(cache, RedisCache):
        return _count_on_redis(cache, request, group=group, rate=rate)
    return is_ratelimited(request, group=group, key=client_address, rate=rate, increment=True)


def _count_on_redis(cache: RedisCache, request: HttpRequest, *, group: str, rate: str) -> bool:
    from django_ratelimit import ALL
    from django_ratelimit.core import EXPIRATION_FUDGE, _get_window, _make_cache_key, _split_rate

    limit, period = _split_rate(rate)
    value = client_address(group, request)
    key = cache.make_and_validate_key(_make_cache_key(group, _get_window(value, period), rate, value, ALL))
    client = cache._cache.get_client(key, write=True)
    count = client.incr(key)
    if count == 1:  # the window's first request sets its expiry (a key left without one is never read again)
        client.expire(key, period + EXPIRATION_FUDGE)
    return count > limit


def not_found_message() -> str:
    return _(
        "Không tìm thấy hồ sơ với mã này. Vui lòng kiểm tra lại mã số hồ sơ in trên Giấy tiếp nhận hồ sơ và "
        "hẹn trả kết quả, hoặc quét lại mã QR."
    )


def limited_message() -> str:
    return _("Bạn đã tra cứu quá nhiều lần trong thời gian ngắn. Vui lòng đợi một phút rồi thử lại.")


class LookupForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Mã hồ sơ"),
        max_length=80,
        help_text=gettext_lazy("In trên Giấy tiếp nhận hồ sơ và hẹn trả kết quả, ví dụ 000.00.31.H56-261123-0007."),
    )


def _render(request: HttpRequest, context: dict, *, status: int = 200) -> HttpResponse:
    template = "dossiers/lookup/page.html"
    if request.htmx:
        template += "#result"
    response = render(request, template, context, status=status)
    response["Vary"] = "HX-Request"
    # Look-up answers are personal to the moment and the code: never cached by shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def lookup(request: HttpRequest) -> HttpResponse:
    """The form, and its answer when a code is given (the home page's form sends ``?code=``)."""
    if "code" not in request.GET:
        return _render(request, {"form": LookupForm()})
    form = LookupForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "error_title": _("Vui lòng kiểm tra lại"), "error": _("Hãy nhập mã hồ sơ.")}
        return _render(request, context, status=400)
    return _answer(request, form=form, code=form.cleaned_data["code"], secret=request.GET.get("k"))


@require_GET
def lookup_code(request: HttpRequest, code: str) -> HttpResponse:
    """``/tra-cuu/<code>/``, and ``?k=<secret>`` from the receipt's QR code (timeline and result verification)."""
    form = LookupForm(initial={"code": code})
    return _answer(request, form=form, code=code, secret=request.GET.get("k"))


def _answer(request: HttpRequest, *, form: LookupForm, code: str, secret: str | None) -> HttpResponse:
    if limited(request):
        context = {"form": form, "error_title": _("Không thể tra cứu lúc này"), "error": limited_message()}
        response = _render(request, context, status=429)
        response["Retry-After"] = "60"
        return response
    result = lookup_selectors.lookup(code=code, secret=secret)
    if result is None:
        context = {"form": form, "error_title": _("Không tìm thấy hồ sơ"), "error": not_found_message(), "code": code}
        return _render(request, context, status=404)
    return _render(request, {"form": form, "result": result, "secret": secret if result.with_secret else None})


# ----------------------------------------------------------------------------------------------- signatures


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp PDF cần kiểm tra"),
        help_text=gettext_lazy("Tệp kết quả giải quyết thủ tục hành chính đã ký số (PDF, tối đa 20 MB)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VERIFY_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": MAX_VERIFY_UPLOAD_MB})
        return upload


@require_http_methods(["GET", "POST"])
def verify_upload(request: HttpRequest) -> HttpResponse:
    """Anyone may check the digital signature of a result PDF they hold (dossiers.signing)."""
    from dossiers import signing

    form = VerifyForm(request.POST or None, request.FILES or None)
    context: dict = {"form": form}
    status = 200
    if request.method == "POST":
        if limited(request, group=VERIFY_GROUP, rate=verify_rate()):
            context["error"] = limited_message()
            status = 429
        elif form.is_valid():
            context["verdict"] = signing.verify_pdf(form.cleaned_data["file"])
            context["file_name"] = form.cleaned_data["file"].name
        else:
            status = 400
    response = render(request, "dossiers/lookup/verify.html", context, status=status)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def verify_result(request: HttpRequest, code: str) -> HttpResponse:
    """The QR holder has the dossier's own signed result checked (the link on the lookup page)."""
    from dossiers import signing

    if limited(request):
        response = render(request, "dossiers/lookup/verify.html", {"error": limited_message()}, status=429)
        response["Retry-After"] = "60"
        return response
    dossier = lookup_selectors.secret_dossier(code=code, secret=request.GET.get("k"))
    document = lookup_selectors.result_document(dossier) if dossier else None
    if document is None:
        return render(
            request, "dossiers/lookup/verify.html", {"error": not_found_message(), "form": VerifyForm()}, status=404
        )
    with document.file.open("rb") as handle:
        verdict = signing.verify_pdf(handle.read())
    context = {
        "verdict": verdict,
        "document": document,
        "code": dossier.code,
        "secret": request.GET.get("k"),
        "form": VerifyForm(),
    }
    response = render(request, "dossiers/lookup/verify.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
