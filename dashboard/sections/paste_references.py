"""The Tomato paste page's reference figures as blocks: bordered boxes of cited quotes,
the like-for-like pairs side by side, and the table of every transcribed figure. Never a
series, never joined to a statistical series."""

import pandas as pd

from dashboard import paste_view as view
from dashboard import queries
from dashboard.blocks import Box, Note, Prose, Row

MISSING = "{} is not in this warehouse."


def quote_cards(figs: list[pd.Series]) -> list[Note]:
    """One card per quote: figures transcribed from the same sentence are shown together,
    each with every other source that printed it."""
    citations = queries.ref_figure_citations(tuple(f["figure_id"] for f in figs))
    return [
        Note(view.quote_markdown(group, citations), "markdown") for group in view.by_quote(figs)
    ]


def box(ids: list[str], body, intro: str = "") -> Box:
    """A bordered box of cited figures: the heading and note, `body(by_id)`, then the ids
    this warehouse lacks."""
    by_id = view.by_figure_id(queries.ref_figures(tuple(ids)))
    missing = view.missing_note(ids, by_id)
    blocks = [Note(view.ref_note(intro)), *body(by_id)]
    return Box(blocks + ([Note(missing)] if missing else []), heading=view.REF_HEADING)


def theme_box(theme: str, intro: str = "") -> Box:
    ids = view.REF_THEMES[theme][1]
    return box(ids, lambda by_id: quote_cards([by_id[i] for i in ids if i in by_id]), intro)


def share_box() -> Box:
    """The pairs SOURCES.md section 11 names as like-for-like, side by side, then other
    published statements of China's place among paste exporters."""
    ids = [i for pair in view.LIKE_FOR_LIKE for i in pair[:2]] + view.SHARE_STATEMENTS

    def body(by_id):
        blocks = [Prose("paste/like_for_like.md")]
        for china_id, world_id, note in view.LIKE_FOR_LIKE:
            blocks.append(Note(note + "."))
            blocks.append(
                Row(
                    [
                        quote_cards([by_id[f]]) if f in by_id else [Note(MISSING.format(f))]
                        for f in (china_id, world_id)
                    ]
                )
            )
        blocks.append(
            Note(
                "**Other published statements of China's place among paste exporters**", "markdown"
            )
        )
        return blocks + quote_cards([by_id[i] for i in view.SHARE_STATEMENTS if i in by_id])

    return box(ids, body)
