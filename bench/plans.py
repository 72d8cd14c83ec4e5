"""Synthetic plan files shaped like the seeds: one CSV per commune in data/FORMAT.md's format."""

from __future__ import annotations

import csv
import dataclasses
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.plan_file import COLUMNS

FAMILY = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
          "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Hà", "Triệu", "Quách", "Trương")
MIDDLE = (("Ông", "Văn"), ("Bà", "Thị"), ("Ông", "Hồng"), ("Bà", "Ngọc"), ("Ông", "Minh"),
          ("Ông", "Công"), ("Bà", "Thu"), ("Ông", "Đức"))
GIVEN = ("An", "Bình", "Châu", "Cường", "Dung", "Đéc", "Đình", "Gang", "Giới", "Hạnh", "Hào",
         "Hòa", "Hùng", "Khánh", "Lan", "Liên", "Long", "Lượng", "Mai", "Minh", "Nga", "Phúc",
         "Quang", "Sơn", "Song", "Tâm", "Thanh", "Thân", "Thìn", "Thuyết", "Tiên", "Tú",
         "Tùng", "Vinh", "Vui", "Vượng", "Xuân", "Yến", "Bảo", "Diên")
PLACES = ("Cẩm Bình", "Hồng Thượng", "Cam Phúc", "Hạc Sơn", "Bình Yên", "Thạch Lâm",
          "Yên Lạc", "Phúc Do", "Tân Lập", "Quang Trung", "Đồng Tâm", "Hòa Bình", "An Khánh")
VILLAGES = ("Chợ", "Tô", "Xanh", "Sẻ", "Vinh", "Bình Sơn", "Bình Hòa", "Hạc Sơn", "Đồng",
            "Nội", "Trại", "Giữa", "Bến", "Mới", "Đoàn Kết")
CAUSES = ("chưa biết cách làm ăn", "không có lao động", "ốm đau, bệnh hiểm nghèo",
          "gặp rủi ro", "đông người ăn theo", "thiếu vốn")
# Index ranges of person(): households first, then the people the plans name (see people()).
HEADS, OFFICERS, LEADERS, EXTRA_USERS = 150_000, 160_000, 170_000, 180_000
DEPRIVATIONS = ("viec_lam", "bhyt", "nha_tieu", "nuoc_sinh_hoat", "chat_luong_nha")
# The 58 provinces (before the 2025 mergers), Thanh Hóa first: the province of the default shape.
PROVINCES = ("Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế",
             "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận",
             "Bình Thuận", "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai",
             "Điện Biên", "Lai Châu", "Sơn La", "Yên Bái", "Hòa Bình", "Thái Nguyên", "Lạng Sơn",
             "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc", "Bắc Ninh", "Hải Dương",
             "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình", "Kon Tum", "Gia Lai",
             "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương",
             "Đồng Nai", "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
             "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Hậu Giang", "Sóc Trăng",
             "Bạc Liêu", "Cà Mau")
COMMUNES_PER_DISTRICT = 20


