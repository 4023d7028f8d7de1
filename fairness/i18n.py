"""Every user-facing sentence of the fairness audit, French first, English beside it.

Keys are dotted: `error.*` (bad input, named by the audit's reason codes), `metric.*`,
`verdict.*`, `report.*` (the HTML report), `glossary.*`. Templates and the CLI call `t()`;
no French string lives anywhere else. Parameters are filled with str.format.
"""

from __future__ import annotations

import math

LANGS = ("fr", "en")

CATALOGUE: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ errors
    "error.column_missing": {
        "fr": "colonne \"{column}\" absente (colonnes présentes : {available})",
        "en": "column \"{column}\" is missing (columns present: {available})"},
    "error.empty": {
        "fr": "aucune ligne de données : le fichier est vide ou ne contient que l'en-tête",
        "en": "no data rows: the file is empty or holds only its header"},
    "error.threshold_xor_top_k": {
        "fr": "indiquez soit --threshold (seuil de score), soit --top-k (nombre de lignes "
              "retenues), exactement l'un des deux",
        "en": "give either --threshold (a score threshold) or --top-k (how many rows are "
              "selected), exactly one of them"},
    "error.label_missing": {
        "fr": "ligne de données {row}, colonne \"{column}\" : résultat observé manquant "
              "(attendu 0 ou 1)",
        "en": "data row {row}, column \"{column}\": observed outcome is missing (expected 0 or 1)"},
    "error.label_not_binary": {
        "fr": "ligne de données {row}, colonne \"{column}\" : \"{value}\" n'est ni 0 ni 1 "
              "(le résultat observé doit être binaire)",
        "en": "data row {row}, column \"{column}\": \"{value}\" is neither 0 nor 1 "
              "(the observed outcome must be binary)"},
    "error.score_not_numeric": {
        "fr": "ligne de données {row}, colonne \"{column}\" : \"{value}\" n'est pas un nombre "
              "(le score doit être numérique)",
        "en": "data row {row}, column \"{column}\": \"{value}\" is not a number "
              "(the score must be numeric)"},
    "error.group_empty": {
        "fr": "indiquez au moins une colonne de groupe (--group COLONNE)",
        "en": "give at least one group column (--group COLUMN)"},
    "error.tolerance_invalid": {
        "fr": "tolérance \"{value}\" invalide : attendu bas,haut avec 0 < bas < 1 < haut, "
              "par exemple 0.8,1.25",
        "en": "tolerance \"{value}\" is invalid: expected low,high with 0 < low < 1 < high, "
              "for example 0.8,1.25"},
    "error.parameter_invalid": {
        "fr": "paramètre invalide ({value}) : min_cell au moins 1, n_boot au moins 10, "
              "niveau de confiance strictement entre 0 et 1",
        "en": "invalid parameter ({value}): min_cell at least 1, n_boot at least 10, "
              "confidence level strictly between 0 and 1"},
    "error.top_k_invalid": {
        "fr": "--top-k \"{value}\" invalide : attendu un entier entre 1 et {rows} "
              "(le nombre de lignes)",
        "en": "--top-k \"{value}\" is invalid: expected a whole number from 1 to {rows} "
              "(the number of rows)"},
    "error.reference_syntax": {
        "fr": "--reference \"{value}\" invalide : attendu COLONNE=VALEUR, par exemple sexe=F",
        "en": "--reference \"{value}\" is invalid: expected COLUMN=VALUE, for example sexe=F"},
    "error.reference_unused": {
        "fr": "groupe de référence : la colonne \"{column}\" n'est pas une colonne de groupe "
              "(ajoutez --group {column})",
        "en": "reference group: column \"{column}\" is not a group column (add --group {column})"},
    "error.reference_missing": {
        "fr": "groupe de référence \"{value}\" absent des données (groupes \"{column}\")",
        "en": "reference group \"{value}\" does not occur in the data (groups \"{column}\")"},
    "error.reference_suppressed": {
        "fr": "groupe de référence \"{value}\" ({column}) masqué car trop petit : "
              "choisissez un groupe plus grand",
        "en": "reference group \"{value}\" ({column}) is suppressed as too small: "
              "choose a larger group"},
    "error.file_missing": {
        "fr": "fichier introuvable",
        "en": "file not found"},
    "error.file_format": {
        "fr": "format non reconnu : attendu un fichier .csv ou .parquet",
        "en": "unrecognised format: expected a .csv or .parquet file"},
    "error.file_unreadable": {
        "fr": "fichier illisible ({value})",
        "en": "file cannot be read ({value})"},
    "cli.prefix": {"fr": "abri audit : {file} : {message}", "en": "abri audit: {file}: {message}"},
    "cli.written": {"fr": "Audit écrit : {json} et {html}", "en": "Audit written: {json} and {html}"},
    # ------------------------------------------------------------------ metrics
    "metric.count": {"fr": "Effectif", "en": "Count"},
    "metric.tp": {"fr": "Jugés et retenus (VP)", "en": "Judged and selected (TP)"},
    "metric.fp": {"fr": "Retenus, non jugés (FP)", "en": "Selected, not judged (FP)"},
    "metric.tn": {"fr": "Ni retenus ni jugés (VN)", "en": "Neither selected nor judged (TN)"},
    "metric.fn": {"fr": "Manqués : jugés, non retenus (FN)",
                  "en": "Missed: judged, not selected (FN)"},
    "metric.prevalence": {"fr": "Taux observé", "en": "Observed rate"},
    "metric.selection_rate": {"fr": "Taux de sélection", "en": "Selection rate"},
    "metric.false_negative_rate": {"fr": "Taux de manqués (FNR)",
                                   "en": "Miss rate (FNR)"},
    "metric.false_omission_rate": {"fr": "Taux d'omission (FOR)",
                                   "en": "False omission rate (FOR)"},
    "metric.false_positive_rate": {"fr": "Taux de faux positifs (FPR)",
                                   "en": "False positive rate (FPR)"},
    "metric.precision": {"fr": "Précision", "en": "Precision"},
    "metric.mean_score": {"fr": "Score moyen", "en": "Mean score"},
    "metric.calibration": {"fr": "Calibration (observé / attendu)",
                           "en": "Calibration (observed / expected)"},
    # ------------------------------------------------------------------ verdicts
    "verdict.within": {"fr": "Dans la tolérance", "en": "Within tolerance"},
    "verdict.outside": {"fr": "Hors tolérance", "en": "Outside tolerance"},
    "verdict.uncertain": {"fr": "Incertain", "en": "Uncertain"},
    "verdict.not_estimable": {"fr": "Non estimable", "en": "Not estimable"},
    "verdict.reference": {"fr": "Référence", "en": "Reference"},
    "verdict.suppressed": {"fr": "Masqué", "en": "Suppressed"},
    # ------------------------------------------------------------------ report
    "report.title": {"fr": "Audit d'équité de la liste de contact",
                     "en": "Fairness audit of the outreach list"},
    "report.source": {"fr": "Table auditée : {source}", "en": "Audited table: {source}"},
    "report.lang_other": {"fr": "English version: audit.en.html", "en": "Version française : audit.html"},
    "report.toc": {"fr": "Sommaire :", "en": "Contents:"},
    "report.section.verdict": {"fr": "1. Verdict", "en": "1. Verdict"},
    "report.section.details": {"fr": "2. Détails par groupe", "en": "2. Details by group"},
    "report.section.sweep": {"fr": "3. Et avec une autre capacité ?",
                             "en": "3. And at another capacity?"},
    "report.section.method": {"fr": "4. Méthode et configuration",
                              "en": "4. Method and configuration"},
    "report.section.glossary": {"fr": "5. Glossaire", "en": "5. Glossary"},
    "report.intro": {
        "fr": "Ce rapport vérifie si la liste de contact manque plus souvent les ménages de "
              "certains groupes. Un ménage « manqué » a ensuite reçu un jugement d'expulsion "
              "alors que la liste ne l'avait pas retenu. L'intervention étant une aide (un "
              "appel, une offre d'accompagnement), ces oublis sont l'erreur qui fait le plus de "
              "tort : le taux de manqués et le taux d'omission sont donc les indicateurs "
              "principaux.",
        "en": "This report checks whether the outreach list misses the households of some "
              "groups more often than others. A \"missed\" household later received an eviction "
              "judgment although the list had not selected it. Because the intervention is "
              "help (a call, an offer of support), misses are the error that harms most: the "
              "miss rate and the false omission rate are the headline measures."},
    "report.rule_top_k": {
        "fr": "La liste retient les {top_k} scores les plus élevés, soit {selected} lignes sur "
              "{rows} ({capacity}).",
        "en": "The list selects the {top_k} highest scores: {selected} of {rows} rows "
              "({capacity})."},
    "report.rule_list": {
        "fr": "La liste auditée est celle que la version aurait envoyée : chaque secteur reçoit sa "
              "part de ménages ({per_sector}), du score le plus élevé au plus faible (à score égal, "
              "par clé de ménage), soit {selected} lignes sur {rows} ({capacity}).",
        "en": "The audited list is the one the version would have sent: each sector gets its share "
              "of households ({per_sector}), from the highest score down (ties broken by household "
              "key): {selected} of {rows} rows ({capacity})."},
    "report.section.lead": {"fr": "Délai d'anticipation et listes envoyées",
                            "en": "Lead time and the lists as sent"},
    "report.lead_text": {
        "fr": "Une aide arrive d'autant mieux qu'elle arrive tôt. Pour les ménages jugés ensuite : la "
              "part que les listes mensuelles ont atteinte avant le jugement, 3 mois ou plus avant, et "
              "l'avance médiane, pour le modèle et la règle actuelle (validation hors échantillon).",
        "en": "Help works best when it comes early. For households judged later: the share the monthly "
              "lists reached before the judgment, 3 or more months before, and the median months ahead, "
              "for the model and today's rule (out-of-sample validation)."},
    "report.lists_text": {
        "fr": "Les listes par secteur, telles qu'envoyées, à côté du classement sur toute la ville.",
        "en": "The per-sector lists, as sent, beside the city-wide ranking."},
    "report.rule_threshold": {
        "fr": "La liste retient les lignes dont le score atteint {threshold}, soit {selected} "
              "lignes sur {rows} ({capacity}).",
        "en": "The list selects the rows whose score reaches {threshold}: {selected} of {rows} "
              "rows ({capacity})."},
    "report.tolerance": {
        "fr": "Règle fixée avant l'audit : un groupe est jugé comparable à son groupe de "
              "référence si le rapport de ses taux à ceux de la référence reste entre {lo} et "
              "{hi}, intervalle de confiance à {level} compris. « Incertain » signifie que "
              "l'intervalle chevauche une borne : les données ne permettent pas de conclure.",
        "en": "Rule set before the audit: a group is judged comparable to its reference group "
              "if the ratio of its rates to the reference's stays between {lo} and {hi}, "
              "{level} confidence interval included. \"Uncertain\" means the interval straddles "
              "a bound: the data cannot settle it."},
    "report.summary": {
        "fr": "{spec} : {within} groupe(s) dans la tolérance, {outside} hors tolérance, "
              "{uncertain} incertain(s), {not_estimable} non estimable(s), par rapport à "
              "« {reference} ». {suppressed} groupe(s) masqué(s) car trop petit(s).",
        "en": "{spec}: {within} group(s) within tolerance, {outside} outside, {uncertain} "
              "uncertain, {not_estimable} not estimable, compared with \"{reference}\". "
              "{suppressed} group(s) suppressed as too small."},
    "report.sentence.false_negative_rate": {
        "fr": "« {group} » : la liste manque {value} des ménages finalement jugés, contre "
              "{ref_value} pour « {reference} » (rapport {ratio}, intervalle {lo} à {hi}) : "
              "{verdict}.",
        "en": "\"{group}\": the list misses {value} of the households later judged, against "
              "{ref_value} for \"{reference}\" (ratio {ratio}, interval {lo} to {hi}): "
              "{verdict}."},
    "report.sentence.false_omission_rate": {
        "fr": "« {group} » : parmi les ménages que la liste ne retient pas, {value} sont "
              "ensuite jugés, contre {ref_value} pour « {reference} » (rapport {ratio}, "
              "intervalle {lo} à {hi}) : {verdict}.",
        "en": "\"{group}\": among the households the list leaves out, {value} are later "
              "judged, against {ref_value} for \"{reference}\" (ratio {ratio}, interval {lo} "
              "to {hi}): {verdict}."},
    "report.no_reference": {
        "fr": "{spec} : tous les groupes sont masqués car trop petits ; aucun verdict possible.",
        "en": "{spec}: every group is suppressed as too small; no verdict is possible."},
    "report.headline_table": {"fr": "Verdict par groupe (indicateurs principaux)",
                              "en": "Verdict by group (headline measures)"},
    "report.group": {"fr": "Groupe", "en": "Group"},
    "report.verdict": {"fr": "Verdict", "en": "Verdict"},
    "report.value": {"fr": "Valeur [intervalle]", "en": "Value [interval]"},
    "report.ratio": {"fr": "Rapport à la référence [intervalle]",
                     "en": "Ratio to reference [interval]"},
    "report.overall": {"fr": "Ensemble", "en": "Overall"},
    "report.counts": {"fr": "Effectifs", "en": "Counts"},
    "report.suppressed_note": {
        "fr": "{groups} groupe(s) masqué(s) ({rows} lignes au total) : moins de {min_cell} "
              "lignes, ou masqué(s) pour qu'on ne puisse pas les retrouver par soustraction.",
        "en": "{groups} group(s) suppressed ({rows} rows in all): fewer than {min_cell} rows, "
              "or suppressed so that they cannot be recovered by subtraction."},
    "report.masked_cell": {"fr": "masqué", "en": "suppressed"},
    "report.forest_caption": {
        "fr": "Taux de manqués : rapport de chaque groupe au groupe de référence, avec son "
              "intervalle. La bande grise est la tolérance.",
        "en": "Miss rate: ratio of each group to the reference group, with its interval. "
              "The grey band is the tolerance."},
    "report.forest_axis": {"fr": "Rapport du taux de manqués à la référence",
                           "en": "Miss-rate ratio to the reference"},
    "report.sweep_intro": {
        "fr": "La capacité de contact peut changer. Voici les verdicts si la liste retenait "
              "une autre part des lignes.",
        "en": "Outreach capacity may change. These are the verdicts if the list selected "
              "another share of the rows."},
    "report.sweep_stable": {
        "fr": "La conclusion ne change pour aucun groupe entre les capacités examinées.",
        "en": "The conclusion does not change for any group across the capacities examined."},
    "report.sweep_flips": {
        "fr": "Attention : la conclusion change selon la capacité pour {count} groupe(s) : "
              "{groups}.",
        "en": "Caution: the conclusion changes with capacity for {count} group(s): {groups}."},
    "report.sweep_caption": {
        "fr": "Rapport du taux de manqués à la référence selon la capacité (part des lignes "
              "retenues). La bande grise est la tolérance.",
        "en": "Miss-rate ratio to the reference by capacity (share of rows selected). The "
              "grey band is the tolerance."},
    "report.sweep_axis": {"fr": "Capacité (part des lignes retenues)",
                          "en": "Capacity (share of rows selected)"},
    "report.capacity": {"fr": "Capacité", "en": "Capacity"},
    "report.config": {"fr": "Paramètre", "en": "Setting"},
    "report.config_value": {"fr": "Valeur", "en": "Value"},
    "report.method_text": {
        "fr": "Indicateurs calculés avec le MetricFrame de Fairlearn ; intervalles par "
              "bootstrap percentile ({n_boot} tirages, graine {seed}) : les lignes sont "
              "retirées au hasard avec remise, la liste retenue restant la même. Empreinte du "
              "contenu (SHA-256) : {hash}.",
        "en": "Measures computed with Fairlearn's MetricFrame; percentile bootstrap intervals "
              "({n_boot} resamples, seed {seed}): rows are resampled with replacement while "
              "the selected list stays the same. Content fingerprint (SHA-256): {hash}."},
    "report.chart_alt": {"fr": "Graphique", "en": "Chart"},
    # ------------------------------------------------------------------ glossary
    "glossary.false_negative_rate": {
        "fr": "Taux de manqués (FNR) : parmi les ménages qui ont reçu un jugement, part de ceux "
              "que la liste n'avait pas retenus.",
        "en": "Miss rate (FNR): among households that received a judgment, the share the list "
              "had not selected."},
    "glossary.false_omission_rate": {
        "fr": "Taux d'omission (FOR) : parmi les ménages non retenus, part de ceux qui ont "
              "reçu un jugement.",
        "en": "False omission rate (FOR): among households not selected, the share that "
              "received a judgment."},
    "glossary.selection_rate": {
        "fr": "Taux de sélection : part des ménages du groupe retenus sur la liste.",
        "en": "Selection rate: share of the group's households selected for the list."},
    "glossary.precision": {
        "fr": "Précision : parmi les ménages retenus, part de ceux qui ont reçu un jugement.",
        "en": "Precision: among households selected, the share that received a judgment."},
    "glossary.false_positive_rate": {
        "fr": "Taux de faux positifs (FPR) : parmi les ménages sans jugement, part de ceux "
              "retenus (un contact sans nécessité, peu coûteux ici).",
        "en": "False positive rate (FPR): among households without a judgment, the share "
              "selected (an unneeded contact, a small cost here)."},
    "glossary.prevalence": {
        "fr": "Taux observé : part des ménages du groupe qui ont reçu un jugement.",
        "en": "Observed rate: share of the group's households that received a judgment."},
    "glossary.calibration": {
        "fr": "Calibration : taux observé divisé par le score moyen ; 1 signifie que le score "
              "annonce le bon niveau de risque (n'a de sens que pour un score entre 0 et 1).",
        "en": "Calibration: observed rate divided by the mean score; 1 means the score states "
              "the right level of risk (meaningful only for a score between 0 and 1)."},
    "glossary.interval": {
        "fr": "Intervalle de confiance : la plage de valeurs compatibles avec les données ; "
              "plus le groupe est petit, plus elle est large.",
        "en": "Confidence interval: the range of values compatible with the data; the smaller "
              "the group, the wider it is."},
    "glossary.ratio": {
        "fr": "Rapport à la référence : taux du groupe divisé par celui du groupe de "
              "référence ; 1 = pareil, 2 = deux fois plus.",
        "en": "Ratio to the reference: the group's rate divided by the reference group's; "
              "1 = the same, 2 = twice as much."},
    "glossary.reference": {
        "fr": "Groupe de référence : le groupe auquel les autres sont comparés (par défaut le "
              "plus grand).",
        "en": "Reference group: the group the others are compared with (by default the largest)."},
    "glossary.tolerance": {
        "fr": "Tolérance : les bornes du rapport, fixées avant l'audit, à l'intérieur "
              "desquelles un écart est jugé acceptable.",
        "en": "Tolerance: the bounds on the ratio, set before the audit, within which a gap is "
              "judged acceptable."},
    "glossary.suppressed": {
        "fr": "Masqué : groupe de moins de {min_cell} lignes, ou taux calculé sur moins de "
              "{min_cell} personnes ; aucun chiffre n'est publié pour protéger les personnes.",
        "en": "Suppressed: a group of fewer than {min_cell} rows, or a rate over fewer than "
              "{min_cell} people; no figure is published, to protect the people concerned."},
    "glossary.capacity": {
        "fr": "Capacité : part des lignes que la liste peut retenir (le nombre de ménages que "
              "les équipes peuvent contacter).",
        "en": "Capacity: share of rows the list can select (how many households the teams "
              "can contact)."},
    "glossary.na": {
        "fr": "NA : valeur non renseignée ; les lignes sans valeur forment un groupe à part.",
        "en": "NA: value not given; rows without a value form a group of their own."},
}

GLOSSARY = ("false_negative_rate", "false_omission_rate", "selection_rate", "precision",
            "false_positive_rate", "prevalence", "calibration", "interval", "ratio",
            "reference", "tolerance", "suppressed", "capacity", "na")


def t(key: str, lang: str = "fr", **params: object) -> str:
    """The catalogue text for `key` in `lang` (French if `lang` is unknown), formatted."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["fr"]
    return text.format(**params) if params else text


def fmt_number(x: float | None, lang: str = "fr", digits: int = 2) -> str:
    """1.25 -> "1,25" in French, "1.25" in English; missing -> an en dash."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    text = f"{x:.{digits}f}"
    return text.replace(".", ",") if lang == "fr" else text


def fmt_percent(x: float | None, lang: str = "fr", digits: int = 1) -> str:
    """0.123 -> "12,3 %" in French, "12.3%" in English."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "–"
    text = fmt_number(100 * x, lang, digits)
    return f"{text}\u00a0%" if lang == "fr" else f"{text}%"
