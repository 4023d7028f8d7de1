"""Every user-facing sentence of the mitigation comparison (fairness/mitigation.py), French
first, English beside it.

Keys start with `m.`: `m.error.*` (bad input, named by reason code), `m.method.*` (labels),
`m.method_text.*` (what each method does, in plain words), `m.caveat.*` (the legal caveats),
`m.glossary.*`, and the page's headings. Templates call `t()`; no French string lives anywhere
else. Numbers are formatted by fairness/i18n.py (`fmt_number`, `fmt_percent`).
"""

from __future__ import annotations

from fairness.i18n import CATALOGUE as SHARED
from fairness.i18n import LANGS, fmt_number, fmt_percent, t

__all__ = ["CATALOGUE", "GLOSSARY", "LANGS", "fmt_number", "fmt_percent", "t"]

CATALOGUE: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ errors
    "m.error.empty": {
        "fr": "table « {table} » : aucune ligne de données",
        "en": "table \"{table}\": no data rows"},
    "m.error.column_missing": {
        "fr": "table « {table} » : colonne \"{column}\" absente",
        "en": "table \"{table}\": column \"{column}\" is missing"},
    "m.error.label_not_binary": {
        "fr": "table « {table} », ligne de données {row}, colonne \"{column}\" : \"{value}\" "
              "n'est ni 0 ni 1 (le résultat observé doit être binaire)",
        "en": "table \"{table}\", data row {row}, column \"{column}\": \"{value}\" is neither "
              "0 nor 1 (the observed outcome must be binary)"},
    "m.error.score_not_numeric": {
        "fr": "table « {table} », ligne de données {row}, colonne \"{column}\" : \"{value}\" "
              "n'est pas un nombre (le score doit être numérique)",
        "en": "table \"{table}\", data row {row}, column \"{column}\": \"{value}\" is not a "
              "number (the score must be numeric)"},
    "m.error.capacity_invalid": {
        "fr": "capacité \"{value}\" invalide : attendu une part des lignes entre 0 (exclu) et 1",
        "en": "capacity \"{value}\" is invalid: expected a share of rows between 0 (excluded) "
              "and 1"},
    "m.error.group_is_feature": {
        "fr": "la colonne protégée \"{column}\" figure parmi les variables du modèle : Abri "
              "n'utilise jamais une caractéristique protégée comme entrée",
        "en": "the protected column \"{column}\" is among the model's inputs: Abri never uses "
              "a protected characteristic as an input"},
    # ------------------------------------------------------------------ page
    "m.title": {
        "fr": "Corriger les écarts entre groupes ? Comparaison de méthodes pour le comité "
              "d'éthique",
        "en": "Correcting gaps between groups? A comparison of methods for the ethics committee"},
    "m.toc": {"fr": "Sommaire :", "en": "Contents:"},
    "m.section.summary": {"fr": "1. De quoi s'agit-il", "en": "1. What this is about"},
    "m.section.methods": {"fr": "2. Les méthodes comparées", "en": "2. The methods compared"},
    "m.section.table": {"fr": "3. Résultats côte à côte", "en": "3. Results side by side"},
    "m.section.chart": {"fr": "4. Efficacité et écart", "en": "4. Effectiveness and gap"},
    "m.section.caveats": {"fr": "5. Mises en garde juridiques",
                          "en": "5. Legal caveats"},
    "m.section.glossary": {"fr": "6. Glossaire", "en": "6. Glossary"},
    "m.intro": {
        "fr": "La liste d'Abri peut manquer plus souvent les ménages d'un groupe (ici selon "
              "« {group} ») que ceux d'un autre. Des méthodes existent pour réduire cet écart. "
              "Cette page les compare à la liste actuelle, sur les mêmes ménages, sans rien "
              "changer : aucune correction n'est appliquée à la liste des équipes. C'est au "
              "comité de décider s'il faut en adopter une, laquelle, et à quelles conditions.",
        "en": "Abri's list may miss the households of one group (here by \"{group}\") more "
              "often than those of another. Methods exist to reduce that gap. This page "
              "compares them with the current list, on the same households, without changing "
              "anything: no correction is applied to the teams' list. It is for the committee "
              "to decide whether to adopt one, which, and on what conditions."},
    "m.setting": {
        "fr": "Capacité : {capacity} des ménages, soit {k} ménages contactés sur {rows} "
              "(période de test). Méthodes ajustées sur {train} ménages d'une période "
              "antérieure ({fit} pour la méthode qui réentraîne un modèle), graine {seed}. "
              "Groupes comparés : « {group} ».",
        "en": "Capacity: {capacity} of households, that is {k} households contacted out of "
              "{rows} (test period). Methods fitted on {train} households of an earlier period "
              "({fit} for the method that retrains a model), seed {seed}. Groups compared: "
              "\"{group}\"."},
    "m.method.unmitigated": {"fr": "Sans correction (liste actuelle)",
                             "en": "No correction (current list)"},
    "m.method.threshold": {"fr": "Seuils par groupe (ThresholdOptimizer)",
                           "en": "Thresholds by group (ThresholdOptimizer)"},
    "m.method.threshold_capacity": {
        "fr": "Seuils par groupe, à capacité constante",
        "en": "Thresholds by group, at fixed capacity"},
    "m.method.reduction": {"fr": "Modèle réentraîné sous contrainte (ExponentiatedGradient)",
                           "en": "Model retrained under a constraint (ExponentiatedGradient)"},
    "m.method.other": {"fr": "{name}", "en": "{name}"},
    "m.method_text.unmitigated": {
        "fr": "Les ménages au score le plus élevé sont retenus, jusqu'à la capacité des "
              "équipes. La caractéristique « {group} » n'est utilisée ni pour calculer le score "
              "ni pour choisir les ménages ; elle ne sert qu'à mesurer l'écart.",
        "en": "The households with the highest scores are selected, up to the teams' "
              "capacity. The characteristic \"{group}\" is used neither to compute the score nor "
              "to choose households; it serves only to measure the gap."},
    "m.method_text.threshold": {
        "fr": "Garde le score actuel mais fixe un seuil différent pour chaque groupe "
              "de « {group} », choisi pour que chaque groupe soit manqué aussi souvent (méthode "
              "de Hardt et al., 2016, bibliothèque Fairlearn). Pour les ménages à la limite, "
              "le choix est tiré au sort. La taille de la liste n'est pas bornée : elle est "
              "indiquée telle quelle et dépasse souvent ce que les équipes peuvent contacter. "
              "Il faut connaître le groupe de chaque ménage au moment de décider.",
        "en": "Keeps the current score but sets a different threshold for each group of "
              "\"{group}\", chosen so that every group is missed equally often (Hardt et al., 2016, "
              "Fairlearn library). For households at the boundary the choice is drawn at "
              "random. The list's size is not bounded: it is shown as it is and often exceeds "
              "what the teams can contact. The group of each household must be known at "
              "decision time."},
    "m.method_text.threshold_capacity": {
        "fr": "La même idée ramenée à la capacité des équipes : chaque ménage est classé "
              "selon la part des ménages de son groupe ayant reçu un jugement qui avaient un "
              "score inférieur ou égal au sien ; on retient les premiers jusqu'à la capacité. "
              "Chaque groupe est alors manqué à peu près aussi souvent. Cette variante est une "
              "dérivation d'Abri, pas une méthode de Fairlearn. Elle aussi exige le groupe de "
              "chaque ménage au moment de décider.",
        "en": "The same idea brought down to the teams' capacity: each household is ranked by "
              "the share of its group's households that received a judgment and scored at or "
              "below it; the first ones are selected up to capacity. Every group is then missed "
              "about equally often. This variant is Abri's derivation, not a Fairlearn method. "
              "It too needs the group of each household at decision time."},
    "m.method_text.reduction": {
        "fr": "Réentraîne un petit modèle sur les mêmes informations que le score (jamais le "
              "groupe) en le pénalisant quand il manque un groupe plus qu'un autre (méthode "
              "d'Agarwal et al., 2018, bibliothèque Fairlearn, contrainte d'égalité des taux "
              "de détection). La caractéristique « {group} » sert à l'entraînement seulement ; "
              "les ménages sont ensuite classés par ce modèle jusqu'à la capacité, sans "
              "connaître leur groupe.",
        "en": "Retrains a small model on the same information as the score (never the group), "
              "penalising it when it misses one group more than another (Agarwal et al., "
              "2018, Fairlearn library, equal detection rate constraint). The characteristic "
              "\"{group}\" is used during training only; households are then ranked by this "
              "model up to capacity, without knowing their group."},
    "m.col.method": {"fr": "Méthode", "en": "Method"},
    "m.col.selected": {"fr": "Ménages retenus", "en": "Households selected"},
    "m.col.selection_rate": {"fr": "Taux de sélection", "en": "Selection rate"},
    "m.col.bound": {"fr": "Dans la capacité", "en": "Within capacity"},
    "m.col.precision": {"fr": "Précision", "en": "Precision"},
    "m.col.recall": {"fr": "Rappel", "en": "Recall"},
    "m.col.fnr": {"fr": "Taux de ménages manqués : {group}", "en": "Miss rate: {group}"},
    "m.col.gap": {"fr": "Écart (max − min)", "en": "Gap (max − min)"},
    "m.col.ratio": {"fr": "Rapport (max / min)", "en": "Ratio (max / min)"},
    "m.col.attribute": {"fr": "Groupe requis pour décider", "en": "Group needed to decide"},
    "m.col.seconds": {"fr": "Calcul (s)", "en": "Computing (s)"},
    "m.table_note": {
        "fr": "Lecture : la précision est la part des ménages retenus qui ont ensuite reçu un "
              "jugement ; le rappel, la part des ménages ayant reçu un jugement que la liste a "
              "atteints ; le taux de ménages manqués, pour chaque groupe, la part des ménages "
              "ayant reçu un jugement que la liste n'a pas atteints. Un écart proche de zéro "
              "veut dire que les groupes sont manqués aussi souvent. Les listes qui dépassent "
              "la capacité ne sont pas comparables aux autres sur la précision et le rappel.",
        "en": "How to read: precision is the share of selected households that later received "
              "a judgment; recall, the share of households that received a judgment that the "
              "list reached; the miss rate, for each group, the share of households that "
              "received a judgment that the list did not reach. A gap near zero means the "
              "groups are missed equally often. Lists beyond capacity cannot be compared with "
              "the others on precision and recall."},
    "m.points": {"fr": "{value}\u00a0pts", "en": "{value} pts"},
    "m.masked": {"fr": "masqué", "en": "suppressed"},
    "m.yes": {"fr": "oui", "en": "yes"},
    "m.no": {"fr": "non", "en": "no"},
    "m.suppressed.small_group": {
        "fr": "Groupe « {group} » : moins de {min_cell} ménages ; son taux de ménages manqués "
              "n'est pas publié, pour protéger les personnes concernées, et il est exclu de "
              "l'écart.",
        "en": "Group \"{group}\": fewer than {min_cell} households; its miss rate is not "
              "published, to protect the people concerned, and it is left out of the gap."},
    "m.suppressed.few_positives": {
        "fr": "Groupe « {group} » : moins de {min_cell} ménages ayant reçu un jugement ; son "
              "taux de ménages manqués n'est pas publié et il est exclu de l'écart.",
        "en": "Group \"{group}\": fewer than {min_cell} households that received a judgment; "
              "its miss rate is not published and it is left out of the gap."},
    "m.pooled": {
        "fr": "Seuils par groupe : le ou les groupes {groups} n'ont pas, dans la période "
              "d'ajustement, à la fois des ménages avec et sans jugement ; la méthode ne peut "
              "pas leur fixer un seuil propre. Ils partagent un seuil commun (celui du plus "
              "grand groupe si, même réunis, ils n'ont pas les deux).",
        "en": "Thresholds by group: group(s) {groups} do not have, in the fitting period, "
              "households both with and without a judgment; the method cannot set them a "
              "threshold of their own. They share a common threshold (the largest group's if, "
              "even pooled, they lack one of the two)."},
    "m.chart_x": {"fr": "Précision de la liste (%)", "en": "Precision of the list (%)"},
    "m.chart_y": {"fr": "Écart de taux de ménages manqués (points)",
                  "en": "Gap in miss rates (points)"},
    "m.chart_caption": {
        "fr": "Chaque point est une méthode : plus à droite, la liste vise plus juste ; plus "
              "bas, les groupes sont manqués plus également. Les symboles vides sont des listes "
              "qui dépassent la capacité des équipes.",
        "en": "Each point is a method: further right, the list is more accurate; lower, the "
              "groups are missed more equally. Hollow symbols are lists that exceed the teams' "
              "capacity."},
    "m.chart_none": {"fr": "Pas de graphique : l'écart n'est calculable pour aucune méthode.",
                     "en": "No chart: the gap cannot be computed for any method."},
    # ------------------------------------------------------------------ legal caveats
    "m.caveat.1": {
        "fr": "Les méthodes par seuils différents selon le groupe exigent de connaître la "
              "caractéristique protégée (« {group} ») de chaque ménage au moment de décider qui "
              "contacter. Abri n'utilise jamais une caractéristique protégée comme entrée : "
              "elle ne sert qu'à l'audit.",
        "en": "Methods with different thresholds by group need the protected characteristic "
              "(\"{group}\") of every household at the moment of deciding whom to contact. "
              "Abri never uses a protected characteristic as an input: it serves the audit "
              "only."},
    "m.caveat.2": {
        "fr": "Traiter des personnes différemment en raison d'une caractéristique protégée "
              "(origine, nationalité, sexe, situation de famille, handicap...) peut constituer "
              "une discrimination directe au sens du droit de l'Union européenne (directive "
              "2000/43/CE relative à l'égalité de traitement sans distinction de race ou "
              "d'origine ethnique) et du droit français (Code pénal, art. 225-1), même si "
              "l'intention est de réduire un écart.",
        "en": "Treating people differently because of a protected characteristic (origin, "
              "nationality, sex, family situation, disability...) can be direct discrimination "
              "under European Union law (Directive 2000/43/EC on equal treatment irrespective "
              "of racial or ethnic origin) and French law (Criminal Code, art. 225-1), even when "
              "the aim is to reduce a gap."},
    "m.caveat.3": {
        "fr": "Certaines de ces informations sont des données sensibles au sens du RGPD "
              "(art. 9 : origine, santé...) : les traiter pour décider demande une base légale "
              "spécifique, que l'audit seul ne fournit pas.",
        "en": "Some of this information is sensitive data under the GDPR (art. 9: origin, "
              "health...): processing it to decide needs a specific legal basis, which the "
              "audit alone does not provide."},
    "m.caveat.4": {
        "fr": "Réentraîner le modèle sous contrainte n'utilise pas le groupe pour décider, mais "
              "l'utilise pour entraîner : le comité doit en apprécier la base légale et "
              "l'effet sur la précision de la liste.",
        "en": "Retraining the model under a constraint does not use the group to decide but "
              "uses it to train: the committee must weigh its legal basis and its effect on "
              "the list's accuracy."},
    "m.caveat.5": {
        "fr": "C'est pourquoi la correction est comparée, jamais appliquée en silence. Le "
              "comité décide ; toute correction adoptée sera documentée, publiée avec les "
              "règles de l'algorithme (CRPA art. L312-1-3) et réexaminée à chaque audit.",
        "en": "This is why correction is compared, never applied silently. The committee "
              "decides; any correction adopted will be documented, published with the "
              "algorithm's rules (CRPA art. L312-1-3) and reviewed at every audit."},
    # ------------------------------------------------------------------ glossary
    "m.glossary.capacity": {
        "fr": "Capacité : nombre de ménages que les équipes peuvent contacter, en part de "
              "l'ensemble.",
        "en": "Capacity: how many households the teams can contact, as a share of all."},
    "m.glossary.precision": {
        "fr": "Précision : parmi les ménages retenus, part de ceux qui ont reçu un jugement "
              "d'expulsion dans les 12 mois.",
        "en": "Precision: among households selected, the share that received an eviction "
              "judgment within 12 months."},
    "m.glossary.recall": {
        "fr": "Rappel : parmi les ménages qui ont reçu un jugement, part de ceux que la liste "
              "a atteints.",
        "en": "Recall: among households that received a judgment, the share the list reached."},
    "m.glossary.fnr": {
        "fr": "Taux de ménages manqués (taux de faux négatifs) : parmi les ménages d'un groupe "
              "qui ont reçu un jugement, part de ceux que la liste n'a pas atteints. C'est "
              "l'erreur qui nuit dans une aide qui n'est jamais une sanction.",
        "en": "Miss rate (false negative rate): among a group's households that received a "
              "judgment, the share the list did not reach. It is the error that harms in help "
              "that is never a sanction."},
    "m.glossary.gap": {
        "fr": "Écart : le plus grand taux de ménages manqués moins le plus petit, entre les "
              "groupes publiés, en points de pourcentage (pts) ; rapport : le plus grand "
              "divisé par le plus petit.",
        "en": "Gap: the largest miss rate minus the smallest, among published groups, in "
              "percentage points (pts); ratio: the largest divided by the smallest."},
    "m.glossary.attribute": {
        "fr": "Caractéristique protégée : information sur laquelle une différence de traitement "
              "peut être discriminatoire (origine, nationalité, sexe, âge, handicap, situation "
              "de famille...).",
        "en": "Protected characteristic: information on which a difference in treatment can "
              "be discriminatory (origin, nationality, sex, age, disability, family "
              "situation...)."},
    "m.glossary.suppressed": {
        "fr": "Masqué : groupe de moins de {min_cell} ménages, ou de moins de {min_cell} "
              "ménages ayant reçu un jugement ; aucun chiffre n'est publié.",
        "en": "Suppressed: a group of fewer than {min_cell} households, or of fewer than "
              "{min_cell} households that received a judgment; no figure is published."},
    "m.glossary.randomised": {
        "fr": "Tirage au sort : pour atteindre exactement l'égalité, la méthode par seuils "
              "retient certains ménages à la limite au hasard (graine fixée, donc "
              "reproductible).",
        "en": "Random draw: to reach equality exactly, the threshold method selects some "
              "households at the boundary at random (fixed seed, so reproducible)."},
}

GLOSSARY = ("capacity", "precision", "recall", "fnr", "gap", "attribute", "suppressed",
            "randomised")


# One catalogue for every fairness page: these entries join fairness.i18n's, read by its t().
assert not SHARED.keys() & CATALOGUE.keys(), "a catalogue key is defined twice"
SHARED.update(CATALOGUE)
