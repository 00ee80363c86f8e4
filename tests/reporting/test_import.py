"""``manage.py import_dossiers`` (point 6): all or nothing, bad rows named, and imported dossiers counted exactly
like native ones — 100,000 generated rows, then the API's numbers against a computation written here."""

from __future__ import annotations

import csv
import random
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dossiers.models import Dossier
from reporting.importing import COLUMNS
from tests.reporting.builders import VN, make

TODAY = date(2026, 4, 15)
HEADER = ",".join(COLUMNS)


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def frozen(province, today):
    today("2026-04-15 10:00")
    return province


class TestAllOrNothing:
    def test_one_bad_row_imports_nothing_and_every_bad_row_is_named(self, frozen, tmp_path, capsys):
        path = write(
            tmp_path / "lich-su.csv",
            [
                HEADER,
                "000.00.01.H41-250102-0001,000.00.04.H41,1.001193,2,2025-01-02T08:30:00+07:00,"
                "2025-01-09T17:00:00+07:00,2025-01-08T10:00:00+07:00,,,approved",
                "000.00.01.H41-250102-0002,000.00.04.H41,1.001193,5,2025-01-02T08:30:00+07:00,"
                "2025-01-09T17:00:00+07:00,,,,",
                "000.00.01.H41-250102-0003,000.99.99.H41,9.999999,2,2025-01-02 08:30,"
                "2025-01-09T17:00:00+07:00,,,,approved",
                "000.00.01.H41-250102-0001,000.00.04.H41,1.001193,1,2025-01-02T08:30:00+07:00,"
                "2025-01-01T17:00:00+07:00,2025-01-08T10:00:00+07:00,,2025-01-05T10:00:00+07:00,withdrawn",
            ],
        )
        with pytest.raises(CommandError, match=r"tệp có 3 dòng không hợp lệ"):
            call_command("import_dossiers", str(path))
        errors = capsys.readouterr().err
        assert "Dòng 3: kênh nộp “5” phải là 1, 2 hoặc 3." in errors
        assert "Dòng 4: không có cơ quan mã “000.99.99.H41”." in errors
        assert "không có thủ tục mã “9.999999”." in errors
        assert "received_at “2025-01-02 08:30” thiếu múi giờ" in errors
        assert "Dòng 5: mã hồ sơ 000.00.01.H41-250102-0001 trùng với dòng 2." in errors
        assert "due_at trước received_at." in errors
        assert "hồ sơ đã rút không thể có resolved_at" in errors
        assert "Dòng 2" not in errors
        assert Dossier.objects.count() == 0

    def test_missing_columns(self, frozen, tmp_path):
        path = write(tmp_path / "x.csv", ["code,agency_code", "A,B"])
        with pytest.raises(CommandError):
            call_command("import_dossiers", str(path))

    def test_a_code_already_in_the_system(self, frozen, tmp_path, capsys):
        make(frozen, code="000.00.01.H41-250102-0001", received="2025-01-02", due="2025-01-09 17:00")
        path = write(
            tmp_path / "x.csv",
            [
                HEADER,
                "000.00.01.H41-250102-0001,000.00.04.H41,1.001193,2,2025-01-02T08:30:00+07:00,"
                "2025-01-09T17:00:00+07:00,,,,",
            ],
        )
        with pytest.raises(CommandError):
            call_command("import_dossiers", str(path))
        assert "đã có trong hệ thống" in capsys.readouterr().err

    def test_dry_run_writes_nothing(self, frozen, tmp_path):
        path = write(
            tmp_path / "x.csv",
            [
                HEADER,
                "000.00.01.H41-250102-0001,000.00.04.H41,1.001193,2,2025-01-02T08:30:00+07:00,"
                "2025-01-09T17:00:00+07:00,,,,",
            ],
        )
        call_command("import_dossiers", str(path), "--dry-run")
        assert Dossier.objects.count() == 0

    def test_imported_history_is_looked_up_like_any_dossier(self, frozen, tmp_path, client):
        path = write(
            tmp_path / "x.csv",
            [
                HEADER,
                "000.00.01.H41-250102-0001,000.00.04.H41,1.001193,2,2025-01-02T08:30:00+07:00,"
                "2025-01-09T17:00:00+07:00,2025-01-10T10:00:00+07:00,2025-01-10T15:00:00+07:00,,approved",
            ],
        )
        call_command("import_dossiers", str(path))
        body = client.get("/api/v1/lookup/000.00.01.H41-250102-0001/").json()
        assert (body["status"], body["timeliness"]) == ("returned", "late")
        dossier = Dossier.objects.get()
        assert (dossier.receiving_agency.code, dossier.competent_agency.code) == ("000.00.01.H41", "000.00.04.H41")
        assert dossier.was_late


# ------------------------------------------------------------------------------------------- 100,000 rows

AGENCIES = {
    "000.00.04.H41": "1.001193",
    "000.04.01.H41": "1.001193",
    "000.00.07.H41": "2.001610",
    "001.00.00.H41": "1.004222",
}


