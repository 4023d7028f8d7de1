"""Catalogue entries of the sign-in hardening and the data protection officer's page (merged
into dashboard/i18n.CATALOGUE; a key defined twice fails at import)."""

SECURITY: dict[str, tuple[str, str]] = {
    "signin.locked": ("Trop de tentatives : réessayez dans {minutes} min.", "Too many attempts: try again in {minutes} min."),
    "signin.ended_disabled": ("Votre compte a été désactivé : votre session est terminée.",
                              "Your account has been disabled: your session has ended."),
    "signin.ended_binding": ("Votre session a été ouverte depuis un autre navigateur : elle est terminée par "
                             "sécurité. Reconnectez-vous.",
                             "Your session was used from another browser: it has been ended for safety. "
                             "Sign in again."),
    "role.dpo": ("délégué à la protection des données", "data protection officer"),
    "section.dpo": ("Protection des données", "Data protection"),
    "page.audit_log": ("Journal des accès", "Access log"),
    "log.intro": ("Chaque consultation et modification de données personnelles, chaque connexion et chaque "
                  "tentative échouée, en ajout seul et chaîné : toute suppression ou modification se voit.",
                  "Every view and change of personal data, every sign-in and failed attempt, append-only and "
                  "hash-chained: any deletion or change shows."),
    "log.verify": ("Vérifier la chaîne", "Verify the chain"),
    "log.chain_ok": ("Chaîne intacte : {n} entrées vérifiées.", "Chain intact: {n} entries verified."),
    "log.chain_broken": ("Le journal a été altéré : {problems}", "The log has been tampered with: {problems}"),
    "log.days": ("Période (jours)", "Period (days)"),
    "log.user": ("Utilisateur", "User"),
    "log.action": ("Action", "Action"),
    "log.household": ("Ménage (début de la clé)", "Household (key prefix)"),
    "log.count": ("{n} entrées", "{n} entries"),
    "log.empty": ("Aucune entrée pour ces critères.", "No entry for these criteria."),
    "colname.at": ("date (UTC)", "date (UTC)"),
    "colname.username": ("utilisateur", "user"),
    "colname.action": ("action", "action"),
    "colname.detail": ("détail", "detail"),
}
