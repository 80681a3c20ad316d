"""Chart colours for every reader.

Text: every text colour a chart uses has at least 4.5:1 contrast with the chart's
background (WCAG 2.1 SC 1.4.3, AA, for text of any size). axe-core checks the page's HTML
text; chart text is SVG drawn by plotly, so it is checked here on the figures.

The palette for colour-blind readers: every colour a chart can draw, simulated for
full deuteranopia, protanopia and tritanopia (coloraide's Brettel 1997, Vienot 1999 and
Machado 2009 models), stays apart by the CIEDE2000 colour difference (Delta E 2000: about
2 is just noticeable between large patches; thin lines and small markers need much more).

- China, the series every chart is about, at least 10 from every other colour;
- any two colours a chart can draw together at least 5;
- a change chart's gains and falls at least 10.
"""

import re
from itertools import combinations

import pytest
from coloraide import Color

from dashboard import theme
from tests.test_charts import line_chart

TEXT_MIN_CONTRAST = 4.5

CHINA_MIN_DELTA_E = 10.0
PAIR_MIN_DELTA_E = 5.0
VISIONS = [("normal", None)] + [
    (f"{kind} ({model})", (kind, model))
    for kind in ("deutan", "protan", "tritan")
    for model in ("brettel", "vienot", "machado")
]

# Every colour a chart can draw a series in: the fixed partner colours, the Okabe-Ito
# colours charts.distinct_colours hands to other partners, and "other partners".
CHART_COLOURS = sorted(
    set(theme.PARTNER_COLOURS.values()) | set(theme.OKABE_ITO) | {theme.OTHER_COLOUR}
)


def seen(colour: str, vision) -> Color:
    """The colour as a reader with `vision` (None, or (deficiency, model)) sees it."""
    if vision is None:
        return Color(colour)
    kind, model = vision
    return Color(colour).filter(kind, method=model)


def delta_e(a: str, b: str, vision) -> float:
    return seen(a, vision).delta_e(seen(b, vision), method="2000")


def closest(pairs, vision) -> list[tuple[float, str, str]]:
    return sorted((round(delta_e(a, b, vision), 1), a, b) for a, b in pairs)


@pytest.mark.parametrize(("name", "vision"), VISIONS, ids=[n for n, _ in VISIONS])
def test_china_stands_apart_from_every_other_chart_colour(name, vision):
    pairs = [(theme.CHINA_COLOUR, c) for c in CHART_COLOURS if c != theme.CHINA_COLOUR]
    too_close = [p for p in closest(pairs, vision) if p[0] < CHINA_MIN_DELTA_E]
    assert not too_close, f"{name}: China's colour too close to {too_close}"


@pytest.mark.parametrize(("name", "vision"), VISIONS, ids=[n for n, _ in VISIONS])
def test_no_two_chart_colours_look_alike(name, vision):
    pairs = combinations(CHART_COLOURS, 2)
    too_close = [p for p in closest(pairs, vision) if p[0] < PAIR_MIN_DELTA_E]
    assert not too_close, f"{name}: colours too close: {too_close}"


@pytest.mark.parametrize(("name", "vision"), VISIONS, ids=[n for n, _ in VISIONS])
def test_gains_and_falls_stay_apart(name, vision):
    assert delta_e(theme.GAIN_COLOUR, theme.FALL_COLOUR, vision) >= CHINA_MIN_DELTA_E, name


def test_the_check_tells_a_colour_blind_clash():
    # Red and green of equal lightness: far apart to normal vision, alike to a deutan.
    red, green = "#B35A1F", "#5A7F1F"
    assert delta_e(red, green, None) > 25
    assert delta_e(red, green, ("deutan", "brettel")) < PAIR_MIN_DELTA_E


def text_colours(fig) -> dict[str, str]:
    """Where each text colour of a figure is used -> the colour (the template's where a
    text sets none)."""
    base = fig.layout.template.layout.font.color
    colours = {"axes, legend and title": base}
    for i, c in enumerate(re.findall(r"color:\s*(#[0-9A-Fa-f]{6})", fig.layout.title.text)):
        colours[f"title span {i}"] = c
    for a in fig.layout.annotations:
        colours[f"annotation {a.name or a.text[:30]!r}"] = a.font.color or base
    return colours


def test_chart_text_is_readable_on_the_chart_background():
    fig = line_chart()  # title, subtitle, source line and event labels
    background = fig.layout.template.layout.paper_bgcolor
    colours = text_colours(fig)
    assert len(colours) >= 4, colours  # base, subtitle, source, event labels
    low = {
        where: round(Color(c).contrast(background, method="wcag21"), 2)
        for where, c in colours.items()
        if Color(c).contrast(background, method="wcag21") < TEXT_MIN_CONTRAST
    }
    assert not low, f"chart text below {TEXT_MIN_CONTRAST}:1 on {background}: {low}"


@pytest.mark.parametrize("colour", theme.OKABE_ITO + list(theme.PARTNER_COLOURS.values()))
def test_a_point_label_keeps_its_hue_and_is_readable_on_white(colour):
    """Point labels are drawn in their series' colour, darkened only as far as 4.5:1 needs:
    a colour already readable is kept as it is."""
    text = theme.text_colour(colour)
    contrast = Color(text).contrast("white", method="wcag21")
    assert contrast >= TEXT_MIN_CONTRAST
    if Color(colour).contrast("white", method="wcag21") >= TEXT_MIN_CONTRAST:
        assert text == colour
    else:
        assert contrast < TEXT_MIN_CONTRAST + 0.5  # no darker than needed
        before, after = Color(colour).convert("oklch"), Color(text).convert("oklch")
        if before["chroma"] > 0.02:  # greys have no hue to keep
            assert abs(after["hue"] - before["hue"]) < 10
