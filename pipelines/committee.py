"""Stage 4, the ethics committee's pack for the candidate: one asset per artefact, each with
its own metadata, in reports/<version>/. Each receives the version from `candidate_model`'s
value; the work is governance.committee's (the same steps `committee_pack` runs in one call)."""


import hashlib
import json
from pathlib import Path

from dagster import MaterializeResult, MetadataValue, asset

from abri.progress import report
from governance import committee
from pipelines.models import candidate_model
from pipelines.resources import WAREHOUSE, AbriResource


def _file(path: Path) -> dict:
    return {"report": MetadataValue.path(str(path)),
            "report_sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


@asset(pool=WAREHOUSE, group_name="audit", deps=[candidate_model], kinds={"html"},
       description="Misses and over-flagging of the candidate's lists by group, with intervals, small "
                   "groups suppressed (reports/<version>/audit.html, audit.json).")
def audit_report(abri: AbriResource, candidate_model: str) -> MaterializeResult:
    report("comité : audit", 0, 4)  # abri run's bar: which report is being written
    con = abri.warehouse()
    try:
        result, _, html = committee.audit(con, candidate_model, metadata=abri.registry.metadata(candidate_model),
                                          out_dir=abri.reports / candidate_model, capacity=abri.capacity,
                                          seed=abri.seed, tolerance=abri.tolerance, min_cell=abri.min_cell,
                                          n_boot=abri.audit_bootstrap, district=abri.city_config.district_label)
    finally:
        con.close()
    specs = result.to_dict().get("group_specs", [])
    return MaterializeResult(metadata={"version": candidate_model, **_file(html),
                                       "groups_audited": sum(len(s["groups"]) for s in specs)})


@asset(pool=WAREHOUSE, group_name="audit", deps=[candidate_model], kinds={"html"},
       description="What weighs in the candidate's scores, proxies of protected attributes, gaps between "
                   "groups, stability across seeds (reports/<version>/explanations.html).")
def explanations_report(abri: AbriResource, candidate_model: str) -> MaterializeResult:
    report("comité : explications", 1, 4)  # abri run's bar: which report is being written
    con = abri.warehouse()
    try:
        path = committee.explanations(con, candidate_model, booster=abri.registry.load(candidate_model),
                                      metadata=abri.registry.metadata(candidate_model),
                                      out_dir=abri.reports / candidate_model, seed=abri.seed,
                                      stability_seeds=abri.seed_boosters, stability_rows=abri.seed_booster_rows,
                                      sample=abri.explanation_sample_rows)
    finally:
        con.close()
    record = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return MaterializeResult(metadata={
        "version": candidate_model, **_file(path),
        "proxies_named": len(record["proxies"]["named"]),
        "stability_mean_jaccard": MetadataValue.float(float(record["stability"].get("mean_jaccard", float("nan"))))})


@asset(pool=WAREHOUSE, group_name="audit", deps=[candidate_model], kinds={"html"},
       description="Fairlearn's mitigations by tenure beside the unmitigated lists, compared, never applied "
                   "(reports/<version>/mitigation.html).")
def mitigation_report(abri: AbriResource, candidate_model: str) -> MaterializeResult:
    report("comité : atténuation", 2, 4)  # abri run's bar: which report is being written
    con = abri.warehouse()
    try:
        path = committee.mitigation(con, candidate_model, booster=abri.registry.load(candidate_model),
                                    out_dir=abri.reports / candidate_model, capacity=abri.capacity, seed=abri.seed,
                                    min_cell=abri.min_cell, label_delay=abri.horizon_months + abri.court_delay_months,
                                    max_rows=abri.mitigation_max_rows)
    finally:
        con.close()
    return MaterializeResult(metadata={"version": candidate_model, **_file(path)})


@asset(group_name="audit", deps=[audit_report, explanations_report, mitigation_report], kinds={"html", "json"},
       description="The model card, datasheet, Etalab entry and AI Act Annex IV map of the candidate "
                   "(Annex IV lists the evidence the three reports wrote).")
def committee_documents(abri: AbriResource, candidate_model: str) -> MaterializeResult:
    report("comité : documents", 3, 4)  # abri run's bar: which report is being written
    from abri.config import Retention

    impact = abri.reports / "impact" / "impact.json"
    retention = Retention.load(abri.home)
    docs = committee.documents(metadata=abri.registry.metadata(candidate_model), out_dir=abri.reports / candidate_model,
                               retention=retention, design=abri.casework.current_design().to_dict(),
                               impact=json.loads(impact.read_text(encoding="utf-8")) if impact.exists() else None,
                               city=abri.city_config, log_days=retention.access_log_days)
    return MaterializeResult(metadata={"version": candidate_model, "documents": ", ".join(sorted(docs)),
                                       "folder": MetadataValue.path(str(abri.reports / candidate_model))})


committee_assets = [audit_report, explanations_report, mitigation_report, committee_documents]
