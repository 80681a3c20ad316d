"""Facts every layer names, written once: the product groups the WRO covers (read from
etl/seeds/product_groups.csv, in its order, with their families), the groups the model
treats apart, the partners it singles out, the dates of the two measures and the HS
codes that split tomato seeds from other vegetable seeds."""

from __future__ import annotations

import csv

import pandas as pd

from etl.paths import SEEDS_DIR


def _seed_groups() -> list[dict[str, str]]:
    with open(SEEDS_DIR / "product_groups.csv", encoding="utf-8", newline="") as f:
        return sorted(csv.DictReader(f), key=lambda row: int(row["sort_order"]))


_SEED = _seed_groups()

PRODUCT_GROUPS = tuple(row["product_group"] for row in _SEED)
COTTON_FAMILY = tuple(row["product_group"] for row in _SEED if row["family"] == "cotton")
TOMATO_FAMILY = tuple(row["product_group"] for row in _SEED if row["family"] == "tomato")
# Groups the model treats apart: cotton content unknown; a proxy (all vegetable seeds).
OTHER_TEXTILES = "other_textiles"
TOMATO_SEEDS = "tomato_seeds"
COTTON_GROUPS = tuple(g for g in COTTON_FAMILY if g != OTHER_TEXTILES)
TOMATO_GROUPS = tuple(g for g in TOMATO_FAMILY if g != TOMATO_SEEDS)
TOMATO_PROCESSED = ("tomato_paste_preserved", "tomato_sauces")  # made with paste
if not {OTHER_TEXTILES, TOMATO_SEEDS, *TOMATO_PROCESSED} <= set(PRODUCT_GROUPS):
    raise ValueError("etl/seeds/product_groups.csv lacks a group exposure/domain.py names")

CHINA = "CHN"
AGGREGATE_PARTNERS = ("WLD",)  # totals over partners, never a partner of their own

# Dates of the two measures (etl/seeds/events.csv: region_wro 2021-01-13, uflpa 2022-06-21).
WRO_YEAR = 2021
UFLPA_DATE = pd.Timestamp("2022-06-21")

# Statistical codes in the 2017 Census file (SOURCES.md section 2) used to split HS 120991.
TOMATO_SEED_HTS10 = "1209918070"
VEGETABLE_SEEDS_HS6 = "120991"
