"""Features as data: each feature says where it comes from, over which window, how it is
aggregated, how a missing value is read, and which plain-French reason it feeds.

The SQL (features/build.py), the feature dictionary (docs/feature-dictionary.md) and the reason
sentences all read these declarations. Point-in-time rule, for a snapshot month t (data through
the end of t): a file of month m of a source with lag L is usable only if m + L <= t. Event
windows count events dated in the N months ending with t, among the files usable at t.

Missing is not zero: snapshot features are NULL when the household is absent from the
partner's latest usable file (a private tenant has no landlord account: unknown arrears, not
zero arrears). Event counts are NULL until the partner's first file is usable, then count
the events of the delivered months within the window (0 when there were none).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ingest.contract import SOURCES

# reason groups: related features make one reason for the social worker
REASON_GROUPS = {
    "arrears": ("Impayés de loyer", "Rent arrears"),
    "caf_report": ("Signalement d'impayé à la CAF", "Unpaid-rent report to the CAF"),
    "procedure": ("Procédure d'expulsion engagée", "Eviction procedure under way"),
    "income": ("Baisse ou faiblesse des ressources", "Low or falling income"),
    "benefits": ("Aides au logement et minima sociaux", "Housing allowance and benefits"),
    "energy": ("Impayés d'énergie", "Unpaid energy bills"),
    "fsl": ("Demandes d'aide au FSL", "Housing solidarity fund (FSL) requests"),
    "social_services": ("Contacts avec les services sociaux", "Contacts with social services"),
    "employment": ("Perte d'emploi", "Job loss"),
    "household": ("Situation du ménage et du logement", "Household and dwelling"),
}


@dataclass(frozen=True)
class Feature:
    """One column of the feature table.

    kind: `snapshot` reads one column of the source's history table (features/sql/
    history_<source>.sql) at the latest usable month; `event` aggregates the source's events
    in a window of `window` months (None: all usable history); `derived` combines features.
    expr: for snapshots, the history column; for events, a DuckDB aggregate over the usable
    events (alias e, the cohort row is c) where `{w}` stands for "in the window", e.g.
    "count(*) FILTER (WHERE e.type_evenement = 'assignation' AND {w})"; for derived features,
    an expression over other features.
    """

    name: str
    source: str
    kind: str
    expr: str
    reason_group: str
    label_fr: str
    label_en: str
    unit: str = ""
    window: int | None = None
    definition: str = ""
    monotone: int = 0  # +1: the risk may only rise with the value (a LightGBM constraint)
    # the reason sentence a social worker reads (models/reasons.py), French and English; empty:
    # "label : value unit". Placeholders, filled in the reader's locale by reports/fmt.py:
    # {months} a number of months with one decimal ("3,2"), {n} a whole number ("5"),
    # {pct} the value's size as a percentage ("35 %"), {stage} the procedure stage's name
    reason_fr: str = ""
    reason_en: str = ""
    # the sentence when {n} is singular by the language's plural rule (Babel: French 0 and 1,
    # English 1): "en impayé depuis 1 mois" / "in arrears for 1 month"; empty: the sentence above
    reason_fr_one: str = ""
    reason_en_one: str = ""

    @property
    def lag(self) -> int:
        return SOURCES[self.source].lag_months


def _s(name, source, column, group, fr, en, unit="", definition="", **reason):
    return Feature(name, source, "snapshot", column, group, fr, en, unit, None, definition or column, **reason)


def _e(name, source, expr, window, group, fr, en, unit="", definition="", **reason):
    return Feature(name, source, "event", expr, group, fr, en, unit, window, definition or expr, **reason)


def _derived(name, expr, group, fr, en, unit, definition, monotone=0, **reason):
    return Feature(name, "justice", "derived", expr, group, fr, en, unit, None, definition, monotone, **reason)


# a debt known to be cleared (CAF report lifted or a landlord balance of zero) ends the procedure
_DEBT_CLEARED = "coalesce(caf_unpaid_report = 0, false) OR coalesce(arrears_months = 0, false)"
_ASSIGNATION_OPEN = (f"months_since_assignation IS NOT NULL AND coalesce(months_since_payment_delays > "
                     f"months_since_assignation, true) AND NOT ({_DEBT_CLEARED})")
_DELAYS_OPEN = (f"months_since_payment_delays IS NOT NULL AND coalesce(months_since_payment_delays <= "
                f"months_since_assignation, true) AND NOT ({_DEBT_CLEARED})")


def _count(type_column: str, value: str) -> str:
    return f"count(*) FILTER (WHERE e.{type_column} = '{value}' AND {{w}})"


def _months_since(type_column: str, value: str) -> str:
    return (f"date_diff('month', max(e.event_date) FILTER (WHERE e.{type_column} = '{value}'), "
            "c.snapshot_month)")


FEATURES: tuple[Feature, ...] = (
    # social landlords' rent accounts (social tenants only: NULL for private tenants)
    _s("arrears_months", "bailleurs", "arrears_months", "arrears", "mois de loyer impayés", "months of rent owed", "mois", "solde_debiteur / quittance",
       reason_fr="{months} mois de loyer impayés", reason_en="{months} months of rent owed"),
    _s("arrears_amount", "bailleurs", "solde_debiteur", "arrears", "montant des impayés", "arrears amount", "EUR"),
    _s("arrears_change_1m", "bailleurs", "arrears_change_1m", "arrears", "évolution des impayés sur 1 mois", "change in arrears over 1 month", "mois",
       reason_fr="impayés en hausse de {months} mois sur le dernier mois", reason_en="arrears up {months} months last month"),
    _s("arrears_change_3m", "bailleurs", "arrears_change_3m", "arrears", "évolution des impayés sur 3 mois", "change in arrears over 3 months", "mois",
       reason_fr="impayés en hausse de {months} mois sur 3 mois", reason_en="arrears up {months} months over 3 months"),
    _s("arrears_change_6m", "bailleurs", "arrears_change_6m", "arrears", "évolution des impayés sur 6 mois", "change in arrears over 6 months", "mois"),
    _s("months_in_arrears", "bailleurs", "months_in_arrears", "arrears", "mois consécutifs en impayé", "consecutive months in arrears", "mois",
       reason_fr="en impayé depuis {n} mois", reason_en="in arrears for {n} months",
       reason_en_one="in arrears for {n} month"),
    _s("payment_ratio_3m", "bailleurs", "payment_ratio_3m", "arrears", "part du loyer payée sur 3 mois", "share of rent paid over 3 months", "ratio"),
    _s("repayment_plan", "bailleurs", "plan", "arrears", "plan d'apurement en cours", "repayment plan in force", "0/1"),
    _s("repayment_plan_broken", "bailleurs", "plan_broken_6m", "arrears", "plan d'apurement rompu (6 mois)", "repayment plan broken (6 months)", "0/1",
       reason_fr="plan d'apurement rompu récemment", reason_en="repayment plan recently broken"),
    _s("rent_due", "bailleurs", "quittance", "household", "loyer quittancé", "rent due", "EUR"),
    # CAF
    _s("caf_unpaid_report", "caf", "unpaid_report", "caf_report", "impayé signalé à la CAF", "unpaid rent reported to the CAF", "0/1",
       reason_fr="impayé signalé à la CAF", reason_en="unpaid rent reported to the CAF"),
    _s("months_since_caf_report", "caf", "months_since_report", "caf_report", "mois depuis le signalement CAF", "months since the CAF report", "mois",
       reason_fr="signalement CAF il y a {n} mois", reason_en="CAF report {n} months ago",
       reason_en_one="CAF report {n} month ago"),
    _s("housing_allowance", "caf", "montant_al", "benefits", "aide au logement", "housing allowance", "EUR"),
    _s("housing_allowance_suspended", "caf", "allowance_suspended", "benefits", "aide au logement suspendue", "housing allowance suspended", "0/1",
       reason_fr="aide au logement suspendue", reason_en="housing allowance suspended"),
    _s("allowance_change_3m", "caf", "allowance_change_3m", "benefits", "évolution de l'aide au logement sur 3 mois", "change in housing allowance over 3 months", "EUR"),
    _s("rsa_amount", "caf", "montant_rsa", "benefits", "montant du RSA", "RSA amount", "EUR"),
    _s("rsa_started_6m", "caf", "rsa_started_6m", "income", "entrée au RSA (6 mois)", "started RSA (6 months)", "0/1"),
    _s("income", "caf", "ressources_mensuelles", "income", "ressources mensuelles", "monthly income", "EUR"),
    _s("income_change_3m", "caf", "income_change_3m", "income", "évolution des ressources sur 3 mois", "income change over 3 months", "ratio",
       reason_fr="ressources en baisse de {pct} sur 3 mois", reason_en="income down {pct} over 3 months"),
    _s("income_change_6m", "caf", "income_change_6m", "income", "évolution des ressources sur 6 mois", "income change over 6 months", "ratio",
       reason_fr="ressources en baisse de {pct} sur 6 mois", reason_en="income down {pct} over 6 months"),
    _s("income_band", "caf", "qf_band", "income", "tranche de quotient familial", "family quotient band", "1-5"),
    _s("separation_12m", "caf", "separation_12m", "household", "séparation déclarée (12 mois)", "separation declared (12 months)", "0/1",
       reason_fr="séparation déclarée dans l'année", reason_en="separation declared this year"),
    _s("income_drop_declared_6m", "caf", "income_drop_6m", "income", "baisse de ressources déclarée (6 mois)", "income drop declared (6 months)", "0/1"),
    _s("caf_known", "caf", "known", "benefits", "allocataire de la CAF", "CAF allocataire", "0/1"),
    # household reference
    _s("rent", "menages", "loyer", "household", "loyer", "rent", "EUR"),
    _s("rent_per_m2", "menages", "rent_per_m2", "household", "loyer au m²", "rent per m²", "EUR/m²"),
    _s("household_size", "menages", "nb_personnes", "household", "taille du ménage", "household size", "personnes"),
    _s("children", "menages", "nb_enfants", "household", "enfants", "children", "enfants"),
    _s("household_size_change_12m", "menages", "size_change_12m", "household", "évolution de la taille du ménage (12 mois)", "household size change (12 months)", "personnes"),
    _s("months_since_move_in", "menages", "months_since_move_in", "household", "ancienneté dans le logement", "months since move-in", "mois"),
    Feature("rent_burden", "caf", "derived", "(rent - coalesce(housing_allowance, 0)) / nullif(income, 0)", "income",
            "taux d'effort (loyer net / ressources)", "rent burden (net rent / income)", "ratio", None,
            "(rent - housing_allowance) / income, from the latest usable CAF month",
            reason_fr="taux d'effort de {pct}", reason_en="rent burden of {pct}"),
    # courts
    _e("commandements_24m", "justice", _count("type_evenement", "commandement_payer"), 24, "procedure", "commandements de payer (24 mois)", "formal demands to pay (24 months)", "nombre",
       reason_fr="commandement de payer reçu", reason_en="formal demand to pay received"),
    _e("assignations_24m", "justice", _count("type_evenement", "assignation"), 24, "procedure", "assignations (24 mois)", "court summons (24 months)", "nombre",
       reason_fr="assignation devant le tribunal", reason_en="court summons received"),
    _e("payment_delays_granted_24m", "justice", "count(*) FILTER (WHERE e.decision = 'delais_paiement' AND {w})", 24, "procedure", "délais de paiement accordés par le juge (24 mois)", "payment delays granted by the court (24 months)", "nombre"),
    _e("months_since_commandement", "justice", _months_since("type_evenement", "commandement_payer"), None, "procedure", "mois depuis le commandement de payer", "months since the formal demand", "mois",
       reason_fr="commandement de payer il y a {n} mois", reason_en="formal demand {n} months ago",
       reason_en_one="formal demand {n} month ago"),
    _e("months_since_assignation", "justice", _months_since("type_evenement", "assignation"), None, "procedure", "mois depuis l'assignation", "months since the summons", "mois",
       reason_fr="assignation il y a {n} mois", reason_en="summons {n} months ago",
       reason_en_one="summons {n} month ago"),
    _e("procedure_stage", "justice",
       "coalesce(max(CASE e.type_evenement WHEN 'commandement_payer' THEN 1 WHEN 'assignation' THEN 2 "
       "WHEN 'jugement' THEN 3 ELSE 0 END) FILTER (WHERE e.event_date > c.snapshot_month - INTERVAL 12 MONTH), 0)",
       None, "procedure", "stade de procédure le plus avancé (12 mois)", "furthest procedure stage (12 months)", "0-3",
       reason_fr="procédure au stade {stage}", reason_en="procedure at stage {stage}"),
    _e("court_debt_claimed", "justice", "max(e.montant_dette) FILTER (WHERE e.event_date > c.snapshot_month - INTERVAL 12 MONTH)", None,
       "procedure", "dette réclamée en justice", "debt claimed in court", "EUR"),
    # FSL
    _e("fsl_requests_12m", "fsl", _count("type_evenement", "demande"), 12, "fsl", "demandes FSL (12 mois)", "FSL requests (12 months)", "nombre"),
    _e("fsl_refusals_12m", "fsl", _count("decision", "refuse"), 12, "fsl", "refus FSL (12 mois)", "FSL refusals (12 months)", "nombre",
       reason_fr="demande FSL refusée dans l'année", reason_en="FSL request refused this year"),
    _e("fsl_grants_24m", "fsl", _count("decision", "accorde"), 24, "fsl", "aides FSL accordées (24 mois)", "FSL grants (24 months)", "nombre"),
    # energy
    _e("energy_unpaid_6m", "energie", _count("type_evenement", "impaye_facture"), 6, "energy", "impayés d'énergie (6 mois)", "unpaid energy bills (6 months)", "nombre",
       reason_fr="{n} impayés d'énergie en 6 mois", reason_fr_one="{n} impayé d'énergie en 6 mois",
       reason_en="{n} unpaid energy bills in 6 months", reason_en_one="{n} unpaid energy bill in 6 months"),
    _e("energy_unpaid_12m", "energie", _count("type_evenement", "impaye_facture"), 12, "energy", "impayés d'énergie (12 mois)", "unpaid energy bills (12 months)", "nombre",
       reason_fr="{n} impayés d'énergie en 12 mois", reason_fr_one="{n} impayé d'énergie en 12 mois",
       reason_en="{n} unpaid energy bills in 12 months", reason_en_one="{n} unpaid energy bill in 12 months"),
    _e("power_reductions_12m", "energie", _count("type_evenement", "reduction_puissance"), 12, "energy", "réductions de puissance (12 mois)", "power reductions (12 months)", "nombre",
       reason_fr="réduction de puissance électrique", reason_en="electricity power reduced"),
    _e("energy_debt_12m", "energie", "coalesce(sum(e.montant_impaye) FILTER (WHERE {w}), 0)", 12, "energy", "montant des impayés d'énergie (12 mois)", "unpaid energy amount (12 months)", "EUR"),
    # social services
    _e("social_contacts_3m", "services_sociaux", "count(*) FILTER (WHERE {w})", 3, "social_services", "contacts avec les services sociaux (3 mois)", "social-service contacts (3 months)", "nombre"),
    _e("social_contacts_12m", "services_sociaux", "count(*) FILTER (WHERE {w})", 12, "social_services", "contacts avec les services sociaux (12 mois)", "social-service contacts (12 months)", "nombre"),
    _e("budget_contacts_12m", "services_sociaux", _count("motif", "budget"), 12, "social_services", "entretiens budget (12 mois)", "budget interviews (12 months)", "nombre"),
    _e("social_diagnosis_12m", "services_sociaux", _count("type_contact", "diagnostic_social_financier"), 12, "procedure", "diagnostic social et financier (12 mois)", "social and financial diagnosis (12 months)", "nombre"),
    # France Travail
    _e("unemployment_registrations_12m", "france_travail", _count("type_evenement", "inscription"), 12, "employment", "inscriptions à France Travail (12 mois)", "registrations as unemployed (12 months)", "nombre",
       reason_fr="inscription à France Travail dans l'année", reason_en="registered as unemployed this year"),
    _e("end_of_rights_12m", "france_travail", _count("type_evenement", "fin_de_droits"), 12, "employment", "fins de droits au chômage (12 mois)", "end of unemployment rights (12 months)", "nombre",
       reason_fr="fin de droits au chômage", reason_en="end of unemployment rights"),
    _e("months_since_registration", "france_travail", _months_since("type_evenement", "inscription"), None, "employment", "mois depuis l'inscription à France Travail", "months since registering as unemployed", "mois"),
    _e("back_to_work_12m", "france_travail", _count("type_evenement", "reprise_emploi"), 12, "employment", "reprises d'emploi (12 mois)", "back to work (12 months)", "nombre"),
    _e("months_since_payment_delays", "justice", _months_since("decision", "delais_paiement"), None, "procedure", "mois depuis les délais de paiement accordés par le juge", "months since the court granted payment delays", "mois"),
    # the procedure's current stage, read from the court acts and from whether the debt behind
    # them is still open: the demo city's risk sits in this latent stage (gap decomposition,
    # docs/models.md), and a tree learns it from a handful of judgments only when it is a column
    _derived("debt_episode_known", "(caf_unpaid_report IS NOT NULL OR arrears_months IS NOT NULL)::INTEGER", "arrears",
             "situation d'impayé connue (CAF ou bailleur)", "arrears situation known (CAF or landlord)", "0/1",
             "1 if the CAF or a social landlord reports on the household's rent"),
    _derived("hearing_pending", f"({_ASSIGNATION_OPEN})::INTEGER", "procedure",
             "audience attendue (assignation sans délais accordés, dette non soldée)",
             "hearing pending (summons, no payment delays, debt not cleared)", "0/1",
             "an assignation known, no payment delays granted after it, and the debt not known to be cleared",
             monotone=1),
    _derived("payment_delays_in_force", f"({_DELAYS_OPEN})::INTEGER", "procedure",
             "délais de paiement en cours", "payment delays in force", "0/1",
             "payment delays granted after the latest assignation, and the debt not known to be cleared"),
    _derived("procedure_stage_current",
             f"CASE WHEN {_ASSIGNATION_OPEN} THEN 3 WHEN months_since_commandement <= 24 AND NOT ({_DEBT_CLEARED}) THEN 2 "
             f"WHEN coalesce(caf_unpaid_report = 1, false) OR coalesce(arrears_months > 0, false) THEN 1 ELSE 0 END",
             "procedure", "stade actuel de la procédure (0-3)", "current procedure stage (0-3)", "0-3",
             "3 hearing pending, 2 formal demand within 24 months with the debt still open, 1 unpaid rent reported, 0 none",
             monotone=1),
)

# risk can only rise with these (the rule's own criteria): the model can never order them backwards
_RISING = ("arrears_months", "caf_unpaid_report", "housing_allowance_suspended", "commandements_24m",
           "assignations_24m", "procedure_stage")
FEATURES = tuple(replace(f, monotone=1) if f.name in _RISING else f for f in FEATURES)
FEATURE_NAMES = tuple(f.name for f in FEATURES)

# Audit attributes: used to audit, never as features (features/sql/audit_attributes.sql)
AUDIT_ATTRIBUTES = ("sexe", "age_band", "nationalite", "handicap", "famille_monoparentale", "qpv",
                    "tenure", "arrondissement")


def feature(name: str) -> Feature:
    for f in FEATURES:
        if f.name == name:
            return f
    raise KeyError(f"unknown feature {name!r}")


def render_dictionary() -> str:
    """docs/feature-dictionary.md, generated from the declarations."""
    lines = [
        "# Feature dictionary",
        "",
        "Generated from `features/declare.py` by `abri feature-doc`; do not edit by hand.",
        "A feature at snapshot month *t* uses a source's file of month *m* only if *m + lag <= t*.",
        "Snapshot features are empty when the household is absent from the partner's latest usable",
        "file; event counts are empty until the partner's first file is usable, then count the",
        "events of the delivered months within the window.",
        "",
        "| feature | source | lag | window | unit | reason group | libellé | label | definition | raison | reason |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def sentence(main: str, one: str) -> str:  # the social worker's sentence, its singular after " / "
        return " / ".join(x.replace("|", "\\|") for x in (main, one) if x)

    for f in FEATURES:
        window = f"{f.window} mois" if f.window else {"snapshot": "dernier mois disponible", "event": "tout l'historique",
                                                          "derived": "dernier mois disponible"}[f.kind]
        definition = f.definition.replace("|", "\\|").replace("{w}", "in window")
        lines.append(f"| `{f.name}` | {f.source} | {f.lag} | {window} | {f.unit} | {REASON_GROUPS[f.reason_group][0]} "
                     f"| {f.label_fr} | {f.label_en} | `{definition}` | {sentence(f.reason_fr, f.reason_fr_one)} "
                     f"| {sentence(f.reason_en, f.reason_en_one)} |")
    lines += ["", "Audit attributes (never features): " + ", ".join(f"`{a}`" for a in AUDIT_ATTRIBUTES), ""]
    return "\n".join(lines)
