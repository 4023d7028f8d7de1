-- audit_attributes: the protected and audit attributes of each cohort snapshot, keyed like
-- the features but kept apart: they audit the model and are never model features.
-- A plain join on the cohort's own stg_menages row (month and source_row, integers): ingestion
-- keeps one stg_menages row per household and month (a second row with the same id_menage is
-- quarantined as duplicate_key), so there is nothing to aggregate.
-- Snapshot months >= $since.
-- reads: cohort, stg_menages; parameters: $since (DATE)
SELECT c.household_key,
       c.snapshot_month,
       m.sexe,
       CASE WHEN m.age < 25 THEN '18-24'
            WHEN m.age < 40 THEN '25-39'
            WHEN m.age < 60 THEN '40-59'
            WHEN m.age < 75 THEN '60-74'
            WHEN m.age IS NOT NULL THEN '75+' END AS age_band,
       m.nationalite,
       m.handicap,
       m.composition = 'famille_monoparentale' AS famille_monoparentale,
       m.qpv,
       m.statut_occupation AS tenure,
       m.arrondissement
FROM cohort c
JOIN stg_menages m ON m.extract_month = c.snapshot_month AND m.source_row = c.source_row
WHERE c.snapshot_month >= $since