@dataclass(frozen=True)
class Shape:
    """How big the synthetic province is."""

    communes: int = 100
    villages_per_commune: int = 15
    households_per_village: int = 100
    users: int = 10_000
    year: int = 2026
    provinces: int = 1

    def scaled(self, scale: float) -> Shape:
        """Fewer communes (the same commune shape), and users and provinces in proportion."""
        return dataclasses.replace(
            self, communes=max(1, round(self.communes * scale)),
            users=max(1, round(self.users * scale)),
            provinces=max(1, min(self.provinces, round(self.provinces * scale))))

    def people(self) -> tuple[int, int, int, int]:
        """First person() index of heads, officers, leaders and extra users.

        The ranges never overlap (10,000 apart for a province, as before; wider for a
        country), so no two people the plans name share a name: person() repeats only
        after 256,000, and a country names 112,140 people.
        """
        officers = HEADS + max(OFFICERS - HEADS, self.villages)
        leaders = officers + max(LEADERS - OFFICERS, -(-self.villages // 3))
        return HEADS, officers, leaders, leaders + max(EXTRA_USERS - LEADERS, self.communes)

    @property
    def villages(self) -> int:
        """Villages in the province."""
        return self.communes * self.villages_per_commune

    @property
    def households(self) -> int:
        """Named (poor and near-poor) households in the province."""
        return self.villages * self.households_per_village


def person(index: int) -> tuple[str, str]:
    """A distinct 'Title Full Name' for every index below 20*8*40*40 (256,000)."""
    family = FAMILY[index % len(FAMILY)]
    index //= len(FAMILY)
    title, middle = MIDDLE[index % len(MIDDLE)]
    index //= len(MIDDLE)
    first = GIVEN[index % len(GIVEN)]
    second = GIVEN[(index // len(GIVEN)) % len(GIVEN)]
    return title, f"{family} {middle} {first} {second}"


def province_name(number: int, shape: Shape) -> str:
    """'Tỉnh Nghệ An': whole districts of communes per province, in order."""
    provinces = min(shape.provinces, len(PROVINCES))
    districts = -(-shape.communes // COMMUNES_PER_DISTRICT)
    index = number // COMMUNES_PER_DISTRICT * provinces // districts
    return f"Tỉnh {PROVINCES[min(index, provinces - 1)]}"


def commune_name(number: int) -> str:
    """'Xã Cẩm Bình 3': names repeat across the province only with a number."""
    return f"Xã {PLACES[number % len(PLACES)]} {number // len(PLACES) + 1}"


def village_name(number: int) -> str:
    """'Thôn Chợ' or 'Thôn Bình Hòa 2': the same names in many communes, as in the seeds."""
    base = VILLAGES[number % len(VILLAGES)]
    return f"Thôn {base}" if number < len(VILLAGES) else f"Thôn {base} {number // len(VILLAGES)}"


def file_name(number: int) -> str:
    """The plan file of commune `number`: 'xa_0042.csv'."""
    return f"xa_{number:04d}.csv"


def write_plans(folder: Path, shape: Shape, seed: int = 6) -> list[Path]:
    """Write one plan CSV per commune; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for number in range(shape.communes):
        path = folder / file_name(number)
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(commune_rows(number, shape, rng))
        paths.append(path)
    return paths


def commune_rows(number: int, shape: Shape, rng: random.Random) -> Iterator[dict[str, object]]:
    """The commune row, its village rows, then its household rows."""
    base = {"nam": shape.year, "tinh": province_name(number, shape),
            "huyen": f"Huyện {1 + number // COMMUNES_PER_DISTRICT}", "xa": commune_name(number)}
    heads, officers, leaders, _ = shape.people()
    leader = " ".join(person(leaders + number))
    yield base | {"lanh_dao": leader}
    households: list[dict[str, object]] = []
    for v in range(shape.villages_per_commune):
        index = number * shape.villages_per_commune + v
        village = base | {"thon": village_name(v)}
        rows = list(household_rows(village, index, shape.households_per_village, rng))
        poor = sum(1 for r in rows if r["tinh_trang"] == "nghèo")
        near = len(rows) - poor
        yield village | {
            "so_ho": len(rows) * 4, "so_khau": len(rows) * 16, "ho_ngheo": poor,
            "ho_can_ngheo": near, "giam_ngheo": max(1, poor // 4),
            "giam_can_ngheo": max(1, near // 4),
            "can_bo_phu_trach": " ".join(person(officers + index // 3)),
            "truong_thon": " ".join(person(heads + index)),
        }
        households += rows
    yield from households


def household_rows(village: dict[str, object], index: int, count: int,
                   rng: random.Random) -> Iterator[dict[str, object]]:
    """`count` households with distinct heads; about 60% poor, a quarter registered to exit."""
    for h in range(count):
        title, name = person(index * count + h)
        members = rng.randint(1, 8)
        yield village | {
            "chu_ho": f"{title} {name}", "tinh_trang": "nghèo" if h % 5 < 3 else "cận nghèo",
            "nhan_khau": members, "lao_dong": rng.randint(0, min(members, 4)),
            "nguyen_nhan": rng.choice(CAUSES), "btxh": rng.choice(("có", "không", "")),
            "dang_ky_thoat": "có" if h % 4 == 0 else "không",
            "thieu_hut": ";".join(rng.sample(DEPRIVATIONS, rng.randint(0, 3))),
        }
