"""Benchmark: catalogue search at 2,600 procedures against a primary-key fetch of the same page, in the same run.

    .venv/bin/python benchmarks/bench_catalogue.py [--procedures 2600] [--rounds 30]
    make bench BENCH_ARGS="catalogue"

A province publishes 2,000–2,600 procedures (research/regulations.md §8). The benchmark imports that many
realistic ones (names built from the vocabulary of real procedure names, all four levels, both administrative
levels) into the database of DATABASE_URL, inside a transaction that is rolled back at the end, then times what a
page of results costs — the count for the pager plus the 20 rows with their sector and agency:

* ``baseline``: the same 20 rows fetched by primary key, plus a plain ``COUNT(*)`` of the catalogue;
* ``search``: ``selectors.procedure_search`` — the FilterSet the page and the API share — for queries with and
  without diacritics, in capitals, with a filter, with a typo (the trigram fallback), and the unsearched list sorted
  by name in Vietnamese collation.

Rounds are interleaved and medians compared. Target: every search within ``TARGET`` × the baseline. Needs a migrated
database (``benchmarks/run.py`` migrates it) and Redis (``REDIS_URL``) for the portal clock.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.dev")

TARGET = 15.0
PAGE = 20
ACTIONS = ["Đăng ký", "Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Thu hồi", "Xác nhận", "Thẩm định", "Công nhận"]
OBJECTS = [
    "thành lập hộ kinh doanh",
    "thay đổi nội dung đăng ký hộ kinh doanh",
    "giấy phép xây dựng nhà ở riêng lẻ",
    "giấy phép xây dựng công trình",
    "chứng chỉ hành nghề hoạt động xây dựng",
    "giấy chứng nhận quyền sử dụng đất",
    "biến động đất đai",
    "khai sinh",
    "kết hôn",
    "khai tử",
    "giám hộ",
    "nhận cha, mẹ, con",
    "thay đổi, cải chính hộ tịch",
    "Phiếu lý lịch tư pháp",
    "giấy phép kinh doanh rượu",
    "giấy phép bán lẻ thuốc lá",
    "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
    "giấy phép lái xe",
    "đăng ký xe",
    "giấy phép hoạt động khoáng sản",
    "giấy phép xả thải vào nguồn nước",
    "trợ cấp xã hội hàng tháng",
    "chế độ người có công",
    "giấy phép tổ chức lễ hội",
    "giấy phép quảng cáo",
    "chứng chỉ hành nghề dược",
    "giấy phép hoạt động khám bệnh, chữa bệnh",
    "giấy phép lao động cho người nước ngoài",
    "giấy phép thành lập trường mầm non",
    "công nhận tổ hợp tác",
]
SCOPES = ["", " cấp tỉnh", " cấp xã", " đối với doanh nghiệp", " đối với cá nhân", " cho tổ chức", " (liên thông)"]
QUERIES = {
    "search: ho kinh doanh": {"q": "ho kinh doanh"},
    "search: hộ kinh doanh": {"q": "hộ kinh doanh"},
    "search: HO KINH DOANH": {"q": "HO KINH DOANH"},
    "search: giay phep xay dung": {"q": "giay phep xay dung"},
    "search: khai sinh + level 4": {"q": "khai sinh", "service_level": "4"},
    "search: typo 'ho kihn doanh'": {"q": "ho kihn doanh"},
    "search: by code": {"q": "9.001234"},
    "list: level 4 by name (vi)": {"service_level": "4", "sort": "name"},
}


def rows(count: int) -> list[tuple[int, dict]]:
    records = []
    for n in range(count):
        action = ACTIONS[n % len(ACTIONS)]
        obj = OBJECTS[(n // len(ACTIONS)) % len(OBJECTS)]
        scope = SCOPES[(n // (len(ACTIONS) * len(OBJECTS))) % len(SCOPES)]
        level = n % 4 + 1
        province = n % 3 != 0
        records.append(
            (
                n + 1,
                {
                    "code": f"9.{n:06d}",
                    "name": f"{action} {obj}{scope}"
                    + (f" ({n})" if n >= len(ACTIONS) * len(OBJECTS) * len(SCOPES) else ""),
                    "sector_code": f"LV{n % 40:02d}",
                    "sector_name": f"Lĩnh vực {n % 40:02d}",
                    "administrative_level": "province" if province else "commune",
                    "service_level": level,
                    "competent_agency": "000.00.04.H41" if province else "001.00.00.H41",
                    "receiving_agencies": ["000.00.01.H41"] if province else ["001.01.00.H41"],
                    "processing_time": f"{n % 20 + 1} ngày làm việc",
                    "components": ["Tờ khai; bản chính: 1; bản sao: 0"] if level >= 2 else [],
                    "eform_schema": {"fields": [{"name": "ho_ten", "type": "text", "label": "Họ và tên"}]}
                    if level >= 3
                    else {},
                    "keywords": "kinh doanh cá thể" if "hộ kinh doanh" in obj else "",
                    "effective_from": "2025-07-01",
                },
            )
        )
    return records


def ensure_agencies() -> None:
    from portal.models import Agency

    tree = [
        ("000.00.00.H41", "Ủy ban nhân dân tỉnh", "province", None),
        ("000.00.01.H41", "Trung tâm Phục vụ hành chính công tỉnh", "centre", "000.00.00.H41"),
        ("000.00.04.H41", "Sở Tư pháp", "department", "000.00.00.H41"),
        ("001.00.00.H41", "Ủy ban nhân dân phường Tân An", "commune", "000.00.00.H41"),
        ("001.01.00.H41", "Trung tâm Phục vụ hành chính công phường Tân An", "centre", "001.00.00.H41"),
    ]
    for code, name, kind, parent in tree:
        if not Agency.objects.filter(code=code).exists():
            Agency.objects.create(code=code, name=name, kind=kind, parent=Agency.objects.filter(code=parent).first())


class Rollback(Exception):
    pass


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=2600)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.core.paginator import Paginator
    from django.db import connection, transaction

    from procedures import selectors
    from procedures.importing import Source, import_source
    from procedures.models import Procedure

    figures: dict = {}
    try:
        with transaction.atomic():
            ensure_agencies()
            started = time.perf_counter()
            import_source(Source(rows=rows(args.procedures)))
            figures["import_seconds"] = round(time.perf_counter() - started, 2)
            total = Procedure.objects.published().count()
            figures["catalogue_size"] = total
            print(f"Catalogue: {total} published procedures on {connection.vendor} "
                  f"(imported {args.procedures} in {figures['import_seconds']} s)")  # fmt: skip
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE procedures_procedure") if connection.vendor == "postgresql" else None

            page_ids = list(Procedure.objects.published().order_by("code").values_list("pk", flat=True)[:PAGE])

            def baseline() -> int:
                count = Procedure.objects.published().count()
                assert len(list(selectors.catalogue().filter(pk__in=page_ids))) == PAGE
                return count

            def search(params: dict):
                def run() -> int:
                    filterset = selectors.procedure_search(params=params)
                    page = Paginator(filterset.qs, PAGE).get_page(1)
                    list(page.object_list)
                    return page.paginator.count

                return run

            loops = {"baseline: pk page + count": baseline} | {name: search(p) for name, p in QUERIES.items()}
            results = {name: loop() for name, loop in loops.items()}  # warm up, and check there are results
            times: dict[str, list[float]] = {name: [] for name in loops}
            for _ in range(args.rounds):
                for name, loop in loops.items():
                    started = time.perf_counter()
                    loop()
                    times[name].append(time.perf_counter() - started)
            raise Rollback
    except Rollback:
        pass

    base = statistics.median(times["baseline: pk page + count"])
    print(f"\n{'measurement':<32} {'median':>10} {'min':>10} {'÷ baseline':>11} {'results':>8}")
    passed = True
    figures["measurements"] = {}
    for name, samples in times.items():
        median = statistics.median(samples)
        ratio = median / base
        ok = name.startswith("baseline") or ratio <= TARGET
        passed &= ok and (results[name] > 0)
        figures["measurements"][name] = {
            "median_ms": round(median * 1000, 2),
            "min_ms": round(min(samples) * 1000, 2),
            "ratio": round(ratio, 2),
            "results": results[name],
        }
        print(f"{name:<32} {median * 1000:8.2f} ms {min(samples) * 1000:8.2f} ms {ratio:10.2f}× "
              f"{figures['measurements'][name]['results']:>8}{'' if ok else '  ← above target'}")  # fmt: skip
    figures["target_ratio"] = TARGET
    figures["passed"] = passed
    print(f"\nTarget: every search ≤ {TARGET:g}× the baseline. {'PASSED' if passed else 'MISSED'}.")
    return figures


if __name__ == "__main__":
    outcome = main()
    sys.exit(0 if outcome.get("passed") else 1)
