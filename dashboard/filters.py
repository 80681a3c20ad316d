"""URL-bound widgets: the one way to make a filter.

Every filter is bound to the URL (a link reopens the same view) and persists for the
session (a choice carries across pages); its key is the URL parameter name. Streamlit
writes an option's displayed label into the URL (`?partners=China`); a link may also name
an option by its code (`cotton_chapter=52`). On a widget's first draw in a session, a link
value it cannot read is noted; the page shows every such note, and every parameter no
widget claimed, at its top (dashboard.page). Each widget records what it shows, for the
'link to this view' box and for exported files.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from dashboard.embed import is_embedded

BOUND = {"bind": "query-params", "persist_state": "session"}
# Parameters the app itself adds or Streamlit understands; never reported as unknown.
PASS_THROUGH_PARAMS = {"embed", "embed_options", "chart"}
# The sidebar filters the Cotton and Tomatoes pages share: they ride along in a link to
# any page without a note.
SHARED_KEYS = ("partners", "years", "measure")
MEASURES = {
    "value": "Value (USD)",
    "quantity": "Quantity (HS6 only)",
    "unit_value": "Unit value (USD per unit, HS6 only)",
}

LINK_STATE = "_link_params"  # key -> Remembered, for this run of the page
LINK_PROBLEMS = "_link_problems"  # notes on link values a widget could not read
SEEN = "_widgets_seen"  # widget keys this session has drawn (the link is read once)


@dataclass(frozen=True)
class Remembered:
    """A filter in effect: its URL values (as Streamlit writes them), and its widget's
    label and value as shown on screen, for exported files."""

    values: list[str]
    title: str
    shown: str


def start_page() -> None:
    """Forget the previous page's filters and notes (once at the top of each page run)."""
    st.session_state[LINK_STATE] = {}
    st.session_state[LINK_PROBLEMS] = []


def remember(key: str, labels: list, *, title: str | None = None, shown: str | None = None):
    """Record a filter for the link box (`labels` as the URL holds them) and for exported
    files (the widget's `title`, the value as `shown` on screen)."""
    values = [str(v) for v in labels]
    st.session_state.setdefault(LINK_STATE, {})[key] = Remembered(
        values, title or key, shown if shown is not None else ", ".join(values)
    )


def filters_shown() -> dict[str, str]:
    """The view's filters as an exported file lists them: widget label -> value shown."""
    return {r.title: r.shown for r in st.session_state.get(LINK_STATE, {}).values()}


def link_params() -> list[tuple[str, str]]:
    state = st.session_state.get(LINK_STATE, {})
    return [(k, v) for k, r in state.items() for v in r.values]


def current_link() -> str:
    """The permalink of the current view, as far as the page has drawn its filters."""
    base = str(st.context.url or "").split("?")[0]
    pairs = link_params()
    return base + ("?" + urlencode(pairs) if pairs else "")


def link_problems(also_known=SHARED_KEYS) -> list[str]:
    """Every note on this run's link: values a widget could not read, and parameters no
    widget on the page claimed."""
    claimed = set(st.session_state.get(LINK_STATE, {})) | set(also_known) | PASS_THROUGH_PARAMS
    unknown = [f"unknown parameter `{k}`" for k in st.query_params.keys() if k not in claimed]
    return list(st.session_state.get(LINK_PROBLEMS, [])) + unknown


def _from_link(key: str) -> list[str] | None:
    """The link's values for a widget on its first draw this session, else None."""
    seen = st.session_state.setdefault(SEEN, set())
    if key in seen:
        return None
    seen.add(key)
    return st.query_params.get_all(key) or None


def _note(key: str, values: list[str], how: str) -> None:
    shown = ", ".join(v[:40] for v in values)[:80]
    st.session_state.setdefault(LINK_PROBLEMS, []).append(f"`{key}={shown}` {how}")


def _where(where):
    """Widgets go where the section puts them; in the embed view, to the closed sidebar."""
    return st.sidebar if is_embedded() else (where or st)


# --- the widgets ---------------------------------------------------------------------------


def select(label, options: dict, key: str, *, default=None, help=None, where=None):
    """A select box over `options` (code -> label); returns the chosen code."""
    return _one_of("selectbox", label, options, key, default=default, help=help, where=where)


def radio(label, options: dict, key: str, *, default=None, help=None, where=None, horizontal=True):
    """Radio buttons over `options` (code -> label); returns the chosen code."""
    return _one_of(
        "radio",
        label,
        options,
        key,
        default=default,
        help=help,
        where=where,
        horizontal=horizontal,
    )


