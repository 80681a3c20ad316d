"""The exposure model's parameters as the WRO impact page's sliders: one row each (URL key,
assumption name, the scopes it applies to, label, help), and the scenario they configure."""

import math
from dataclasses import dataclass

import exposure
from exposure.domain import COTTON_FAMILY, PRODUCT_GROUPS, TOMATO_PROCESSED

RAMP_YEARS = (2021, 2022, 2023, 2024)
NO_SOURCE = " No source: an assumption."


@dataclass(frozen=True)
class Param:
    """One slider: an assumption `name` applied to `scopes`, shown in percent."""

    key: str
    name: str
    scopes: tuple[str, ...]
    label: str
    help: str

    def default(self, scenario: exposure.Scenario) -> float:
        if self.name == "ramp":
            return scenario.ramp(int(self.scopes[0]))
        return scenario.value(self.name, self.scopes[0])


# (key, assumption, scopes, label, help) of the sliders that are not one per year or group
FIXED = (
    ("impact_enforcement", "enforcement", ("",), "Enforcement",
     "Share of exposed trade detained or deterred." + NO_SOURCE),
    ("impact_uflpa_uplift", "uflpa_uplift", ("",), "UFLPA uplift",
     "Added to enforcement once the UFLPA is in force (21 June 2022; part of 2022, all of "
     "2023 on)." + NO_SOURCE),
    ("impact_substitution", "substitution", ("",), "Substitution",
     "Share of lost supply replaced by other partners." + NO_SOURCE),
    ("impact_reliance_cotton", "indirect_reliance", COTTON_FAMILY,
     "Third-country reliance: cotton and textiles",
     "Share of a third country's cotton and textile products made with Chinese inputs (all "
     "four cotton-family groups)." + NO_SOURCE),
    ("impact_reliance_tomato", "indirect_reliance", TOMATO_PROCESSED,
     "Third-country reliance: tomato paste and sauces",
     "Share of a third country's paste and sauces made with Chinese paste." + NO_SOURCE),
)  # fmt: skip
COTTON_CONTENT = (
    "impact_cotton_content_other", "covered_content", ("other_textiles",),
    "Cotton content of other textiles",
    "Share of 'other textiles' (HS 50-63 not described as cotton) containing cotton." + NO_SOURCE,
)  # fmt: skip


def parameters(group_labels: dict[str, str]) -> list[Param]:
    """Every slider, in the order the sidebar shows them."""
    ramps = [
        (f"impact_ramp_{year}", "ramp", (str(year),),
         f"{year}" + (" onwards" if year == RAMP_YEARS[-1] else ""),
         f"Share of the full effect reached in {year}." + NO_SOURCE)
        for year in RAMP_YEARS
    ]  # fmt: skip
    shares = [
        (f"impact_xj_{group}", "xinjiang_share", (group,), group_labels.get(group, group),
         "Xinjiang's share of China's output for this group (default from the cited figures: "
         "see the assumptions table).")
        for group in PRODUCT_GROUPS
    ]  # fmt: skip
    return [Param(*row) for row in (*FIXED, *ramps, *shares, COTTON_CONTENT)]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


def percent(share: float) -> float:
    return round(share * 100.0, 4)


def configured(
    base: exposure.Scenario, params: list[Param], values: dict[str, float]
) -> exposure.Scenario:
    """The scenario with every slider that differs from its value applied (in [0, 1])."""
    scenario = base
    for p in params:
        value = values[p.key] / 100.0
        if p.name == "ramp":
            year = int(p.scopes[0])
            # A year after the last given keeps the last value: set it when it differs.
            if not close(value, scenario.ramp(year)):
                scenario = scenario.with_value("ramp", value, str(year))
            continue
        for scope in p.scopes:
            if not close(value, scenario.value(p.name, scope)):
                scenario = scenario.with_value(p.name, value, scope)
    return scenario
