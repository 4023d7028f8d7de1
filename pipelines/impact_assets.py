"""Outcomes flow back: after the month's lists, cases are opened for the outreach arm, the case
records become the warehouse's `interventions` table, and the impact report is written."""

import json

from dagster import MaterializeResult, MetadataValue, asset

from pipelines.model_assets import outreach_lists
from pipelines.resources import AbriResource


@asset(group_name="impact", deps=[outreach_lists], kinds={"duckdb", "json"},
       description="Cases « à contacter » for the month's outreach arm (never the holdout); the "
                   "`interventions` table (assignments LEFT JOIN case records, point-in-time); "
                   "reports/impact/impact.json (judgments averted per 100 randomised households) and "
                   "uplift.json (risk vs benefit targeting, a committee report, never deployed).")
def interventions(abri: AbriResource) -> MaterializeResult:
    from models.impact import (
        build_interventions,
        latest_list_month,
        month_assignments,
        write_impact,
    )
    from models.uplift import write_uplift

    con = abri.warehouse()
    try:
        month = latest_list_month(con)
        opened = abri.casework.open_cases(month_assignments(con, month)) if month else 0
        rows = build_interventions(con, abri.casework.intervention_records())
        path = write_impact(con, abri.reports, min_cell=abri.min_cell)
        uplift = write_uplift(con, abri.reports, seed=abri.seed)
    finally:
        con.close()
    report = json.loads(path.read_text(encoding="utf-8"))
    itt = report.get("itt_averted_per_100") or {}
    return MaterializeResult(metadata={
        "list_month": month or "", "cases_opened": opened, "rows": rows, "report": str(path),
        "randomised_matured": report.get("n", 0), "uplift_report": str(uplift),
        "itt_averted_per_100": MetadataValue.json(itt)})


impact_assets = [interventions]
