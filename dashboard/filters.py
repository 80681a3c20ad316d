"""Sidebar filters shared by the pages.

Every filter is bound to the URL (so a link reopens the same view) and persists
for the session (so a choice carries across pages). Widgets share keys across
pages on purpose: the key is the URL parameter name. Streamlit writes an option's
displayed label into the URL (`?partners=China`), so links are validated by label.
"""

from dataclasses import dataclass

import streamlit as st

from dashboard.embed import is_embedded

MEASURES = {
    "value": "Value (USD)",
    "quantity": "Quantity (HS6 only)",
    "unit_value": "Unit value (USD per unit, HS6 only)",
}
# Parameters the app itself adds or Streamlit understands; never reported as unknown.
PASS_THROUGH_PARAMS = {"embed", "embed_options", "chart"}

BOUND = {"bind": "query-params", "persist_state": "session"}
LINK_STATE = "_link_params"  # key -> Remembered
CHOICES_SEEN = "_choices_seen"  # select boxes this session has drawn (see choose)
# The sidebar filters the Cotton and Tomatoes pages share (widget keys = URL keys).
SHARED_KEYS = ("partners", "years", "measure")


@dataclass(frozen=True)
class Remembered:
    """A filter in effect: its URL values (as Streamlit writes them), and its widget's
    label and value as shown on screen, for exported files."""

    values: list[str]
    title: str
    shown: str


def start_page() -> None:
    """Forget the previous page's link parameters (called once at the top of each page)."""
    st.session_state[LINK_STATE] = {}


def remember(key: str, labels: list, *, title: str | None = None, shown: str | None = None):
    """Record a filter for the 'link to this view' box (`labels` as they appear in the
    URL) and for exported files (the widget's `title`, the value as `shown` on screen)."""
    values = [str(v) for v in labels]
    st.session_state.setdefault(LINK_STATE, {})[key] = Remembered(
        values, title or key, shown if shown is not None else ", ".join(values)
    )


def filters_shown() -> dict[str, str]:
    """The view's filters as an exported file lists them: widget label -> value shown."""
    return {r.title: r.shown for r in st.session_state.get(LINK_STATE, {}).values()}


def link_params() -> list[tuple[str, str]]:
    """The current view's URL parameters, as Streamlit would write them."""
    state = st.session_state.get(LINK_STATE, {})
    return [(k, v) for k, r in state.items() for v in r.values]


def check_link_params(valid: dict) -> None:
    """Tell the user, visibly, which URL parameters were not understood.

    `valid` maps each parameter this page reads to a predicate over its list of raw
    values: True, False, or a note on how an odd value was read. A bound widget keeps
    what it can read of a value (the known half of a list, the last of a repeated key)
    or its default; the note says which parameters were not usable, and the sidebar
    shows what is in effect.
    """
    problems = []
    for key in st.query_params.keys():
        values = st.query_params.get_all(key)
        if key in PASS_THROUGH_PARAMS:
            continue
        check = valid.get(key)
        if check is None:
            problems.append(f"unknown parameter `{key}`")
            continue
        try:
            ok = check(values)
        except (ValueError, TypeError):
            ok = False
        shown = ", ".join(v[:40] for v in values)[:80]
        if isinstance(ok, str):  # readable, and the predicate says how it was read
            problems.append(f"`{key}={shown}` {ok}")
        elif not ok:
            problems.append(f"`{key}={shown}` is not valid here")
    if problems:
        st.warning(
            "Part of this link could not be used: "
            + "; ".join(problems)
            + ". The filters in the sidebar show what is in effect (defaults where "
            "nothing could be read).",
            icon="⚠️",
        )


def partners(options: dict[str, str], default: list[str]) -> list[str]:
    """Partner countries to compare (a searchable list); `options` maps ISO3 -> name."""
    chosen = st.sidebar.multiselect(
        "Partners",
        list(options),
        default=[p for p in default if p in options],
        format_func=lambda iso3: options.get(iso3, iso3),
        key="partners",
        help="Type to search every partner in the data. China is always drawn in the same "
        "colour; a chart draws at most 8 lines, the rest as 'other chosen partners'. 'World' "
        "is the all-partners total, where the source has one.",
        **BOUND,
    )
    remember("partners", [options.get(p, p) for p in chosen], title="Partners")
    return chosen


def valid_partners(options: dict[str, str]):
    labels = set(options.values())
    # `partners=` (one empty value) is the link of an emptied selection: valid.
    return lambda values: values == [""] or all(v in labels for v in values)


def year_range(first: int, last: int) -> tuple[int, int]:
    lo, hi = st.sidebar.slider(
        "Years", min_value=first, max_value=last, value=(first, last), key="years", **BOUND
    )
    lo, hi = sorted((lo, hi))  # a link may hold the range reversed
    remember("years", [lo, hi], title="Years", shown=f"{lo}-{hi}")
    return int(lo), int(hi)


def valid_years(first: int, last: int):
    def check(values):
        years = [int(v) for v in values]
        if len(years) != 2 or not all(first <= y <= last for y in years):
            return False
        lo, hi = sorted(years)
        return True if years[0] <= years[1] else f"is reversed: read as {lo}-{hi}"

    return check


def measure() -> str:
    chosen = st.sidebar.radio(
        "Measure",
        list(MEASURES),
        format_func=MEASURES.get,
        key="measure",
        help="Quantities and unit values exist only for HS6 lines (Comtrade); their units "
        "differ by line.",
        **BOUND,
    )
    remember("measure", [MEASURES[chosen]], title="Measure")
    return chosen


def valid_choice(labels):
    """Exactly one value, one of the displayed labels."""
    allowed = set(labels)
    return lambda values: len(values) == 1 and values[0] in allowed


def choose(
    label: str,
    options: dict[str, str],
    key: str,
    *,
    default: str | None = None,
    sidebar: bool = False,
    help: str | None = None,
):
    """A select box over `options` (code -> label), bound to the URL under `key`.

    A link may name an option by its code (`cotton_chapter=52`) as well as by the label
    Streamlit writes. A value that is neither gets a visible note when it came with the
    link, but not when it is left over in the URL from an earlier choice whose options
    have since changed (the previous chapter's heading): that is no news to the user."""
    # The embed view shows a chart alone: its selectors go to the (hidden) sidebar.
    where = st.sidebar if sidebar or is_embedded() else st
    codes = list(options)
    asked = st.query_params.get_all(key)
    seen = st.session_state.setdefault(CHOICES_SEEN, set())
    from_link = key not in seen  # the first run of this widget reads the page's link
    seen.add(key)
    by_code = {str(c): c for c in codes}
    if from_link and len(asked) == 1 and asked[0] in by_code:
        default = by_code[asked[0]]
        asked = [options[default]]
    index = codes.index(default) if default in options else 0
    chosen = where.selectbox(
        label, codes, index=index, format_func=options.get, key=key, help=help, **BOUND
    )
    labels = {str(v) for v in options.values()}
    if from_link and len(asked) == 1 and asked[0] not in labels:
        # The options depend on other choices, so check_link_params cannot know them.
        where.warning(
            f"Part of this link could not be used: `{key}={asked[0][:40]}` is not one of "
            f"the choices for {label}; showing {options[chosen]}.",
            icon="⚠️",
        )
    remember(key, [options[chosen]], title=label)
    return chosen
