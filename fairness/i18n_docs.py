"""Every user-facing sentence of the explanation report, the governance documents and the
household notice, French first, English beside it.

Keys are dotted: `x.*` (explanations.html), `doc.*` (model card, datasheet, Etalab entry,
Annex IV checklist), `notice.*` (the CRPA notice to a household), `value.*` and `source.*`
(shared labels). Templates call `t()`; no French string lives anywhere else. Formatting of
numbers reuses fairness/i18n.py (`fmt_number`, `fmt_percent`).
"""

from __future__ import annotations

from fairness.i18n import CATALOGUE as SHARED
from fairness.i18n import LANGS, fmt_number, fmt_percent, t

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
    "x.gap_axis": {"fr": "Écart avec le groupe de référence (score brut)",
                   "en": "Gap with the reference group (raw score)"},
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
    # ------------------------------------------------------------------ model card
    "doc.card.title": {"fr": "Fiche du modèle (model card)", "en": "Model card"},
    "doc.card.identity": {"fr": "1. Identité", "en": "1. Identity"},
    "doc.card.use": {"fr": "2. Usage prévu et utilisateurs", "en": "2. Intended use and users"},
    "doc.card.not_intended": {"fr": "3. Usages exclus", "en": "3. Uses ruled out"},
    "doc.card.training": {"fr": "4. Période d'entraînement et données", "en": "4. Training window and data"},
    "doc.card.metrics": {"fr": "5. Performances, à côté des méthodes de référence",
                         "en": "5. Performance, beside the baselines"},
    "doc.card.fairness": {"fr": "6. Équité (résumé de l'audit)", "en": "6. Fairness (audit summary)"},
    "doc.card.energy": {"fr": "7. Coût énergétique et carbone", "en": "7. Energy and carbon cost"},
    "doc.card.limitations": {"fr": "8. Limites connues", "en": "8. Known limitations"},
    "doc.card.oversight": {"fr": "9. Contrôle humain", "en": "9. Human oversight"},
    "doc.card.purpose": {
        "fr": "Chaque mois, ordonner la liste des ménages locataires parisiens que les "
              "travailleurs sociaux contactent en priorité pour leur proposer une aide (plan "
              "d'apurement, FSL, révision des aides, accompagnement budgétaire) avant qu'un "
              "jugement d'expulsion ne soit prononcé. Le modèle estime, pour chaque ménage, le "
              "risque d'un jugement d'expulsion dans les 12 mois.",
        "en": "Each month, order the list of Paris tenant households that social workers "
              "contact first to offer help (repayment plan, FSL, benefit review, budget "
              "support) before an eviction judgment. The model estimates each household's "
              "risk of an eviction judgment within 12 months."},
    "doc.card.users": {
        "fr": "Utilisateurs : travailleurs sociaux (liste de leur secteur, avec les motifs), "
              "responsables d'équipe (capacités, suivi), comité d'éthique (approuve ou refuse "
              "chaque version, ne voit que des agrégats), équipe données (entraînement, "
              "surveillance).",
        "en": "Users: social workers (their sector's list, with reasons), team supervisors "
              "(capacity, follow-up), the ethics committee (approves or rejects each version, "
              "sees aggregates only), the data team (training, monitoring)."},
    "doc.card.not_intended.1": {
        "fr": "Jamais une sanction ni un motif de contrôle : le score ne sert qu'à proposer "
              "une aide.",
        "en": "Never a sanction or a ground for checks: the score only serves to offer help."},
    "doc.card.not_intended.2": {
        "fr": "Jamais une décision automatique : un travailleur social décide de contacter "
              "ou non (RGPD art. 22) ; rien n'est déclenché sans lui.",
        "en": "Never an automated decision: a social worker decides whether to make contact "
              "(GDPR art. 22); nothing is triggered without them."},
    "doc.card.not_intended.3": {
        "fr": "Jamais pour attribuer, suspendre ou réduire une aide, un logement ou un droit.",
        "en": "Never to grant, suspend or reduce a benefit, a dwelling or a right."},
    "doc.card.not_intended.4": {
        "fr": "Jamais communiqué à un bailleur, à la justice, à la police ou à un tiers.",
        "en": "Never disclosed to a landlord, the courts, the police or any third party."},
    "doc.card.not_intended.5": {
        "fr": "Pas une probabilité individuelle à annoncer au ménage : un ordre de priorité.",
        "en": "Not an individual probability to tell the household: an order of priority."},
    "doc.card.version": {"fr": "Version", "en": "Version"},
    "doc.card.created": {"fr": "Créée le", "en": "Created"},
    "doc.card.as_of": {"fr": "Données jusqu'à", "en": "Data up to"},
    "doc.card.code": {"fr": "Version du code", "en": "Code version"},
    "doc.card.model_hash": {"fr": "Empreinte du modèle (SHA-256)", "en": "Model fingerprint (SHA-256)"},
    "doc.card.data_hash": {"fr": "Empreinte des données (SHA-256)", "en": "Data fingerprint (SHA-256)"},
    "doc.card.seed": {"fr": "Graine", "en": "Seed"},
    "doc.card.libraries": {"fr": "Bibliothèques", "en": "Libraries"},
    "doc.card.train_months": {"fr": "Mois d'entraînement", "en": "Training months"},
    "doc.card.calibration_months": {"fr": "Mois de calibration", "en": "Calibration months"},
    "doc.card.labelled_months": {"fr": "Mois étiquetés disponibles", "en": "Labelled months available"},
    "doc.card.rows": {"fr": "Lignes d'entraînement / jugements observés",
                      "en": "Training rows / judgments observed"},
    "doc.card.features": {
        "fr": "{n} indicateurs issus de {sources} sources partenaires (voir la fiche des "
              "données, datasheet.html). Aucune caractéristique protégée n'est un indicateur.",
        "en": "{n} features from {sources} partner sources (see the datasheet, "
              "datasheet.html). No protected characteristic is a feature."},
    "doc.card.label": {
        "fr": "Cible : un jugement ordonnant l'expulsion dans les 12 mois suivant le mois "
              "d'observation.",
        "en": "Target: a judgment ordering eviction within 12 months of the snapshot month."},
    "doc.card.metrics_text": {
        "fr": "Mesures hors échantillon, sur des mois que le modèle n'a pas vus (validation "
              "temporelle), à la capacité de contact (k ménages par mois), moyenne mensuelle. "
              "Le modèle est comparé à la règle actuelle et à une régression logistique.",
        "en": "Out-of-sample measures on months the model never saw (temporal validation), "
              "at the outreach capacity (k households per month), monthly mean. The model is "
              "compared with today's rule and a logistic regression."},
    "doc.scorer.model": {"fr": "Modèle (LightGBM)", "en": "Model (LightGBM)"},
    "doc.scorer.logistic": {"fr": "Régression logistique", "en": "Logistic regression"},
    "doc.scorer.rule": {"fr": "Règle actuelle (procédure, impayés)",
                        "en": "Today's rule (procedure, arrears)"},
    "doc.metric.scorer": {"fr": "Méthode", "en": "Scorer"},
    "doc.metric.k": {"fr": "k (par mois)", "en": "k (per month)"},
    "doc.metric.precision_at_k": {"fr": "Précision à k", "en": "Precision at k"},
    "doc.metric.recall_at_k": {"fr": "Rappel à k", "en": "Recall at k"},
    "doc.metric.lift_at_k": {"fr": "Gain à k (× taux de base)", "en": "Lift at k (× base rate)"},
    "doc.metric.roc_auc": {"fr": "AUC ROC", "en": "ROC AUC"},
    "doc.metric.pr_auc": {"fr": "AUC précision-rappel", "en": "PR AUC"},
    "doc.card.gate": {"fr": "5.1 Face à la règle actuelle", "en": "5.1 Against today's rule"},
    "doc.card.gate_pass": {
        "fr": "Cette version fait au moins aussi bien que la règle actuelle à la capacité de contact "
              "(précision à k {model} contre {rule}, sur les mêmes mois) : elle peut servir si le "
              "comité d'éthique l'approuve.",
        "en": "This version does at least as well as today's rule at the outreach capacity "
              "(precision at k {model} against {rule}, on the same months): it may serve if the "
              "ethics committee approves it."},
    "doc.card.gate_fail": {
        "fr": "Cette version ne passe pas le contrôle ({why}) : elle ne sera pas promue. Tant qu'aucune "
              "version approuvée ne fait mieux que la règle actuelle, les listes envoyées aux "
              "travailleurs sociaux sont celles de la règle, et le tableau de bord le dit.",
        "en": "This version fails the gate ({why}): it will not be promoted. As long as no approved "
              "version beats today's rule, the lists sent to social workers are the rule's, and the "
              "dashboard says so."},
    "doc.card.gate_rule": {
        "fr": "Règle actuelle : commandement de payer reçu, ou au moins 2 mois d'impayés, ou procédure "
              "engagée ; les ménages signalés d'abord, par stade de procédure puis par impayés.",
        "en": "Today's rule: a formal demand to pay received, or at least 2 months of arrears, or a "
              "procedure under way; flagged households first, by procedure stage then arrears."},
    "doc.card.lists": {"fr": "5.2 Les listes telles qu'envoyées, par secteur",
                       "en": "5.2 The lists as sent, per sector"},
    "doc.card.lists_text": {
        "fr": "Chaque secteur reçoit sa part de ménages (la capacité), du score le plus élevé au plus "
              "faible, à score égal par clé de ménage. Mesures hors échantillon des listes par secteur, "
              "à côté du classement sur toute la ville qu'utilisent les validations.",
        "en": "Each sector gets its share of households (the capacity), from the highest score down, "
              "ties broken by household key. Out-of-sample measures of the per-sector lists, beside "
              "the city-wide ranking the backtests use."},
    "doc.lists.sector": {"fr": "par secteur (envoyées)", "en": "per sector (as sent)"},
    "doc.lists.city": {"fr": "toute la ville", "en": "city-wide"},
    "doc.lists.kind": {"fr": "Listes", "en": "Lists"},
    "doc.card.lead": {"fr": "5.3 Délai d'anticipation", "en": "5.3 Lead time"},
    "doc.card.lead_text": {
        "fr": "Pour les ménages jugés ensuite : la part que les listes mensuelles ont atteinte avant le "
              "jugement, la part atteinte 3 mois ou plus avant, et le nombre médian de mois d'avance.",
        "en": "For households judged later: the share the monthly lists reached before the judgment, "
              "the share reached 3 or more months before, and the median months ahead."},
    "doc.lead.judged": {"fr": "Ménages jugés", "en": "Households judged"},
    "doc.lead.reached": {"fr": "Atteints avant le jugement", "en": "Reached before the judgment"},
    "doc.lead.reached_3m": {"fr": "Atteints 3 mois ou plus avant", "en": "Reached 3+ months before"},
    "doc.lead.median": {"fr": "Avance médiane (mois)", "en": "Median months ahead"},
    "doc.lead_missing": {"fr": "Délai d'anticipation non mesuré pour cette version.",
                         "en": "Lead time not measured for this version."},
    "doc.metrics_missing": {"fr": "Aucune mesure enregistrée pour cette version.",
                            "en": "No measure recorded for this version."},
    "doc.card.fairness_missing": {
        "fr": "Audit d'équité non fourni : cette version ne peut pas être approuvée sans lui "
              "(abri audit).",
        "en": "No fairness audit provided: this version cannot be approved without one "
              "(abri audit)."},
    "doc.card.fairness_point": {
        "fr": "Point de fonctionnement audité : {selected} ménages retenus sur {rows} "
              "({capacity}) ; tolérance {lo} à {hi} sur le rapport à la référence ; "
              "indicateurs principaux : taux de manqués et taux d'omission. Détail : audit.html.",
        "en": "Operating point audited: {selected} households selected out of {rows} "
              "({capacity}); tolerance {lo} to {hi} on the ratio to the reference; headline "
              "measures: miss rate and false omission rate. Details: audit.html."},
    "doc.card.fairness_row": {
        "fr": "{spec} (référence « {reference} ») : {within} dans la tolérance, {outside} hors "
              "tolérance, {uncertain} incertain(s), {not_estimable} non estimable(s), {suppressed} "
              "masqué(s).",
        "en": "{spec} (reference \"{reference}\"): {within} within tolerance, {outside} outside, "
              "{uncertain} uncertain, {not_estimable} not estimable, {suppressed} suppressed."},
    "doc.card.fairness_flag": {"fr": "À examiner par le comité : {groups}.",
                               "en": "For the committee to examine: {groups}."},
    "doc.card.energy_text": {
        "fr": "Entraînement : {seconds} s de calcul, {cpu} s de temps processeur, soit environ "
              "{kwh} kWh et {co2} g de CO2e. Méthode : {method}.",
        "en": "Training: {seconds} s of computation, {cpu} s of CPU time, about {kwh} kWh and "
              "{co2} g CO2e. Method: {method}."},
    "doc.card.energy_missing": {"fr": "Coût énergétique non enregistré.",
                                "en": "Energy cost not recorded."},
    "doc.card.limit.1": {
        "fr": "Écart de mesure : les bailleurs privés ne transmettent rien ; les locataires du "
              "parc privé ne sont vus qu'à travers la CAF, la justice et le FSL. Leur risque "
              "apparaît plus tard et leurs indicateurs d'impayés sont inconnus (pas nuls).",
        "en": "Measurement gap: private landlords send nothing; private tenants are seen only "
              "through the CAF, the courts and the FSL. Their risk shows later and their "
              "arrears features are unknown (not zero)."},
    "doc.card.limit.2": {
        "fr": "La cible est un jugement, pas l'expulsion elle-même : les ménages qui partent "
              "avant le jugement comptent comme « sans jugement ».",
        "en": "The target is a judgment, not the eviction itself: households that leave "
              "before the judgment count as \"no judgment\"."},
    "doc.card.limit.3": {
        "fr": "Le modèle apprend des pratiques passées (signalements, procédures) et peut les "
              "reproduire ; les contacts passés avec les services sociaux reflètent aussi "
              "l'accès à l'aide.",
        "en": "The model learns from past practice (reports, procedures) and can reproduce "
              "it; past contacts with social services also reflect access to help."},
    "doc.card.limit.4": {
        "fr": "Les données arrivent avec des délais (jusqu'à plusieurs mois) : le score "
              "d'un mois ne voit que ce qui était arrivé.",
        "en": "Data arrive with lags (up to several months): a month's score only sees what "
              "had arrived."},
    "doc.card.limit.5": {
        "fr": "La performance et la calibration peuvent dériver : elles sont surveillées "
              "chaque mois et le modèle est réentraîné.",
        "en": "Performance and calibration can drift: they are monitored monthly and the "
              "model is retrained."},
    "doc.card.oversight_text": {
        "fr": "Chaque version est auditée (audit.html, explanations.html) et n'est mise en "
              "service qu'après approbation du comité d'éthique. Le travailleur social voit les "
              "motifs de chaque ménage, décide seul de le contacter, peut écarter un ménage de "
              "la liste en le justifiant ; chaque consultation est journalisée.",
        "en": "Each version is audited (audit.html, explanations.html) and goes into service "
              "only after the ethics committee's approval. The social worker sees each "
              "household's reasons, alone decides to contact it, may remove a household from "
              "the list with a justification; every view is logged."},
    # ------------------------------------------------------------------ datasheet
    "doc.ds.title": {"fr": "Fiche des données d'entraînement (datasheet)",
                     "en": "Training data datasheet"},
    "doc.ds.sources": {"fr": "1. Sources", "en": "1. Sources"},
    "doc.ds.invisible": {"fr": "2. Qui est invisible ?", "en": "2. Who is invisible?"},
    "doc.ds.linkage": {"fr": "3. Rapprochement des fichiers", "en": "3. Record linkage"},
    "doc.ds.quarantine": {"fr": "4. Contrôle et quarantaine", "en": "4. Validation and quarantine"},
    "doc.ds.timing": {"fr": "5. Délais et cohérence temporelle", "en": "5. Lags and point-in-time"},
    "doc.ds.biases": {"fr": "6. Biais connus", "en": "6. Known biases"},
    "doc.ds.snapshot": {"fr": "7. Instantané utilisé", "en": "7. Snapshot used"},
    "doc.ds.partner": {"fr": "Partenaire", "en": "Partner"},
    "doc.ds.source": {"fr": "Source", "en": "Source"},
    "doc.ds.kind": {"fr": "Nature", "en": "Kind"},
    "doc.ds.kind.snapshot": {"fr": "état mensuel", "en": "monthly state"},
    "doc.ds.kind.events": {"fr": "événements", "en": "events"},
    "doc.ds.lag": {"fr": "Délai (mois)", "en": "Lag (months)"},
    "doc.ds.features": {"fr": "Indicateurs", "en": "Features"},
    "doc.ds.reasons": {"fr": "Motifs alimentés", "en": "Reasons fed"},
    "doc.ds.invisible.1": {
        "fr": "Locataires du parc privé : aucun compte locatif (les bailleurs privés ne "
              "transmettent rien) ; impayés de loyer inconnus tant qu'ils ne sont pas signalés "
              "à la CAF ou portés en justice.",
        "en": "Private tenants: no rent account (private landlords send nothing); rent "
              "arrears are unknown until reported to the CAF or taken to court."},
    "doc.ds.invisible.2": {
        "fr": "Ménages sans dossier CAF : ni ressources, ni aides, ni signalement d'impayé.",
        "en": "Households without a CAF file: no income, benefits or unpaid-rent report."},
    "doc.ds.invisible.3": {
        "fr": "Ménages absents du référentiel de la Ville : hors de la population étudiée.",
        "en": "Households missing from the city's reference: outside the population studied."},
    "doc.ds.invisible.4": {
        "fr": "Événements non rapprochés : France Travail, fournisseurs d'énergie et "
              "tribunal sans numéro CAF sont rapprochés par nom et adresse ; une faute de "
              "frappe fait perdre l'événement.",
        "en": "Unlinked events: France Travail, energy suppliers and courts without a CAF "
              "number are linked by name and address; a typo loses the event."},
    "doc.ds.linkage_text": {
        "fr": "Pas d'identifiant national commun. Le numéro de ménage de la Ville relie le "
              "référentiel, les services sociaux et le FSL ; le numéro d'allocataire relie la "
              "CAF, le référentiel et la justice quand EXPLOC le connaît ; la référence de bail "
              "relie les bailleurs sociaux. Les autres sources sont rapprochées par une "
              "empreinte (HMAC) du nom, du prénom et de la date de naissance ou de l'adresse. "
              "Tous les identifiants sont pseudonymisés à l'arrivée ; noms et adresses restent "
              "dans un registre d'identité séparé. Le taux de rapprochement est mesuré par "
              "source.",
        "en": "No shared national id. The city's household number links the reference, "
              "social services and the FSL; the CAF number links the CAF, the reference and "
              "the courts when EXPLOC knows it; the tenancy reference links social landlords. "
              "Other sources are linked by a keyed hash (HMAC) of name, first name and birth "
              "date or address. Every identifier is pseudonymised on arrival; names and "
              "addresses stay in a separate identity store. The linkage rate is measured per "
              "source."},
    "doc.ds.quarantine_text": {
        "fr": "Chaque fichier est contrôlé contre le contrat de données (docs/data-contract.md). "
              "Une ligne invalide est mise en quarantaine avec un code de motif, le fichier, la "
              "ligne et la colonne ; pour chaque fichier, lignes reçues = lignes chargées + "
              "lignes en quarantaine. Un fichier bloquant laisse en service le dernier état "
              "valide.",
        "en": "Every file is checked against the data contract (docs/data-contract.md). An "
              "invalid row is quarantined with a reason code, the file, the row and the "
              "column; for every file, rows received = rows loaded + rows quarantined. A "
              "blocking file leaves the last good state in service."},
    "doc.ds.timing_text": {
        "fr": "Un indicateur du mois t n'utilise que les fichiers arrivés à t (fichier du mois "
              "m utilisable si m + délai ≤ t). Une information manquante reste inconnue, jamais "
              "remplacée par zéro.",
        "en": "A feature at month t only uses files arrived by t (a file of month m is "
              "usable if m + lag ≤ t). Missing information stays unknown, never replaced by "
              "zero."},
    "doc.ds.bias.1": {
        "fr": "Sous-estimation possible du risque des locataires du parc privé (écart de "
              "mesure) : vérifiée par statut d'occupation dans l'audit.",
        "en": "Possible underestimation of private tenants' risk (measurement gap): checked "
              "by tenure in the audit."},
    "doc.ds.bias.2": {
        "fr": "Les allocataires de la CAF sont mieux observés que les autres ménages.",
        "en": "CAF recipients are better observed than other households."},
    "doc.ds.bias.3": {
        "fr": "Les contacts passés avec les services sociaux dépendent du recours à l'aide : "
              "boucle de rétroaction possible avec la liste elle-même.",
        "en": "Past social-service contacts depend on seeking help: a possible feedback loop "
              "with the list itself."},
    "doc.ds.bias.4": {
        "fr": "Les pratiques des bailleurs (signalements, assignations) diffèrent entre "
              "bailleurs et entre arrondissements : vérifié par arrondissement dans l'audit.",
        "en": "Landlords' practices (reports, summons) differ between landlords and "
              "arrondissements: checked by arrondissement in the audit."},
    "doc.ds.snapshot_text": {
        "fr": "Empreinte des données d'entraînement (SHA-256) : {hash} ; {rows} lignes "
              "d'entraînement, {positives} jugements.",
        "en": "Training data fingerprint (SHA-256): {hash}; {rows} training rows, {positives} "
              "judgments."},
    "doc.ds.retention": {"fr": "8. Durées de conservation", "en": "8. Retention periods"},
    "doc.ds.ret.data": {"fr": "Données", "en": "Data"},
    "doc.ds.ret.period": {"fr": "Durée", "en": "Period"},
    "doc.ds.ret.basis": {"fr": "Fondement", "en": "Basis"},
    "doc.ds.ret.months": {"fr": "{n} mois", "en": "{n} months"},
    "doc.ds.ret.days": {"fr": "{n} jours", "en": "{n} days"},
    "doc.ds.ret.note": {
        "fr": "Appliquées chaque mois par `abri purge` (actif Dagster retention_purge) ; réglables dans "
              "abri.toml [retention] ; détail et fondements dans docs/security.md.",
        "en": "Applied monthly by `abri purge` (Dagster asset retention_purge); set in abri.toml "
              "[retention]; details and legal bases in docs/security.md."},
    "doc.ds.ret.identity_months": {"fr": "Registre d'identité (noms, adresses, téléphones)",
                                   "en": "Identity store (names, addresses, phones)"},
    "doc.ds.ret.identity_months.basis": {
        "fr": "Minimisation (RGPD art. 5-1-e) : seul le mois courant sert à contacter ; marge pour "
              "les recours.", "en": "Storage limitation (GDPR art. 5(1)(e)): only the current month "
              "is needed to contact; margin for appeals."},
    "doc.ds.ret.landing_months": {"fr": "Extraits bruts des partenaires (landing/)",
                                  "en": "Partners' raw extracts (landing/)"},
    "doc.ds.ret.landing_months.basis": {
        "fr": "Rejeu d'une ingestion et renvois correctifs des partenaires ; l'entrepôt pseudonymisé "
              "en garde le contenu utile.", "en": "Re-running an ingestion and partners' corrected "
              "resends; the pseudonymised warehouse keeps what is needed."},
    "doc.ds.ret.notes_months": {"fr": "Notes et désaccords des travailleurs sociaux",
                                "en": "Social workers' notes and disagreements"},
    "doc.ds.ret.notes_months.basis": {
        "fr": "Durée d'un accompagnement et de son suivi (mission d'action sociale, RGPD art. 6-1-e).",
        "en": "Length of a support episode and its follow-up (social-work mission, GDPR art. 6(1)(e))."},
    "doc.ds.ret.access_log_days": {"fr": "Journal des accès (chaîné)", "en": "Access log (hash-chained)"},
    "doc.ds.ret.access_log_days.basis": {
        "fr": "Au moins 6 mois pour un système à haut risque (AI Act art. 19 et 26-6) ; traçabilité "
              "(RGPD art. 32, recommandation CNIL : 6 mois à 1 an).",
        "en": "At least 6 months for a high-risk system (AI Act art. 19 and 26(6)); traceability "
              "(GDPR art. 32, CNIL guidance: 6 months to 1 year)."},
    "doc.ds.ret.dagster_runs_days": {"fr": "Historique des exécutions Dagster", "en": "Dagster run history"},
    "doc.ds.ret.dagster_runs_days.basis": {
        "fr": "Documentation technique et suivi des versions (AI Act art. 12 et 18) sur un cycle annuel.",
        "en": "Technical documentation and version tracking (AI Act art. 12 and 18) over a yearly cycle."},
    "doc.ds.ret.refusal_exclusion_months": {"fr": "Exclusion après un refus d'aide",
                                            "en": "Exclusion after help was refused"},
    "doc.ds.ret.refusal_exclusion_months.basis": {
        "fr": "Respect du refus exprimé (RGPD art. 21 par analogie) : le ménage n'est pas relancé "
              "pendant cette durée.", "en": "Respect for the refusal (GDPR art. 21 by analogy): the "
              "household is not approached again for this period."},
    # ------------------------------------------------------------------ Etalab entry
    "doc.et.title": {"fr": "Inventaire des algorithmes publics : fiche Abri",
                     "en": "Public algorithm inventory: Abri entry"},
    "doc.et.intro": {
        "fr": "Fiche publiée au titre de l'article L312-1-3 du code des relations entre le "
              "public et l'administration (règles principales des algorithmes), au format de "
              "l'inventaire d'Etalab.",
        "en": "Entry published under article L312-1-3 of the French code of relations between "
              "the public and the administration (main rules of algorithms), in Etalab's "
              "inventory format."},
    "doc.et.field": {"fr": "Rubrique", "en": "Field"},
    "doc.et.value": {"fr": "Contenu", "en": "Content"},
    "doc.et.administration": {"fr": "Administration", "en": "Administration"},
    "doc.et.contact": {"fr": "Contact", "en": "Contact"},
    "doc.et.nom": {"fr": "Nom de l'algorithme", "en": "Name of the algorithm"},
    "doc.et.objectif": {"fr": "Objectif", "en": "Purpose"},
    "doc.et.moment_intervention": {"fr": "Moment où il intervient", "en": "When it intervenes"},
    "doc.et.niveau_automatisation": {"fr": "Niveau d'automatisation", "en": "Level of automation"},
    "doc.et.base_legale": {"fr": "Base légale", "en": "Legal basis"},
    "doc.et.decisions_par_an": {"fr": "Décisions par an", "en": "Decisions per year"},
    "doc.et.public_concerne": {"fr": "Public concerné", "en": "Public affected"},
    "doc.et.donnees_et_sources": {"fr": "Données et sources", "en": "Data and sources"},
    "doc.et.type_algorithme": {"fr": "Type d'algorithme", "en": "Algorithm type"},
    "doc.et.operations": {"fr": "Opérations effectuées", "en": "Operations performed"},
    "doc.et.version": {"fr": "Version", "en": "Version"},
    "doc.et.code_source": {"fr": "Code source", "en": "Source code"},
    "doc.et.v.administration": {"fr": "Ville de Paris (service déployeur à préciser)",
                                "en": "City of Paris (deploying service to be named)"},
    "doc.et.v.nom": {"fr": "Abri : priorisation des contacts de prévention des expulsions locatives",
                     "en": "Abri: prioritising eviction-prevention outreach"},
    "doc.et.v.moment": {
        "fr": "Chaque mois, après l'arrivée des fichiers des partenaires, avant que les "
              "travailleurs sociaux n'organisent leurs prises de contact.",
        "en": "Each month, after the partners' files arrive, before social workers organise "
              "their outreach."},
    "doc.et.v.automatisation": {
        "fr": "Aide à la décision : l'algorithme ordonne une liste ; un travailleur social "
              "décide de chaque contact. Aucune décision automatique (RGPD art. 22).",
        "en": "Decision support: the algorithm orders a list; a social worker decides each "
              "contact. No automated decision (GDPR art. 22)."},
    "doc.et.v.base_legale": {
        "fr": "RGPD art. 6-1-e (mission d'intérêt public) ; loi n° 90-449 du 31 mai 1990 "
              "visant à la mise en œuvre du droit au logement (prévention des expulsions, "
              "CCAPEX) ; code de l'action sociale et des familles. À confirmer par le service "
              "juridique du déployeur.",
        "en": "GDPR art. 6(1)(e) (public-interest task); law no. 90-449 of 31 May 1990 on the "
              "right to housing (eviction prevention, CCAPEX); social action and family code. "
              "To be confirmed by the deployer's legal service."},
    "doc.et.v.decisions": {
        "fr": "Environ {per_year} propositions de contact par an ({k} par mois à la capacité "
              "de validation), chacune examinée par un travailleur social.",
        "en": "About {per_year} contact proposals a year ({k} a month at the validation "
              "capacity), each reviewed by a social worker."},
    "doc.et.v.public": {
        "fr": "Ménages locataires résidant à Paris connus du référentiel de la Ville "
              "(locataires du parc social et du parc privé).",
        "en": "Tenant households living in Paris and known to the city's reference (social "
              "and private tenants)."},
    "doc.et.v.type": {
        "fr": "Apprentissage automatique supervisé : arbres de décision à gradient (LightGBM), "
              "calibré ; explications par valeurs de Shapley (TreeSHAP). Code source ouvert.",
        "en": "Supervised machine learning: gradient-boosted decision trees (LightGBM), "
              "calibrated; explanations by Shapley values (TreeSHAP). Open source."},
    "doc.et.v.operations": {
        "fr": "1. réception et contrôle des fichiers, pseudonymisation ; 2. calcul des "
              "indicateurs du mois avec les seules données arrivées ; 3. calcul d'un score de "
              "risque de jugement d'expulsion à 12 mois ; 4. liste des scores les plus élevés "
              "dans la limite des capacités de chaque secteur, avec les motifs ; 5. décision de "
              "contact par un travailleur social ; 6. audit d'équité et approbation de chaque "
              "version par le comité d'éthique.",
        "en": "1. files received and checked, pseudonymised; 2. the month's features "
              "computed from the data arrived; 3. a risk score of an eviction judgment within "
              "12 months; 4. a list of the highest scores within each sector's capacity, with "
              "reasons; 5. a social worker decides on contact; 6. fairness audit and approval "
              "of each version by the ethics committee."},
    # ------------------------------------------------------------------ Annex IV
    "doc.ax.title": {"fr": "Documentation technique : liste de contrôle de l'annexe IV "
                           "(règlement européen sur l'IA)",
                     "en": "Technical documentation: Annex IV checklist (EU AI Act)"},
    "doc.ax.intro": {
        "fr": "Abri relève des systèmes à haut risque (annexe III, 5 a : accès aux aides "
              "publiques essentielles). Chaque rubrique renvoie aux pièces qui la documentent ; "
              "une pièce absente est signalée « manquant ». {present} rubrique(s) sur {total} "
              "complètes.",
        "en": "Abri is a high-risk system (Annex III 5(a): access to essential public "
              "assistance). Each item points to the evidence documenting it; an absent piece "
              "is marked \"missing\". {present} of {total} item(s) complete."},
    "doc.ax.item": {"fr": "Rubrique", "en": "Item"},
    "doc.ax.evidence": {"fr": "Pièces", "en": "Evidence"},
    "doc.ax.status": {"fr": "État", "en": "Status"},
    "doc.ax.1": {"fr": "1. Description générale : finalité, fournisseur, version, logiciels",
                 "en": "1. General description: purpose, provider, version, software"},
    "doc.ax.2a": {"fr": "2 a-b. Méthodes de développement, logique générale, choix de conception",
                  "en": "2(a-b). Development methods, general logic, design choices"},
    "doc.ax.2d": {"fr": "2 d. Données : fiches, provenance, étiquetage, nettoyage",
                  "en": "2(d). Data: datasheets, provenance, labelling, cleaning"},
    "doc.ax.2e": {"fr": "2 e. Mesures de contrôle humain (art. 14)",
                  "en": "2(e). Human oversight measures (art. 14)"},
    "doc.ax.2g": {"fr": "2 g. Validation et tests : mesures, résultats",
                  "en": "2(g). Validation and testing: metrics, results"},
    "doc.ax.2h": {"fr": "2 h. Cybersécurité", "en": "2(h). Cybersecurity"},
    "doc.ax.3": {"fr": "3. Fonctionnement, limites, précision par groupe, risques de "
                       "discrimination",
                 "en": "3. Functioning, limitations, accuracy by group, discrimination risks"},
    "doc.ax.4": {"fr": "4. Pertinence des mesures de performance",
                 "en": "4. Appropriateness of the performance metrics"},
    "doc.ax.5": {"fr": "5. Système de gestion des risques (art. 9)",
                 "en": "5. Risk management system (art. 9)"},
    "doc.ax.6": {"fr": "6. Modifications au cours du cycle de vie (registre des versions)",
                 "en": "6. Changes through the lifecycle (version registry)"},
    "doc.ax.7": {"fr": "7. Normes harmonisées appliquées", "en": "7. Harmonised standards applied"},
    "doc.ax.8": {"fr": "8. Déclaration UE de conformité", "en": "8. EU declaration of conformity"},
    "doc.ax.9": {"fr": "9. Surveillance après mise sur le marché (art. 72)",
                 "en": "9. Post-market monitoring (art. 72)"},
    "doc.ax.logs": {"fr": "Journaux automatiques conservés au moins 6 mois (art. 12, 19, 26)",
                    "en": "Automatic logs kept at least 6 months (art. 12, 19, 26)"},
    "doc.ax.transparency": {"fr": "Transparence et droit à l'explication (art. 13, 86 ; CRPA)",
                            "en": "Transparency and right to an explanation (art. 13, 86; CRPA)"},
    "doc.ax.fria": {"fr": "Analyse d'impact sur les droits fondamentaux (art. 27, déployeur)",
                    "en": "Fundamental-rights impact assessment (art. 27, deployer)"},
    "doc.ax.ev.logs": {"fr": "journal des accès du suivi des dossiers (conservation {days} jours)",
                       "en": "casework access log (kept {days} days)"},
    "doc.ax.ev.metadata": {"fr": "métadonnées de la version (registre) : {keys}",
                           "en": "version metadata (registry): {keys}"},
    "doc.ax.ev.notice": {"fr": "notice individuelle CRPA (governance/documents.py, crpa_notice)",
                         "en": "individual CRPA notice (governance/documents.py, crpa_notice)"},
    # ------------------------------------------------------------------ CRPA notice
    "notice.title": {"fr": "Pourquoi un travailleur social vous a contacté : information sur "
                           "l'algorithme utilisé",
                     "en": "Why a social worker contacted you: information on the algorithm used"},
    "notice.ref": {"fr": "Référence de votre dossier : {ref} — mois concerné : {month} — "
                         "version de l'outil : {version}.",
                   "en": "Your file reference: {ref} — month concerned: {month} — tool "
                         "version: {version}."},
    "notice.law": {
        "fr": "Vous avez le droit de savoir comment un algorithme a été utilisé dans votre "
              "situation (code des relations entre le public et l'administration, articles "
              "L311-3-1 et R311-3-1-2). Voici ces informations.",
        "en": "You have the right to know how an algorithm was used in your situation (French "
              "code of relations between the public and the administration, articles L311-3-1 "
              "and R311-3-1-2). Here is that information."},
    "notice.s1": {"fr": "1. Quel rôle a joué l'algorithme ?", "en": "1. What part did the algorithm play?"},
    "notice.s1.text": {
        "fr": "Chaque mois, un outil informatique, Abri, aide les services sociaux de la Ville "
              "de Paris à savoir quels ménages appeler en premier pour proposer de l'aide avant "
              "que des difficultés de loyer ne deviennent graves. L'outil ne fait que classer "
              "les ménages dans une liste. C'est un travailleur social qui a lu votre situation "
              "et qui a décidé de vous contacter. L'outil ne prend aucune décision à votre "
              "place : il ne supprime aucune aide, ne déclenche aucune sanction et n'est "
              "transmis ni à votre bailleur, ni au tribunal. Aucune décision n'est prise "
              "automatiquement (règlement européen sur la protection des données, article 22).",
        "en": "Each month, a computer tool, Abri, helps the City of Paris social services know "
              "which households to call first to offer help before rent difficulties become "
              "serious. The tool only ranks households in a list. A social worker read your "
              "situation and decided to contact you. The tool takes no decision in your place: "
              "it removes no benefit, triggers no sanction and is not passed to your landlord "
              "or to the court. No decision is taken automatically (General Data Protection "
              "Regulation, article 22)."},
    "notice.s2": {"fr": "2. Quelles informations ont compté pour vous ?",
                  "en": "2. What information counted for you?"},
    "notice.s2.text": {
        "fr": "Voici les éléments qui ont le plus pesé pour vous, du plus important au moins "
              "important :",
        "en": "These are the elements that weighed most for you, from the most to the least "
              "important:"},
    "notice.no_reasons": {"fr": "Aucun élément particulier n'a été retenu.",
                          "en": "No particular element was retained."},
    "notice.weights": {
        "fr": "L'outil donne à chaque élément un poids calculé à partir de l'expérience des "
              "années passées : plus un élément a été suivi, dans le passé, d'une procédure "
              "d'expulsion, plus il compte. Le classement ci-dessus est celui des poids "
              "appliqués à votre situation.",
        "en": "The tool gives each element a weight learnt from past years: the more often an "
              "element was followed by an eviction procedure in the past, the more it counts. "
              "The order above is that of the weights applied to your situation."},
    "notice.s3": {"fr": "3. Quelles données sont utilisées, et d'où viennent-elles ?",
                  "en": "3. Which data are used, and where do they come from?"},
    "notice.s3.text": {
        "fr": "Seules des informations sur le logement, les ressources et les démarches "
              "déjà connues des organismes suivants :",
        "en": "Only information on housing, income and procedures already known to these "
              "bodies:"},
    "notice.protected": {
        "fr": "Ne sont jamais utilisés pour vous classer : votre sexe, votre âge, votre "
              "nationalité, un handicap, votre situation familiale de parent seul, votre "
              "quartier ou votre arrondissement. Ils servent seulement à vérifier que l'outil "
              "ne défavorise aucun groupe de personnes.",
        "en": "Never used to rank you: your sex, your age, your nationality, a disability, "
              "being a single parent, your neighbourhood or your arrondissement. They are "
              "only used to check that the tool does not disadvantage any group of people."},
    "notice.s4": {"fr": "4. Quelles opérations ont été faites ?", "en": "4. What operations were performed?"},
    "notice.op.1": {"fr": "Les organismes envoient leurs fichiers à la Ville ; les noms sont "
                          "remplacés par un code.",
                    "en": "The bodies send their files to the City; names are replaced by a code."},
    "notice.op.2": {"fr": "L'outil calcule des indicateurs pour le mois, avec les seules "
                          "informations arrivées à ce moment.",
                    "en": "The tool computes indicators for the month, with only the "
                          "information arrived by then."},
    "notice.op.3": {"fr": "Il en déduit une note : le risque qu'un jugement d'expulsion "
                          "soit prononcé dans l'année.",
                    "en": "It derives a score: the risk that an eviction judgment is "
                          "pronounced within the year."},
    "notice.op.4": {"fr": "Les ménages aux notes les plus élevées sont proposés aux "
                          "travailleurs sociaux, dans la limite de leur temps disponible.",
                    "en": "Households with the highest scores are proposed to social workers, "
                          "within their available time."},
    "notice.op.5": {"fr": "Un travailleur social lit la situation et décide de contacter ou non.",
                    "en": "A social worker reads the situation and decides whether to make contact."},
    "notice.s5": {"fr": "5. Vos droits", "en": "5. Your rights"},
    "notice.rights": {
        "fr": "Vous pouvez poser vos questions, demander que vos informations soient "
              "corrigées, ou vous opposer à leur utilisation, auprès de votre travailleur "
              "social ou de l'Espace parisien des solidarités de votre arrondissement, et du "
              "délégué à la protection des données de la Ville de Paris. Vous pouvez aussi "
              "saisir la CNIL (www.cnil.fr). Refuser l'aide proposée n'a aucune conséquence "
              "pour vous.",
        "en": "You can ask questions, ask for your information to be corrected, or object to "
              "its use, with your social worker or your arrondissement's Espace parisien des "
              "solidarités, and with the City of Paris data protection officer. You can also "
              "complain to the CNIL (www.cnil.fr). Refusing the help offered has no "
              "consequence for you."},
}


# One catalogue for every fairness page: these entries join fairness.i18n's, read by its t().
assert not SHARED.keys() & CATALOGUE.keys(), "a catalogue key is defined twice"
SHARED.update(CATALOGUE)
