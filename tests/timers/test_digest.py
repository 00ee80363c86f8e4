"""The daily digest to each agency leader: overdue dossiers, those due today and online dossiers past the desk-check
SLA, for the leader's agency and everything under it; once a day, on working days, from 07:00."""

from __future__ import annotations

import pytest

from dossiers import timers
from portal.models import Message
from tests.timers.conftest import at, vn

pytestmark = pytest.mark.django_db


def digests(user) -> list[Message]:
    return list(Message.objects.filter(event="officer.daily_digest", user=user).order_by("pk"))


def send(when):
    with at(when):
        return timers.send_leader_digests(now=when)


@pytest.mark.parametrize(
    ("when", "sent"),
    [
        pytest.param(vn(2026, 11, 27, 6, 59), False, id="fri-0659-before-the-digest-hour"),
        pytest.param(vn(2026, 11, 27, 7), True, id="fri-0700"),
        pytest.param(vn(2026, 11, 28, 9), False, id="sat-not-a-working-day"),
        pytest.param(vn(2026, 11, 24, 9), False, id="tue-24-11-ngay-van-hoa-viet-nam-holiday"),
        pytest.param(vn(2026, 11, 30, 15), True, id="mon-late-in-the-day-still-sent"),
    ],
)
def test_digest_goes_out_on_working_days_from_seven(province, when, sent):
    province.received(vn(2026, 11, 20, 9))  # due Wed 25/11 09:00: overdue from Thu
    province.received(vn(2026, 11, 23, 9))  # due Fri 27/11 09:00
    send(when)
    assert bool(digests(province.leader)) is sent


def test_digest_lists_the_leaders_whole_subtree_and_is_sent_once_a_day(province):
    late = province.received(vn(2026, 11, 19, 9))  # due Wed 25/11 09:00 (Fri, Mon, Wed: Tue is a holiday)
    province.received(vn(2026, 11, 23, 9))  # due Fri 27/11 09:00, handled in the division under the department
    first = send(vn(2026, 11, 27, 7))
    again = send(vn(2026, 11, 27, 7, 30))
    later = send(vn(2026, 11, 27, 16))
    assert (first.sent, again.sent, later.sent) == (1, 0, 0)
    (digest,) = digests(province.leader)
    assert digest.subject == "Tình hình hồ sơ ngày 27/11/2026 — Sở Tư pháp: 1 quá hạn, 1 đến hạn hôm nay"
    assert f"1. {late.code} — Đăng ký khai sinh có yếu tố nước ngoài — hẹn trả 25/11/2026 — Võ Thị Bình" in digest.body
    assert "- Hồ sơ đến hạn trả kết quả trong hôm nay: 1" in digest.body
    assert "/mot-cua/xu-ly/" in digest.body
    # The next working day brings a new digest.
    send(vn(2026, 11, 30, 7))
    assert len(digests(province.leader)) == 2


def test_the_desk_leader_hears_of_online_dossiers_past_the_desk_sla_and_nobody_hears_of_nothing(province):
    province.submitted(vn(2026, 11, 23, 9))  # desk due Wed 25/11 09:00
    send(vn(2026, 11, 25, 7))
    assert digests(province.desk_leader) == []
    assert digests(province.leader) == []
    send(vn(2026, 11, 26, 7))
    (digest,) = digests(province.desk_leader)
    assert "- Hồ sơ trực tuyến quá hạn kiểm tra, tiếp nhận: 1" in digest.body
    assert digest.subject.endswith("1 quá hạn kiểm tra")


def test_long_lists_are_cut_and_say_so(province, settings):
    settings.TIMERS_DIGEST_MAX_ROWS = 2
    codes = [province.received(vn(2026, 11, 16, 9 + n)).code for n in range(3)]
    send(vn(2026, 11, 27, 7))
    (digest,) = digests(province.leader)
    assert codes[0] in digest.body and codes[1] in digest.body and codes[2] not in digest.body
    assert "(Danh sách trên nêu 2 trong số 3 hồ sơ quá hạn.)" in digest.body
