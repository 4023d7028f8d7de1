"""Metadata shown in the Dagster UI, formatted one way for every asset."""

import pandas as pd


def md_table(df: pd.DataFrame, digits: int = 3) -> str:
    """A DataFrame as a Markdown table (rounded), or "_vide_"."""
    return df.round(digits).to_markdown(index=False) if len(df) else "_vide_"
