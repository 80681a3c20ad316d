"""The Revisions page's questions: which pairs of vintages hold the same figures, and every
figure whose value changed between two of them."""

import pandas as pd

from dashboard.db import cached_query, run_query


@cached_query
def revision_checks() -> pd.DataFrame:
    """Every pair of consecutive vintages that hold the same figures, with how many were
    compared and how many changed (mart_revision_checks_by_vintage_pair)."""
    return run_query(
        "select * from mart_revision_checks_by_vintage_pair "
        "order by source, new_vintage_date desc, old_vintage_date desc, old_dataset, new_dataset"
    )


@cached_query
def revised_figures(source: str | None = None) -> pd.DataFrame:
    """Every revised figure (mart_revisions_by_figure), of one source or all."""
    return run_query(
        """
        select source, reporter_iso3, flow, partner_iso3, partner_name, partner_kind, hs_code,
               description, year, month, period, frequency, old_value_usd, new_value_usd,
               change_usd, change_share, old_dataset, old_vintage, old_vintage_date,
               new_dataset, new_vintage, new_vintage_date
        from mart_revisions_by_figure
        where $source is null or source = $source
        order by source, new_vintage_date desc, period, hs_code, partner_iso3
        """,
        {"source": source},
    )
