"""One publication theme for every chart: an explicit plotly template, readable
fonts, a colour-blind-safe palette (Okabe-Ito), and China always in one colour.

Importing streamlit changes plotly's default template, so every figure names
this one explicitly.
"""

import plotly.graph_objects as go
import plotly.io as pio

PROJECT_NAME = "WRO Trade Monitor"
TEMPLATE_NAME = "wro"

# Okabe-Ito: distinguishable with the common colour-vision deficiencies. The partner colours
# outside it are checked the same way (tests/test_palette.py).
OKABE_ITO = ["#D55E00", "#0072B2", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]

CHINA_COLOUR = "#D55E00"
PARTNER_COLOURS = {
    "CHN": CHINA_COLOUR,
    "VNM": "#0072B2",
    "MEX": "#009E73",
    "BGD": "#E69F00",
    "IND": "#CC79A7",
    "KHM": "#56B4E9",
    "PAK": "#800000",  # maroon: #8C6D1F, a brown, looked like China to protanopes
    "TUR": "#7F7F7F",
    "ITA": "#332288",
    "WLD": "#000000",
}
OTHER_COLOUR = "#999999"
# A change chart's bars: gains and falls of suppliers other than China.
GAIN_COLOUR = "#0072B2"
FALL_COLOUR = "#56B4E9"

FONT_FAMILY = "DejaVu Sans, Arial, sans-serif"


def partner_colour(iso3: str) -> str:
    return PARTNER_COLOURS.get(iso3, OTHER_COLOUR)


def colour_map(iso3s) -> dict[str, str]:
    return {c: partner_colour(c) for c in iso3s}


def _luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of '#RRGGBB'."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour(hex_colour: str, minimum: float = 4.5) -> str:
    """`hex_colour`, darkened just enough for text on white to reach `minimum` contrast
    (WCAG 2.1 AA): a point's label keeps its series' hue and stays readable."""
    colour = hex_colour
    for step in range(50):
        if 1.05 / (_luminance(colour) + 0.05) >= minimum:
            return colour
        factor = 1 - 0.02 * (step + 1)
        colour = "#" + "".join(
            f"{round(int(hex_colour[i : i + 2], 16) * factor):02X}" for i in (1, 3, 5)
        )
    return colour


def _template() -> go.layout.Template:
    t = go.layout.Template()
    t.layout = go.Layout(
        font=dict(family=FONT_FAMILY, size=14, color="#222222"),
        title=dict(font=dict(size=18), x=0, xanchor="left"),
        colorway=OKABE_ITO,
        paper_bgcolor="white",
        plot_bgcolor="white",
        xaxis=dict(showgrid=False, linecolor="#444444", ticks="outside"),
        yaxis=dict(gridcolor="#E5E5E5", zerolinecolor="#BBBBBB", linecolor="#444444"),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, x=0, xanchor="left"),
        margin=dict(l=70, r=30, t=90, b=110),
        hoverlabel=dict(font=dict(family=FONT_FAMILY)),
    )
    return t


pio.templates[TEMPLATE_NAME] = _template()
