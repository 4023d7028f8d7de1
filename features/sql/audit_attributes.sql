-- audit_attributes (a view): the protected and audit attributes of each cohort snapshot, keyed
-- like the features but kept apart: they audit the model and are never model features.
-- A plain join on the cohort's own stg_menages row (month and source_row, integers): ingestion
-- keeps one stg_menages row per household and month (a second row with the same id_menage is
-- quarantined as duplicate_key), so there is nothing to aggregate. A view, not a table: its
-- readers take one month at a time, as fast as from a table (0.4-0.8 s for a Paris month), and
-- the panel's build no longer writes 25 M rows of pseudonyms for it (16 s at Paris).
-- reads: cohort, stg_menages
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
