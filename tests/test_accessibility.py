"""Accessibility of the running app in headless Chromium: an axe-core audit (WCAG 2.1 A and
AA rules) of every page, and the keyboard reaching each page's controls in order with a
visible focus indicator."""

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from coloraide import Color
from PIL import Image, ImageChops

from tests.browser import app_pages, browser_page, wait_for_idle

pytestmark = pytest.mark.browser

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}


def open_expanders(page) -> None:
    """Open every collapsed expander, so the audit sees what they hold too."""
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
    for _ in range(closed.count()):
        closed.first.click()
    wait_for_idle(page)


def audit(page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations anywhere on the page. axe cannot judge the
    contrast of text scrolled out of view (it calls it 'incomplete', not a violation), so
    the main area is audited a screenful at a time, and the violations are merged."""
    found: dict[str, dict] = {}
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    step = page.viewport_size["height"] - 200
    for top in range(0, max(height, 1), step):
        page.evaluate(f"document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, {top})")
        page.wait_for_timeout(300)  # let canvas tables redraw
        for v in Axe().run(page, options=AXE_OPTIONS).response["violations"]:
            merged = found.setdefault(v["id"], {**v, "nodes": []})
            known = {str(n["target"]) for n in merged["nodes"]}
            merged["nodes"] += [n for n in v["nodes"] if str(n["target"]) not in known]
    return list(found.values())


# Every text plotly drew, with its colour and its chart's background. axe-core does not
# audit SVG text, and Streamlit's plotly theme recolours axis text in the browser.
CHART_TEXTS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"] .main-svg')]
  .flatMap(svg => [...svg.querySelectorAll('text')].map(t => ({
    fill: getComputedStyle(t).fill,
    background: getComputedStyle(svg.parentElement.querySelector('.main-svg')).backgroundColor,
    text: (t.textContent || '').slice(0, 40),
    kind: t.getAttribute('class') || (t.parentElement && t.parentElement.getAttribute('class')),
  })))"""


def chart_text_violations(page) -> list[dict]:
    """Chart texts below 4.5:1 on their chart's background, as axe-style violations."""
    low = []
    for t in page.evaluate(CHART_TEXTS):
        if not t["text"].strip():
            continue
        # A transparent chart shows the page behind it: white in the app's one theme.
        background = "white" if "rgba(0, 0, 0, 0)" in t["background"] else t["background"]
        ratio = Color(t["fill"]).contrast(background, method="wcag21")
        if ratio < 4.5:
            message = f"{ratio:.2f}:1 ({t['fill']} on {background}): {t['text']!r}"
            low.append({"target": [t["kind"] or "text"], "any": [{"message": message}]})
    if not low:
        return []
    help_text = "Chart text must have at least 4.5:1 contrast with the chart background"
    return [{"id": "chart-text-contrast", "impact": "serious", "help": help_text, "nodes": low}]


def violations_report(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:3]]
        lines.append(
            f"{v['id']} ({v['impact']}, {len(v['nodes'])} elements): {v['help']}\n"
            + "".join(f"    {t[-160:]}\n" for t in targets)
            + "".join(
                f"    -> {n['any'][0]['message'][:200]}\n" for n in v["nodes"][:3] if n.get("any")
            )
        )
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("path", "scheme"),
    [(path, "light") for path, _ in app_pages()]
    # A reader whose system prefers dark still gets the audited (light) theme.
    + [("", "dark")],
    ids=lambda v: v or "overview",
)
def test_page_has_no_wcag_21_aa_violations(app_url, browser, path, scheme):
    with browser_page(browser, height=1800, color_scheme=scheme) as page:
        page.goto(f"{app_url}/{path}")
        wait_for_idle(page)
        open_expanders(page)
        violations = audit(page) + chart_text_violations(page)
    report = violations_report(violations)
    print(report)
    assert not violations, f"axe-core found WCAG 2.1 A/AA violations on /{path}:\n{report}"


# --- keyboard -------------------------------------------------------------------------------

