"""New strings of the readable pages (issue 14): committee labels and chart, the list's names and
printable visit list, the model page's figures. Kept apart while the catalogues are merged into
one; `tp(key)` reads this dict first and falls back to `dashboard.i18n.t`."""

from __future__ import annotations

PAGES: dict[str, dict[str, str]] = {
    # -- fairness metrics, verdicts, audited attributes and their values --------------------
    "metric.false_negative_rate": {"fr": "taux de manqués", "en": "miss rate"},
    "metric.false_positive_rate": {"fr": "taux de signalements à tort", "en": "over-flagging rate"},
    "metric.false_omission_rate": {"fr": "taux d'omission", "en": "false omission rate"},
    "metric.selection_rate": {"fr": "taux de sélection", "en": "selection rate"},
    "metric.precision": {"fr": "précision", "en": "precision"},
    "metric.calibration": {"fr": "calibration (observé / attendu)", "en": "calibration (observed / expected)"},
    "metric.mean_score": {"fr": "score moyen", "en": "mean score"},
    "metric.prevalence": {"fr": "taux observé de jugements", "en": "observed judgment rate"},
    "verdict.within": {"fr": "dans la tolérance", "en": "within tolerance"},
    "verdict.outside": {"fr": "hors tolérance", "en": "outside tolerance"},
    "verdict.uncertain": {"fr": "incertain (l'intervalle déborde la tolérance)",
                          "en": "uncertain (the interval crosses the tolerance)"},
    "verdict.not_estimable": {"fr": "non estimable", "en": "not estimable"},
    "verdict.reference": {"fr": "groupe de référence", "en": "reference group"},
    "verdict.suppressed": {"fr": "masqué (effectif trop petit)", "en": "suppressed (group too small)"},
    "verdict.none": {"fr": "non jugé (mesure descriptive)", "en": "not judged (descriptive measure)"},
    "attr.sexe": {"fr": "sexe de la personne de référence", "en": "sex of the reference person"},
    "attr.age_band": {"fr": "tranche d'âge", "en": "age band"},
    "attr.nationalite": {"fr": "nationalité", "en": "nationality"},
    "attr.handicap": {"fr": "handicap (AAH)", "en": "disability (AAH)"},
    "attr.famille_monoparentale": {"fr": "famille monoparentale", "en": "single-parent family"},
    "attr.qpv": {"fr": "quartier prioritaire (QPV)", "en": "priority neighbourhood (QPV)"},
    "attr.tenure": {"fr": "parc de logement", "en": "housing stock"},
    "attr.arrondissement": {"fr": "arrondissement", "en": "arrondissement"},
    "gval.F": {"fr": "femme", "en": "woman"},
    "gval.M": {"fr": "homme", "en": "man"},
    "gval.FR": {"fr": "française", "en": "French"},
    "gval.UE": {"fr": "Union européenne", "en": "European Union"},
    "gval.HORS_UE": {"fr": "hors Union européenne", "en": "outside the European Union"},
    "gval.oui": {"fr": "oui", "en": "yes"},
    "gval.non": {"fr": "non", "en": "no"},
    "gval.prive": {"fr": "parc privé", "en": "private rental"},
    "gval.social": {"fr": "parc social", "en": "social housing"},
    "gval.NA": {"fr": "non renseigné", "en": "not recorded"},
    "gval.arrondissement": {"fr": "{n}e", "en": "{n}"},
    # -- committee page ------------------------------------------------------------------------
    "com.col_attribute": {"fr": "caractéristique", "en": "characteristic"},
    "com.col_group": {"fr": "groupe", "en": "group"},
    "com.col_n": {"fr": "ménages", "en": "households"},
    "com.col_metric": {"fr": "mesure", "en": "measure"},
    "com.col_value": {"fr": "taux", "en": "rate"},
    "com.col_ci": {"fr": "intervalle à 95 %", "en": "95% interval"},
    "com.col_ratio": {"fr": "rapport au groupe de référence", "en": "ratio to the reference group"},
    "com.col_ratio_ci": {"fr": "intervalle du rapport", "en": "interval of the ratio"},
    "com.col_verdict": {"fr": "verdict", "en": "verdict"},
    "com.col_headline": {"fr": "verdict du groupe (manqués)", "en": "group verdict (misses)"},
    "com.col_precision": {"fr": "précision du modèle (liste)", "en": "model precision (list)"},
    "com.col_rule": {"fr": "précision de la règle actuelle", "en": "precision of today's rule"},
    "com.col_logistic": {"fr": "précision de la régression logistique", "en": "logistic regression precision"},
    "com.attribute": {"fr": "Caractéristique examinée", "en": "Characteristic examined"},
    "com.metrics_shown": {"fr": "Mesures affichées", "en": "Measures shown"},
    "com.all_metrics": {"fr": "Toutes les mesures", "en": "All measures"},
    "com.main_metrics": {"fr": "Manqués et signalements à tort", "en": "Misses and over-flagging"},
    "com.chart": {"fr": "Manqués et signalements à tort par groupe", "en": "Misses and over-flagging by group"},
    "com.chart_note": {
        "fr": "Chaque point est le rapport du taux du groupe à celui du groupe de référence ({reference}) ; le trait "
              "est son intervalle à 95 %. La bande grise est la tolérance ({low} à {high}) : un groupe est « dans "
              "la tolérance » quand tout son intervalle y tient, « hors tolérance » quand tout son intervalle en "
              "sort. Les groupes trop petits sont masqués.",
        "en": "Each point is the group's rate over the reference group's ({reference}); the line is its 95% "
              "interval. The grey band is the tolerance ({low} to {high}): a group is \"within tolerance\" when "
              "its whole interval lies inside, \"outside tolerance\" when its whole interval lies outside. Groups "
              "that are too small are suppressed."},
    "com.chart_axis": {"fr": "rapport au groupe de référence (1 = même taux)",
                       "en": "ratio to the reference group (1 = same rate)"},
    "com.chart_empty": {"fr": "Aucun intervalle à tracer pour cette caractéristique (groupes masqués ou non "
                              "estimables).",
                        "en": "No interval to draw for this characteristic (groups suppressed or not estimable)."},
    "com.chart_rate": {"fr": "taux", "en": "rate"},
    "com.chart_ratio": {"fr": "rapport", "en": "ratio"},
    "com.chart_interval": {"fr": "intervalle du rapport", "en": "interval of the ratio"},
    "com.no_reference": {"fr": "non renseigné", "en": "not recorded"},
    "com.versions_status": {"fr": "statut", "en": "status"},
    "com.other_reports": {"fr": "Rapports d'explication et de correction", "en": "Explanation and mitigation reports"},
    "com.report_explanations": {"fr": "Rapport d'explication (ce qui pèse dans les scores)",
                                "en": "Explanation report (what weighs in the scores)"},
    "com.report_mitigation": {"fr": "Rapport de correction des écarts (méthodes comparées)",
                              "en": "Mitigation report (methods compared)"},
    "com.report_download_named": {"fr": "Télécharger : {name} (HTML)", "en": "Download: {name} (HTML)"},
    "com.report_show_named": {"fr": "Afficher ici : {name}", "en": "Show here: {name}"},
    "com.report_missing": {"fr": "{name} : non encore produit pour cette version.",
                           "en": "{name}: not yet produced for this version."},
    "vstatus.candidate": {"fr": "candidate (en attente du comité)", "en": "candidate (awaiting the committee)"},
    "vstatus.champion": {"fr": "en service", "en": "in service"},
    "vstatus.approved": {"fr": "approuvée", "en": "approved"},
    "vstatus.retired": {"fr": "retirée", "en": "retired"},
    "vstatus.rejected": {"fr": "rejetée", "en": "rejected"},
    "vstatus.challenger": {"fr": "en concurrence", "en": "challenger"},
    "vstatus.archived": {"fr": "archivée", "en": "archived"},
    # -- social worker's list ----------------------------------------------------------------
    "col.name": {"fr": "Nom", "en": "Name"},
    "col.address": {"fr": "Adresse", "en": "Address"},
    "list.show_names": {"fr": "Afficher les noms et adresses (consultation journalisée)",
                        "en": "Show names and addresses (the view is logged)"},
    "list.names_note": {"fr": "Noms et adresses de votre secteur uniquement ; chaque affichage est journalisé.",
                        "en": "Names and addresses of your sector only; every view is logged."},
    "list.reasons_full": {"fr": "Motifs en entier", "en": "Reasons in full"},
    "list.visits": {"fr": "Liste de visites à domicile (imprimable, avec noms et adresses)",
                    "en": "Home visit list (printable, with names and addresses)"},
    "list.visits_note": {"fr": "Votre secteur seulement. Chaque téléchargement est journalisé ; le document n'est "
                                "gardé nulle part par Abri : détruisez-le après les visites.",
                         "en": "Your sector only. Every download is logged; Abri keeps no copy: destroy it after "
                                "the visits."},
    "list.visits_prepare": {"fr": "Préparer la liste de visites", "en": "Prepare the visit list"},
    "list.visits_download": {"fr": "Télécharger la liste de visites (HTML imprimable)",
                             "en": "Download the visit list (printable HTML)"},
    "visits.title": {"fr": "Visites à domicile — {sectors} — {month}", "en": "Home visits — {sectors} — {month}"},
    "visits.footer": {"fr": "Document nominatif : à garder sur soi pendant les visites puis à détruire. Aide à la "
                              "décision : chaque contact est décidé par un travailleur social.",
                      "en": "Contains names: keep it on you during the visits, then destroy it. Decision aid: "
                              "every contact is decided by a social worker."},
    "visits.phone": {"fr": "Téléphone", "en": "Phone"},
    "visits.done": {"fr": "Visite faite", "en": "Visit done"},
    "value.not_found": {"fr": "absent du registre", "en": "not in the register"},
    # -- model page -----------------------------------------------------------------------------
    "mdl.households": {"fr": "{n} ménages", "en": "{n} households"},
    "mdl.months": {"fr": "{n} mois", "en": "{n} months"},
    "mdl.seconds": {"fr": "{n} s", "en": "{n} s"},
    "colname.brier": {"fr": "score de Brier", "en": "Brier score"},
    "colname.ece": {"fr": "erreur de calibration", "en": "calibration error"},
    "colname.as_of": {"fr": "données jusqu'à", "en": "data up to"},
    "drift.alerte": {"fr": "alerte", "en": "alert"},
    "drift.surveiller": {"fr": "à surveiller", "en": "to watch"},
    "drift.stable": {"fr": "stable", "en": "stable"},
    # -- quality page and access log ---------------------------------------------------------
    "colname.at": {"fr": "date", "en": "date"},
    "colname.username": {"fr": "utilisateur", "en": "user"},
    "colname.action": {"fr": "action", "en": "action"},
    "colname.household_key": {"fr": "ménage (début de la clé)", "en": "household (key prefix)"},
    "colname.detail": {"fr": "détail", "en": "detail"},
}


def tp(key: str, *, lang: str | None = None, **values: object) -> str:
    """This module's text for `key` in `lang` (default: the session's), else dashboard.i18n.t's."""
    from dashboard.i18n import current_lang, t

    entry = PAGES.get(key)
    if entry is None:
        return t(key, lang=lang, **values)
    text = entry["en" if (lang or current_lang()) == "en" else "fr"]
    return text.format(**values) if values else text


def has(key: str) -> bool:
    from dashboard.i18n import CATALOGUE

    return key in PAGES or key in CATALOGUE
