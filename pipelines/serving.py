"""Stage 5, serving: the month's scores and outreach lists (one partition per list month), the
cases and outcomes flowing back (`interventions`), and serving.duckdb published for the
dashboard (pipelines/publish.py, one SQL file per table in pipelines/sql/)."""


import json

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from abri.config import Paths
from pipelines.committee import audit_report
from pipelines.features import features
from pipelines.metadata import md_table
from pipelines.partitions import monthly
from pipelines.resources import WAREHOUSE, AbriResource


@asset(pool=WAREHOUSE, group_name="serving", deps=[features], partitions_def=monthly, kinds={"duckdb"},
       description="The champion scores the partition's month (the rule when no approved version beats it): "
                   "scores, each sector's outreach list within capacity, reasons in French, drift.")
def outreach_lists(context: AssetExecutionContext, abri: AbriResource) -> MaterializeResult:
    from abri.config import Retention
    from casework.subject import excluded_households
    from models.impact import recently_assigned
    from models.registry import serving_version
    from models.score import RULE_VERSION
    from models.workflow import score_month

    month = context.partition_key
    version, why = serving_version(abri.registry, ece_tolerance=abri.ece_tolerance)
    design = abri.casework.current_design()  # the committee's design; "none" until it decides
    con = abri.warehouse()
    try:
        exclude = recently_assigned(con, month) if design.randomised else None
        excluded = excluded_households(abri.casework,
                                       refusal_months=Retention.load(abri.home).refusal_exclusion_months)
        out = score_month(con, abri.registry, version or RULE_VERSION, month=month, capacity=abri.capacity,
                          design=design, seed=abri.seed, exclude=exclude, excluded=excluded,
                          drift_sample=abri.drift_sample_rows)
        by_sector = con.execute("SELECT sector, count(*) AS listed, min(probability) AS min_probability FROM outreach "
                                "WHERE strftime(snapshot_month, '%Y-%m') = ? GROUP BY 1 ORDER BY 1",
                                [out["month"]]).df()
    finally:
        con.close()
    return MaterializeResult(metadata={**out, "status": why, "by_sector": MetadataValue.md(md_table(by_sector))})


@asset(pool=WAREHOUSE, group_name="impact", deps=[outreach_lists], partitions_def=monthly, kinds={"duckdb", "json"},
       description="Cases « à contacter » for the month's outreach arm (never the holdout); the "
                   "`interventions` table (assignments LEFT JOIN case records, point-in-time); "
                   "reports/impact/impact.json (judgments averted per 100 randomised households) and "
                   "uplift.json (risk vs benefit targeting, a committee report, never deployed).")
def interventions(context: AssetExecutionContext, abri: AbriResource) -> MaterializeResult:
    from models.impact import build_interventions, month_assignments, write_impact
    from models.uplift import write_uplift

    month = context.partition_key
    con = abri.warehouse()
    try:
        opened = abri.casework.open_cases(month_assignments(con, month))
        rows = build_interventions(con, abri.casework.intervention_records())
        path = write_impact(con, abri.reports, min_cell=abri.min_cell)
        uplift = write_uplift(con, abri.reports, seed=abri.seed)
    finally:
        con.close()
    report = json.loads(path.read_text(encoding="utf-8"))
    return MaterializeResult(metadata={
        "list_month": month, "cases_opened": opened, "rows": rows, "report": str(path),
        "randomised_matured": report.get("n", 0), "uplift_report": str(uplift),
        "itt_averted_per_100": MetadataValue.json(report.get("itt_averted_per_100") or {})})


@asset(pool=WAREHOUSE, group_name="serving", deps=[outreach_lists, audit_report], kinds={"duckdb"},
       description="serving.duckdb, written anew and swapped in atomically for the dashboard.")
def serving_database(abri: AbriResource) -> MaterializeResult:
    from pipelines.publish import fairness_summary, publish

    summary = publish(abri.paths.warehouse, abri.serving_path, registry=abri.registry,
                      demonstration=abri.demonstration, extra_tables=fairness_summary(abri.registry, abri.reports))
    return MaterializeResult(metadata={"path": str(summary.path), "snapshot_month": summary.snapshot_month or "",
                                       "model_version": summary.model_version or "",
                                       "tables": MetadataValue.json(summary.tables)})


def latest_feature_month(paths: Paths) -> str | None:
    """The newest snapshot month of the features ('YYYY-MM'): the partition `abri score` lists."""
    import duckdb

    from ingest import connect_warehouse

    if not paths.warehouse.exists():
        return None
    con = connect_warehouse(paths)
    try:
        return con.execute("SELECT strftime(max(snapshot_month), '%Y-%m') FROM features").fetchall()[0][0]
    except duckdb.CatalogException:  # no features table yet: nothing to score
        return None
    finally:
        con.close()


serving_assets = [outreach_lists, interventions, serving_database]