# What has keyboard focus, as a reader would name it: "kind:name".
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const lastLine = s => (s || '').trim().split('\\n').pop().trim();
  // A button's words without its icons (a material icon is a ligature: its name as text).
  const words = el => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('[data-testid=stIconMaterial]').forEach(i => i.remove());
    return copy.textContent;
  };
  const group = e.closest('[role=radiogroup]');
  const label = e.getAttribute('aria-label');
  let name;
  if (group) name = 'radio:' + group.getAttribute('aria-label');
  else if (e.getAttribute('role') === 'combobox') name = 'combobox:' + label;
  else if (e.closest('[data-testid=stSlider]')) name = 'slider:' + label;
  else if (e.tagName === 'A') name = 'link:' + (label || lastLine(e.innerText));
  else if (e.tagName === 'BUTTON') name = 'button:' + (lastLine(words(e)) || label);
  else name = e.tagName.toLowerCase() + ':' + (label || '');
  e.setAttribute('data-tab-step', String(window.__tabStep = (window.__tabStep || 0) + 1));
  // The box a focus indicator is drawn around: the element, or the nearest ancestor big
  // enough to see (a radio's or slider's input is visually hidden).
  let box = e;
  while (box.parentElement && (box.offsetWidth < 12 || box.offsetHeight < 12)) {
    box = box.parentElement;
  }
  const r = box.getBoundingClientRect();
  return {name, box: {x: r.x, y: r.y, width: r.width, height: r.height}};
}"""
# The tab steps in document order: equal to 1..n when focus follows the page's order.
STEPS_IN_DOCUMENT_ORDER = """() => [...document.querySelectorAll('[data-tab-step]')]
    .map(e => Number(e.getAttribute('data-tab-step')))"""


BLUR = "() => { window.__focused = document.activeElement; window.__focused.blur(); }"
REFOCUS = "() => window.__focused.focus()"


def nav_links() -> list[str]:
    return [f"link:{title}" for _, title in app_pages()]


# Per page, the main controls a keyboard must reach, in this order (other focusable things,
# such as help icons and chart toolbars, come in between). Every stop is checked for a
# visible focus indicator, not only these.
KEYBOARD_STOPS = {
    "cotton_and_textiles": [
        *nav_links(),
        "combobox:Partners",
        "slider:Years — start",
        "slider:Years — end",
        "radio:Measure",
        "combobox:Product group",
        "button:Download this chart or its data",
        "combobox:HS chapter",
        "combobox:HS4 heading",
        "combobox:Monthly series (HS code)",
        "button:Download this chart or its data",
    ],
    "exposure_modeller": [
        *nav_links(),
        "radio:Scenario",
        "slider:Enforcement",
        "button:Download the template (CSV)",
        "radio:Lines from",
        "button:Upload",
    ],
}


def shot(page, box: dict) -> Image.Image:
    pad = 6  # outlines and focus rings are drawn just outside the element
    viewport = page.viewport_size
    x, y = max(box["x"] - pad, 0), max(box["y"] - pad, 0)
    clip = {
        "x": x,
        "y": y,
        "width": min(box["width"] + 2 * pad, viewport["width"] - x),
        "height": min(box["height"] + 2 * pad, viewport["height"] - y),
    }
    return Image.open(io.BytesIO(page.screenshot(clip=clip, animations="disabled"))).convert("RGB")


MIN_CHANGED_PIXELS = 20  # a 2 px ring around even a small icon changes far more


def changed_pixels(a: Image.Image, b: Image.Image) -> int:
    """Pixels that differ clearly (not by antialiasing) between two shots of one spot."""
    diff = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v > 24 else 0)
    return diff.histogram()[255]


@pytest.mark.parametrize("path", list(KEYBOARD_STOPS))
def test_keyboard_reaches_the_controls_in_order_with_visible_focus(app_url, browser, path):
    """Tab from the top of the page to the end: the main controls come in reading order, and
    focus is visible at every stop (WCAG 2.1.1, 2.4.3, 2.4.7)."""
    expected = KEYBOARD_STOPS[path]
    with browser_page(browser, height=900) as page:
        page.goto(f"{app_url}/{path}")
        wait_for_idle(page)
        # The sidebar's menu is drawn by the script too: tab only once it is there.
        page.locator('[data-testid="stSidebar"] a').first.wait_for()
        reached, unseen, at = [], [], 0
        for _ in range(400):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused is None:  # past the last control
                break
            reached.append(focused["name"])
            if at < len(expected) and focused["name"] == expected[at]:
                at += 1
            # Every stop, the same spot with focus and without: a visible indicator changes
            # pixels there.
            with_focus = shot(page, focused["box"])
            page.evaluate(BLUR)
            without = shot(page, focused["box"])
            page.evaluate(REFOCUS)
            if changed_pixels(with_focus, without) < MIN_CHANGED_PIXELS:
                unseen.append(focused["name"])
        steps = page.evaluate(STEPS_IN_DOCUMENT_ORDER)
    assert at == len(expected), (
        f"the keyboard did not reach {expected[at]!r} after {expected[:at]}; "
        f"tab order was: {reached}"
    )
    assert steps == sorted(steps), f"focus does not follow the page's order: {reached}"
    assert not unseen, f"no visible focus indicator on {unseen}"
