"""Monthly partitions over extract months: 2023-01 up to the current month (files of month m
can arrive during m for lag-0 sources)."""

from dagster import MonthlyPartitionsDefinition

FIRST_MONTH = "2023-01"
monthly = MonthlyPartitionsDefinition(start_date=FIRST_MONTH, end_offset=1, fmt="%Y-%m")
