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


def _s(name, *, source, column, reason_group, label_fr, label_en, unit="", definition="", **reason):
    return Feature(name, source=source, kind="snapshot", expr=column, reason_group=reason_group,
                   label_fr=label_fr, label_en=label_en, unit=unit, definition=definition or column, **reason)


def _e(name, *, source, expr, window, reason_group, label_fr, label_en, unit="", definition="", **reason):
    return Feature(name, source=source, kind="event", expr=expr, window=window, reason_group=reason_group,
                   label_fr=label_fr, label_en=label_en, unit=unit, definition=definition or expr, **reason)


def _derived(name, *, expr, reason_group, label_fr, label_en, unit, definition, monotone=0, source="justice",
             **reason):
    # source: the partner whose files the feature mostly reads (the dictionary, the model card and
    # the households' notice group features by it); the procedure's features read the courts'
    return Feature(name, source=source, kind="derived", expr=expr, reason_group=reason_group,
                   label_fr=label_fr, label_en=label_en, unit=unit, definition=definition,
                   monotone=monotone, **reason)


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
    _s("arrears_months", source="bailleurs", column="arrears_months", reason_group="arrears",
       label_fr="mois de loyer impayés", label_en="months of rent owed", unit="mois",
       definition="solde_debiteur / quittance",
       reason_fr="{months} mois de loyer impayés", reason_en="{months} months of rent owed"),
    _s("arrears_amount", source="bailleurs", column="solde_debiteur", reason_group="arrears",
       label_fr="montant des impayés", label_en="arrears amount", unit="EUR"),
    _s("arrears_change_1m", source="bailleurs", column="arrears_change_1m", reason_group="arrears",
       label_fr="évolution des impayés sur 1 mois", label_en="change in arrears over 1 month", unit="mois",
       reason_fr="impayés en hausse de {months} mois sur le dernier mois", reason_en="arrears up {months} months last month"),
    _s("arrears_change_3m", source="bailleurs", column="arrears_change_3m", reason_group="arrears",
       label_fr="évolution des impayés sur 3 mois", label_en="change in arrears over 3 months", unit="mois",
       reason_fr="impayés en hausse de {months} mois sur 3 mois", reason_en="arrears up {months} months over 3 months"),
    _s("arrears_change_6m", source="bailleurs", column="arrears_change_6m", reason_group="arrears",
       label_fr="évolution des impayés sur 6 mois", label_en="change in arrears over 6 months", unit="mois"),
    _s("arrears_rises_6m", source="bailleurs", column="arrears_rises_6m", reason_group="arrears",
       label_fr="mois de loyer manqués sur 6 mois", label_en="rents missed over 6 months", unit="mois",
       definition="usable rent accounts of the last 6 months whose debt grew by half a rent or more over the month before",
       reason_fr="{n} loyers manqués en 6 mois", reason_fr_one="{n} loyer manqué en 6 mois",
       reason_en="{n} rents missed in 6 months", reason_en_one="{n} rent missed in 6 months"),
    _s("months_in_arrears", source="bailleurs", column="months_in_arrears", reason_group="arrears",
       label_fr="mois consécutifs en impayé", label_en="consecutive months in arrears", unit="mois",
       reason_fr="en impayé depuis {n} mois", reason_en="in arrears for {n} months",
       reason_en_one="in arrears for {n} month"),
    _s("payment_ratio_3m", source="bailleurs", column="payment_ratio_3m", reason_group="arrears",
       label_fr="part du loyer payée sur 3 mois", label_en="share of rent paid over 3 months", unit="ratio"),
    _s("repayment_plan", source="bailleurs", column="plan", reason_group="arrears",
       label_fr="plan d'apurement en cours", label_en="repayment plan in force", unit="0/1"),
    _s("repayment_plan_broken", source="bailleurs", column="plan_broken_6m", reason_group="arrears",
       label_fr="plan d'apurement rompu (6 mois)", label_en="repayment plan broken (6 months)", unit="0/1",
       reason_fr="plan d'apurement rompu récemment", reason_en="repayment plan recently broken"),
    _s("rent_due", source="bailleurs", column="quittance", reason_group="household",
       label_fr="loyer quittancé", label_en="rent due", unit="EUR"),
    # CAF
    _s("caf_unpaid_report", source="caf", column="unpaid_report", reason_group="caf_report",
       label_fr="impayé signalé à la CAF", label_en="unpaid rent reported to the CAF", unit="0/1",
       reason_fr="impayé signalé à la CAF", reason_en="unpaid rent reported to the CAF"),
    _s("months_since_caf_report", source="caf", column="months_since_report", reason_group="caf_report",
       label_fr="mois depuis le signalement CAF", label_en="months since the CAF report", unit="mois",
       reason_fr="signalement CAF il y a {n} mois", reason_en="CAF report {n} months ago",
       reason_en_one="CAF report {n} month ago"),
    _s("housing_allowance", source="caf", column="montant_al", reason_group="benefits",
       label_fr="aide au logement", label_en="housing allowance", unit="EUR"),
    _s("housing_allowance_suspended", source="caf", column="allowance_suspended", reason_group="benefits",
       label_fr="aide au logement suspendue", label_en="housing allowance suspended", unit="0/1",
       reason_fr="aide au logement suspendue", reason_en="housing allowance suspended"),
    _s("allowance_change_3m", source="caf", column="allowance_change_3m", reason_group="benefits",
       label_fr="évolution de l'aide au logement sur 3 mois", label_en="change in housing allowance over 3 months",
       unit="EUR"),
    _s("allowance_restored_6m", source="caf", column="allowance_restored_6m", reason_group="benefits",
       label_fr="aide au logement rétablie (suspendue dans les 6 mois)",
       label_en="housing allowance restored (suspended within 6 months)", unit="0/1",
       definition="1 if the allowance is not suspended in the latest usable CAF month but was in one of the 5 before"),
    _s("rsa_amount", source="caf", column="montant_rsa", reason_group="benefits",
       label_fr="montant du RSA", label_en="RSA amount", unit="EUR"),
    _s("rsa_started_6m", source="caf", column="rsa_started_6m", reason_group="income",
       label_fr="entrée au RSA (6 mois)", label_en="started RSA (6 months)", unit="0/1"),
    _s("income", source="caf", column="ressources_mensuelles", reason_group="income",
       label_fr="ressources mensuelles", label_en="monthly income", unit="EUR"),
    _s("income_change_3m", source="caf", column="income_change_3m", reason_group="income",
       label_fr="évolution des ressources sur 3 mois", label_en="income change over 3 months", unit="ratio",
       reason_fr="ressources en baisse de {pct} sur 3 mois", reason_en="income down {pct} over 3 months"),
    _s("income_change_6m", source="caf", column="income_change_6m", reason_group="income",
       label_fr="évolution des ressources sur 6 mois", label_en="income change over 6 months", unit="ratio",
       reason_fr="ressources en baisse de {pct} sur 6 mois", reason_en="income down {pct} over 6 months"),
    _s("income_vs_max_12m", source="caf", column="income_vs_max_12m", reason_group="income",
       label_fr="ressources par rapport à leur maximum sur 12 mois", label_en="income against its 12-month high",
       unit="ratio",
       definition="ressources_mensuelles / their maximum over the last 12 usable CAF months - 1 (0: at the high)",
       reason_fr="ressources à {pct} sous leur maximum de l'année", reason_en="income {pct} below its 12-month high"),
    _s("allowance_vs_max_12m", source="caf", column="allowance_vs_max_12m", reason_group="benefits",
       label_fr="aide au logement par rapport à son maximum sur 12 mois",
       label_en="housing allowance against its 12-month high", unit="ratio",
       definition="montant_al / its maximum over the last 12 usable CAF months - 1 (0: at the high)"),
    _s("income_band", source="caf", column="qf_band", reason_group="income",
       label_fr="tranche de quotient familial", label_en="family quotient band", unit="1-5"),
    _s("separation_12m", source="caf", column="separation_12m", reason_group="household",
       label_fr="séparation déclarée (12 mois)", label_en="separation declared (12 months)", unit="0/1",
       reason_fr="séparation déclarée dans l'année", reason_en="separation declared this year"),
    _s("income_drop_declared_6m", source="caf", column="income_drop_6m", reason_group="income",
       label_fr="baisse de ressources déclarée (6 mois)", label_en="income drop declared (6 months)", unit="0/1"),
    _s("caf_known", source="caf", column="known", reason_group="benefits",
       label_fr="allocataire de la CAF", label_en="CAF allocataire", unit="0/1"),
    # household reference
    _s("rent", source="menages", column="loyer", reason_group="household",
       label_fr="loyer", label_en="rent", unit="EUR"),
    _s("rent_per_m2", source="menages", column="rent_per_m2", reason_group="household",
       label_fr="loyer au m²", label_en="rent per m²", unit="EUR/m²"),
    _s("household_size", source="menages", column="nb_personnes", reason_group="household",
       label_fr="taille du ménage", label_en="household size", unit="personnes"),
    _s("children", source="menages", column="nb_enfants", reason_group="household",
       label_fr="enfants", label_en="children", unit="enfants"),
    _s("household_size_change_12m", source="menages", column="size_change_12m", reason_group="household",
       label_fr="évolution de la taille du ménage (12 mois)", label_en="household size change (12 months)",
       unit="personnes"),
    _s("months_since_move_in", source="menages", column="months_since_move_in", reason_group="household",
       label_fr="ancienneté dans le logement", label_en="months since move-in", unit="mois"),
    _s("months_since_rent_rise", source="menages", column="months_since_rent_rise", reason_group="household",
       label_fr="mois depuis une hausse de loyer (plus de 5 %)", label_en="months since a rent rise (over 5%)",
       unit="mois",
       definition="months since the latest household file (within 12 months) whose loyer exceeded the previous file's by more than 5 %",
       reason_fr="hausse de loyer il y a {n} mois", reason_en="rent rise {n} months ago",
       reason_en_one="rent rise {n} month ago"),
    Feature("rent_burden", source="caf", kind="derived",
            expr="(rent - coalesce(housing_allowance, 0)) / nullif(income, 0)", reason_group="income",
            label_fr="taux d'effort (loyer net / ressources)", label_en="rent burden (net rent / income)",
            unit="ratio",
            definition="(rent - housing_allowance) / income, from the latest usable CAF month",
            reason_fr="taux d'effort de {pct}", reason_en="rent burden of {pct}"),
    # courts
    _e("commandements_24m", source="justice", expr=_count("type_evenement", "commandement_payer"), window=24,
       reason_group="procedure",
       label_fr="commandements de payer (24 mois)", label_en="formal demands to pay (24 months)", unit="nombre",
       reason_fr="commandement de payer reçu", reason_en="formal demand to pay received"),
    _e("assignations_24m", source="justice", expr=_count("type_evenement", "assignation"), window=24,
       reason_group="procedure",
       label_fr="assignations (24 mois)", label_en="court summons (24 months)", unit="nombre",
       reason_fr="assignation devant le tribunal", reason_en="court summons received"),
    _e("payment_delays_granted_24m", source="justice",
       expr="count(*) FILTER (WHERE e.decision = 'delais_paiement' AND {w})", window=24, reason_group="procedure",
       label_fr="délais de paiement accordés par le juge (24 mois)",
       label_en="payment delays granted by the court (24 months)", unit="nombre"),
    _e("months_since_commandement", source="justice", expr=_months_since("type_evenement", "commandement_payer"),
       window=None, reason_group="procedure",
       label_fr="mois depuis le commandement de payer", label_en="months since the formal demand", unit="mois",
       reason_fr="commandement de payer il y a {n} mois", reason_en="formal demand {n} months ago",
       reason_en_one="formal demand {n} month ago"),
    _e("months_since_assignation", source="justice", expr=_months_since("type_evenement", "assignation"), window=None,
       reason_group="procedure",
       label_fr="mois depuis l'assignation", label_en="months since the summons", unit="mois",
       reason_fr="assignation il y a {n} mois", reason_en="summons {n} months ago",
       reason_en_one="summons {n} month ago"),
    _e("procedure_stage", source="justice",
       expr="coalesce(max(CASE e.type_evenement WHEN 'commandement_payer' THEN 1 WHEN 'assignation' THEN 2 "
            "WHEN 'jugement' THEN 3 ELSE 0 END) FILTER (WHERE e.event_date > c.snapshot_month - INTERVAL 12 MONTH), 0)",
       window=None, reason_group="procedure",
       label_fr="stade de procédure le plus avancé (12 mois)", label_en="furthest procedure stage (12 months)",
       unit="0-3",
       reason_fr="procédure au stade {stage}", reason_en="procedure at stage {stage}"),
    _e("court_debt_claimed", source="justice",
       expr="max(e.montant_dette) FILTER (WHERE e.event_date > c.snapshot_month - INTERVAL 12 MONTH)", window=None,
       reason_group="procedure",
       label_fr="dette réclamée en justice", label_en="debt claimed in court", unit="EUR"),
    # FSL
    _e("fsl_requests_12m", source="fsl", expr=_count("type_evenement", "demande"), window=12, reason_group="fsl",
       label_fr="demandes FSL (12 mois)", label_en="FSL requests (12 months)", unit="nombre"),
    _e("fsl_refusals_12m", source="fsl", expr=_count("decision", "refuse"), window=12, reason_group="fsl",
       label_fr="refus FSL (12 mois)", label_en="FSL refusals (12 months)", unit="nombre",
       reason_fr="demande FSL refusée dans l'année", reason_en="FSL request refused this year"),
    _e("fsl_grants_24m", source="fsl", expr=_count("decision", "accorde"), window=24, reason_group="fsl",
       label_fr="aides FSL accordées (24 mois)", label_en="FSL grants (24 months)", unit="nombre"),
    # energy
    _e("energy_unpaid_6m", source="energie", expr=_count("type_evenement", "impaye_facture"), window=6,
       reason_group="energy",
       label_fr="impayés d'énergie (6 mois)", label_en="unpaid energy bills (6 months)", unit="nombre",
       reason_fr="{n} impayés d'énergie en 6 mois", reason_fr_one="{n} impayé d'énergie en 6 mois",
       reason_en="{n} unpaid energy bills in 6 months", reason_en_one="{n} unpaid energy bill in 6 months"),
    _e("energy_unpaid_12m", source="energie", expr=_count("type_evenement", "impaye_facture"), window=12,
       reason_group="energy",
       label_fr="impayés d'énergie (12 mois)", label_en="unpaid energy bills (12 months)", unit="nombre",
       reason_fr="{n} impayés d'énergie en 12 mois", reason_fr_one="{n} impayé d'énergie en 12 mois",
       reason_en="{n} unpaid energy bills in 12 months", reason_en_one="{n} unpaid energy bill in 12 months"),
    _e("power_reductions_12m", source="energie", expr=_count("type_evenement", "reduction_puissance"), window=12,
       reason_group="energy",
       label_fr="réductions de puissance (12 mois)", label_en="power reductions (12 months)", unit="nombre",
       reason_fr="réduction de puissance électrique", reason_en="electricity power reduced"),
    _e("energy_debt_12m", source="energie", expr="coalesce(sum(e.montant_impaye::DECIMAL(18, 2)) FILTER (WHERE {w}), 0)::DOUBLE", window=12,
       reason_group="energy",
       label_fr="montant des impayés d'énergie (12 mois)", label_en="unpaid energy amount (12 months)", unit="EUR"),
    # social services
    _e("social_contacts_3m", source="services_sociaux", expr="count(*) FILTER (WHERE {w})", window=3,
       reason_group="social_services",
       label_fr="contacts avec les services sociaux (3 mois)", label_en="social-service contacts (3 months)",
       unit="nombre"),
    _e("social_contacts_12m", source="services_sociaux", expr="count(*) FILTER (WHERE {w})", window=12,
       reason_group="social_services",
       label_fr="contacts avec les services sociaux (12 mois)", label_en="social-service contacts (12 months)",
       unit="nombre"),
    _e("budget_contacts_12m", source="services_sociaux", expr=_count("motif", "budget"), window=12,
       reason_group="social_services",
       label_fr="entretiens budget (12 mois)", label_en="budget interviews (12 months)", unit="nombre"),
    _e("social_diagnosis_12m", source="services_sociaux", expr=_count("type_contact", "diagnostic_social_financier"),
       window=12, reason_group="procedure",
       label_fr="diagnostic social et financier (12 mois)", label_en="social and financial diagnosis (12 months)",
       unit="nombre"),
    _e("months_since_social_diagnosis", source="services_sociaux",
       expr=_months_since("type_contact", "diagnostic_social_financier"), window=None, reason_group="procedure",
       label_fr="mois depuis le diagnostic social et financier", label_en="months since the social and financial diagnosis",
       unit="mois", reason_fr="diagnostic social et financier il y a {n} mois",
       reason_en="social and financial diagnosis {n} months ago",
       reason_en_one="social and financial diagnosis {n} month ago"),
    # France Travail
    _e("unemployment_registrations_12m", source="france_travail", expr=_count("type_evenement", "inscription"),
       window=12, reason_group="employment",
       label_fr="inscriptions à France Travail (12 mois)", label_en="registrations as unemployed (12 months)",
       unit="nombre",
       reason_fr="inscription à France Travail dans l'année", reason_en="registered as unemployed this year"),
    _e("end_of_rights_12m", source="france_travail", expr=_count("type_evenement", "fin_de_droits"), window=12,
       reason_group="employment",
       label_fr="fins de droits au chômage (12 mois)", label_en="end of unemployment rights (12 months)",
       unit="nombre",
       reason_fr="fin de droits au chômage", reason_en="end of unemployment rights"),
    _e("months_since_registration", source="france_travail", expr=_months_since("type_evenement", "inscription"),
       window=None, reason_group="employment",
       label_fr="mois depuis l'inscription à France Travail", label_en="months since registering as unemployed",
       unit="mois"),
    _e("registered_unemployed", source="france_travail",
       expr="coalesce(max(e.event_date) FILTER (WHERE e.type_evenement = 'inscription' AND {w}) > "
            "coalesce(max(e.event_date) FILTER (WHERE e.type_evenement = 'reprise_emploi'), DATE '1900-01-01'), "
            "false)::INTEGER",
       window=24, reason_group="employment",
       label_fr="inscrit à France Travail, sans reprise d'emploi depuis",
       label_en="registered as unemployed, not back to work since", unit="0/1",
       definition="1 if a registration within 24 months has no back-to-work event after it",
       reason_fr="inscrit à France Travail, sans reprise d'emploi depuis",
       reason_en="registered as unemployed, not back to work since"),
    _e("back_to_work_12m", source="france_travail", expr=_count("type_evenement", "reprise_emploi"), window=12,
       reason_group="employment",
       label_fr="reprises d'emploi (12 mois)", label_en="back to work (12 months)", unit="nombre"),
    _e("months_since_payment_delays", source="justice", expr=_months_since("decision", "delais_paiement"), window=None,
       reason_group="procedure",
       label_fr="mois depuis les délais de paiement accordés par le juge",
       label_en="months since the court granted payment delays", unit="mois"),
    _derived("shock_signs", source="caf",
             expr="coalesce(income_vs_max_12m < -0.1, false)::INTEGER + coalesce(allowance_vs_max_12m < -0.1 "
                  "AND housing_allowance_suspended = 0, false)::INTEGER + coalesce(registered_unemployed = 1, false)::INTEGER "
                  "+ (months_since_rent_rise IS NOT NULL)::INTEGER + coalesce(power_reductions_12m > 0, false)::INTEGER "
                  "+ coalesce(energy_unpaid_6m > 0, false)::INTEGER + coalesce(arrears_rises_6m >= 2, false)::INTEGER "
                  "+ coalesce(income_drop_declared_6m = 1, false)::INTEGER",
             reason_group="income",
             label_fr="signes d'un choc de ressources en cours", label_en="signs of an ongoing income shock", unit="nombre",
             definition="how many of: income 10 % below its 12-month high, allowance 10 % below its high (not suspended), "
                        "registered as unemployed, rent rise within 12 months, power reduction (12 months), unpaid energy "
                        "bill (6 months), 2 or more missed rents (6 months), income drop declared (6 months)",
             reason_fr="{n} signes d'un choc de ressources en cours", reason_fr_one="{n} signe d'un choc de ressources en cours",
             reason_en="{n} signs of an ongoing income shock", reason_en_one="{n} sign of an ongoing income shock"),
    # the procedure's current stage, read from the court acts and from whether the debt behind
    # them is still open: the demo city's risk sits in this latent stage (gap decomposition,
    # docs/models.md), and a tree learns it from a handful of judgments only when it is a column
    _derived("debt_episode_known", expr="(caf_unpaid_report IS NOT NULL OR arrears_months IS NOT NULL)::INTEGER",
             reason_group="arrears",
             label_fr="situation d'impayé connue (CAF ou bailleur)",
             label_en="arrears situation known (CAF or landlord)", unit="0/1",
             definition="1 if the CAF or a social landlord reports on the household's rent"),
    _derived("hearing_pending", expr=f"({_ASSIGNATION_OPEN})::INTEGER", reason_group="procedure",
             label_fr="audience attendue (assignation sans délais accordés, dette non soldée)",
             label_en="hearing pending (summons, no payment delays, debt not cleared)", unit="0/1",
             definition="an assignation known, no payment delays granted after it, and the debt not known to be cleared",
             monotone=1),
    _derived("payment_delays_in_force", expr=f"({_DELAYS_OPEN})::INTEGER", reason_group="procedure",
             label_fr="délais de paiement en cours", label_en="payment delays in force", unit="0/1",
             definition="payment delays granted after the latest assignation, and the debt not known to be cleared"),
    _derived("procedure_stage_current",
             expr=f"CASE WHEN {_ASSIGNATION_OPEN} THEN 3 WHEN months_since_commandement <= 24 AND NOT ({_DEBT_CLEARED}) THEN 2 "
                  f"WHEN coalesce(caf_unpaid_report = 1, false) OR coalesce(arrears_months > 0, false) THEN 1 ELSE 0 END",
             reason_group="procedure",
             label_fr="stade actuel de la procédure (0-3)", label_en="current procedure stage (0-3)", unit="0-3",
             definition="3 hearing pending, 2 formal demand within 24 months with the debt still open, 1 unpaid rent reported, 0 none",
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