def generate(n: int, seed: int = 20260415) -> list[dict]:
    """Dossiers of 2024–2026 as a province's history looks: working hours, mostly resolved, some late, some
    withdrawn, the recent ones still open; a tenth of them with moments near midnight."""
    rng = random.Random(seed)
    first = datetime(2024, 1, 1, tzinfo=VN)
    span_days = (datetime.combine(TODAY, time(0), tzinfo=VN) - first).days
    now = datetime.combine(TODAY, time(10, 0), tzinfo=VN)
    rows, sequence = [], Counter()
    for i in range(n):
        agency = rng.choice(list(AGENCIES))
        day = first + timedelta(days=rng.randrange(span_days))
        minute = rng.choice([1, 23 * 60 + 58]) if i % 10 == 0 else rng.randrange(7 * 60 + 30, 17 * 60)
        received = day + timedelta(minutes=minute)
        due = (received + timedelta(days=rng.randint(2, 20))).replace(hour=17, minute=0)
        roll = rng.random()
        resolved = returned = withdrawn = None
        outcome = ""
        if roll < 0.05:
            withdrawn = received + timedelta(hours=rng.randint(1, 240))
            outcome = "withdrawn"
        elif roll < 0.93:
            resolved = received + timedelta(hours=rng.randint(2, 24 * 25))
            outcome = "rejected" if rng.random() < 0.03 else "approved"
            if rng.random() < 0.6:
                returned = resolved + timedelta(hours=rng.randint(1, 72))
        for value in (resolved, withdrawn):
            if value is not None and value > now:  # not yet happened: still open
                resolved = returned = withdrawn = None
                outcome = ""
                break
        if returned is not None and returned > now:
            returned = None
        desk = "001.01.00.H41" if agency.startswith("001") else "000.00.01.H41"
        local = received.astimezone(VN)
        sequence[(desk, local.date())] += 1
        rows.append(
            {
                "code": f"{desk}-{local:%y%m%d}-{sequence[(desk, local.date())]:04d}",
                "agency_code": agency,
                "procedure_code": AGENCIES[agency],
                "channel": rng.choices([1, 2, 3], weights=[35, 60, 5])[0],
                "received_at": received,
                "due_at": due,
                "resolved_at": resolved,
                "returned_at": returned,
                "withdrawn_at": withdrawn,
                "outcome": outcome,
            }
        )
    return rows


def to_csv(rows: list[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()})
    return path


def expected_figures(rows: list[dict], start: date, end: date, agencies: set[str] | None = None) -> dict:
    """The definitions of point 2 computed independently, straight from the generated rows."""

    def day(moment):
        return moment.astimezone(VN).date() if moment else None

    reference = min(end, TODAY)
    out = Counter()
    for row in rows:
        if agencies is not None and row["agency_code"] not in agencies:
            continue
        received, due = day(row["received_at"]), day(row["due_at"])
        resolved, withdrawn = day(row["resolved_at"]), day(row["withdrawn_at"])
        if start <= received <= end:
            out["received"] += 1
            out[{1: "received_in_person", 2: "received_online", 3: "received_postal"}[row["channel"]]] += 1
        gone_before_start = (resolved and resolved < start) or (withdrawn and withdrawn < start)
        if received < start and not gone_before_start:
            out["carried_over"] += 1
        if resolved and start <= resolved <= end:
            out["resolved"] += 1
            out["resolved_early" if resolved < due else "resolved_on_time" if resolved == due else "resolved_late"] += 1
        gone_by_end = (resolved and resolved <= end) or (withdrawn and withdrawn <= end)
        if received <= end and not gone_by_end:
            out["pending"] += 1
            if due < reference:
                out["pending_overdue"] += 1
    return out


COUNTS = (
    "received",
    "carried_over",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_overdue",
    "received_in_person",
    "received_online",
    "received_postal",
)


def test_a_hundred_thousand_rows_then_the_api_counts_them_exactly(frozen, tmp_path, client):
    rows = generate(100_000)
    call_command("import_dossiers", str(to_csv(rows, tmp_path / "lich-su.csv")))
    assert Dossier.objects.count() == 100_000

    periods = [
        (date(2024, 1, 1), date(2024, 12, 31)),  # a whole year
        (date(2025, 1, 1), date(2025, 3, 31)),  # a quarter
        (date(2025, 2, 1), date(2025, 2, 28)),  # a month (Tết 2025 is in late January)
        (date(2026, 4, 1), date(2026, 4, 30)),  # the running month: overdue counted against today
        (date(2024, 6, 15), date(2026, 4, 15)),  # any dates
    ]
    for start, end in periods:
        body = client.get("/api/v1/stats/", {"from": start, "to": end, "group_by": "agency"}).json()
        by_agency = {row["key"]: row for row in body["rows"]}
        for agency in AGENCIES:
            expected = expected_figures(rows, start, end, {agency})
            got = by_agency.get(agency, {})
            assert {k: got.get(k, 0) for k in COUNTS} == {k: expected[k] for k in COUNTS}, (start, end, agency)
        total = client.get("/api/v1/stats/", {"from": start, "to": end}).json()["rows"][0]
        expected = expected_figures(rows, start, end)
        assert {k: total[k] for k in COUNTS} == {k: expected[k] for k in COUNTS}, (start, end)
        resolved = expected["resolved"]
        assert total["on_time_rate"] == pytest.approx(
            (expected["resolved_early"] + expected["resolved_on_time"]) / resolved
        )
        assert total["resolution_rate"] == pytest.approx(resolved / (expected["received"] + expected["carried_over"]))

    # The justice department's sub-tree holds its division's dossiers too.
    body = client.get("/api/v1/stats/", {"from": "2025-01-01", "to": "2025-12-31", "agency": "000.00.04.H41"}).json()
    expected = expected_figures(rows, date(2025, 1, 1), date(2025, 12, 31), {"000.00.04.H41", "000.04.01.H41"})
    assert {k: body["rows"][0][k] for k in COUNTS} == {k: expected[k] for k in COUNTS}
