"""SMS through eSMS.vn's REST API (``SendMultipleMessage_V4_post_json``, brandname customer-care type 2).

The gateway's ``RequestId`` is its idempotency key: a request id it has seen answers ``CodeResult`` 124 ("duplicate
request") and sends nothing, so a re-send after a worker crash never reaches the phone twice. We pass the outbox
row's stable key as the request id and treat 124 as delivered. Result codes (eSMS "table of error codes"): 100
accepted; 99 number blocked and 108 malformed number are final; the others (credentials, balance, brandname,
template, IP allow-list) are the operator's to fix and are retried until the attempt limit.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings

from portal.notifications.channels.base import ChannelPlugin, Delivery, PermanentFailure, Receipt, TemporaryFailure
from portal.notifications.channels.registry import register

DEFAULT_URL = "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/"
ACCEPTED = "100"
DUPLICATE_REQUEST = "124"
FINAL_FAILURES = {"99", "108"}


def esms_settings() -> dict[str, Any]:
    configured = getattr(settings, "ESMS", {}) or {}
    return {
        "URL": DEFAULT_URL,
        "API_KEY": "",
        "SECRET_KEY": "",
        "BRANDNAME": "",
        "SMS_TYPE": "2",
        "UNICODE": True,
        "SANDBOX": False,
        "TIMEOUT": 15,
        **configured,
    }


def international(phone: str) -> str:
    """eSMS takes 84xxxxxxxxx; the portal stores 0xxxxxxxxx."""
    return "84" + phone[1:] if phone.startswith("0") else phone.lstrip("+")


@register("esms")
class ESMSPlugin(ChannelPlugin):
    verbose_name = "eSMS.vn (SMS Brandname)"
    channels = frozenset({"sms"})

    def check(self) -> list[str]:
        conf = esms_settings()
        return [f"Thiếu cấu hình eSMS: {name}." for name in ("API_KEY", "SECRET_KEY", "BRANDNAME") if not conf[name]]

    def send(self, delivery: Delivery) -> Receipt:
        conf = esms_settings()
        problems = self.check()
        if problems:
            raise TemporaryFailure(" ".join(problems))
        payload = {
            "ApiKey": conf["API_KEY"],
            "SecretKey": conf["SECRET_KEY"],
            "Brandname": conf["BRANDNAME"],
            "Phone": international(delivery.to),
            "Content": delivery.body,
            "SmsType": str(conf["SMS_TYPE"]),
            "IsUnicode": "1" if conf["UNICODE"] else "0",
            "Sandbox": "1" if conf["SANDBOX"] else "0",
            "RequestId": delivery.key,
        }
        request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting, https in production
            conf["URL"],
            data=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=conf["TIMEOUT"]) as response:  # noqa: S310
                answer = json.loads(response.read().decode() or "{}")
        except urllib.error.HTTPError as exc:
            raise TemporaryFailure(f"eSMS HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise TemporaryFailure(f"eSMS unreachable: {type(exc).__name__}") from exc
        code = str(answer.get("CodeResult", ""))
        if code == ACCEPTED:
            return Receipt(provider_id=f"esms:{answer.get('SMSID') or delivery.key}")
        if code == DUPLICATE_REQUEST:
            return Receipt(provider_id=f"esms:{answer.get('SMSID') or delivery.key}", duplicate=True)
        detail = f"eSMS {code or '?'}: {answer.get('ErrorMessage') or answer.get('error') or ''}"[:500]
        if code in FINAL_FAILURES:
            raise PermanentFailure(detail)
        raise TemporaryFailure(detail)
