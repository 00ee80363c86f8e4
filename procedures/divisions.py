"""Vietnam's provinces and communes (đơn vị hành chính cấp tỉnh, cấp xã) for the address pickers.

Source: the ``vietnam-provinces`` package (PyPI, MIT; data from the General Statistics Office's list of
administrative units after the July 2025 rearrangement: 34 provinces, 3,321 communes, wards and special zones).
Codes are the GSO codes as strings: two digits for a province ("80"), five for a commune ("27523"), which is
also what ``User.province_code`` / ``commune_code`` store. The list is read once per process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, util
from pathlib import Path

from procedures.search import normalise

SOURCE = "vietnam-provinces (Tổng cục Thống kê, danh mục đơn vị hành chính từ 01/7/2025)"
PACKAGE_VERSION = metadata.version("vietnam-provinces")


def _data_file() -> Path:
    # Only the package's JSON is needed: importing the package would also build its 3,300-member enums (~0.5 s).
    spec = util.find_spec("vietnam_provinces")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("The vietnam-provinces package is not installed.")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "nested-divisions.json"


_PREFIXES = ("thanh pho ", "tinh ", "phuong ", "xa ", "dac khu ", "thi tran ")


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    kind: str  # "tỉnh", "thành phố trung ương", "phường", "xã", "đặc khu"
    province_code: str = ""

    @property
    def sort_key(self) -> tuple[str, str]:
        key = normalise(self.name)
        for prefix in _PREFIXES:
            if key.startswith(prefix):
                key = key[len(prefix) :]
                break
        return (key, self.name)


@lru_cache(maxsize=1)
def _load() -> tuple[tuple[Division, ...], dict[str, Division], dict[str, Division], dict[str, tuple[Division, ...]]]:
    raw = json.loads(_data_file().read_text(encoding="utf-8"))
    provinces: list[Division] = []
    communes: dict[str, Division] = {}
    by_province: dict[str, tuple[Division, ...]] = {}
    for item in raw:
        province = Division(code=f"{item['code']:02d}", name=item["name"], kind=item["division_type"])
        provinces.append(province)
        wards = [
            Division(
                code=f"{ward['code']:05d}", name=ward["name"], kind=ward["division_type"], province_code=province.code
            )
            for ward in item.get("wards", [])
        ]
        wards.sort(key=lambda d: d.sort_key)
        by_province[province.code] = tuple(wards)
        communes.update((ward.code, ward) for ward in wards)
    provinces.sort(key=lambda d: d.sort_key)
    return tuple(provinces), {p.code: p for p in provinces}, communes, by_province


def provinces() -> tuple[Division, ...]:
    return _load()[0]


def province(code: str | None) -> Division | None:
    return _load()[1].get(str(code or "").strip())


def commune(code: str | None) -> Division | None:
    return _load()[2].get(str(code or "").strip())


def communes_of(province_code: str | None) -> tuple[Division, ...]:
    return _load()[3].get(str(province_code or "").strip(), ())
