"""Every user-facing string of the dashboard, French first, English second.

Pages, exports and the CRPA notice call `t("key", **values)`; no French string is hard-coded
elsewhere. The language is the session's choice (`st.session_state["lang"]`, French by
default); code outside a Streamlit session (tests, exports) passes `lang=` explicitly.
"""

from __future__ import annotations

LANGS = ("fr", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- shell -----------------------------------------------------------------------------
    "app.title": ("Abri — prévention des expulsions", "Abri — eviction prevention"),
    "app.language": ("Langue", "Language"),
    "app.demo_banner": ("Données fictives de la ville de démonstration : aucune personne réelle.",
                        "Fictitious data from the demo city: no real person."),
    "app.published": ("Liste du mois {month} · modèle {version} · publiée le {published}",
                      "List for {month} · model {version} · published on {published}"),
    "app.not_published": ("Aucune donnée publiée pour l'instant (serving.duckdb absent dans {home}). "
                          "Lancez le pipeline, puis rechargez la page.",
                          "Nothing published yet (no serving.duckdb in {home}). Run the pipeline, then reload."),
    "app.signed_in_as": ("Connecté : **{username}** ({role})", "Signed in: **{username}** ({role})"),
    "app.sectors": ("Secteurs : {sectors}", "Sectors: {sectors}"),
    "app.all_sectors": ("tous", "all"),
    "app.sign_out": ("Se déconnecter", "Sign out"),
    "app.all": ("Tous", "All"),
    "app.choose": ("Choisir", "Choose"),
    "app.denied_role": ("Cette page n'est pas ouverte à votre rôle.", "This page is not open to your role."),
    "section.casework": ("Accompagnement", "Casework"),
    "section.supervision": ("Encadrement", "Supervision"),
    "section.committee": ("Comité d'éthique", "Ethics committee"),
    "section.data": ("Données et modèle", "Data and model"),
    "section.admin": ("Administration", "Administration"),
    # -- pages -----------------------------------------------------------------------------
    "page.signin": ("Connexion", "Sign in"),
    "page.outreach": ("Liste du mois", "This month's list"),
    "page.household": ("Dossier du ménage", "Household file"),
    "page.capacity": ("Capacité et suivi", "Capacity and follow-up"),
    "page.committee": ("Versions du modèle", "Model versions"),
    "page.impact": ("Impact", "Impact"),
    "page.quality": ("Qualité des données", "Data quality"),
    "page.model": ("Suivi du modèle", "Model monitoring"),
    "page.accounts": ("Comptes", "Accounts"),
    # -- roles, statuses, bands --------------------------------------------------------------
    "role.travailleur_social": ("travailleur social", "social worker"),
    "role.encadrant": ("encadrant", "supervisor"),
    "role.comite": ("comité d'éthique", "ethics committee"),
    "role.data_scientist": ("data scientist", "data scientist"),
    "role.admin": ("administrateur", "administrator"),
    "status.none": ("non suivi", "not followed"),
    "status.a_contacter": ("à contacter", "to contact"),
    "status.contacte": ("contacté", "contacted"),
    "status.aide_acceptee": ("aide acceptée", "help accepted"),
    "status.refus": ("aide refusée", "help declined"),
    "status.injoignable": ("injoignable", "unreachable"),
    "status.clos": ("clos", "closed"),
    "hh.outcome": ("Issue (ce qui s'est passé)", "Outcome (what happened)"),
    "outcome.none": ("non renseignée", "not recorded"),
    "outcome.contacte": ("contact établi", "contact made"),
    "outcome.aide_acceptee": ("aide acceptée", "help accepted"),
    "outcome.refus": ("aide refusée", "help declined"),
    "outcome.demande_fsl": ("demande FSL déposée", "FSL application filed"),
    "outcome.plan_apurement": ("plan d'apurement", "repayment plan"),
    "outcome.injoignable": ("injoignable", "unreachable"),
    "outcome.clos": ("clos", "closed"),
    "band.tres_eleve": ("très élevé", "very high"),
    "band.eleve": ("élevé", "high"),
    "band.modere": ("modéré", "moderate"),
    "band.faible": ("faible", "low"),
    "stage.0": ("aucune procédure connue", "no known procedure"),
    "stage.1": ("commandement de payer", "formal demand to pay"),
    "stage.2": ("assignation", "court summons"),
    "stage.3": ("jugement", "judgment"),
    "decision.approve": ("approuver", "approve"),
    "decision.reject": ("rejeter", "reject"),
    "decision.conditions": ("approuver sous conditions", "approve with conditions"),
    # -- sign-in -----------------------------------------------------------------------------
    "signin.intro": ("Connectez-vous avec votre compte Abri.", "Sign in with your Abri account."),
    "signin.username": ("Identifiant", "Username"),
    "signin.password": ("Mot de passe", "Password"),
    "signin.submit": ("Se connecter", "Sign in"),
    "signin.failed": ("Identifiant ou mot de passe incorrect, ou compte désactivé.",
                      "Wrong username or password, or account disabled."),
    "signin.timeout": ("Votre session a expiré après {minutes} minutes d'inactivité : reconnectez-vous.",
                       "Your session expired after {minutes} minutes of inactivity: please sign in again."),
    "signin.oidc": ("Se connecter avec le compte de la Ville", "Sign in with the City account"),
    "signin.oidc_unknown": ("Votre identité est reconnue mais aucun compte Abri actif ne lui correspond : "
                            "demandez à un administrateur de vous en créer un.",
                            "Your identity is known but no active Abri account matches it: ask an "
                            "administrator to create one."),
    # -- outreach list -----------------------------------------------------------------------
    "list.intro": ("Ménages de votre secteur à contacter en priorité ce mois-ci. La liste aide à choisir ; "
                   "c'est vous qui décidez.",
                   "Households of your sector to contact first this month. The list helps you choose; "
                   "you decide."),
    "list.empty": ("Aucun ménage ne correspond à ces filtres.", "No household matches these filters."),
    "list.filter_sector": ("Secteur", "Sector"),
    "list.filter_band": ("Niveau de risque", "Risk level"),
    "list.filter_status": ("Statut du suivi", "Follow-up status"),
    "list.filter_private": ("Seulement les ménages sans données du bailleur", "Only households without landlord data"),
    "list.sort": ("Trier par", "Sort by"),
    "list.sort_rank": ("rang dans le secteur", "rank in sector"),
    "list.sort_probability": ("probabilité (décroissante)", "probability (descending)"),
    "list.sort_stage": ("stade de la procédure (décroissant)", "procedure stage (descending)"),
    "list.sort_updated": ("dernier suivi (le plus ancien d'abord)", "last follow-up (oldest first)"),
    "list.count": ("{n} ménage(s) affiché(s) sur {total}", "{n} household(s) shown out of {total}"),
    "list.open": ("Ouvrir le dossier", "Open the file"),
    "list.choose": ("Ménage", "Household"),
    "list.export_csv": ("Exporter la liste (CSV)", "Export the list (CSV)"),
    "list.export_html": ("Exporter la liste imprimable (HTML)", "Export the printable list (HTML)"),
    "list.export_note": ("Les exports ne contiennent ni nom ni adresse ; chaque export est journalisé.",
                         "Exports contain no name or address; every export is logged."),
    "col.rank": ("Rang", "Rank"),
    "col.household": ("Ménage", "Household"),
    "col.sector": ("Secteur", "Sector"),
    "col.band": ("Risque", "Risk"),
    "col.probability": ("Probabilité (12 mois)", "Probability (12 months)"),
    "col.reasons": ("Principaux motifs", "Main reasons"),
    "col.stage": ("Procédure", "Procedure"),
    "col.arrears": ("Mois d'impayés", "Months in arrears"),
    "col.status": ("Statut", "Status"),
    "col.updated": ("Dernier suivi", "Last follow-up"),
    "col.no_landlord": ("Sans données bailleur", "No landlord data"),
    "value.unknown": ("inconnu", "unknown"),
    # -- household ---------------------------------------------------------------------------
    "hh.none": ("Choisissez un ménage dans la liste du mois.", "Choose a household from this month's list."),
    "hh.back": ("Retour à la liste", "Back to the list"),
    "hh.denied": ("Ce ménage n'est pas sur la liste de votre secteur : son dossier ne vous est pas accessible. "
                  "La tentative est journalisée.",
                  "This household is not on your sector's list: its file is not open to you. "
                  "The attempt is logged."),
    "hh.title": ("Ménage {short} · {sector} · rang {rank}", "Household {short} · {sector} · rank {rank}"),
    "hh.summary": ("Niveau de risque **{band}** (probabilité estimée {probability} d'un jugement d'expulsion "
                   "dans les 12 mois) · procédure : {stage}",
                   "Risk level **{band}** (estimated probability {probability} of an eviction judgment "
                   "within 12 months) · procedure: {stage}"),
    "hh.reasons": ("Pourquoi ce ménage est sur la liste", "Why this household is on the list"),
    "hh.reason_up": ("augmente le risque", "raises the risk"),
    "hh.reason_down": ("diminue le risque", "lowers the risk"),
    "hh.cannot_see": ("Ce que le modèle ne voit pas", "What the model cannot see"),
    "hh.cannot_private": ("Aucune donnée du bailleur : ménage locataire du parc privé (ou bailleur non "
                          "partenaire). Les impayés de loyer ne sont connus que par la CAF, la justice et le "
                          "FSL ; ils peuvent être plus graves que ce qu'indique la liste.",
                          "No landlord data: a private tenant (or a landlord that is not a partner). Rent "
                          "arrears are only known through the CAF, the courts and the FSL; they may be worse "
                          "than the list suggests."),
    "hh.cannot_caf": ("Ménage inconnu de la CAF : ni aides au logement ni signalement d'impayé visibles.",
                      "Household unknown to the CAF: no housing allowance or arrears report visible."),
    "hh.cannot_always": ("Le modèle ne connaît ni l'entourage, ni les aides informelles, ni les événements "
                         "survenus après la fin du mois d'observation, ni ce que le ménage vous dira. Les "
                         "partenaires livrent avec retard : les dernières semaines peuvent manquer.",
                         "The model knows nothing of family support, informal help, events after the end of "
                         "the observation month, or what the household will tell you. Partners deliver late: "
                         "the last weeks may be missing."),
    "hh.timeline": ("Évolution sur 24 mois", "24-month timeline"),
    "hh.timeline_empty": ("Pas d'historique disponible pour ce ménage.", "No history available for this household."),
    "hh.identity": ("Identité et coordonnées", "Identity and contact"),
    "hh.identity_toggle": ("Afficher (consultation journalisée)", "Show (the view is logged)"),
    "hh.identity_missing": ("Identité introuvable dans le référentiel pour votre secteur.",
                            "Identity not found in the register for your sector."),
    "hh.name": ("Nom", "Name"),
    "hh.address": ("Adresse", "Address"),
    "hh.phone": ("Téléphone", "Phone"),
    "hh.birth": ("Date de naissance", "Date of birth"),
    "hh.case": ("Suivi du dossier", "Case follow-up"),
    "hh.status_now": ("Statut actuel : **{status}**", "Current status: **{status}**"),
    "hh.status_by": (" — modifié par {by} le {at}", " — changed by {by} on {at}"),
    "hh.status_new": ("Nouveau statut", "New status"),
    "hh.status_save": ("Enregistrer le statut", "Save the status"),
    "hh.status_saved": ("Statut enregistré.", "Status saved."),
    "hh.conflict": ("Ce dossier a été modifié par quelqu'un d'autre pendant que vous le consultiez : "
                    "son nouvel état est affiché ci-dessus. Vérifiez-le, puis enregistrez à nouveau si besoin.",
                    "Someone else changed this file while you were reading it: its new state is shown above. "
                    "Check it, then save again if needed."),
    "hh.notes": ("Notes", "Notes"),
    "hh.note_body": ("Nouvelle note", "New note"),
    "hh.note_save": ("Ajouter la note", "Add the note"),
    "hh.note_saved": ("Note ajoutée.", "Note added."),
    "hh.note_empty": ("La note est vide.", "The note is empty."),
    "hh.no_notes": ("Aucune note.", "No notes."),
    "hh.override": ("Désaccord avec la liste", "Disagree with the list"),
    "hh.override_help": ("Signalez si ce ménage ne devrait pas être sur la liste (ou devrait être plus haut), "
                         "et pourquoi : ces retours servent à améliorer le modèle.",
                         "Say whether this household should not be on the list (or should rank higher), and "
                         "why: this feedback improves the model."),
    "hh.override_reason": ("Motif du désaccord", "Reason for disagreeing"),
    "hh.override_save": ("Signaler le désaccord", "Flag the disagreement"),
    "hh.override_saved": ("Désaccord enregistré.", "Disagreement recorded."),
    "hh.override_empty": ("Indiquez pourquoi vous n'êtes pas d'accord.", "Say why you disagree."),
    "hh.notice": ("Notice pour le ménage (article L311-3-1 du CRPA)", "Notice for the household (CRPA art. L311-3-1)"),
    "hh.notice_download": ("Télécharger la notice (HTML imprimable)", "Download the notice (printable HTML)"),
    # -- CRPA notice -------------------------------------------------------------------------
    "notice.title": ("Information sur l'usage d'un traitement algorithmique",
                     "Information on the use of an algorithmic processing"),
    "notice.legal": ("Article L311-3-1 du code des relations entre le public et l'administration",
                     "Article L311-3-1 of the French code of relations between the public and the administration"),
    "notice.degree_h": ("1. Degré et mode de contribution de l'algorithme", "1. Degree and mode of the algorithm's contribution"),
    "notice.degree": ("Un traitement algorithmique a contribué à ce que le service social de votre secteur "
                      "vous propose un contact. Il estime, pour chaque ménage locataire, la probabilité d'un "
                      "jugement d'expulsion dans les 12 mois et classe les ménages de chaque secteur. Il "
                      "s'agit d'une aide à la décision seulement : il ne prend aucune décision à votre sujet. "
                      "Une travailleuse ou un travailleur social examine votre situation et décide de vous "
                      "contacter ; vous êtes libre d'accepter ou de refuser l'aide proposée.",
                      "An algorithmic processing helped your sector's social service decide to offer you a "
                      "contact. For each tenant household it estimates the probability of an eviction "
                      "judgment within 12 months and ranks the households of each sector. It is decision "
                      "support only: it takes no decision about you. A social worker reviews your situation "
                      "and decides to contact you; you are free to accept or decline the help offered."),
    "notice.data_h": ("2. Données utilisées et leurs sources", "2. Data used and their sources"),
    "notice.data": ("Les données des partenaires de la Ville arrivées au plus tard à la fin du mois {month}, "
                    "rattachées à votre ménage par une clé pseudonyme (vos nom, adresse et coordonnées ne "
                    "sont pas utilisés par le calcul) :",
                    "Data from the City's partners received by the end of {month}, linked to your household "
                    "through a pseudonymous key (your name, address and contact details are not used by the "
                    "computation):"),
    "notice.src_caf": ("CAF : aides au logement, signalements d'impayés, suspensions d'aide, ressources",
                       "CAF: housing allowance, arrears reports, allowance suspensions, income"),
    "notice.src_landlord": ("bailleur social : compte locatif (loyer dû, payé, dette)",
                            "social landlord: rent account (rent due, paid, debt)"),
    "notice.src_no_landlord": ("bailleur : aucune donnée (les bailleurs privés ne transmettent rien)",
                               "landlord: no data (private landlords send nothing)"),
    "notice.src_courts": ("justice (EXPLOC) : étapes d'une éventuelle procédure d'expulsion",
                          "courts (EXPLOC): steps of any eviction procedure"),
    "notice.src_fsl": ("Fonds de solidarité logement : demandes et décisions",
                       "Housing solidarity fund (FSL): applications and decisions"),
    "notice.src_energy": ("fournisseurs d'énergie : factures impayées", "energy suppliers: unpaid bills"),
    "notice.src_social": ("services sociaux de la Ville : contacts", "City social services: contacts"),
    "notice.src_work": ("France Travail : inscriptions comme demandeur d'emploi",
                        "France Travail: unemployment registrations"),
    "notice.src_ref": ("référentiel des ménages : logement, loyer, composition du ménage",
                       "household register: dwelling, rent, household composition"),
    "notice.params_h": ("3. Paramètres appliqués à votre situation et leur poids",
                        "3. Parameters as applied to your situation and their weight"),
    "notice.params": ("Niveau de risque estimé : {band}. Les éléments qui ont le plus compté, du plus au moins "
                      "important (poids relatif entre parenthèses) :",
                      "Estimated risk level: {band}. The elements that counted most, from most to least "
                      "important (relative weight in brackets):"),
    "notice.ops_h": ("4. Opérations effectuées", "4. Operations performed"),
    "notice.ops": ("Les extraits mensuels des partenaires ont été contrôlés puis rattachés sous une clé "
                   "pseudonyme ; des indicateurs ont été calculés avec les seules données connues à la fin "
                   "du mois (par exemple le nombre de mois d'impayés) ; un modèle statistique (arbres de "
                   "décision, version {version}), examiné par le comité d'éthique de la Ville, en a déduit "
                   "une probabilité ; les ménages de chaque secteur ont été classés et les premiers, dans la "
                   "limite de ce que les équipes peuvent accompagner, ont été inscrits sur la liste ; la "
                   "part de chaque élément dans le résultat a été calculée pour l'expliquer.",
                   "The partners' monthly extracts were checked and linked under a pseudonymous key; "
                   "indicators were computed from the data known at the end of the month only (for example "
                   "the number of months in arrears); a statistical model (decision trees, version "
                   "{version}), reviewed by the City's ethics committee, derived a probability; each "
                   "sector's households were ranked and the first ones, within what the teams can follow, "
                   "were put on the list; the share of each element in the result was computed to explain it."),
    "notice.rights_h": ("5. Vos droits", "5. Your rights"),
    "notice.rights": ("Vous pouvez demander au service social de votre secteur une explication de ces "
                      "éléments et la communication des règles du traitement (article R311-3-1-2 du CRPA). "
                      "Vous pouvez accéder à vos données, les faire rectifier ou vous opposer à ce "
                      "traitement auprès du délégué à la protection des données de la Ville de Paris, et "
                      "saisir la CADA ou la CNIL.",
                      "You can ask your sector's social service to explain these elements and to "
                      "communicate the rules of the processing (CRPA art. R311-3-1-2). You can access your "
                      "data, have them corrected or object to this processing with the City of Paris data "
                      "protection officer, and refer the matter to the CADA or the CNIL."),
    # -- exports -----------------------------------------------------------------------------
    "export.title": ("Liste de contact — {sectors} — {month}", "Outreach list — {sectors} — {month}"),
    "export.footer": ("Document de travail interne. Aide à la décision : chaque contact est décidé par un "
                      "travailleur social. Ne pas diffuser.",
                      "Internal working document. Decision support: every contact is decided by a social "
                      "worker. Do not circulate."),
    "export.print": ("Imprimer", "Print"),
    # -- supervisor --------------------------------------------------------------------------
    "cap.intro": ("Charge et suivi par secteur pour la liste en cours (agrégats, sans donnée nominative).",
                  "Load and follow-up per sector for the current list (aggregates, no personal data)."),
    "cap.households": ("Ménages scorés", "Households scored"),
    "cap.listed": ("Sur la liste (capacité)", "Listed (capacity)"),
    "cap.tres_eleve": ("Risque très élevé", "Very high risk"),
    "cap.eleve": ("Risque élevé", "High risk"),
    "cap.followed": ("Suivis", "Followed"),
    "cap.followup_rate": ("Taux de suivi", "Follow-up rate"),
    "cap.contact_rate": ("Taux de contact", "Contact rate"),
    "cap.days_to_contact": ("Délai médian liste → contact (jours)", "Median days list → contact"),
    "cap.uncovered": ("Très élevés hors liste", "Very high not listed"),
    "cap.definitions": ("Suivi : un statut autre que « à contacter » a été saisi. Contact : contacté, aide "
                        "acceptée, aide refusée ou clos. Délai : de la publication de la liste au premier "
                        "statut de contact.",
                        "Followed: a status other than 'to contact' was recorded. Contact: contacted, help "
                        "accepted, help declined or closed. Delay: from the list's publication to the first "
                        "contact status."),
    "cap.chart": ("Taux de suivi par secteur", "Follow-up rate per sector"),
    "cap.totals": ("Ensemble : {listed} ménages sur la liste, {followed} suivis ({rate}).",
                   "Overall: {listed} households listed, {followed} followed ({rate})."),
    # -- committee ---------------------------------------------------------------------------
    "com.intro": ("Le comité examine chaque version du modèle sur des agrégats : aucun nom, aucune adresse "
                  "n'apparaît ici.",
                  "The committee reviews each model version on aggregates: no name or address appears here."),
    "com.versions": ("Versions et statut", "Versions and status"),
    "com.version": ("Version examinée", "Version under review"),
    "com.fairness": ("Synthèse d'équité", "Fairness summary"),
    "com.no_audit": ("Rapport d'audit non encore produit pour cette version.",
                     "Audit report not produced yet for this version."),
    "com.suppressed": ("masqué (effectif trop petit)", "suppressed (group too small)"),
    "com.report": ("Rapport d'audit complet", "Full audit report"),
    "com.report_download": ("Télécharger le rapport d'audit (HTML)", "Download the audit report (HTML)"),
    "com.report_hash": ("Empreinte SHA-256 du rapport : `{sha}`", "Report SHA-256: `{sha}`"),
    "com.report_show": ("Afficher le rapport ici", "Show the report here"),
    "com.decisions": ("Décisions enregistrées", "Recorded decisions"),
    "com.no_decisions": ("Aucune décision pour cette version.", "No decision for this version."),
    "com.form": ("Décision du comité", "Committee decision"),
    "com.decision": ("Décision", "Decision"),
    "com.comment": ("Motivation (obligatoire)", "Reasons (required)"),
    "com.comment_required": ("Motivez la décision avant de l'enregistrer.", "Give the reasons before recording."),
    "com.submit": ("Enregistrer la décision", "Record the decision"),
    "com.saved": ("Décision enregistrée.", "Decision recorded."),
    "com.reject_only": ("Sans rapport d'audit, le comité ne peut que rejeter cette version.",
                        "Without an audit report, the committee can only reject this version."),
    "com.no_versions": ("Aucune version de modèle publiée.", "No model version published."),
    "com.lbl_version": ("version", "version"),
    "com.lbl_status": ("statut", "status"),
    "com.lbl_created": ("créée le", "created on"),
    "com.lbl_as_of": ("données jusqu'à", "data up to"),
    "com.lbl_precision": ("précision@k modèle", "model precision@k"),
    "com.lbl_rule": ("précision@k règle", "rule precision@k"),
    "com.lbl_logistic": ("précision@k logistique", "logistic precision@k"),
    "com.lbl_decided_at": ("date", "date"),
    "com.lbl_decided_by": ("par", "by"),
    "com.lbl_comment": ("motivation", "reasons"),
    # -- data scientist ----------------------------------------------------------------------
    "dq.intro": ("Pour chaque extrait : lignes reçues = chargées + en quarantaine, et taux de rattachement.",
                 "For each extract: rows in = loaded + quarantined, and linkage rate."),
    "dq.source": ("Source", "Source"),
    "dq.all_sources": ("toutes", "all"),
    "dq.per_month": ("Par source et par mois", "Per source and month"),
    "dq.quarantine": ("Quarantaine par motif", "Quarantine by reason"),
    "dq.linkage": ("Taux de rattachement", "Linkage rate"),
    "dq.unbalanced": ("{n} extrait(s) où reçues ≠ chargées + quarantaine.",
                      "{n} extract(s) where rows in ≠ loaded + quarantined."),
    "dq.balanced": ("Chaque ligne reçue est chargée ou en quarantaine.", "Every row received is loaded or quarantined."),
    "dq.empty": ("Aucun contrôle de qualité publié.", "No data-quality figures published."),
    "mdl.drift": ("Dérive des indicateurs (PSI)", "Feature drift (PSI)"),
    "mdl.drift_alerts": ("{n} indicateur(s) en alerte.", "{n} feature(s) in alert."),
    "mdl.evaluation": ("Évaluation : modèle, règle simple et régression logistique",
                       "Evaluation: model, simple rule and logistic regression"),
    "mdl.metric": ("Mesure", "Metric"),
    "mdl.mean": ("Moyenne sur les mois de test", "Mean over the test months"),
    "mdl.energy": ("Énergie par entraînement", "Energy per training run"),
    "mdl.energy_total": ("Total : {kwh} kWh, {co2} kg CO₂e.", "Total: {kwh} kWh, {co2} kg CO₂e."),
    "mdl.empty": ("Rien de publié pour l'instant.", "Nothing published yet."),
    "scorer.model": ("modèle", "model"),
    "scorer.rule": ("règle simple", "simple rule"),
    "scorer.logistic": ("régression logistique", "logistic regression"),
    # -- accounts ----------------------------------------------------------------------------
    "acc.intro": ("Comptes locaux (gérés avec `abri users add|list|disable`).",
                  "Local accounts (managed with `abri users add|list|disable`)."),
    "acc.role": ("Rôle", "Role"),
    "acc.active": ("actif", "active"),
    # -- column labels of the aggregate tables (keyed by the column's name, as in serving.duckdb) --------
    "colname.source": ("source", "source"),
    "colname.extract_month": ("mois de l'extrait", "extract month"),
    "colname.rows_in": ("lignes reçues", "rows in"),
    "colname.rows_loaded": ("lignes chargées", "rows loaded"),
    "colname.rows_quarantined": ("lignes en quarantaine", "rows quarantined"),
    "colname.linkage_rate": ("taux de rattachement", "linkage rate"),
    "colname.column_name": ("colonne", "column"),
    "colname.reason_code": ("motif de quarantaine", "quarantine reason"),
    "colname.cells": ("cellules", "cells"),
    "colname.feature": ("indicateur", "feature"),
    "colname.psi": ("PSI", "PSI"),
    "colname.status": ("statut", "status"),
    "colname.missing_reference": ("manquants (référence)", "missing (reference)"),
    "colname.missing_current": ("manquants (mois en cours)", "missing (current month)"),
    "colname.model_version": ("version du modèle", "model version"),
    "colname.version": ("version", "version"),
    "colname.created_at": ("créée le", "created on"),
    "colname.scorer": ("méthode", "scorer"),
    "colname.n": ("ménages", "households"),
    "colname.positives": ("jugements observés", "judgments observed"),
    "colname.precision_at_k": ("précision@k", "precision@k"),
    "colname.recall_at_k": ("rappel@k", "recall@k"),
    "colname.lift_at_k": ("gain@k", "lift@k"),
    "colname.k": ("k (capacité)", "k (capacity)"),
    "colname.roc_auc": ("ROC AUC", "ROC AUC"),
    "colname.pr_auc": ("PR AUC", "PR AUC"),
    "colname.training_seconds": ("durée d'entraînement (s)", "training time (s)"),
    "colname.energy_kwh": ("énergie (kWh)", "energy (kWh)"),
    "colname.kg_co2e": ("émissions (kg CO₂e)", "emissions (kg CO₂e)"),
    "colname.group": ("groupe", "group"),
    "colname.metric": ("mesure", "metric"),
    "colname.value": ("valeur", "value"),
    "colname.ci_low": ("IC 95 % bas", "95% CI low"),
    "colname.ci_high": ("IC 95 % haut", "95% CI high"),
    "colname.ratio": ("rapport à la référence", "ratio to reference"),
    "colname.verdict": ("verdict", "verdict"),
    "colname.suppressed": ("masqué", "suppressed"),
    # -- timeline indicators -----------------------------------------------------------------
    "tl.month": ("Mois", "Month"),
    "tl.value": ("Valeur", "Value"),
    "tl.indicator": ("Indicateur", "Indicator"),
    # -- impact page -----------------------------------------------------------------------
    "imp.intro": ("Ce que les listes évitent, mesuré par le tirage au sort décidé par le comité : parmi les "
                  "ménages tirés au sort, on compare ceux orientés vers le contact et ceux mis en attente "
                  "(groupe témoin), une fois leurs 12 mois écoulés. Agrégats seulement : aucun nom, aucune clé.",
                  "What the lists prevent, measured by the lottery the committee decided: among the households "
                  "that entered it, those assigned to outreach are compared with those held out, once their 12 "
                  "months have passed. Aggregates only: no name, no key."),
    "imp.design": ("Plan en vigueur", "Design in force"),
    "imp.design_line": ("Plan « {name} » — paramètres : {params}", "Design \"{name}\" — parameters: {params}"),
    "imp.design_none": ("Aucun tirage au sort : les listes prennent les premiers rangs de chaque secteur ; "
                        "l'impact ne peut pas être mesuré.",
                        "No lottery: the lists take the top ranks of each sector; impact cannot be measured."),
    "imp.decisions": ("Décisions du comité sur le plan", "The committee's design decisions"),
    "imp.form": ("Changer de plan (décision du comité)", "Change the design (committee decision)"),
    "imp.form_name": ("Plan", "Design"),
    "imp.form_params": ("Paramètres (JSON, vide = valeurs par défaut)", "Parameters (JSON, empty = defaults)"),
    "imp.form_params_bad": ("Paramètres illisibles : écrivez un objet JSON, par exemple {example}",
                            "Unreadable parameters: write a JSON object, for example {example}"),
    "imp.form_comment": ("Motivation (obligatoire) : qui peut être mis en attente, pourquoi, jusqu'à quand",
                         "Reasons (required): who may be held out, why, until when"),
    "imp.form_submit": ("Enregistrer le plan", "Record the design"),
    "imp.form_saved": ("Plan enregistré : il s'applique au prochain calcul des listes.",
                       "Design recorded: it applies from the next scoring."),
    "imp.no_report": ("Pas encore de rapport d'impact (il est écrit à chaque calcul des listes).",
                      "No impact report yet (it is written at each scoring)."),
    "imp.not_yet": ("Pas encore de ménage tiré au sort dont les 12 mois sont écoulés : l'impact se mesure "
                    "à mesure que les étiquettes mûrissent.",
                    "No randomised household whose 12 months have passed yet: impact is measured as labels "
                    "mature."),
    "imp.headline": ("Jugements évités pour 100 ménages orientés vers le contact (intention de traiter)",
                     "Judgments averted per 100 households assigned to outreach (intention to treat)"),
    "imp.ci": ("intervalle à 95 % : {low} à {high}", "95% interval: {low} to {high}"),
    "imp.contact_rate": ("Taux de contact (groupe orienté)", "Contact rate (outreach arm)"),
    "imp.per_contacted": ("Jugements évités pour 100 ménages effectivement contactés",
                          "Judgments averted per 100 households actually contacted"),
    "imp.counts": ("{n} ménages tirés au sort aux étiquettes mûres ({n_out} orientés, {n_hold} témoins), "
                   "mois de liste {first} à {last}.",
                   "{n} randomised households with matured labels ({n_out} outreach, {n_hold} held out), "
                   "list months {first} to {last}."),
    "imp.by_tier": ("Par palier de risque", "By risk tier"),
    "imp.by_group": ("Par groupe audité", "By audited group"),
    "imp.group_attr": ("Attribut", "Attribute"),
    "imp.axis": ("jugements évités pour 100 ménages (intervalle à 95 %)",
                 "judgments averted per 100 households (95% interval)"),
    "imp.suppressed": ("Masqués (moins de {n} ménages dans un des deux groupes) : {groups}",
                       "Suppressed (fewer than {n} households in one arm): {groups}"),
    "imp.uplift": ("Cibler le risque ou le bénéfice ? (rapport, jamais appliqué sans décision du comité)",
                   "Target risk or benefit? (a report, never applied without the committee's decision)"),
    "imp.uplift_intro": ("À capacité égale (même part des ménages tirés au sort), jugements évités pour 100 "
                         "ménages atteints, selon qu'on choisit les plus à risque ou ceux à qui le contact "
                         "profite le plus (modèle de bénéfice estimé sur le tirage au sort).",
                         "At equal capacity (the same share of randomised households), judgments averted per "
                         "100 households reached, choosing those most at risk or those who benefit most (a "
                         "benefit model fitted on the lottery)."),
    "imp.uplift_none": ("Trop peu de ménages tirés au sort pour estimer un modèle de bénéfice.",
                        "Too few randomised households to fit a benefit model."),
    "imp.risk": ("ciblage par le risque", "risk targeting"),
    "imp.benefit": ("ciblage par le bénéfice", "benefit targeting"),
    "imp.share": ("part {share} %", "share {share}%"),
    "tier.top": ("liste (premiers rangs)", "list (top ranks)"),
    "tier.sure": ("toujours listés", "always listed"),
    "tier.margin": ("autour du seuil de capacité", "around the capacity cut"),
    "tier.t1": ("palier 1", "tier 1"),
    "tier.t2": ("palier 2", "tier 2"),
    "tier.t3": ("palier 3", "tier 3"),
    "tier.t4": ("palier 4", "tier 4"),
    "tl.probability": ("probabilité estimée (%)", "estimated probability (%)"),
    "tl.arrears_months": ("mois d'impayés (bailleur)", "months in arrears (landlord)"),
    "tl.procedure_stage": ("stade de procédure (0-3)", "procedure stage (0-3)"),
    "tl.caf_unpaid_report": ("impayé signalé à la CAF", "arrears reported to the CAF"),
    "tl.housing_allowance_suspended": ("aide au logement suspendue", "housing allowance suspended"),
    "tl.energy_unpaid_12m": ("impayés d'énergie (12 mois)", "unpaid energy bills (12 months)"),
    "tl.social_contacts_3m": ("contacts avec le service social (3 mois)", "social service contacts (3 months)"),
    "tl.income": ("ressources mensuelles (EUR)", "monthly income (EUR)"),
    "tl.unemployment_registrations_12m": ("inscriptions France Travail (12 mois)", "unemployment registrations (12 months)"),
    "tl.fsl_requests_12m": ("demandes FSL (12 mois)", "FSL applications (12 months)"),
}


def current_lang() -> str:
    """The session's language, 'fr' outside a Streamlit session."""
    try:
        import streamlit as st

        lang = st.session_state.get("lang", "fr")
    except Exception:  # no Streamlit session (plain Python): French
        return "fr"
    return lang if lang in LANGS else "fr"


def t(key: str, *, lang: str | None = None, **values: object) -> str:
    """The catalogue's text for `key` in `lang` (default: the session's), formatted with `values`.
    Raises KeyError for a key missing from the catalogue (a test walks every page to catch it)."""
    fr, en = CATALOGUE[key]
    text = en if (lang or current_lang()) == "en" else fr
    return text.format(**values) if values else text
