"""Every user-facing sentence of the explanation report, the governance documents and the
household notice, French first, English beside it.

Keys are dotted: `x.*` (explanations.html), `doc.*` (model card, datasheet, Etalab entry,
Annex IV checklist), `notice.*` (the CRPA notice to a household), `value.*` and `source.*`
(shared labels). Templates call `t()`; no French string lives anywhere else. Formatting of
numbers reuses fairness/i18n.py (`fmt_number`, `fmt_percent`).
"""

from __future__ import annotations

from fairness.i18n import fmt_number, fmt_percent

LANGS = ("fr", "en")

__all__ = ["CATALOGUE", "LANGS", "fmt_number", "fmt_percent", "t"]

CATALOGUE: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ shared values
    "value.yes": {"fr": "oui", "en": "yes"},
    "value.no": {"fr": "non", "en": "no"},
    "value.na": {"fr": "NA", "en": "NA"},
    "value.present": {"fr": "présent", "en": "present"},
    "value.missing": {"fr": "manquant", "en": "missing"},
    "value.not_run": {"fr": "non effectué", "en": "not run"},
    "value.passed": {"fr": "vérifié", "en": "passed"},
    "value.failed": {"fr": "ÉCHEC", "en": "FAILED"},
    "value.to_complete": {"fr": "à compléter par le service déployeur",
                          "en": "to be completed by the deploying service"},
    "attr.sexe": {"fr": "Sexe de la personne de référence", "en": "Sex of the reference person"},
    "attr.age_band": {"fr": "Tranche d'âge", "en": "Age band"},
    "attr.nationalite": {"fr": "Groupe de nationalité", "en": "Nationality group"},
    "attr.handicap": {"fr": "Handicap (AAH)", "en": "Disability (AAH)"},
    "attr.famille_monoparentale": {"fr": "Famille monoparentale", "en": "Single-parent family"},
    "attr.qpv": {"fr": "Quartier prioritaire (QPV)", "en": "Priority neighbourhood (QPV)"},
    "attr.tenure": {"fr": "Statut d'occupation (social / privé)", "en": "Tenure (social / private)"},
    "attr.arrondissement": {"fr": "Arrondissement", "en": "Arrondissement"},
    "source.menages": {"fr": "Référentiel des ménages", "en": "Household reference"},
    "source.caf": {"fr": "CAF : allocataires", "en": "CAF: benefit recipients"},
    "source.bailleurs": {"fr": "Bailleurs sociaux : comptes locatifs",
                         "en": "Social landlords: rent accounts"},
    "source.justice": {"fr": "Procédures d'expulsion (tribunal, EXPLOC)",
                       "en": "Eviction procedures (court, EXPLOC)"},
    "source.fsl": {"fr": "FSL : demandes et décisions", "en": "FSL: requests and decisions"},
    "source.energie": {"fr": "Énergie : impayés et réductions de puissance",
                       "en": "Energy: unpaid bills and power reductions"},
    "source.services_sociaux": {"fr": "Services sociaux : contacts",
                                "en": "Social services: contacts"},
    "source.france_travail": {"fr": "France Travail : inscriptions et fins de droits",
                              "en": "France Travail: registrations and end of rights"},
    "common.lag": {"fr": "délai de livraison : {lag} mois", "en": "delivery lag: {lag} month(s)"},
    "common.toc": {"fr": "Sommaire :", "en": "Contents:"},
    "common.version": {"fr": "Version du modèle : {version}", "en": "Model version: {version}"},
    "common.generated": {"fr": "Document produit automatiquement à partir des métadonnées "
                               "du modèle (registre).",
                         "en": "Document generated from the model's metadata (registry)."},
    # ------------------------------------------------------------------ explanations.html
    "x.title": {"fr": "Comment le modèle construit ses scores : rapport d'explication",
                "en": "How the model builds its scores: explanation report"},
    "x.intro": {
        "fr": "Ce rapport s'adresse au comité d'éthique. Il montre quelles informations pèsent "
              "dans le score de risque, si ce poids diffère entre groupes de ménages, si "
              "certaines informations révèlent indirectement une caractéristique protégée, et "
              "si les explications sont stables et exactes. Les calculs portent sur un "
              "échantillon de {sample} ménages tirés au hasard (graine {seed}) parmi {rows}.",
        "en": "This report is for the ethics committee. It shows which information weighs in "
              "the risk score, whether that weight differs between groups of households, "
              "whether some information indirectly reveals a protected characteristic, and "
              "whether the explanations are stable and exact. Figures use a random sample of "
              "{sample} households (seed {seed}) out of {rows}."},
    "x.protected": {
        "fr": "Les caractéristiques protégées (sexe, âge, nationalité, handicap, situation "
              "familiale, quartier, statut d'occupation, arrondissement) ne sont jamais des "
              "entrées du modèle ; elles servent seulement à l'audit. Vérification faite sur "
              "le modèle lui-même : aucune de ses {n} variables ne porte l'un de ces noms.",
        "en": "Protected characteristics (sex, age, nationality, disability, family "
              "situation, neighbourhood, tenure, arrondissement) are never model inputs; they "
              "are used for the audit only. Checked on the model itself: none of its {n} "
              "inputs bears one of these names."},
    "x.section.global": {"fr": "1. Ce qui pèse le plus dans le score",
                         "en": "1. What weighs most in the score"},
    "x.section.dependence": {"fr": "2. Comment le score suit les principales informations",
                             "en": "2. How the score follows the main information"},
    "x.section.gaps": {"fr": "3. D'où viennent les écarts de score entre groupes ?",
                       "en": "3. Where do score gaps between groups come from?"},
    "x.section.proxies": {"fr": "4. Informations qui révèlent une caractéristique protégée",
                          "en": "4. Information that reveals a protected characteristic"},
    "x.section.stability": {"fr": "5. Stabilité des explications",
                            "en": "5. Stability of the explanations"},
    "x.section.additivity": {"fr": "6. Exactitude des explications",
                             "en": "6. Exactness of the explanations"},
    "x.section.examples": {"fr": "7. Exemples de ménages (pseudonymisés)",
                           "en": "7. Example households (pseudonymised)"},
    "x.section.glossary": {"fr": "8. Glossaire", "en": "8. Glossary"},
    "x.global_text": {
        "fr": "Pour chaque ménage, le score est décomposé en contributions de chaque "
              "information (valeurs SHAP). La longueur d'une barre est la contribution moyenne, "
              "sans tenir compte du sens, sur l'échantillon. Les informations voisines sont "
              "regroupées en motifs, ceux que lisent les travailleurs sociaux.",
        "en": "For each household the score is split into contributions of each piece of "
              "information (SHAP values). A bar's length is the average contribution, "
              "regardless of direction, over the sample. Related information is grouped into "
              "reasons, the ones social workers read."},
    "x.importance_caption": {
        "fr": "À gauche : contribution moyenne (en valeur absolue) des {top} informations les "
              "plus importantes. À droite : la même chose par motif.",
        "en": "Left: mean absolute contribution of the {top} most important pieces of "
              "information. Right: the same by reason."},
    "x.importance_axis": {"fr": "Contribution moyenne |SHAP| (score brut)",
                          "en": "Mean |SHAP| contribution (raw score)"},
    "x.beeswarm_caption": {
        "fr": "Chaque point est un ménage. À droite de la ligne verticale, l'information "
              "augmente le score ; à gauche, elle le diminue. Couleur : valeur de "
              "l'information pour ce ménage (bleu = faible, rouge = élevée, gris = inconnue).",
        "en": "Each dot is a household. Right of the vertical line the information raises "
              "the score; left of it, it lowers it. Colour: the household's value (blue = low, "
              "red = high, grey = unknown)."},
    "x.beeswarm_axis": {"fr": "Contribution au score brut (SHAP)",
                        "en": "Contribution to the raw score (SHAP)"},
    "x.feature": {"fr": "Information", "en": "Information"},
    "x.reason_group": {"fr": "Motif", "en": "Reason"},
    "x.mean_abs": {"fr": "Contribution moyenne |SHAP|", "en": "Mean |SHAP|"},
    "x.share": {"fr": "Part du total", "en": "Share of total"},
    "x.missing_share": {"fr": "Part inconnue", "en": "Share unknown"},
    "x.dependence_text": {
        "fr": "Pour les quatre informations qui pèsent le plus : en abscisse la valeur de "
              "l'information, en ordonnée sa contribution au score. La ligne pointillée donne "
              "la contribution moyenne quand l'information est inconnue (par exemple un "
              "locataire du parc privé n'a pas de compte chez un bailleur social).",
        "en": "For the four most important pieces of information: the value on the "
              "horizontal axis, its contribution to the score on the vertical axis. The dashed "
              "line gives the mean contribution when the information is unknown (for example a "
              "private tenant has no social-landlord account)."},
    "x.dependence_unknown": {"fr": "inconnu : {value}", "en": "unknown: {value}"},
    "x.gaps_text": {
        "fr": "Pour chaque caractéristique, on compare le score moyen de chaque groupe à "
              "celui du groupe de référence (le plus grand). L'écart se décompose exactement "
              "en contributions des motifs : on voit ainsi quelles informations font qu'un "
              "groupe a un score plus élevé. Exemple : quelles informations font que les "
              "familles monoparentales ont un score plus élevé ? Un écart n'est pas en soi "
              "une injustice : il peut refléter un risque réellement plus élevé ; l'audit "
              "d'équité (audit.html) vérifie si la liste manque plus souvent certains groupes.",
        "en": "For each characteristic, each group's mean score is compared with the "
              "reference group's (the largest). The gap splits exactly into reason "
              "contributions, showing which information makes a group score higher. Example: "
              "which information makes single parents score higher? A gap is not unfair in "
              "itself: it may reflect a truly higher risk; the fairness audit (audit.html) "
              "checks whether the list misses some groups more often."},
    "x.gap_sentence": {
        "fr": "« {group} » ({n} ménages) : score moyen {direction} de {gap} par rapport à "
              "« {reference} » ; surtout à cause de : {drivers}.",
        "en": "\"{group}\" ({n} households): mean score {direction} by {gap} compared with "
              "\"{reference}\"; mainly because of: {drivers}."},
    "x.gap_higher": {"fr": "plus élevé", "en": "higher"},
    "x.gap_lower": {"fr": "plus bas", "en": "lower"},
    "x.gap_reference": {"fr": "Groupe de référence : « {reference} » ({n} ménages).",
                        "en": "Reference group: \"{reference}\" ({n} households)."},
    "x.gap_suppressed": {
        "fr": "{groups} groupe(s) masqué(s) ({rows} ménages) : moins de {min_cell} ménages "
              "dans l'échantillon, ou masqué(s) pour qu'on ne puisse pas les retrouver par "
              "soustraction.",
        "en": "{groups} group(s) suppressed ({rows} households): fewer than {min_cell} "
              "households in the sample, or suppressed so that they cannot be recovered by "
              "subtraction."},
    "x.gap_none": {"fr": "Aucun groupe assez grand pour être comparé.",
                   "en": "No group large enough to be compared."},
    "x.gap_caption": {
        "fr": "Écart de score moyen avec le groupe de référence, décomposé par motif "
              "(score brut). Une barre à droite : le motif augmente le score du groupe.",
        "en": "Mean score gap with the reference group, split by reason (raw score). A bar "
              "to the right: the reason raises the group's score."},
    "x.group": {"fr": "Groupe", "en": "Group"},
    "x.count": {"fr": "Ménages", "en": "Households"},
    "x.mean_score": {"fr": "Score brut moyen", "en": "Mean raw score"},
    "x.gap": {"fr": "Écart", "en": "Gap"},
    "x.top_drivers": {"fr": "Principaux motifs de l'écart", "en": "Main reasons for the gap"},
    "x.proxies_text": {
        "fr": "Une information peut révéler indirectement une caractéristique protégée (on "
              "parle de variable « proxy »). Pour chaque information et chaque "
              "caractéristique, on mesure à quel point l'information seule permet de deviner "
              "la caractéristique : aire sous la courbe ROC (AUC) d'un classifieur à une "
              "variable (valeurs découpées en {bins} tranches, « inconnu » formant une "
              "tranche à part, validation croisée en 2 parts). 0,5 = pas mieux que le hasard, "
              "1 = devine parfaitement. Règle fixée à l'avance : une information est nommée "
              "proxy si son AUC atteint {threshold} pour un groupe d'au moins {min_class} "
              "ménages. Un proxy n'est pas à retirer d'office : le comité juge s'il est "
              "légitime (par exemple, l'absence de compte chez un bailleur social révèle "
              "qu'un ménage est locataire du parc privé : c'est le reflet de l'écart de "
              "mesure).",
        "en": "A piece of information may indirectly reveal a protected characteristic (a "
              "\"proxy\"). For each piece of information and each characteristic we measure "
              "how well the information alone guesses the characteristic: area under the ROC "
              "curve (AUC) of a one-variable classifier (values cut into {bins} bins, "
              "\"unknown\" as a bin of its own, 2-fold cross-fitting). 0.5 = no better than "
              "chance, 1 = guesses perfectly. Rule set in advance: information is named a "
              "proxy if its AUC reaches {threshold} for a group of at least {min_class} "
              "households. A proxy is not removed automatically: the committee judges whether "
              "it is legitimate (for example, having no social-landlord account reveals a "
              "private tenant: that is the measurement gap showing)."},
    "x.proxies_found": {"fr": "{count} couple(s) information / caractéristique nommé(s) proxy :",
                        "en": "{count} information / characteristic pair(s) named as proxies:"},
    "x.proxies_none": {"fr": "Aucune information n'atteint le seuil.",
                       "en": "No information reaches the threshold."},
    "x.attribute": {"fr": "Caractéristique", "en": "Characteristic"},
    "x.target_group": {"fr": "Groupe deviné", "en": "Group guessed"},
    "x.auc": {"fr": "AUC", "en": "AUC"},
    "x.proxy_caption": {
        "fr": "AUC la plus élevée de chaque information pour chaque caractéristique (les "
              "{top} informations les plus révélatrices). Cadre noir : proxy.",
        "en": "Highest AUC of each piece of information for each characteristic (the {top} "
              "most revealing pieces of information). Black frame: proxy."},
    "x.stability_text": {
        "fr": "Le même modèle a été réentraîné avec {count} autre(s) graine(s) aléatoire(s). "
              "Si les explications sont solides, les mêmes informations restent en tête. "
              "Indice de Jaccard des 10 premières informations (1 = mêmes 10, 0 = aucune en "
              "commun), corrélation des rangs de Spearman sur toutes les informations, et "
              "part des ménages dont le premier motif est le même.",
        "en": "The same model was retrained with {count} other random seed(s). If the "
              "explanations are sound, the same information stays at the top. Jaccard index "
              "of the top 10 (1 = the same 10, 0 = none in common), Spearman rank correlation "
              "over all information, and share of households whose first reason is the same."},
    "x.stability_not_run": {
        "fr": "Vérification non effectuée : aucun modèle réentraîné avec une autre graine n'a "
              "été fourni. La stabilité des explications n'est donc pas établie pour cette "
              "version.",
        "en": "Check not run: no model retrained with another seed was provided. The "
              "stability of the explanations is therefore not established for this version."},
    "x.seed_model": {"fr": "Modèle réentraîné", "en": "Retrained model"},
    "x.jaccard": {"fr": "Jaccard (10 premières)", "en": "Jaccard (top 10)"},
    "x.spearman": {"fr": "Corrélation des rangs", "en": "Rank correlation"},
    "x.same_top_reason": {"fr": "Même premier motif", "en": "Same first reason"},
    "x.additivity_text": {
        "fr": "Les contributions viennent du calcul TreeSHAP exact de LightGBM. Pour chaque "
              "ménage de l'échantillon, contributions + valeur de base doivent redonner le "
              "score brut du modèle. Écart maximal constaté : {error} (tolérance {tolerance}) : "
              "{status}.",
        "en": "Contributions come from LightGBM's exact TreeSHAP. For each sampled household, "
              "contributions + base value must give back the model's raw score. Largest "
              "error found: {error} (tolerance {tolerance}): {status}."},
    "x.shap_text": {
        "fr": "Contre-vérification indépendante sur {n} ménages avec shap.TreeExplainer "
              "(bibliothèque shap {version}) : écart maximal {error} avec LightGBM "
              "({status}) ; LightGBM est {ratio} fois plus rapide ({lgb_ms} ms contre "
              "{shap_ms} ms pour {n} ménages).",
        "en": "Independent cross-check on {n} households with shap.TreeExplainer (shap "
              "library {version}): largest difference {error} with LightGBM ({status}); "
              "LightGBM is {ratio} times faster ({lgb_ms} ms against {shap_ms} ms for {n} "
              "households)."},
    "x.shap_unavailable": {"fr": "Contre-vérification avec shap non effectuée : {reason}.",
                           "en": "Cross-check with shap not run: {reason}."},
    "x.examples_text": {
        "fr": "Quelques ménages parmi les scores les plus élevés de l'échantillon, tels que les "
              "voit le travailleur social : motifs dans l'ordre de leur poids, avec les "
              "valeurs du ménage. La clé est tronquée à 8 caractères ; aucune caractéristique "
              "protégée n'est affichée.",
        "en": "A few households among the highest scores of the sample, as the social worker "
              "sees them: reasons in order of weight, with the household's values. The key is "
              "truncated to 8 characters; no protected characteristic is shown."},
    "x.household": {"fr": "Ménage", "en": "Household"},
    "x.month": {"fr": "Mois", "en": "Month"},
    "x.reasons": {"fr": "Motifs", "en": "Reasons"},
    "x.contribution": {"fr": "contribution {value}", "en": "contribution {value}"},
    "x.no_reason": {"fr": "aucun motif n'augmente le risque",
                    "en": "no reason raises the risk"},
    "x.method": {
        "fr": "Modèle {version} ; {features} informations ; graine {seed} ; {elapsed} s de "
              "calcul. Chiffres détaillés : explanations.json.",
        "en": "Model {version}; {features} inputs; seed {seed}; {elapsed} s of computation. "
              "Detailed figures: explanations.json."},
    "x.lang_other": {"fr": "English version: explanations.en.html",
                     "en": "Version française : explanations.html"},
    "x.glossary.shap": {
        "fr": "Valeur SHAP : la part du score d'un ménage due à une information, par rapport "
              "au score moyen. Les parts s'additionnent exactement pour donner le score.",
        "en": "SHAP value: the share of a household's score due to one piece of information, "
              "relative to the average score. The shares add up exactly to the score."},
    "x.glossary.raw_score": {
        "fr": "Score brut : la sortie du modèle avant calibration, sur une échelle de "
              "log-cote ; +0,7 environ double la cote de risque. La liste est ordonnée par ce "
              "score.",
        "en": "Raw score: the model's output before calibration, on a log-odds scale; about "
              "+0.7 doubles the odds of risk. The list is ordered by this score."},
    "x.glossary.reason_group": {
        "fr": "Motif : un groupe d'informations voisines (par exemple toutes celles sur les "
              "impayés de loyer), présenté comme une seule raison.",
        "en": "Reason: a group of related information (for example everything about rent "
              "arrears), shown as one reason."},
    "x.glossary.reference": {
        "fr": "Groupe de référence : le groupe le plus grand, auquel les autres sont comparés.",
        "en": "Reference group: the largest group, with which the others are compared."},
    "x.glossary.proxy": {
        "fr": "Proxy : une information qui permet de deviner une caractéristique protégée "
              "sans l'utiliser directement.",
        "en": "Proxy: information that allows guessing a protected characteristic without "
              "using it directly."},
    "x.glossary.auc": {
        "fr": "AUC : probabilité qu'un ménage du groupe deviné ait une valeur plus typique du "
              "groupe qu'un ménage hors du groupe ; 0,5 = hasard, 1 = parfait.",
        "en": "AUC: the probability that a household of the guessed group has a value more "
              "typical of the group than a household outside it; 0.5 = chance, 1 = perfect."},
    "x.glossary.jaccard": {
        "fr": "Indice de Jaccard : nombre d'éléments communs à deux listes divisé par le "
              "nombre d'éléments distincts des deux listes.",
        "en": "Jaccard index: the number of items two lists share divided by the number of "
              "distinct items in both."},
    "x.glossary.suppressed": {
        "fr": "Masqué : groupe de moins de {min_cell} ménages ; aucun chiffre n'est publié "
              "pour protéger les personnes.",
        "en": "Suppressed: a group of fewer than {min_cell} households; no figure is "
              "published, to protect the people concerned."},
    "x.glossary.unknown": {
        "fr": "Inconnu : l'information n'est pas fournie par le partenaire pour ce ménage "
              "(ce n'est pas zéro).",
        "en": "Unknown: the partner does not provide the information for this household "
              "(it is not zero)."},
    "error.protected_feature": {
        "fr": "le modèle utilise une caractéristique protégée comme variable : {names} ; "
              "elle ne doit servir qu'à l'audit",
        "en": "the model uses a protected characteristic as an input: {names}; it must be "
              "used for the audit only"},
    "error.features_missing": {
        "fr": "colonnes d'indicateurs absentes du tableau : {names}",
        "en": "feature columns missing from the frame: {names}"},
    "error.attributes_missing": {
        "fr": "colonnes absentes du tableau des attributs d'audit : {names}",
        "en": "columns missing from the audit attributes table: {names}"},
    "error.empty_frame": {"fr": "aucun ménage à expliquer (tableau vide)",
                          "en": "no household to explain (empty frame)"},
}


def t(key: str, lang: str = "fr", **params: object) -> str:
    """The catalogue text for `key` in `lang` (French if `lang` is unknown), formatted."""
    entry = CATALOGUE[key]
    text = entry.get(lang) or entry["fr"]
    return text.format(**params) if params else text
