"""Synthetic plan files shaped like the seeds: one CSV per commune in data/FORMAT.md's format."""

from __future__ import annotations

import csv
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
# Index ranges of person(): households first, then the people the plans name.
HEADS, OFFICERS, LEADERS, EXTRA_USERS = 150_000, 160_000, 170_000, 180_000
DEPRIVATIONS = ("viec_lam", "bhyt", "nha_tieu", "nuoc_sinh_hoat", "chat_luong_nha")


@dataclass(frozen=True)
class Shape:
    """How big the synthetic province is."""

    communes: int = 100
    villages_per_commune: int = 15
    households_per_village: int = 100
    users: int = 10_000
    year: int = 2026

    def scaled(self, scale: float) -> Shape:
        """Fewer communes (the same commune shape), and users in proportion."""
        communes = max(1, round(self.communes * scale))
        return Shape(communes, self.villages_per_commune, self.households_per_village,
                     max(1, round(self.users * scale)), self.year)

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


def commune_name(number: int) -> str:
    """'Xã Cẩm Bình 3': names repeat across the province only with a number."""
    return f"Xã {PLACES[number % len(PLACES)]} {number // len(PLACES) + 1}"


def village_name(number: int) -> str:
    """'Thôn Chợ' or 'Thôn Bình Hòa 2': the same names in many communes, as in the seeds."""
    base = VILLAGES[number % len(VILLAGES)]
    return f"Thôn {base}" if number < len(VILLAGES) else f"Thôn {base} {number // len(VILLAGES)}"


def write_plans(folder: Path, shape: Shape, seed: int = 6) -> list[Path]:
    """Write one plan CSV per commune; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paths = []
    for number in range(shape.communes):
        path = folder / f"xa_{number:04d}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(commune_rows(number, shape, rng))
        paths.append(path)
    return paths


def commune_rows(number: int, shape: Shape, rng: random.Random) -> Iterator[dict[str, object]]:
    """The commune row, its village rows, then its household rows."""
    base = {"nam": shape.year, "tinh": "Tỉnh Thanh Hóa", "huyen": f"Huyện {1 + number // 20}",
            "xa": commune_name(number)}
    leader = " ".join(person(LEADERS + number))
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
            "can_bo_phu_trach": " ".join(person(OFFICERS + index // 3)),
            "truong_thon": " ".join(person(HEADS + index)),
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