def _one_of(kind, label, options, key, *, default, help, where, **more):
    codes = list(options)
    asked = _from_link(key)
    by_code = {str(c): c for c in codes}
    if asked and len(asked) == 1 and asked[0] in by_code and asked[0] not in options.values():
        default = by_code[asked[0]]  # named by its code: read, and nothing to note
        asked = None
    index = codes.index(default) if default in options else 0
    widget = getattr(_where(where), kind)
    chosen = widget(
        label,
        codes,
        index=index,
        format_func=lambda c: str(options.get(c, c)),
        key=key,
        help=help,
        **more,
        **BOUND,
    )
    if chosen not in options:  # a stale session value the options no longer hold
        chosen = codes[index]
    if asked and (len(asked) != 1 or asked[0] not in {str(v) for v in options.values()}):
        _note(key, asked, f"is not one of the choices for {label}; showing {options[chosen]}")
    remember(key, [options[chosen]], title=label)
    return chosen


def multiselect(label, options: dict, key: str, *, default=(), help=None, where=None) -> list:
    """A searchable list of `options` (code -> label); returns the chosen codes."""
    asked = _from_link(key)
    chosen = _where(where).multiselect(
        label,
        list(options),
        default=[d for d in default if d in options],
        format_func=lambda c: options.get(c, c),
        key=key,
        help=help,
        **BOUND,
    )
    labels = {str(v) for v in options.values()}
    # `key=` (one empty value) is the link of an emptied selection: valid
    if asked and asked != [""] and not all(v in labels for v in asked):
        _note(key, asked, "is not valid here")
    remember(key, [options.get(c, c) for c in chosen], title=label)
    return chosen


def year_range(label: str, key: str, first: int, last: int, *, where=None) -> tuple[int, int]:
    """Two years, bound to the URL; a reversed pair in a link is read in order."""
    asked = _from_link(key)
    lo, hi = _where(where).slider(
        label, min_value=first, max_value=last, value=(first, last), key=key, **BOUND
    )
    lo, hi = sorted((int(lo), int(hi)))
    if asked:
        try:
            years = [int(v) for v in asked]
        except ValueError:
            years = []
        if len(years) != 2 or not all(first <= y <= last for y in years):
            _note(key, asked, "is not valid here")
        elif years[0] > years[1]:
            _note(key, asked, f"is reversed: read as {lo}-{hi}")
    remember(key, [lo, hi], title=label, shown=f"{lo}-{hi}")
    return lo, hi


def percent_slider(label: str, key: str, default: float, *, help=None, where=None) -> float:
    """A 0-100 % slider in steps of 0.5; in the link and exports only when moved off its
    default (links stay short)."""
    asked = _from_link(key)
    # Always pass the default, even when follow_defaults set the value through session
    # state: the URL binding leaves a value out of the link only while it equals the
    # widget's default. (.streamlit/config.toml silences Streamlit's warning on the pair.)
    value = _where(where).slider(
        label,
        min_value=0.0,
        max_value=100.0,
        step=0.5,
        format="%.1f%%",
        key=key,
        value=default,
        help=help,
        **BOUND,
    )
    if asked:
        try:
            ok = len(asked) == 1 and 0.0 <= float(asked[0]) <= 100.0
        except ValueError:
            ok = False
        if not ok:
            _note(key, asked, "is not valid here")
    if abs(float(value) - default) > 1e-9:
        remember(key, [f"{value:g}"], title=label, shown=f"{value:g}%")
    return float(value)


def follow_defaults(state_key: str, signature, defaults: dict) -> None:
    """When `signature` (e.g. base year and scenario) changes after the first run, move the
    widgets `defaults` names (key -> value) to those values. A link's values apply on the
    first run."""
    if st.session_state.get(state_key) not in (None, signature):
        for key, value in defaults.items():
            st.session_state[key] = value
    st.session_state[state_key] = signature


# --- the Cotton and Tomatoes pages' sidebar --------------------------------------------------


def partners(options: dict[str, str], default: list[str]) -> list[str]:
    """Partner countries to compare (a searchable list); `options` maps ISO3 -> name."""
    return multiselect(
        "Partners",
        options,
        "partners",
        default=default,
        where=st.sidebar,
        help="Type to search every partner in the data. China is always drawn in the same "
        "colour; a chart draws at most 8 lines, the rest as 'other chosen partners'. 'World' "
        "is the all-partners total, where the source has one.",
    )


def measure() -> str:
    return radio(
        "Measure",
        MEASURES,
        "measure",
        where=st.sidebar,
        horizontal=False,
        help="Quantities and unit values exist only for HS6 lines (Comtrade); their units "
        "differ by line.",
    )
