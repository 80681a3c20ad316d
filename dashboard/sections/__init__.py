"""Each page's sections: what they build from the filters, as blocks (dashboard.blocks)."""
