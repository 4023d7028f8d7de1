"""Monthly partitions over extract months: 2022-01 up to the current month (files of month m
can arrive during m for lag-0 sources). The demo city's 48 months start in 2022-11."""

from dagster import MonthlyPartitionsDefinition

FIRST_MONTH = "2022-01"
monthly = MonthlyPartitionsDefinition(start_date=FIRST_MONTH, end_offset=1, fmt="%Y-%m")
